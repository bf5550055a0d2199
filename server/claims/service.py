"""Claims to the factory (reclamações): factory-paid items claimed, the factory's answer, the
credits that come back. Services flush; the view commits.

Every status move, answer, credit and shipment is written on the timeline of each case the claim
covers. A claim's items are touched on every change so that phones, which hold them read-only,
get the claim's new status with their next pull.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from server.auth.access import visible
from server.auth.models import User
from server.cases.models import FINISHED, ServiceCase
from server.cases.progress import record_event
from server.catalogs.models import CatalogEntry, CatalogKind
from server.claims import totals
from server.claims.models import (
    ANSWERS,
    CREDIT_FORM_LABELS,
    CREDITABLE,
    MOVES,
    OPEN,
    STATUS_LABELS,
    ZERO,
    Claim,
    ClaimCredit,
    ClaimItem,
    ClaimStatus,
    CreditForm,
    ItemAnswer,
)
from server.common.pagination import Page, paginate
from server.common.text import fold
from server.database import among, bump_store_version, soft_delete, utcnow
from server.documents import data as docdata
from server.documents.data import money
from server.errors import Conflict, NotFound, ValidationFailed
from server.extensions import db
from server.occurrences.models import OccurrenceItem, Payer
from server.orders.models import OrderStatus, PartsOrder
from server.stores.models import Store
from server.suppliers.models import Supplier

PREFIX = "RF"  # Reclamação à Fábrica
ITEM_LOAD = (selectinload(ClaimItem.occurrence_item), selectinload(ClaimItem.case))


def with_parts(claims: list[Claim]) -> list[Claim]:
    """The claims with their items (and the items' occurrence items and cases) and credits, each
    read in one statement through its claim_id index, whatever the number of claims.

    A selectinload of these relationships (they leave out removed rows) would join back to the
    claims, and PostgreSQL may then hash every credit of the store's history."""
    ids = [claim.id for claim in claims]
    items: dict[int, list[ClaimItem]] = defaultdict(list)
    credits: dict[int, list[ClaimCredit]] = defaultdict(list)
    if ids:
        for item in db.session.scalars(
            select(ClaimItem)
            .where(ClaimItem.claim_id.in_(ids), ClaimItem.deleted_at.is_(None))
            .options(*ITEM_LOAD)
            .order_by(ClaimItem.id)
            .execution_options(populate_existing=True)
        ):
            items[item.claim_id].append(item)
        for credit in db.session.scalars(
            select(ClaimCredit)
            .where(ClaimCredit.claim_id.in_(ids), ClaimCredit.deleted_at.is_(None))
            .order_by(ClaimCredit.received_on, ClaimCredit.id)
            .execution_options(populate_existing=True)
        ):
            credits[credit.claim_id].append(credit)
    for claim in claims:
        set_committed_value(claim, "items", items[claim.id])
        set_committed_value(claim, "credits", credits[claim.id])
    return claims


def load_claim(user: User, claim_id: int) -> Claim:
    claim = db.session.scalar(
        visible(Claim, user)
        .where(Claim.id == claim_id)
        .options(selectinload(Claim.supplier))
        .execution_options(populate_existing=True)
    )
    if claim is None:
        raise NotFound("Reclamação não encontrada.")
    return with_parts([claim])[0]


def list_claims(user: User, args: dict[str, Any]) -> Page[Claim]:
    """Newest first, a page at a time."""
    stmt = visible(Claim, user).options(selectinload(Claim.supplier))
    if args.get("store_id") is not None:
        stmt = stmt.where(Claim.store_id == args["store_id"])
    if args.get("supplier_id") is not None:
        stmt = stmt.where(Claim.supplier_id == args["supplier_id"])
    if args.get("status"):
        stmt = stmt.where(Claim.status == args["status"])
    if args.get("open"):
        stmt = stmt.where(among(Claim.status, OPEN))  # the statuses themselves: ix_claims_store_status
    if args.get("case_id") is not None:
        covered = select(ClaimItem.claim_id).where(ClaimItem.case_id == args["case_id"], ClaimItem.deleted_at.is_(None))
        stmt = stmt.where(Claim.id.in_(covered))
    return paginate(
        stmt,
        [Claim.id],
        lambda claim: (claim.id,),
        cursor=args.get("cursor"),
        limit=args.get("limit"),
        descending=True,
        rows_of=lambda page: with_parts(list(db.session.scalars(page))),
    )


def case_claim_items(case: ServiceCase) -> list[ClaimItem]:
    """The case's claimed items with their claim: what a technician may see of claims."""
    return list(
        db.session.scalars(
            select(ClaimItem)
            .where(ClaimItem.case_id == case.id, ClaimItem.deleted_at.is_(None))
            .options(selectinload(ClaimItem.claim).selectinload(Claim.supplier))
            .order_by(ClaimItem.id)
        )
    )


def _next_number(store_id: int, year: int) -> str:
    """RF-2026-00001: gap-free per store and year (the caller holds the store's lock)."""
    prefix = f"{PREFIX}-{year}-"
    last = db.session.scalar(
        select(func.max(Claim.number)).where(Claim.store_id == store_id, Claim.number.like(f"{prefix}%"))
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def _factory(user: User, supplier_id: int) -> Supplier:
    supplier = db.session.scalar(visible(Supplier, user).where(Supplier.id == supplier_id))
    if supplier is None:
        raise ValidationFailed({"supplier_id": ["Fornecedor não encontrado."]})
    return supplier


def _label(item: OccurrenceItem) -> str:
    return f"“{item.code + ' — ' if item.code else ''}{item.description}”"


def _claimed_elsewhere(item_ids: list[uuid.UUID], claim_id: int | None) -> dict[uuid.UUID, str]:
    """Items already in another claim that is not closed: item id -> that claim's number."""
    if not item_ids:
        return {}
    stmt = (
        select(ClaimItem.occurrence_item_id, Claim.number)
        .join(Claim, Claim.id == ClaimItem.claim_id)
        .where(
            ClaimItem.occurrence_item_id.in_(item_ids),
            ClaimItem.deleted_at.is_(None),
            Claim.deleted_at.is_(None),
            Claim.status != ClaimStatus.CLOSED.value,
        )
    )
    if claim_id is not None:
        stmt = stmt.where(Claim.id != claim_id)
    return {row[0]: row[1] for row in db.session.execute(stmt)}


def _items(supplier: Supplier, entries: list[dict[str, Any]], claim_id: int | None = None) -> list[ClaimItem]:
    """Claim items from the request, each a factory-paid item of this factory; every bad entry is
    named with a message the office can act on."""
    ids = [entry["occurrence_item_id"] for entry in entries]
    found = {
        item.id: item
        for item in db.session.scalars(
            select(OccurrenceItem)
            .where(
                OccurrenceItem.id.in_(ids),
                OccurrenceItem.store_id == supplier.store_id,
                OccurrenceItem.deleted_at.is_(None),
            )
            .options(selectinload(OccurrenceItem.occurrence))
        )
    }
    elsewhere = _claimed_elsewhere(list(found), claim_id)
    errors: dict[str, list[str]] = {}
    seen: set[uuid.UUID] = set()
    result = []
    for index, entry in enumerate(entries):
        field = f"items.{index}.occurrence_item_id"
        item = found.get(entry["occurrence_item_id"])
        occurrence = item.occurrence if item is not None else None
        if item is None or occurrence is None or occurrence.deleted_at is not None:
            errors[field] = ["Item de ocorrência não encontrado."]
        elif item.id in seen:
            errors[field] = [f"{_label(item)} está repetido nesta reclamação."]
        elif occurrence.payer != Payer.FACTORY.value:
            errors[field] = [
                f"{_label(item)} é de uma ocorrência “{occurrence.payer_label}”: "
                "só itens pagos pela fábrica entram numa reclamação."
            ]
        elif item.supplier_id != supplier.id:
            other = item.supplier or "sem fornecedor definido"
            errors[field] = [f"{_label(item)} é de outro fornecedor ({other}): esta reclamação é para {supplier.name}."]
        elif item.id in elsewhere:
            errors[field] = [f"{_label(item)} já está na reclamação {elsewhere[item.id]}."]
        elif entry.get("quantity") is not None and entry["quantity"] > item.quantity:
            errors[f"items.{index}.quantity"] = [
                f"A quantidade reclamada passa da do item ({docdata.quantity(item.quantity)})."
            ]
        else:
            seen.add(item.id)
            amount = entry.get("amount")
            if amount is None:
                amount = item.total if item.total is not None else ZERO
            result.append(
                ClaimItem(
                    store_id=supplier.store_id,
                    occurrence_item_id=item.id,
                    occurrence_id=occurrence.id,
                    case_id=occurrence.case_id,
                    outcome=entry["outcome"],
                    quantity=entry.get("quantity") or item.quantity,
                    amount=amount,
                    answer=ItemAnswer.PENDING.value,
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return result


def _cases(claim: Claim, items: list[ClaimItem] | None = None) -> list[ServiceCase]:
    ids = sorted({item.case_id for item in (items if items is not None else claim.items)})
    return list(db.session.scalars(select(ServiceCase).where(ServiceCase.id.in_(ids)).order_by(ServiceCase.id)))


def _log(claim: Claim, actor: User, kind: str, changes: dict[str, Any], note: str, cases: list[ServiceCase]) -> None:
    base = {"claim_id": claim.id, "number": claim.number, "supplier": claim.supplier.name}
    for case in cases:
        record_event(
            case, actor, kind, {**base, **changes}, f"Reclamação {claim.number} ({claim.supplier.name}): {note}"[:500]
        )


def _touch(claim: Claim) -> None:
    now = utcnow()
    claim.updated_at = now
    for item in claim.items:
        item.updated_at = now


def create_claim(user: User, data: dict[str, Any]) -> Claim:
    supplier = _factory(user, data["supplier_id"])
    bump_store_version(db.session, supplier.store_id)
    items = _items(supplier, data["items"])
    claim = Claim(
        store_id=supplier.store_id,
        number=_next_number(supplier.store_id, utcnow().year),
        supplier_id=supplier.id,
        status=ClaimStatus.DRAFT.value,
        factory_reference=data.get("factory_reference"),
        notes=data.get("notes"),
        created_by_id=user.id,
        email_ids=[],
    )
    claim.supplier = supplier
    db.session.add(claim)
    db.session.flush()
    for item in items:
        item.claim_id = claim.id
    db.session.add_all(items)
    db.session.flush()
    total = sum((item.amount for item in items), ZERO)
    _log(
        claim,
        user,
        "claim_created",
        {"items": len(items)},
        f"aberta com {len(items)} item(ns), {money(total)}.",
        _cases(claim, items),
    )
    return claim


def update_claim(user: User, claim: Claim, data: dict[str, Any]) -> Claim:
    bump_store_version(db.session, claim.store_id)
    if "items" in data:
        if claim.status != ClaimStatus.DRAFT.value:
            raise Conflict(
                f"A reclamação {claim.number} já foi enviada: os itens não mudam mais.", slug="claim-not-draft"
            )
        new = _items(claim.supplier, data["items"], claim.id)
        current = {item.occurrence_item_id: item for item in claim.items}
        for item in new:
            kept = current.pop(item.occurrence_item_id, None)
            if kept is not None:
                kept.outcome, kept.quantity, kept.amount = item.outcome, item.quantity, item.amount
            else:
                item.claim_id = claim.id
                db.session.add(item)
        for gone in current.values():
            soft_delete(gone)
    for key in ("factory_reference", "notes"):
        if key in data:
            setattr(claim, key, data[key])
    _touch(claim)
    db.session.flush()
    return claim


def _verdict(claim: Claim) -> ClaimStatus | None:
    """What the items' answers say the claim is: None while an item awaits its answer."""
    answers = [item.answer for item in claim.items]
    if not answers or ItemAnswer.PENDING.value in answers:
        return None
    if all(a == ItemAnswer.REFUSED.value for a in answers):
        return ClaimStatus.REFUSED
    full = all(
        item.answer == ItemAnswer.ACCEPTED.value
        and item.accepted_amount == item.amount
        and item.accepted_quantity == item.quantity
        for item in claim.items
    )
    return ClaimStatus.ACCEPTED if full else ClaimStatus.PARTIALLY_ACCEPTED


def move(user: User, claim: Claim, data: dict[str, Any]) -> Claim:
    bump_store_version(db.session, claim.store_id)
    db.session.refresh(claim, ["status"])
    current, target = ClaimStatus(claim.status), ClaimStatus(data["status"])
    if target not in MOVES[current]:
        raise Conflict(
            f"Não é possível mudar a reclamação {claim.number} de {STATUS_LABELS[current]} "
            f"para {STATUS_LABELS[target]}.",
            slug="invalid-transition",
        )
    now = utcnow()
    if target in ANSWERS:
        verdict = _verdict(claim)
        if verdict is None:
            waiting = sum(1 for item in claim.items if item.answer == ItemAnswer.PENDING.value)
            raise Conflict(
                f"Registre a resposta da fábrica para cada item antes ({waiting} aguardando).", slug="answers-missing"
            )
        if verdict != target:
            raise Conflict(
                f"Pelas respostas dos itens, a reclamação está “{STATUS_LABELS[verdict]}”.", slug="answers-disagree"
            )
        claim.answered_at = claim.answered_at or now
    if target == ClaimStatus.SENT:
        claim.sent_at = claim.sent_at or now
    if target == ClaimStatus.CREDITED and not claim.credits:
        raise Conflict("Registre o crédito recebido antes de marcar a reclamação como creditada.", slug="no-credit")
    if target == ClaimStatus.CLOSED:
        claim.closed_at = now
    if data.get("factory_reference"):
        claim.factory_reference = data["factory_reference"]
    claim.status = target.value
    if target == ClaimStatus.CLOSED:
        totals.add_closed(claim)
    _touch(claim)
    note = f"{STATUS_LABELS[current]} → {STATUS_LABELS[target]}."
    if claim.factory_reference:
        note += f" Referência da fábrica: {claim.factory_reference}."
    if data.get("note"):
        note += f" {data['note']}"
    changes = {"status": {"from": current.value, "to": target.value}, "factory_reference": claim.factory_reference}
    _log(claim, user, "claim_status", changes, note, _cases(claim))
    db.session.flush()
    return claim


ANSWERABLE = (
    ClaimStatus.SENT.value,
    ClaimStatus.IN_REVIEW.value,
    ClaimStatus.ACCEPTED.value,
    ClaimStatus.PARTIALLY_ACCEPTED.value,
    ClaimStatus.REFUSED.value,
)


def answer(user: User, claim: Claim, data: dict[str, Any]) -> Claim:
    """Record the factory's answer per item: accepted (quantity and amount, at most what was
    claimed) or refused with its reason."""
    bump_store_version(db.session, claim.store_id)
    if claim.status not in ANSWERABLE:
        raise Conflict(
            f"A reclamação {claim.number} está “{claim.status_label}”: a resposta da fábrica é registrada "
            "depois do envio.",
            slug="claim-not-sent",
        )
    items = {item.id: item for item in claim.items}
    errors: dict[str, list[str]] = {}
    notes = []
    for index, entry in enumerate(data["items"]):
        item = items.get(entry["id"])
        if item is None:
            errors[f"items.{index}.id"] = ["Item não encontrado nesta reclamação."]
            continue
        if entry["accepted"]:
            quantity = entry.get("accepted_quantity", item.quantity)
            amount = entry.get("accepted_amount", item.amount)
            if quantity > item.quantity:
                errors[f"items.{index}.accepted_quantity"] = ["A quantidade aceita não pode passar da reclamada."]
            if amount > item.amount:
                errors[f"items.{index}.accepted_amount"] = [
                    f"O valor aceito não pode passar do reclamado ({money(item.amount)})."
                ]
            item.answer, item.accepted_quantity, item.accepted_amount = ItemAnswer.ACCEPTED.value, quantity, amount
            item.refusal_reason = None
            notes.append(f"{item.occurrence_item.code or item.occurrence_item.description}: aceito {money(amount)}")
        else:
            if not entry.get("refusal_reason"):
                errors[f"items.{index}.refusal_reason"] = ["Informe o motivo da recusa."]
            item.answer, item.accepted_quantity, item.accepted_amount = ItemAnswer.REFUSED.value, None, None
            item.refusal_reason = entry.get("refusal_reason")
            notes.append(f"{item.occurrence_item.code or item.occurrence_item.description}: recusado")
    if errors:
        raise ValidationFailed(errors)
    _touch(claim)
    _log(
        claim,
        user,
        "claim_answer",
        {"items": len(data["items"])},
        "resposta da fábrica — " + "; ".join(notes),
        _cases(claim),
    )
    db.session.flush()
    return claim


def add_credit(user: User, claim: Claim, data: dict[str, Any]) -> Claim:
    bump_store_version(db.session, claim.store_id)
    if claim.status not in CREDITABLE:
        raise Conflict(
            f"A reclamação {claim.number} está “{claim.status_label}”: "
            "créditos são registrados depois que a fábrica aceita.",
            slug="claim-not-accepted",
        )
    credit = ClaimCredit(store_id=claim.store_id, claim_id=claim.id, created_by_id=user.id, **data)
    db.session.add(credit)
    _touch(claim)
    label = CreditForm(data["form"])
    _log(
        claim,
        user,
        "claim_credit",
        {"amount": str(data["amount"]), "form": label.value},
        f"crédito recebido {money(data['amount'])} ({CREDIT_FORM_LABELS[label]}).",
        _cases(claim),
    )
    db.session.flush()
    db.session.expire(claim, ["credits"])
    return claim


def remove_credit(user: User, claim: Claim, credit_id: int) -> Claim:
    bump_store_version(db.session, claim.store_id)
    credit = next((c for c in claim.credits if c.id == credit_id), None)
    if credit is None:
        raise NotFound("Crédito não encontrado.")
    if claim.status == ClaimStatus.CLOSED.value:  # its part of the factory's totals changes
        totals.add_closed(claim, -1)
        totals.add_closed(claim, received=claim.received - credit.amount)
    soft_delete(credit)
    _touch(claim)
    _log(
        claim,
        user,
        "claim_credit_removed",
        {"amount": str(credit.amount)},
        f"crédito de {money(credit.amount)} removido.",
        _cases(claim),
    )
    db.session.flush()
    db.session.expire(claim, ["credits"])
    return claim


VISIT_NAME = "Entrega/instalação de peças"


def _visit_type(store_id: int) -> int | None:
    """The store's appointment type for delivering parts: named so, else one named "Entrega…"."""

    entries = db.session.scalars(
        select(CatalogEntry)
        .where(
            CatalogEntry.store_id == store_id,
            CatalogEntry.kind == CatalogKind.APPOINTMENT_TYPES.value,
            CatalogEntry.deleted_at.is_(None),
            CatalogEntry.active.is_(True),
        )
        .order_by(CatalogEntry.position, CatalogEntry.id)
    ).all()
    for wanted in (fold(VISIT_NAME), "entrega"):
        for entry in entries:
            if fold(entry.name).startswith(wanted):
                return entry.id
    return None


def ship(user: User, claim: Claim, data: dict[str, Any]) -> dict[str, Any]:
    """The factory sent these accepted items: each is marked, the parts orders holding them are
    marked sent by the factory, and a parts delivery visit is suggested per case."""
    bump_store_version(db.session, claim.store_id)
    if claim.status not in CREDITABLE:
        raise Conflict(
            f"A reclamação {claim.number} está “{claim.status_label}”: peças são enviadas depois que a fábrica aceita.",
            slug="claim-not-accepted",
        )
    items = {item.id: item for item in claim.items}
    errors: dict[str, list[str]] = {}
    shipped = []
    for index, item_id in enumerate(data["item_ids"]):
        item = items.get(item_id)
        if item is None:
            errors[f"item_ids.{index}"] = ["Item não encontrado nesta reclamação."]
        elif item.answer != ItemAnswer.ACCEPTED.value:
            errors[f"item_ids.{index}"] = [f"{_label(item.occurrence_item)} não foi aceito pela fábrica."]
        else:
            shipped.append(item)
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    tz_date = docdata.day(now, ZoneInfo(db.session.get_one(Store, claim.store_id).timezone))
    order_ids = {item.occurrence_item.order_id for item in shipped if item.occurrence_item.order_id is not None}
    orders = list(db.session.scalars(select(PartsOrder).where(PartsOrder.id.in_(order_ids)).order_by(PartsOrder.id)))
    marked = []
    for order in orders:
        if order.status in (OrderStatus.CANCELLED.value, OrderStatus.RECEIVED.value):
            continue
        if order.status == OrderStatus.DRAFT.value:
            order.status, order.sent_at = OrderStatus.SENT.value, now
        mark = f"Peças enviadas pela fábrica em {tz_date} (reclamação {claim.number})."
        order.notes = (f"{order.notes}\n{mark}" if order.notes else mark)[:1000]
        marked.append(order.number)
    for item in shipped:
        item.shipped_at = item.shipped_at or now
    if data.get("factory_reference"):
        claim.factory_reference = data["factory_reference"]
    previous = ClaimStatus(claim.status)
    if ClaimStatus.PARTS_SHIPPED in MOVES[previous]:
        claim.status = ClaimStatus.PARTS_SHIPPED.value
    _touch(claim)
    codes = [item.occurrence_item.code or item.occurrence_item.description for item in shipped]
    note = f"peças enviadas pela fábrica: {', '.join(codes)}."
    if marked:
        note += f" Pedido(s) {', '.join(marked)} marcado(s)."
    if previous.value != claim.status:
        note += f" {STATUS_LABELS[previous]} → {STATUS_LABELS[ClaimStatus(claim.status)]}."
    changes = {"items": [item.id for item in shipped], "orders": marked, "status": claim.status}
    cases = _cases(claim, shipped)
    _log(claim, user, "claim_parts_shipped", changes, note, cases)
    db.session.flush()
    suggestions = [
        {
            "case_id": case.id,
            "case_number": case.number,
            "appointment_type_id": _visit_type(case.store_id),
            "subject": VISIT_NAME,
            "notes": f"Peças enviadas pela fábrica {claim.supplier.name} (reclamação {claim.number}): "
            + ", ".join(
                item.occurrence_item.code or item.occurrence_item.description
                for item in shipped
                if item.case_id == case.id
            ),
        }
        for case in cases
        if case.status not in FINISHED
    ]
    return {"claim": claim, "orders_marked": marked, "visit_suggestions": suggestions}
