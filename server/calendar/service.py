"""Calendar feed tokens and the feed itself.

The feed URL carries a random secret (`secrets.token_urlsafe(32)`); only its SHA-256 is stored,
so a leaked database holds no live URL. Issuing a token again replaces the row: the old URL
answers 404 from then on, as it does after a revoke or once the user is deactivated.

The feed lists the user's upcoming live technical-assistance visits with what the technician
needs to get there and nothing more: case number, customer name, service address and subject.
No CPF, phone, e-mail or notes — a subscribed calendar is synced to third-party servers.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event, vDuration
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.appointments.models import (
    LIVE_STATUSES,
    TECHNICAL_ASSISTANCE,
    Appointment,
    AppointmentStatus,
    CalendarToken,
)
from server.auth.access import get_visible_user, visible
from server.auth.models import Role, User
from server.cases.models import ServiceCase
from server.database import utcnow
from server.errors import Forbidden, NotFound, ValidationFailed
from server.extensions import db

PRODID = "-//Assistec//Agenda de Assistência Técnica//PT-BR"
PAST = timedelta(days=1)  # a visit that ended yesterday still shows
AHEAD = timedelta(days=90)
REFRESH = timedelta(hours=1)  # a hint to calendar apps; Google and Outlook poll on their own schedule
MAX_TOKEN_LENGTH = 100  # token_urlsafe(32) is 43 characters; anything much longer is not ours
MAX_SEQUENCE = 2**31 - 1  # RFC 5545 INTEGER
CONFIRMED = (AppointmentStatus.CONFIRMED.value, AppointmentStatus.IN_PROGRESS.value)
NOT_FOUND = "Calendário não encontrado."


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- tokens -------------------------------------------------------------------------------


def token_owner(actor: User, user_id: int | None) -> User:
    """Whose feed token a request manages: the technician's own, or (for an admin) a technician
    of one of the admin's stores. Anyone else is 404: their existence is not disclosed."""
    if user_id is None or user_id == actor.id:
        if not actor.has_role(Role.TECHNICIAN):
            raise ValidationFailed({"user_id": ["Informe o técnico."]})
        return actor
    if not actor.has_role(Role.ADMIN):
        raise Forbidden("Só um administrador gerencia o calendário de outro usuário.")
    user = get_visible_user(actor, user_id)
    if not user.has_role(Role.TECHNICIAN):
        raise NotFound("Técnico não encontrado.")
    return user


def issue_token(user: User) -> tuple[str, CalendarToken]:
    """A new secret for the user's feed, replacing any earlier one (whose URL stops working)."""
    if not user.active:
        raise ValidationFailed({"user_id": ["Usuário inativo."]})
    token = secrets.token_urlsafe(32)
    row = db.session.get(CalendarToken, user.id)
    if row is None:
        row = CalendarToken(user_id=user.id)
        db.session.add(row)
    row.token_hash = hash_token(token)
    row.created_at = utcnow()
    db.session.flush()
    return token, row


def revoke_token(user: User) -> None:
    """Remove the user's feed token, if any (revoking twice is not an error)."""
    row = db.session.get(CalendarToken, user.id)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def feed_user(token: str) -> User:
    """The active user whose feed the token opens, or 404."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound(NOT_FOUND)
    user: User | None = db.session.scalar(
        select(User)
        .join(CalendarToken, CalendarToken.user_id == User.id)
        .where(CalendarToken.token_hash == hash_token(token))
    )
    if user is None or not user.active:
        raise NotFound(NOT_FOUND)
    return user


# --- the feed -----------------------------------------------------------------------------


def upcoming_visits(user: User, now: datetime) -> Sequence[Appointment]:
    """The user's live technical-assistance visits from yesterday to AHEAD, in their stores.

    A constant number of queries: the cases, their customers and the stores are selectin-loaded.
    """
    stmt = (
        visible(Appointment, user)
        .where(
            Appointment.assignee_id == user.id,
            Appointment.calendar_type == TECHNICAL_ASSISTANCE,
            Appointment.status.in_(LIVE_STATUSES),
            Appointment.ends_at >= now - PAST,
            Appointment.starts_at < now + AHEAD,
        )
        .options(
            selectinload(Appointment.case).selectinload(ServiceCase.customer),
            selectinload(Appointment.store),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return db.session.scalars(stmt).all()


def one_line_address(address: Mapping[str, Any] | None) -> str:
    """ "Avenida Paulista, 1000, Apto 42 — Bela Vista, São Paulo/SP" (the parts present)."""
    if not address:
        return ""

    def join(separator: str, *parts: Any) -> str:
        return separator.join(str(part).strip() for part in parts if part and str(part).strip())

    street = join(", ", address.get("street"), address.get("number"), address.get("complement"))
    place = join(", ", address.get("district"), join("/", address.get("city"), address.get("state")))
    return join(" — ", street, place)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def visit_event(appointment: Appointment) -> Event:
    case = appointment.case
    event = Event()
    event.add("uid", f"appointment-{appointment.id}@assistec")
    # Without METHOD, DTSTAMP is when the information was last revised (RFC 5545 §3.8.7.2):
    # tying it to the record keeps the body, and so its ETag, stable between edits.
    event.add("dtstamp", _utc(appointment.updated_at))
    event.add("created", _utc(appointment.created_at))
    event.add("last-modified", _utc(appointment.updated_at))
    event.add("sequence", min(appointment.version, MAX_SEQUENCE))
    event.add("dtstart", _utc(appointment.starts_at))
    event.add("dtend", _utc(appointment.ends_at))
    event.add("summary", f"{case.number} — {case.customer.name}")
    location = one_line_address(case.service_address)
    if location:
        event.add("location", location)
    lines = [
        f"Assunto: {appointment.subject}" if appointment.subject else None,
        f"Assistência técnica: {case.number}",
        f"Situação: {appointment.status_label}",
        f"Loja: {appointment.store.name}",
    ]
    event.add("description", "\n".join(line for line in lines if line))
    event.add("status", "CONFIRMED" if appointment.status in CONFIRMED else "TENTATIVE")
    event.add("class", "PRIVATE")
    return event


def build_feed(user: User, appointments: Sequence[Appointment]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Assistec — {user.name}")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for appointment in appointments:
        calendar.add_component(visit_event(appointment))
    body: bytes = calendar.to_ical()
    return body


def feed(token: str) -> bytes:
    """The iCalendar body for a feed token (404 for an unknown, replaced or revoked one)."""
    user = feed_user(token)
    return build_feed(user, upcoming_visits(user, utcnow()))
