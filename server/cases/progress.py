"""The case status follows its work (DESIGN §2): pending while something is left to do.

An unresolved occurrence or an open parts order keeps the case `pending` (Com pendências);
once every occurrence is resolved and no order is open, it is back `in_service`, ready for the
office to close. Closed and cancelled cases are not moved by their work.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from server.auth.models import User
from server.cases.models import FINISHED, CaseEvent, CaseStatus, ServiceCase
from server.extensions import db


def has_open_work(case: ServiceCase) -> tuple[bool, bool]:
    """(any occurrence at all, any unresolved occurrence or open order)."""
    from server.occurrences.models import Occurrence
    from server.orders.models import OPEN_ORDER, PartsOrder

    live = (Occurrence.case_id == case.id) & Occurrence.deleted_at.is_(None)
    any_occurrence = exists().where(live)
    unresolved = exists().where(live, Occurrence.resolved.is_(False))
    open_order = exists().where(
        PartsOrder.case_id == case.id, PartsOrder.deleted_at.is_(None), PartsOrder.status.in_(OPEN_ORDER)
    )
    found, pending = db.session.execute(select(any_occurrence, unresolved | open_order)).one()
    return bool(found), bool(pending)


def has_open_orders(case: ServiceCase) -> bool:
    from server.orders.models import OPEN_ORDER, PartsOrder

    return bool(
        db.session.scalar(
            select(
                exists().where(
                    PartsOrder.case_id == case.id, PartsOrder.deleted_at.is_(None), PartsOrder.status.in_(OPEN_ORDER)
                )
            )
        )
    )


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
    db.session.add(
        CaseEvent(
            store_id=case.store_id,
            case_id=case.id,
            actor_id=actor.id if actor else None,
            kind="status_followed",
            changes={"status": {"from": case.status, "to": target.value}},
            note="Situação atualizada pelas ocorrências e pedidos.",
        )
    )
    case.status = target.value
