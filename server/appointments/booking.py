"""Booking a visit and changing it: times without double-booking a technician, reassignment, and
the fields the office edits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.appointments.lookup import load_appointment
from server.appointments.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentExit,
    AppointmentStatus,
)
from server.appointments.rules import (
    EDITABLE,
    MOVABLE,
    S,
    _check_case_open,
    _follow_case,
    _iso,
    _label,
    _local,
    _lock,
    _lock_case,
    _move,
    _person,
    _shown,
    _tz,
)
from server.appointments.span import longest_visit
from server.appointments.status import _set_status, follow_visits
from server.auth.models import Role, User
from server.cases.models import CaseStatus, ServiceCase
from server.cases.progress import record_event
from server.catalogs.models import CatalogKind
from server.catalogs.service import check_entries
from server.errors import Conflict, ValidationFailed
from server.extensions import db
from server.push.models import NotificationKind
from server.push.service import notify_visit


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at >= ends_at:
        raise ValidationFailed({"ends_at": ["A data/hora final deve ser posterior à inicial."]})


def _technician(store_id: int, user_id: int) -> User:
    """The assignee: an active technician of the store."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role != Role.TECHNICIAN or store_id not in user.store_ids:
        raise ValidationFailed({"assignee_id": ["Técnico não encontrado nesta loja ou inativo."]})
    return user


def _check_catalogs(store_id: int, data: dict[str, Any]) -> None:
    refs: dict[str, tuple[CatalogKind, int | None]] = {}
    if "appointment_type_id" in data:
        refs["appointment_type_id"] = (CatalogKind.APPOINTMENT_TYPES, data["appointment_type_id"])
    if "room_id" in data:
        refs["room_id"] = (CatalogKind.ROOMS, data["room_id"])
    check_entries(store_id, refs)


