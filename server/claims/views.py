from typing import Any

from flask import Response

from server.auth.access import OFFICE, get_visible, me, roles
from server.cases.models import ServiceCase
from server.claims import board as claims_board
from server.claims import dossier, service
from server.claims.models import Claim, ClaimItem
from server.claims.schemas import (
    AnswersIn,
    BoardArgs,
    BoardOut,
    ClaimIn,
    ClaimListArgs,
    ClaimOut,
    ClaimPage,
    ClaimUpdate,
    CreditIn,
    DossierEmailIn,
    MoveIn,
    PhoneClaimItemOut,
    ShipmentIn,
    ShipmentOut,
)
from server.common.pagination import Page
from server.documents.schemas import EmailOut
from server.documents.views import PDF
from server.extensions import db
from server.openapi import Blueprint

blp = Blueprint("claims", __name__, url_prefix="/api", description="Reclamações à fábrica")


def _saved(user_claim_id: int) -> Claim:
    db.session.commit()
    return service.load_claim(me(), user_claim_id)


@blp.get("/claims")
@roles(*OFFICE)
@blp.arguments(ClaimListArgs, location="query")
@blp.response(200, ClaimPage)
def list_claims(args: dict[str, Any]) -> Page[Claim]:
    """Newest first, a page at a time (`next_cursor`)."""
    return service.list_claims(me(), args)


@blp.post("/claims")
@roles(*OFFICE)
@blp.arguments(ClaimIn)
@blp.response(201, ClaimOut)
def create_claim(data: dict[str, Any]) -> Claim:
    """A draft claim of factory-paid items of one factory (from one or several cases)."""
    return _saved(service.create_claim(me(), data).id)


@blp.get("/claims/board")
@roles(*OFFICE)
@blp.arguments(BoardArgs, location="query")
@blp.response(200, BoardOut)
def get_board(args: dict[str, Any]) -> dict[str, Any]:
    """Per factory: open claims, oldest waiting, mean days to answer, acceptance rate, money."""
    return claims_board.board(me(), args.get("store_id"))


@blp.get("/claims/<int:claim_id>")
@roles(*OFFICE)
@blp.response(200, ClaimOut)
def get_claim(claim_id: int) -> Claim:
    return service.load_claim(me(), claim_id)


@blp.patch("/claims/<int:claim_id>")
@roles(*OFFICE)
@blp.arguments(ClaimUpdate)
@blp.response(200, ClaimOut)
def update_claim(data: dict[str, Any], claim_id: int) -> Claim:
    """Notes and the factory's reference any time; the items while a draft."""
    return _saved(service.update_claim(me(), service.load_claim(me(), claim_id), data).id)


@blp.post("/claims/<int:claim_id>/moves")
@roles(*OFFICE)
@blp.arguments(MoveIn)
@blp.response(200, ClaimOut)
def move_claim(data: dict[str, Any], claim_id: int) -> Claim:
    """Move the claim along its flow (see `allowed_moves`); written on each case's timeline."""
    return _saved(service.move(me(), service.load_claim(me(), claim_id), data).id)


@blp.post("/claims/<int:claim_id>/answers")
@roles(*OFFICE)
@blp.arguments(AnswersIn)
@blp.response(200, ClaimOut)
def answer_claim(data: dict[str, Any], claim_id: int) -> Claim:
    """The factory's answer per item: accepted quantity and amount, or refused with a reason."""
    return _saved(service.answer(me(), service.load_claim(me(), claim_id), data).id)


@blp.post("/claims/<int:claim_id>/credits")
@roles(*OFFICE)
@blp.arguments(CreditIn)
@blp.response(201, ClaimOut)
def add_credit(data: dict[str, Any], claim_id: int) -> Claim:
    return _saved(service.add_credit(me(), service.load_claim(me(), claim_id), data).id)


@blp.delete("/claims/<int:claim_id>/credits/<int:credit_id>")
@roles(*OFFICE)
@blp.response(200, ClaimOut)
def remove_credit(claim_id: int, credit_id: int) -> Claim:
    """A credit recorded by mistake."""
    return _saved(service.remove_credit(me(), service.load_claim(me(), claim_id), credit_id).id)


@blp.post("/claims/<int:claim_id>/shipments")
@roles(*OFFICE)
@blp.arguments(ShipmentIn)
@blp.response(200, ShipmentOut)
def ship_parts(data: dict[str, Any], claim_id: int) -> dict[str, Any]:
    """The factory sent these accepted parts: their parts orders are marked, and a delivery visit
    per case is suggested (the office creates it through the case's appointments)."""
    result = service.ship(me(), service.load_claim(me(), claim_id), data)
    result["claim"] = _saved(claim_id)
    return result


@blp.get("/claims/<int:claim_id>/dossier.pdf")
@roles(*OFFICE)
@blp.response(200, description="The dossier")
@blp.doc(responses=PDF)
def get_dossier(claim_id: int) -> Response:
    """The dossier (kind factory_claim) from the store's default layout."""
    pdf, filename = dossier.render(me(), service.load_claim(me(), claim_id))
    db.session.commit()  # a layout made on first use
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'})


@blp.post("/claims/<int:claim_id>/dossier/email")
@roles(*OFFICE)
@blp.arguments(DossierEmailIn)
@blp.response(202, EmailOut)
def email_dossier(data: dict[str, Any], claim_id: int) -> Any:
    """Queue the dossier to the factory's claim addresses (the same e-mail job as case documents)."""
    return dossier.queue(me(), service.load_claim(me(), claim_id), data)


@blp.get("/cases/<int:case_id>/claims")
@blp.response(200, PhoneClaimItemOut(many=True))
def case_claims(case_id: int) -> list[ClaimItem]:
    """Which of the case's items are under claim, and the claim's status (read-only for all)."""
    return service.case_claim_items(get_visible(ServiceCase, case_id, me(), "Assistência não encontrada."))
