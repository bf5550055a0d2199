from typing import Any

from server.auth.access import OFFICE, me, roles
from server.dashboard import service
from server.dashboard.schemas import DashboardArgs, DashboardOut
from server.openapi import Blueprint

blp = Blueprint("dashboard", __name__, url_prefix="/api/dashboard", description="Painel do escritório")


@blp.get("")
@roles(*OFFICE)
@blp.arguments(DashboardArgs, location="query")
@blp.response(200, DashboardOut)
def get_dashboard(args: dict[str, Any]) -> dict[str, Any]:
    """Open, scheduled, in service, pending, overdue and due-soon counts; today's visits per
    technician; this month's costs by payer; cases opened and closed per week (last 8 weeks)."""
    return service.dashboard(me(), args.get("store_id"))