def _check_overlap(
    store_id: int, assignee: User, starts_at: datetime, ends_at: datetime, tz: ZoneInfo, exclude_id: int | None
) -> None:
    """409 listing the technician's live visits that share time with [starts_at, ends_at).

    Call it holding the store lock. Touching (one ends when the other starts) is not overlapping;
    cancelled and done visits hold no time.
    """
    stmt = (
        select(Appointment.id, Appointment.starts_at, Appointment.ends_at, Appointment.subject, ServiceCase.number)
        .join(ServiceCase, ServiceCase.id == Appointment.case_id)
        .where(
            Appointment.store_id == store_id,
            Appointment.assignee_id == assignee.id,
            Appointment.deleted_at.is_(None),
            Appointment.status.in_(LIVE_STATUSES),
            Appointment.starts_at < ends_at,
            Appointment.ends_at > starts_at,
            # Bounded through the start-time index by the store's longest visit (server.appointments.span).
            Appointment.starts_at >= starts_at - timedelta(minutes=longest_visit(store_id)),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if exclude_id is not None:
        stmt = stmt.where(Appointment.id != exclude_id)
    rows = db.session.execute(stmt).all()
    if not rows:
        return
    conflicts = [
        {"id": id_, "starts_at": _iso(start, tz), "ends_at": _iso(end, tz), "case_number": number, "subject": subject}
        for id_, start, end, subject, number in rows
    ]
    listed = ", ".join(f"{number} às {_shown(start, tz)}" for _, start, _, _, number in rows)
    raise Conflict(
        f"{assignee.name} já tem compromisso neste horário ({listed}). Escolha outro horário ou confirme o "
        "encaixe para agendar mesmo assim.",
        slug="double-booking",
        conflicts=conflicts,
    )


def create_appointment(case: ServiceCase, data: dict[str, Any], actor: User) -> Appointment:
    """Book a visit for the case (loaded with `load_case`); 409 when the technician is busy then."""
    data = dict(data)
    tz = _tz(case)
    starts_at, ends_at = _local(data.pop("starts_at"), tz), _local(data.pop("ends_at"), tz)
    allow_overlap = data.pop("allow_overlap", False)
    status = data.pop("status", S.SCHEDULED.value)
    _check_times(starts_at, ends_at)
    _check_catalogs(case.store_id, data)
    assignee = _technician(case.store_id, data.pop("assignee_id"))

    _lock_case(case)  # before the overlap check: a concurrent booking of the slot waits here
    _check_case_open(case)
    if not allow_overlap:
        _check_overlap(case.store_id, assignee, starts_at, ends_at, tz, exclude_id=None)
    appointment = Appointment(
        store_id=case.store_id,
        case_id=case.id,
        assignee_id=assignee.id,
        created_by_id=actor.id,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        allow_overlap=allow_overlap,
        **data,
    )
    db.session.add(appointment)
    db.session.flush()
    changes: dict[str, Any] = {
        "appointment_id": appointment.id,
        "starts_at": _iso(starts_at, tz),
        "ends_at": _iso(ends_at, tz),
        "assignee": _person(assignee),
    }
    if allow_overlap:
        changes["allow_overlap"] = True
    record_event(
        case,
        actor,
        "appointment_created",
        changes,
        f"Visita agendada para {_shown(starts_at, tz)} com {assignee.name}."[:500],
    )
    if case.status == CaseStatus.OPEN.value:
        _follow_case(case, actor, CaseStatus.SCHEDULED, "Situação atualizada pelo agendamento da visita.")
    notify_visit(appointment, assignee.id, NotificationKind.ASSIGNED, actor)
    follow_visits(case)
    db.session.flush()
    return load_appointment(actor, appointment.id)


def _edit_fields(appointment: Appointment, data: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field in EDITABLE:
        if field in data and data[field] != getattr(appointment, field):
            changes[field] = {"from": getattr(appointment, field), "to": data[field]}
            setattr(appointment, field, data[field])
    return changes


def update_appointment(appointment: Appointment, data: dict[str, Any], actor: User) -> Appointment:
    """Edit a visit; new times reschedule it, a new assignee reassigns it (both checked for overlaps)."""
    data = dict(data)
    tz = _tz(appointment)
    case = appointment.case
    status = data.pop("status", None)
    allow_overlap = data.pop("allow_overlap", None)
    new_starts = _local(data.pop("starts_at"), tz) if "starts_at" in data else None
    new_ends = _local(data.pop("ends_at"), tz) if "ends_at" in data else None
    _check_catalogs(appointment.store_id, data)
    new_assignee = _technician(appointment.store_id, data.pop("assignee_id")) if "assignee_id" in data else None

    _lock(appointment)
    previous = db.session.get_one(User, appointment.assignee_id)
    starts_at = new_starts or appointment.starts_at
    ends_at = new_ends or appointment.ends_at
    _check_times(starts_at, ends_at)
    moved = starts_at != appointment.starts_at or ends_at != appointment.ends_at
    reassigned = new_assignee is not None and new_assignee.id != appointment.assignee_id
    assignee = new_assignee if new_assignee is not None and reassigned else previous
    if moved or reassigned:
        current = AppointmentStatus(appointment.status)
        if current not in MOVABLE:
            action = "reagendar" if moved else "trocar o responsável de"
            raise Conflict(f"Não é possível {action} um compromisso {_label(current).lower()}.", slug="not-movable")
        if not allow_overlap:
            _check_overlap(appointment.store_id, assignee, starts_at, ends_at, tz, exclude_id=appointment.id)
        appointment.allow_overlap = bool(allow_overlap)
    elif allow_overlap is not None:
        appointment.allow_overlap = allow_overlap

    wrote = False
    known_starts = appointment.starts_at  # what the previous technician was told
    if moved:
        times = {
            "starts_at": {"from": _iso(appointment.starts_at, tz), "to": _iso(starts_at, tz)},
            "ends_at": {"from": _iso(appointment.ends_at, tz), "to": _iso(ends_at, tz)},
        }
        note = f"Visita reagendada de {_shown(appointment.starts_at, tz)} para {_shown(starts_at, tz)}."
        _move(appointment, S.RESCHEDULED)
        appointment.starts_at, appointment.ends_at = starts_at, ends_at
        record_event(case, actor, "appointment_rescheduled", {"appointment_id": appointment.id, **times}, note)
        wrote = True
    if reassigned:
        appointment.assignee_id = assignee.id
        db.session.add(
            AppointmentExit(
                store_id=appointment.store_id, appointment_id=appointment.id, user_id=previous.id, reason="reassigned"
            )
        )
        record_event(
            case,
            actor,
            "appointment_reassigned",
            {"appointment_id": appointment.id, "assignee": {"from": _person(previous), "to": _person(assignee)}},
            f"Visita de {_shown(starts_at, tz)} passou de {previous.name} para {assignee.name}."[:500],
        )
        wrote = True
    changes = _edit_fields(appointment, data)
    if status is not None:
        changes.update(_set_status(appointment, AppointmentStatus(status)))
    if changes:
        record_event(case, actor, "appointment_updated", {"appointment_id": appointment.id, **changes})
        wrote = True
    if reassigned:
        notify_visit(appointment, previous.id, NotificationKind.REASSIGNED_AWAY, actor, starts_at=known_starts)
        notify_visit(appointment, assignee.id, NotificationKind.ASSIGNED, actor)
    elif moved:
        notify_visit(appointment, assignee.id, NotificationKind.RESCHEDULED, actor)
    if moved or reassigned or status is not None:
        follow_visits(case)
    if wrote or db.session.is_modified(appointment):
        db.session.flush()
    return load_appointment(actor, appointment.id)
