"""The technician at the customer's: check-in and check-out of a visit."""

from __future__ import annotations

from typing import Any

from server.appointments.lookup import load_appointment
from server.appointments.models import (
    Appointment,
    AppointmentStatus,
)
from server.appointments.rules import (
    S,
    _check_actor,
    _check_case_open,
    _follow_case,
    _iso,
    _lock,
    _move,
    _shown,
    _tz,
    _when,
)
from server.auth.models import User
from server.cases.models import CaseStatus
from server.cases.progress import record_event
from server.errors import Conflict, ValidationFailed
from server.extensions import db


def _again(appointment: Appointment, target: AppointmentStatus, actor: User) -> bool:
    """The assignee's check-in of a visit already in progress (or check-out of one done), e.g. from
    a second phone: already so, and nothing to change; the first time stays."""
    return appointment.status == target.value and appointment.assignee_id == actor.id


def check_in(appointment: Appointment, data: dict[str, Any], actor: User) -> Appointment:
    """Start the visit: in progress from `at` (default now), with where the phone was."""
    _check_actor(appointment, actor)
    tz = _tz(appointment)
    at = _when(data, tz)
    case = appointment.case
    _lock(appointment)
    if _again(appointment, S.IN_PROGRESS, actor):
        return load_appointment(actor, appointment.id)
    if appointment.status == S.DONE.value and appointment.checked_out_at is not None:
        raise Conflict(
            f"A visita já foi concluída (check-out em {_shown(appointment.checked_out_at, tz)}): "
            "este check-in não é mais necessário.",
            slug="invalid-transition",
        )
    _check_case_open(case)
    _move(appointment, S.IN_PROGRESS)
    appointment.checked_in_at = at
    appointment.check_in_location = data.get("location")
    changes: dict[str, Any] = {"appointment_id": appointment.id, "at": _iso(at, tz)}
    if data.get("location"):
        changes["location"] = data["location"]
    record_event(case, actor, "appointment_checked_in", changes, f"Visita iniciada em {_shown(at, tz)}.")
    if case.status in (CaseStatus.OPEN.value, CaseStatus.SCHEDULED.value):
        _follow_case(case, actor, CaseStatus.IN_SERVICE, "Situação atualizada pelo início da visita.")
    db.session.flush()
    return load_appointment(actor, appointment.id)


def check_out(appointment: Appointment, data: dict[str, Any], actor: User) -> Appointment:
    """Finish the visit: done at `at` (default now), which cannot precede the check-in."""
    _check_actor(appointment, actor)
    tz = _tz(appointment)
    at = _when(data, tz)
    _lock(appointment)
    if _again(appointment, S.DONE, actor):
        return load_appointment(actor, appointment.id)
    _move(appointment, S.DONE)
    if appointment.checked_in_at is not None and at < appointment.checked_in_at:
        raise ValidationFailed(
            {"at": [f"O check-out não pode ser antes do check-in ({_shown(appointment.checked_in_at, tz)})."]}
        )
    appointment.checked_out_at = at
    appointment.check_out_location = data.get("location")
    changes: dict[str, Any] = {"appointment_id": appointment.id, "at": _iso(at, tz)}
    if data.get("location"):
        changes["location"] = data["location"]
    record_event(appointment.case, actor, "appointment_checked_out", changes, f"Visita concluída em {_shown(at, tz)}.")
    db.session.flush()
    return load_appointment(actor, appointment.id)
