"""Reading appointments: what a user may see, one visit with what its screens show, a case's visits
and the agenda of a period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, Select, false, or_
from sqlalchemy.orm import selectinload

from server.appointments.models import (
    Appointment,
)
from server.appointments.span import overlapping
from server.auth.access import visible
from server.auth.models import User
from server.cases.models import ServiceCase
from server.common.pagination import Page, paginate
from server.errors import NotFound
from server.extensions import db

LOAD = (
    selectinload(Appointment.store),
    selectinload(Appointment.case).selectinload(ServiceCase.customer),
    selectinload(Appointment.assignee),
    selectinload(Appointment.appointment_type),
    selectinload(Appointment.room),
)


def visible_appointments(user: User) -> Select[Appointment]:
    """The visits the user may see: their stores' (a technician: only their own, `Appointment.visible_to`)."""
    return visible(Appointment, user)


def load_appointment(user: User, appointment_id: int) -> Appointment:
    appointment = db.session.scalar(visible_appointments(user).where(Appointment.id == appointment_id).options(*LOAD))
    if appointment is None:
        raise NotFound("Compromisso não encontrado.")
    return appointment


def list_case_appointments(user: User, case: ServiceCase, args: dict[str, Any]) -> list[Appointment]:
    """The case's visits of one calendar type, by start time (a technician: only their own)."""
    stmt = (
        visible_appointments(user)
        .where(Appointment.case_id == case.id, Appointment.calendar_type == args["calendar_type"])
        .options(*LOAD)
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return list(db.session.scalars(stmt))


def _instant(value: date | datetime, tz: ZoneInfo, *, end: bool) -> datetime:
    """A `from`/`to` bound as an instant: a date is the store's local day (`to` includes it)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    day = value + timedelta(days=1) if end else value
    return datetime.combine(day, time.min, tzinfo=tz)


def _period(user: User, store_id: int | None, start: Any, stop: Any) -> ColumnElement[bool]:
    """Visits sharing time with [from, to), each store's days in its own timezone."""
    stores = [store for store in user.stores if store_id is None or store.id == store_id]
    conditions = []
    for store in stores:
        tz = ZoneInfo(store.timezone)
        conditions.append(
            overlapping(
                store,
                None if start is None else _instant(start, tz, end=False),
                None if stop is None else _instant(stop, tz, end=True),
            )
        )
    return or_(*conditions) if conditions else false()


def agenda(user: User, args: dict[str, Any]) -> Page[Appointment]:
    """Visits by start time (then id), filtered; a technician's never include another's."""
    return paginate(
        agenda_filter(user, args).options(*LOAD),
        [Appointment.starts_at, Appointment.id],
        lambda a: (a.starts_at, a.id),
        cursor=args.get("cursor"),
        limit=args.get("limit"),
        max_limit=agenda_limit(args),
    )


def agenda_limit(args: dict[str, Any]) -> int | None:
    """A bounded range (the office calendar's week) comes whole in one answer, not page after page."""
    bounded = args.get("from_") is not None and args.get("to") is not None
    return current_app.config["AGENDA_RANGE_LIMIT_MAX"] if bounded else None


def agenda_filter(user: User, args: dict[str, Any]) -> Select[Appointment]:
    """The agenda's visits (unordered, unpaged)."""
    stmt = visible_appointments(user)
    if args["calendar_type"] != "all":  # the office's calendar shows every Tipo de Agenda
        stmt = stmt.where(Appointment.calendar_type == args["calendar_type"])
    if args.get("store_id") is not None:
        stmt = stmt.where(Appointment.store_id == args["store_id"])
    if args.get("assignee"):
        assignee = user.id if args["assignee"] == "me" else int(args["assignee"])
        stmt = stmt.where(Appointment.assignee_id == assignee)
    if args.get("status"):
        stmt = stmt.where(Appointment.status.in_(args["status"]))
    if args.get("from_") is not None or args.get("to") is not None:
        stmt = stmt.where(_period(user, args.get("store_id"), args.get("from_"), args.get("to")))
    return stmt
