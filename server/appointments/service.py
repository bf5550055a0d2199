"""Appointments (Agenda): technicians' visits to a case — booking without double-booking,
rescheduling, reassignment, cancelling, and the check-in/check-out of the visit.

    scheduled | confirmed | rescheduled → in_progress (check-in) → done (check-out)
    scheduled | rescheduled             → confirmed
    scheduled | confirmed | rescheduled → rescheduled (its times changed)
    any live status                     → cancelled (reason required)

Times are stored in UTC; a naive time from a request is the store's wall clock. Every write takes
the store's row lock (`bump_store_version`) *before* it reads what it checks, so two requests
booking one technician's slot queue and the second sees the first one's visit.

A visit that leaves a technician's scope (reassigned away, cancelled) leaves an `AppointmentExit`
for that technician, which the sync pull turns into a delete on their phone. Booking, moving,
reassigning and cancelling also leave push notices (`server.push`) for the technicians affected,
sent after the commit. The case follows its
visits: the first live visit moves an open case to scheduled, a check-in moves it to in service,
and cancelling the last live visit of a scheduled case moves it back to open.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import selectinload

from server.appointments.models import (
    APPOINTMENT_STATUS_LABELS,
    LIVE_STATUSES,
    TECHNICAL_ASSISTANCE,
    Appointment,
    AppointmentExit,
    AppointmentStatus,
)
from server.auth.access import visible
from server.auth.models import Role, User
from server.cases import events as case_events
from server.cases.models import FINISHED, CaseStatus, ServiceCase
from server.cases.progress import record_event
from server.catalogs.models import CatalogKind
from server.catalogs.service import check_entries
from server.common.pagination import Page, paginate
from server.database import bump_store_version, utcnow
from server.errors import Conflict, NotFound, ValidationFailed
from server.extensions import db
from server.push.models import NotificationKind
from server.push.service import notify_visit

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

LOAD = (
    selectinload(Appointment.store),
    selectinload(Appointment.case).selectinload(ServiceCase.customer),
    selectinload(Appointment.assignee),
    selectinload(Appointment.appointment_type),
    selectinload(Appointment.room),
)

# Columns a write re-reads once it holds the store lock (another request may have just changed them).
_STATE = ["status", "starts_at", "ends_at", "assignee_id", "allow_overlap", "checked_in_at", "checked_out_at"]


# --- reading ------------------------------------------------------------------------------


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
    """Visits starting in [from, to), each store's days in its own timezone."""
    stores = [store for store in user.stores if store_id is None or store.id == store_id]
    conditions = []
    for store in stores:
        tz = ZoneInfo(store.timezone)
        bounds = [Appointment.store_id == store.id]
        if start is not None:
            bounds.append(Appointment.starts_at >= _instant(start, tz, end=False))
        if stop is not None:
            bounds.append(Appointment.starts_at < _instant(stop, tz, end=True))
        conditions.append(and_(*bounds))
    return or_(*conditions) if conditions else false()


def agenda(user: User, args: dict[str, Any]) -> Page[Appointment]:
    """Visits by start time (then id), filtered; a technician's never include another's."""
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
    return paginate(
        stmt.options(*LOAD),
        [Appointment.starts_at, Appointment.id],
        lambda a: (a.starts_at, a.id),
        cursor=args.get("cursor"),
        limit=args.get("limit"),
    )


# --- helpers ------------------------------------------------------------------------------


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


# --- booking and editing ------------------------------------------------------------------


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


# --- the visit itself ---------------------------------------------------------------------


def _check_actor(appointment: Appointment, actor: User) -> None:
    """The assignee, or the office; another technician does not even see the visit."""
    if actor.role == Role.TECHNICIAN and appointment.assignee_id != actor.id:
        raise NotFound("Compromisso não encontrado.")


def _when(data: dict[str, Any], tz: ZoneInfo) -> datetime:
    at = _local(data["at"], tz) if data.get("at") is not None else utcnow()
    if at > utcnow() + CLOCK_SKEW:
        raise ValidationFailed({"at": ["O horário não pode estar no futuro."]})
    return at


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
