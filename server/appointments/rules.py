"""The rules every appointment write shares: statuses and their moves, times in the store's clock,
the locks a write takes, and who may act on a visit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.appointments.models import (
    APPOINTMENT_STATUS_LABELS,
    Appointment,
    AppointmentStatus,
)
from server.auth.models import Role, User
from server.cases.models import FINISHED, CaseStatus, ServiceCase
from server.cases.progress import record_event
from server.database import bump_store_version, utcnow
from server.errors import Conflict, NotFound, ValidationFailed
from server.extensions import db

S = AppointmentStatus


TRANSITIONS: dict[AppointmentStatus, set[AppointmentStatus]] = {
    S.SCHEDULED: {S.CONFIRMED, S.RESCHEDULED, S.IN_PROGRESS, S.CANCELLED},
    S.CONFIRMED: {S.RESCHEDULED, S.IN_PROGRESS, S.CANCELLED},
    S.RESCHEDULED: {S.CONFIRMED, S.RESCHEDULED, S.IN_PROGRESS, S.CANCELLED},
    S.IN_PROGRESS: {S.DONE, S.CANCELLED},
    S.DONE: set(),
    S.CANCELLED: set(),
}


# Before the visit starts: its times and technician may still change.
MOVABLE = (S.SCHEDULED, S.CONFIRMED, S.RESCHEDULED)


# Fields a PATCH edits in place; the timeline records their changes.
EDITABLE = ("calendar_type", "appointment_type_id", "subject", "notes", "room_id")


# A check-in or check-out time may run ahead of the server's clock by this much (phones' clocks drift).
CLOCK_SKEW = timedelta(minutes=5)


# Columns a write re-reads once it holds the store lock (another request may have just changed them).
_STATE = ["status", "starts_at", "ends_at", "assignee_id", "allow_overlap", "checked_in_at", "checked_out_at"]


def _tz(appointment_or_case: Appointment | ServiceCase) -> ZoneInfo:
    return ZoneInfo(appointment_or_case.store.timezone)


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    """A time from a request: a naive one is the store's wall clock."""
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def _iso(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).isoformat()


def _shown(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def _label(status: AppointmentStatus) -> str:
    return APPOINTMENT_STATUS_LABELS[status]


def _person(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.name}


def _check_case_open(case: ServiceCase) -> None:
    if case.status in FINISHED:
        raise Conflict(
            "A assistência está finalizada ou cancelada: reabra-a para agendar ou atender visitas.",
            slug="case-finished",
        )


def _lock_case(case: ServiceCase) -> None:
    """Take the store lock, then re-read the case's status as it is now."""
    bump_store_version(db.session, case.store_id)
    db.session.refresh(case, ["status", "status_reason", "closed_at"])


def _lock(appointment: Appointment) -> None:
    """Take the store lock, then re-read the visit and its case as they are now."""
    _lock_case(appointment.case)
    db.session.refresh(appointment, _STATE)


def _move(appointment: Appointment, target: AppointmentStatus) -> None:
    current = AppointmentStatus(appointment.status)
    if target not in TRANSITIONS[current]:
        if target == S.DONE and current in MOVABLE:
            detail = "Faça o check-in da visita antes do check-out."
        else:
            detail = f"Não é possível mudar o compromisso de {_label(current)} para {_label(target)}."
        raise Conflict(detail, slug="invalid-transition")
    appointment.status = target.value


def _follow_case(case: ServiceCase, actor: User, target: CaseStatus, note: str) -> None:
    """Move the case's status as its visits go (no reason needed: it follows the work)."""
    record_event(case, actor, "status_followed", {"status": {"from": case.status, "to": target.value}}, note)
    case.status = target.value


def _check_actor(appointment: Appointment, actor: User) -> None:
    """The assignee, or the office; another technician does not even see the visit."""
    if actor.role == Role.TECHNICIAN and appointment.assignee_id != actor.id:
        raise NotFound("Compromisso não encontrado.")


def _when(data: dict[str, Any], tz: ZoneInfo) -> datetime:
    at = _local(data["at"], tz) if data.get("at") is not None else utcnow()
    if at > utcnow() + CLOCK_SKEW:
        raise ValidationFailed({"at": ["O horário não pode estar no futuro."]})
    return at
