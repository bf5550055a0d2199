"""The painel's figures, in a constant number of queries whatever the store's size.

Days, weeks and months are the store's calendar (its timezone), not the server's. A user of
several stores sees them added up, on the calendar of the first one (or of `store_id`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy import case as when

from server.appointments.models import TECHNICAL_ASSISTANCE, Appointment, AppointmentStatus
from server.auth.access import require_member
from server.auth.models import User
from server.cases.models import FINISHED, CaseStatus, ServiceCase
from server.customers.models import Customer
from server.database import utcnow
from server.extensions import db
from server.occurrences.models import Occurrence
from server.orders.service import costs_by_payer
from server.stores.models import Store

DUE_SOON_DAYS = 7
LIVE = tuple(status.value for status in CaseStatus if status.value not in FINISHED)
WEEKS = 8


def _stores(user: User, store_id: int | None) -> list[Store]:
    if store_id is not None:
        return [require_member(user, store_id)]
    return sorted(user.stores, key=lambda s: s.id)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _count(condition: ColumnElement[bool]) -> Any:
    """COUNT of the rows meeting `condition` (CASE WHEN … THEN 1 END: NULLs are not counted)."""
    return func.count(when((condition, 1)))


def _counts(store_ids: list[int], now: datetime) -> dict[str, int]:
    live = ServiceCase.status.not_in(FINISHED)
    columns = {
        status.value: _count(ServiceCase.status == status.value)
        for status in (CaseStatus.OPEN, CaseStatus.SCHEDULED, CaseStatus.IN_SERVICE, CaseStatus.PENDING)
    }
    columns["overdue"] = _count(live & (ServiceCase.due_at < now))
    columns["due_soon"] = _count(
        live & (ServiceCase.due_at >= now) & (ServiceCase.due_at <= now + timedelta(days=DUE_SOON_DAYS))
    )
    # Every figure counts live cases only: reading those alone through (store_id, status, due_at)
    # keeps the cost at the live work, whatever the store's closed history holds.
    stmt = select(*(column.label(name) for name, column in columns.items())).where(
        ServiceCase.store_id.in_(store_ids), ServiceCase.deleted_at.is_(None), ServiceCase.status.in_(LIVE)
    )
    row = db.session.execute(stmt).one()
    return {name: int(row._mapping[name] or 0) for name in columns}


def _weekly(store_ids: list[int], today: date, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Cases opened and closed (Finalizada) per week, Monday to Sunday, the current week last."""
    first = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    starts = [first + timedelta(weeks=n) for n in range(WEEKS + 1)]
    bounds = [_midnight(day, tz) for day in starts]
    live = (ServiceCase.store_id.in_(store_ids), ServiceCase.deleted_at.is_(None))
    # Two range reads, each on its own (store_id, date) index: an OR of both dates would scan every case.
    opened = select(
        *(_count((ServiceCase.opened_at >= bounds[n]) & (ServiceCase.opened_at < bounds[n + 1])) for n in range(WEEKS))
    ).where(*live, ServiceCase.opened_at >= bounds[0], ServiceCase.opened_at < bounds[-1])
    closed = select(
        *(_count((ServiceCase.closed_at >= bounds[n]) & (ServiceCase.closed_at < bounds[n + 1])) for n in range(WEEKS))
    ).where(
        *live,
        ServiceCase.status == CaseStatus.CLOSED.value,
        ServiceCase.closed_at >= bounds[0],
        ServiceCase.closed_at < bounds[-1],
    )
    opened_row, closed_row = db.session.execute(opened).one(), db.session.execute(closed).one()
    return [
        {"week_start": starts[n], "opened": int(opened_row[n] or 0), "closed": int(closed_row[n] or 0)}
        for n in range(WEEKS)
    ]


def _visits_today(store_ids: list[int], today: date, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Today's technical-assistance visits (not cancelled), grouped by technician, earliest first."""
    stmt = (
        select(Appointment, User.id, User.name, ServiceCase.number, Customer.name)
        .join(User, User.id == Appointment.assignee_id)
        .join(ServiceCase, ServiceCase.id == Appointment.case_id)
        .join(Customer, Customer.id == ServiceCase.customer_id)
        .where(
            Appointment.store_id.in_(store_ids),
            Appointment.deleted_at.is_(None),
            Appointment.calendar_type == TECHNICAL_ASSISTANCE,
            Appointment.status != AppointmentStatus.CANCELLED.value,
            Appointment.starts_at >= _midnight(today, tz),
            Appointment.starts_at < _midnight(today + timedelta(days=1), tz),
        )
        .order_by(User.name, User.id, Appointment.starts_at, Appointment.id)
    )
    groups: dict[int, dict[str, Any]] = {}
    for visit, user_id, user_name, case_number, customer_name in db.session.execute(stmt):
        group = groups.setdefault(
            user_id, {"technician": {"id": user_id, "name": user_name}, "total": 0, "done": 0, "visits": []}
        )
        group["total"] += 1
        group["done"] += visit.status == AppointmentStatus.DONE.value
        group["visits"].append(
            {
                "id": visit.id,
                "case_id": visit.case_id,
                "case_number": case_number,
                "customer_name": customer_name,
                "starts_at": visit.starts_at.astimezone(tz),
                "ends_at": visit.ends_at.astimezone(tz),
                "status": visit.status,
                "status_label": visit.status_label,
            }
        )
    return list(groups.values())


def _costs(store_ids: list[int], today: date, tz: ZoneInfo) -> dict[str, Any]:
    """What each payer bears on the items of the occurrences filed this month, each line rounded
    to the cent as on the case's own cost summary (so the painel and the case agree)."""
    month_start = today.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    costs = costs_by_payer(
        Occurrence.store_id.in_(store_ids),
        Occurrence.created_at >= _midnight(month_start, tz),
        Occurrence.created_at < _midnight(next_month, tz),
    )
    return {"month": month_start.strftime("%Y-%m"), **costs}


def dashboard(user: User, store_id: int | None = None) -> dict[str, Any]:
    stores = _stores(user, store_id)
    store_ids = [store.id for store in stores]
    tz = ZoneInfo(stores[0].timezone) if stores else ZoneInfo("America/Sao_Paulo")
    now = utcnow()
    today = now.astimezone(tz).date()
    return {
        "store_ids": store_ids,
        "timezone": str(tz),
        "today": today,
        "due_soon_days": DUE_SOON_DAYS,
        "counts": _counts(store_ids, now),
        "visits_today": _visits_today(store_ids, today, tz),
        "costs_month": _costs(store_ids, today, tz),
        "weekly": _weekly(store_ids, today, tz),
    }
