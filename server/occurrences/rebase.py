"""A phone's correction of an occurrence (or item) against what the office changed meanwhile.

The phone sends the fields it changed and `base`, the values it edited from. For each field:
unchanged on the server since the base, the phone's value applies; changed there too, the
office's change is not overwritten — a text (the report, the reason it was not resolved) keeps
both texts, each signed with who and when; any other field keeps the server's value, and the
timeline notes the phone's value beside it, so a person sees both (docs/sync.md, "Concurrent
edits"). A field sent without a base (an older phone) is written as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.appointments.notes import merge, signature
from server.auth.models import User
from server.cases.models import CaseEvent
from server.cases.progress import record_event
from server.catalogs.models import CatalogEntry
from server.database import bump_store_version, utcnow
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.suppliers.models import Supplier

MERGED_TEXTS = ("report", "unresolved_reason")


def _last_writer(occurrence: Occurrence, field: str) -> tuple[str | None, datetime | None]:
    """Who last changed the occurrence's `field`, and when, from the case timeline."""
    stmt = (
        select(CaseEvent)
        .where(
            CaseEvent.case_id == occurrence.case_id, CaseEvent.kind.in_(("occurrence_updated", "occurrence_created"))
        )
        .order_by(CaseEvent.id.desc())
        .limit(50)
    )
    for event in db.session.scalars(stmt):
        if event.changes.get("occurrence_id") != str(occurrence.id):
            continue
        if field in event.changes or event.kind == "occurrence_created":
            actor = db.session.get(User, event.actor_id) if event.actor_id else None
            return (actor.name if actor else None), event.at
    return None, None


LABELS = {
    "occurrence_type_id": "Tipo",
    "payer": "Modalidade",
    "supplier_order_number": "Pedido do fornecedor",
    "room_id": "Ambiente",
    "product_line_id": "Linha de produto",
    "status_id": "Situação",
    "expected_fix_date": "Previsão de correção",
    "resolved": "Resolvida",
    "description": "Descrição",
    "code": "Código",
    "quantity": "Quantidade",
    "unit": "Unidade",
    "action": "Ação",
    "supplier": "Fornecedor",
    "supplier_id": "Fornecedor",
    "carrier_id": "Transportadora",
    "needs_part": "Precisa de peça",
    "unit_cost": "Custo unitário",
}


def _shown(field: str, value: Any) -> str:
    if value is None or value == "":
        return "(vazio)"
    if field in ("supplier_id", "carrier_id"):  # suppliers, not catalog entries
        supplier = db.session.get(Supplier, value)
        return supplier.name if supplier else str(value)
    if field.endswith("_id"):
        entry = db.session.get(CatalogEntry, value)
        return entry.name if entry else str(value)
    if isinstance(value, bool):
        return "sim" if value else "não"
    return str(value)


def rebase(
    record: Occurrence | OccurrenceItem, occurrence: Occurrence, data: dict[str, Any], base: dict[str, Any], actor: User
) -> dict[str, Any]:
    """The fields of `data` to write; notes on the timeline the ones the office's change keeps.

    Takes the store's lock first and re-reads the fields: a concurrent office save is either
    already in what is compared, or waits for this transaction."""
    bump_store_version(db.session, occurrence.store_id)
    db.session.refresh(record, list(data))
    tz = ZoneInfo(occurrence.store.timezone)
    write: dict[str, Any] = {}
    kept: list[str] = []
    for field, value in data.items():
        current = getattr(record, field)
        if field not in base or base[field] == current or value == current:
            write[field] = value
        elif isinstance(record, Occurrence) and field in MERGED_TEXTS:
            name, at = _last_writer(occurrence, field)
            signatures = (signature(name, at, tz), signature(actor.name, utcnow(), tz))
            write[field] = merge(current, value, base[field], signatures)
        else:
            label = LABELS.get(field, field)
            kept.append(f"{label}: escritório {_shown(field, current)}; técnico {_shown(field, value)}")
    if kept:
        what = f"no item {record.description}" if isinstance(record, OccurrenceItem) else "na ocorrência"
        note = f"Alteração simultânea {what}: mantido o valor do escritório ({' | '.join(kept)})."
        record_event(occurrence.case, actor, "occurrence_updated", {"occurrence_id": str(occurrence.id)}, note[:500])
    return write
