"""Cancelling visits, alone or all the coming ones of a finished case, and the case's technician
following its visits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from server.appointments.lookup import LOAD, load_appointment
from server.appointments.models import (
    LIVE_STATUSES,
    TECHNICAL_ASSISTANCE,
    Appointment,
    AppointmentExit,
    AppointmentStatus,
)
from server.appointments.rules import MOVABLE, S, _follow_case, _iso, _lock, _move, _person, _shown, _tz
from server.auth.models import User
from server.cases import events as case_events
from server.cases.models import CaseStatus, ServiceCase
from server.cases.progress import record_event
from server.database import utcnow
from server.errors import ValidationFailed
from server.extensions import db
from server.push.models import NotificationKind
from server.push.service import notify_visit


def _set_status(appointment: Appointment, target: AppointmentStatus) -> dict[str, Any]:
    """A status set through PATCH: only confirming; the rest has its own endpoint."""
    current = AppointmentStatus(appointment.status)
    if target == current:
        return {}
    if target != S.CONFIRMED:
        raise ValidationFailed(
            {"status": ["Use o reagendamento, o check-in, o check-out ou o cancelamento para esta mudança."]}
        )
    _move(appointment, target)
    return {"status": {"from": current.value, "to": target.value}}


@case_events.assignee_released.connect
def follow_visits(case: ServiceCase) -> None:
    """Unless the office chose the case's technician, it is the one of the case's latest visit that
    was not cancelled (none left: none). The caller commits."""
    if case.assignee_chosen:
        return
    db.session.flush()
    latest = db.session.scalar(
        select(Appointment.assignee_id)
        .where(
            Appointment.case_id == case.id,
            Appointment.deleted_at.is_(None),
            Appointment.status != S.CANCELLED.value,
            Appointment.calendar_type == TECHNICAL_ASSISTANCE,
        )
        .order_by(Appointment.starts_at.desc(), Appointment.id.desc())
        .limit(1)
    )
    if case.assignee_id != latest:
        case.assignee_id = latest


def _cancel(appointment: Appointment, reason: str, actor: User) -> None:
    """The visit leaves the technician's agenda (and phone), the timeline says why, and the
    technician is told."""
    tz = _tz(appointment)
    _move(appointment, S.CANCELLED)
    appointment.cancel_reason = reason
    db.session.add(
        AppointmentExit(
            store_id=appointment.store_id,
            appointment_id=appointment.id,
            user_id=appointment.assignee_id,
            reason="cancelled",
        )
    )
    record_event(
        appointment.case,
        actor,
        "appointment_cancelled",
        {
            "appointment_id": appointment.id,
            "starts_at": _iso(appointment.starts_at, tz),
            "assignee": _person(db.session.get_one(User, appointment.assignee_id)),
            "reason": reason,
        },
        f"Visita de {_shown(appointment.starts_at, tz)} cancelada: {reason}"[:500],
    )
    notify_visit(appointment, appointment.assignee_id, NotificationKind.CANCELLED, actor)
    follow_visits(appointment.case)


def cancel_appointment(appointment: Appointment, reason: str, actor: User) -> Appointment:
    """Cancel a live visit: it leaves the technician's agenda; a scheduled case with no visit left reopens."""
    case = appointment.case
    _lock(appointment)
    _cancel(appointment, reason, actor)
    if case.status == CaseStatus.SCHEDULED.value:
        others = select(Appointment.id).where(
            Appointment.case_id == case.id,
            Appointment.id != appointment.id,
            Appointment.deleted_at.is_(None),
            Appointment.status.in_(LIVE_STATUSES),
        )
        if db.session.scalar(others.limit(1)) is None:
            _follow_case(case, actor, CaseStatus.OPEN, "Situação atualizada: nenhuma visita agendada.")
    db.session.flush()
    return load_appointment(actor, appointment.id)


@case_events.case_finished.connect
def cancel_coming_visits(case: ServiceCase, actor: User) -> None:
    """A case cancelled or closed takes its coming visits with it (a check-in would be refused
    anyway). Visits whose time has passed without a check-in stay as they were. The caller holds
    the store lock and commits."""
    reason = "Assistência cancelada." if case.status == CaseStatus.CANCELLED.value else "Assistência finalizada."
    coming = select(Appointment).where(
        Appointment.case_id == case.id,
        Appointment.deleted_at.is_(None),
        Appointment.status.in_([status.value for status in MOVABLE]),
        Appointment.ends_at > utcnow(),
    )
    for appointment in db.session.scalars(coming.order_by(Appointment.id).options(*LOAD)):
        _cancel(appointment, reason, actor)
