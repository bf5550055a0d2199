"""Occurrences and their items: what a visit found, who pays, what must be done or bought.

A phone may generate the ids, so creating twice with the same id and body is one record (the
retry of a request whose answer was lost); the same id with another body is a conflict.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.appointments.models import Appointment
from server.attachments.service import link_attachment
from server.auth.access import visible
from server.auth.models import Role, User
from server.cases.models import FINISHED, ServiceCase
from server.cases.progress import follow_work, record_event
from server.catalogs.models import CatalogEntry, CatalogKind
from server.catalogs.service import check_entries
from server.contracts.items import fill_from_contract_item
from server.database import bump_store_version, soft_delete
from server.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.extensions import db
from server.occurrences.access import visible_occurrences
from server.occurrences.models import Occurrence, OccurrenceItem
from server.suppliers.service import supplier_named, supplier_of

LOAD = (
    selectinload(Occurrence.case),
    selectinload(Occurrence.store),
    selectinload(Occurrence.author),
    selectinload(Occurrence.responsible),
    selectinload(Occurrence.occurrence_type),
    selectinload(Occurrence.status),
    selectinload(Occurrence.room),
    selectinload(Occurrence.product_line),
    selectinload(Occurrence.items),
    selectinload(Occurrence.attachments),
)


def load_occurrence(user: User, occurrence_id: uuid.UUID) -> Occurrence:
    occurrence: Occurrence | None = db.session.scalar(
        visible_occurrences(user).where(Occurrence.id == occurrence_id).options(*LOAD)
    )
    if occurrence is None:
        raise NotFound("Ocorrência não encontrada.")
    return occurrence


def list_occurrences(case: ServiceCase) -> list[Occurrence]:
    stmt = (
        select(Occurrence)
        .where(Occurrence.case_id == case.id, Occurrence.deleted_at.is_(None))
        .options(*LOAD)
        .order_by(Occurrence.created_at, Occurrence.id)
    )
    return list(db.session.scalars(stmt))


def _fingerprint(data: dict[str, Any]) -> str:
    """The create request in a canonical form, to tell a retry from a different record."""
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_open(case: ServiceCase) -> None:
    if case.status in FINISHED:
        raise Conflict(
            "A assistência está finalizada ou cancelada: reabra-a para registrar ocorrências.", slug="case-finished"
        )


def _check_author(occurrence: Occurrence, actor: User) -> None:
    if actor.role == Role.TECHNICIAN and occurrence.author_id != actor.id:
        raise Forbidden("Só o autor da ocorrência (ou o escritório) pode alterá-la.")


def _check_responsible(store_id: int, user_id: int | None) -> None:
    if user_id is None:
        return
    user = db.session.get(User, user_id)
    if user is None or not user.active or store_id not in user.store_ids:
        raise ValidationFailed({"responsible_id": ["Usuário não encontrado nesta loja."]})


def _validate(store_id: int, data: dict[str, Any], resolved: bool | None, reason: str | None) -> None:
    check_entries(
        store_id,
        {
            field: (kind, data.get(field))
            for field, kind in (
                ("occurrence_type_id", CatalogKind.OCCURRENCE_TYPES),
                ("status_id", CatalogKind.OCCURRENCE_STATUSES),
                ("room_id", CatalogKind.ROOMS),
                ("product_line_id", CatalogKind.PRODUCT_LINES),
            )
            if field in data
        },
    )
    _check_responsible(store_id, data.get("responsible_id"))
    # Undecided (None) needs no reason: an occurrence the office files before any visit.
    if resolved is False and not reason:
        raise ValidationFailed({"unresolved_reason": ["Informe por que a ocorrência não foi resolvida."]})


def _plain(value: Any) -> Any:
    """A value as the timeline's JSON keeps it (dates, decimals and ids as text)."""
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def _apply(record: Occurrence | OccurrenceItem, data: dict[str, Any]) -> dict[str, Any]:
    """Set the fields and return what changed, as {field: {from, to}}."""
    changes = {}
    for key, value in data.items():
        if getattr(record, key) != value:
            changes[key] = {"from": _plain(getattr(record, key)), "to": _plain(value)}
            setattr(record, key, value)
    return changes


_FIELD_NAMES = {
    "occurrence_type_id": "tipo",
    "payer": "modalidade",
    "room_id": "ambiente",
    "product_line_id": "linha",
    "status_id": "situação",
    "supplier_order_number": "pedido do fornecedor",
    "expected_fix_date": "previsão",
    "report": "relato",
    "resolved": "resolvido",
    "unresolved_reason": "motivo",
    "responsible_id": "responsável",
    "description": "descrição",
    "code": "código",
    "quantity": "quantidade",
    "unit": "unidade",
    "action": "ação",
    "supplier": "fornecedor",
    "unit_cost": "custo",
}


