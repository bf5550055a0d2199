"""The case status follows its work (docs/architecture.md): pending while something is left to do.

An unresolved occurrence or an open parts order keeps the case `pending` (Com pendências);
once every occurrence is resolved and no order is open, it is back `in_service`, ready for the
office to close. Closed and cancelled cases are not moved by their work.

`record_event` is the one way the other domains (occurrences, orders) add to a case's timeline.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select

from server.auth.models import User
from server.cases.models import FINISHED, CaseEvent, CaseStatus, ServiceCase
from server.extensions import db
from server.occurrences.models import Occurrence
from server.orders.models import OPEN_ORDER, PartsOrder


def record_event(
    case: ServiceCase, actor: User | None, kind: str, changes: dict[str, Any] | None = None, note: str | None = None
) -> CaseEvent:
    """Add an entry to the case's timeline (in the caller's transaction)."""
    event = CaseEvent(
        store_id=case.store_id,
        case_id=case.id,
        actor_id=actor.id if actor else None,
        kind=kind,
        changes=changes or {},
        note=note,
    )
    db.session.add(event)
    return event


def _open_orders(case: ServiceCase) -> ColumnElement[bool]:
    """The case's parts orders still in draft or sent."""
    return (PartsOrder.case_id == case.id) & PartsOrder.deleted_at.is_(None) & PartsOrder.status.in_(OPEN_ORDER)


def _open_order(case: ServiceCase) -> ColumnElement[bool]:
    return exists().where(_open_orders(case))


def has_open_work(case: ServiceCase) -> tuple[bool, bool]:
    """(any occurrence at all, any unresolved occurrence or open order)."""
    live = (Occurrence.case_id == case.id) & Occurrence.deleted_at.is_(None)
    any_occurrence = exists().where(live)
    unresolved = exists().where(live, or_(Occurrence.resolved.is_(False), Occurrence.resolved.is_(None)))
    found, pending = db.session.execute(select(any_occurrence, unresolved | _open_order(case))).one()
    return bool(found), bool(pending)


def has_open_orders(case: ServiceCase) -> bool:
    """Whether the case has a parts order still in draft or sent."""
    return bool(db.session.scalar(select(_open_order(case))))


def open_order_numbers(case: ServiceCase) -> list[str]:
    """The numbers of the case's parts orders still in draft or sent, oldest first."""
    return list(db.session.scalars(select(PartsOrder.number).where(_open_orders(case)).order_by(PartsOrder.id)))


def follow_work(case: ServiceCase, actor: User | None) -> None:
    """Move the case's status to match its occurrences and orders (in the caller's transaction)."""
    if case.status in FINISHED:
        return
    any_occurrence, pending = has_open_work(case)
    if pending:
        target = CaseStatus.PENDING
    elif any_occurrence:
        target = CaseStatus.IN_SERVICE
    else:
        return
    if case.status == target.value:
        return
    record_event(
        case,
        actor,
        "status_followed",
        {"status": {"from": case.status, "to": target.value}},
        "Situação atualizada pelas ocorrências e pedidos.",
    )
    case.status = target.value
