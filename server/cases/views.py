from typing import Any

from server.auth.access import OFFICE, me, roles
from server.cases import service
from server.cases.models import CaseEvent, ServiceCase
from server.cases.schemas import CancelIn, CaseEventOut, CaseIn, CaseListArgs, CaseOut, CasePage, CaseUpdate
from server.common.pagination import Page
from server.common.schemas import patch
from server.openapi import Blueprint

blp = Blueprint("cases", __name__, url_prefix="/api/cases", description="Assistências")


@blp.get("")
@blp.arguments(CaseListArgs, location="query")
@blp.response(200, CasePage)
def list_cases(args: dict[str, Any]) -> Page[ServiceCase]:
    """Cases newest first (or by deadline); technicians see only their own."""
    return service.list_cases(me(), args)


@blp.post("")
@roles(*OFFICE)
@blp.arguments(CaseIn)
@blp.response(201, CaseOut)
def open_case(data: dict[str, Any]) -> ServiceCase:
    """Open a case: number AT-<year>-<seq>, deadline = opened_at + the store's repair deadline."""
    return service.open_case(data, me())


@blp.get("/<int:case_id>")
@blp.response(200, CaseOut)
def get_case(case_id: int) -> ServiceCase:
    return service.load_case(me(), case_id)


@blp.patch("/<int:case_id>")
@roles(*OFFICE)
@blp.arguments(patch(CaseUpdate))
@blp.response(200, CaseOut)
def update_case(data: dict[str, Any], case_id: int) -> ServiceCase:
    """Edit a case; changing `status` by hand needs `status_reason` and follows the status flow."""
    return service.update_case(service.load_case(me(), case_id), data, me())


@blp.post("/<int:case_id>/cancel")
@roles(*OFFICE)
@blp.arguments(CancelIn)
@blp.response(200, CaseOut)
def cancel_case(data: dict[str, Any], case_id: int) -> ServiceCase:
    return service.cancel_case(service.load_case(me(), case_id), data["reason"], me())


@blp.get("/<int:case_id>/timeline")
@blp.response(200, CaseEventOut(many=True))
def case_timeline(case_id: int) -> list[CaseEvent]:
    """Every change to the case, oldest first."""
    return service.timeline(service.load_case(me(), case_id))