def _title(occurrence: Occurrence) -> str:
    """ "Defeito de fabricação (Paga pela Fábrica)": which occurrence, for the timeline's notes."""
    kind = db.session.get(CatalogEntry, occurrence.occurrence_type_id)
    return f"{kind.name if kind else 'Ocorrência'} ({occurrence.payer_label})"


def _note(occurrence: Occurrence, kind: str, changes: dict[str, Any]) -> str:
    """The timeline's pt-BR line for an occurrence event: which one and what changed."""
    title = _title(occurrence)
    item = changes.get("item")
    named = [_FIELD_NAMES.get(field, field) for field in changes if field not in ("item", "occurrence_id")]
    text = {
        "occurrence_updated": f"{title}: {', '.join(named)} alterado(s).",
        "occurrence_deleted": f"{title} excluída.",
        "item_added": f"{title}: item {item} adicionado.",
        "item_updated": f"{title}: item {item} — {', '.join(named)} alterado(s).",
        "item_removed": f"{title}: item {item} removido.",
    }.get(kind, title)
    return text[:500]


def _log(occurrence: Occurrence, actor: User, kind: str, changes: dict[str, Any] | None = None) -> None:
    """The case timeline notes every change to its occurrences and items."""
    changes = changes or {}
    note = _note(occurrence, kind, changes)
    record_event(occurrence.case, actor, kind, {"occurrence_id": str(occurrence.id), **changes}, note)


def _link_photos(occurrence: Occurrence, attachment_ids: list[uuid.UUID], actor: User) -> None:
    for index, attachment_id in enumerate(attachment_ids):
        try:
            link_attachment(attachment_id, occurrence.id, actor)
        except ValidationFailed as error:  # name the entry as the request did
            errors = cast("dict[str, list[str]]", error.data["errors"])
            raise ValidationFailed({f"attachment_ids.{index}": msgs for msgs in errors.values()}) from None


def _check_visit(case: ServiceCase, appointment_id: int | None, actor: User) -> None:
    """The visit an occurrence came from must be one of the case's, and the technician's own."""
    if appointment_id is None:
        return
    visit = db.session.scalar(
        visible(Appointment, actor).where(Appointment.id == appointment_id, Appointment.case_id == case.id)
    )
    if visit is None:
        raise ValidationFailed({"appointment_id": ["Visita não encontrada nesta assistência."]})


def _name_supplier(store_id: int, data: dict[str, Any], field: str = "supplier_id") -> dict[str, Any]:
    """The item's supplier as a row of the store: the one given by id, or the one its typed
    name folds to (made if new); `supplier` keeps its name as shown on documents."""
    if data.get("supplier_id") is not None:
        supplier = supplier_of(store_id, data["supplier_id"], field)
    elif data.get("supplier"):
        supplier = supplier_named(store_id, data["supplier"])
    elif "supplier_id" in data or "supplier" in data:
        return {**data, "supplier": None, "supplier_id": None}
    else:
        return data
    return {**data, "supplier": supplier.name, "supplier_id": supplier.id}


def _check_carrier(store_id: int, data: dict[str, Any]) -> None:
    if data.get("carrier_id") is not None:
        supplier_of(store_id, data["carrier_id"], "carrier_id")


def _new_item(occurrence: Occurrence, data: dict[str, Any], field: str = "supplier_id") -> OccurrenceItem:
    data = _name_supplier(occurrence.store_id, fill_from_contract_item(occurrence.case_id, data), field)
    fields = {**data, "unit": data.get("unit") or "un"}
    item = OccurrenceItem(store_id=occurrence.store_id, occurrence_id=occurrence.id, **fields)
    item.id = data.get("id") or uuid.uuid4()
    return item


def create_occurrence(case: ServiceCase, data: dict[str, Any], actor: User) -> Occurrence:
    """File an occurrence on a case the actor can see; retrying the same request is harmless."""
    data = dict(data)
    fingerprint = _fingerprint({**data, "case_id": case.id})
    occurrence_id = data.pop("id", None) or uuid.uuid4()
    bump_store_version(db.session, case.store_id)  # a concurrent retry waits, then finds this one
    existing = db.session.get(Occurrence, occurrence_id)
    if existing is not None:
        if existing.request_hash != fingerprint or existing.store_id != case.store_id:
            raise Conflict("Já existe uma ocorrência com este identificador e outros dados.", slug="id-conflict")
        return load_occurrence(actor, existing.id)
    _check_open(case)
    items, attachment_ids = data.pop("items", []), data.pop("attachment_ids", [])
    items = [fill_from_contract_item(case.id, item) for item in items]
    _validate(case.store_id, data, data.get("resolved"), data.get("unresolved_reason"))
    _check_carrier(case.store_id, data)
    _check_visit(case, data.get("appointment_id"), actor)
    if data.get("expected_fix_date") is None:
        data["expected_fix_date"] = case.due_at.astimezone(case.tz).date()
    occurrence = Occurrence(
        id=occurrence_id, store_id=case.store_id, case_id=case.id, author_id=actor.id, request_hash=fingerprint, **data
    )
    db.session.add(occurrence)
    db.session.flush()
    db.session.add_all(_new_item(occurrence, item, f"items.{i}.supplier_id") for i, item in enumerate(items))
    _link_photos(occurrence, attachment_ids, actor)
    descriptions = [item["description"] for item in items]
    note = f"{_title(occurrence)}: {len(items)} item(ns)" + (f" ({'; '.join(descriptions)})" if items else "")
    note += f", {len(attachment_ids)} foto(s)."
    record_event(
        case,
        actor,
        "occurrence_created",
        {"occurrence_id": str(occurrence.id), "items": len(items), "photos": len(attachment_ids)},
        note[:500],
    )
    follow_work(case, actor)
    db.session.flush()
    return load_occurrence(actor, occurrence.id)


def _lock(occurrence: Occurrence, *items: OccurrenceItem) -> None:
    """Take the store's lock and re-read the items' order links, which a concurrent parts-order
    generation may have changed since they were loaded."""
    bump_store_version(db.session, occurrence.store_id)
    for item in items:
        db.session.refresh(item, ["order_id", "quantity", "supplier", "supplier_id", "deleted_at"])


def _on_order(items: list[OccurrenceItem]) -> bool:
    return any(item.order_id is not None for item in items)


def update_occurrence(occurrence: Occurrence, data: dict[str, Any], actor: User) -> Occurrence:
    _check_author(occurrence, actor)
    _check_open(occurrence.case)
    _lock(occurrence, *occurrence.items)
    if "payer" in data and data["payer"] != occurrence.payer and _on_order(occurrence.items):
        raise Conflict("Há itens desta ocorrência em pedidos de peças: a modalidade não pode mudar.", slug="in-order")
    resolved = data.get("resolved", occurrence.resolved)
    reason = data.get("unresolved_reason", occurrence.unresolved_reason)
    _validate(occurrence.store_id, data, resolved, reason)
    _check_carrier(occurrence.store_id, data)
    if resolved:
        data = {**data, "unresolved_reason": None}
    changes = _apply(occurrence, data)
    if changes:
        _log(occurrence, actor, "occurrence_updated", changes)
    follow_work(occurrence.case, actor)
    db.session.flush()
    return load_occurrence(actor, occurrence.id)


def delete_occurrence(occurrence: Occurrence, actor: User) -> None:
    _lock(occurrence, *occurrence.items)
    if _on_order(occurrence.items):
        raise Conflict("Esta ocorrência tem itens em pedidos de peças: cancele os pedidos antes.", slug="in-order")
    for item in occurrence.items:
        soft_delete(item)
    soft_delete(occurrence)
    _log(occurrence, actor, "occurrence_deleted")
    follow_work(occurrence.case, actor)
    db.session.flush()


# --- items --------------------------------------------------------------------------------


def get_item(occurrence: Occurrence, item_id: uuid.UUID) -> OccurrenceItem:
    for item in occurrence.items:
        if item.id == item_id:
            return item
    raise NotFound("Item não encontrado.")


def add_item(occurrence: Occurrence, data: dict[str, Any], actor: User) -> OccurrenceItem:
    """Add an item; a retried add (same id and data) returns the item already there."""
    _check_author(occurrence, actor)
    _check_open(occurrence.case)
    if data.get("id") is not None:
        existing = db.session.get(OccurrenceItem, data["id"])
        if existing is not None:
            if existing.occurrence_id != occurrence.id or existing.deleted_at is not None:
                raise Conflict("Já existe um item com este identificador.", slug="id-conflict")
            return existing
    item = _new_item(occurrence, data)
    db.session.add(item)
    _log(occurrence, actor, "item_added", {"item": item.description, "quantity": _plain(item.quantity)})
    db.session.flush()
    return item


def update_item(occurrence: Occurrence, item: OccurrenceItem, data: dict[str, Any], actor: User) -> OccurrenceItem:
    _check_author(occurrence, actor)
    _check_open(occurrence.case)
    _lock(occurrence, item)
    data = _name_supplier(occurrence.store_id, fill_from_contract_item(occurrence.case_id, data))
    frozen = [field for field in ("quantity", "supplier_id") if field in data and data[field] != getattr(item, field)]
    if item.order_id is not None and frozen:
        raise Conflict(
            "O item já está em um pedido de peças: quantidade e fornecedor não podem mudar.", slug="in-order"
        )
    changes = _apply(item, data)
    if changes:
        _log(occurrence, actor, "item_updated", {"item": item.description, **changes})
    db.session.flush()
    return item


def remove_item(occurrence: Occurrence, item: OccurrenceItem, actor: User) -> None:
    _check_author(occurrence, actor)
    _check_open(occurrence.case)
    _lock(occurrence, item)
    if item.order_id is not None:
        raise Conflict("O item já está em um pedido de peças e não pode ser removido.", slug="in-order")
    soft_delete(item)
    _log(occurrence, actor, "item_removed", {"item": item.description})
    db.session.flush()
