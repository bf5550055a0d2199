"""The technician's own note on a visit, and the rule for text two places edit at once.

The office's "Observação" (`notes`) is its instructions: the phone shows it read-only. The
technician writes `technician_notes`. A phone sends the text it last saw (`base`) with the new
text; when the server's text is no longer that base, someone else wrote meanwhile (the same
technician on a second phone, usually), and both texts are kept, each signed with who and when,
instead of the last one silently winning (docs/sync.md, "Concurrent edits").
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from server.appointments.lookup import load_appointment
from server.appointments.models import AppointmentStatus
from server.appointments.rules import _check_actor, _lock, _tz
from server.auth.models import User
from server.cases.progress import record_event
from server.database import utcnow
from server.errors import Conflict
from server.extensions import db

UNKNOWN = object()  # an old phone's write carries no base: treat every other text as concurrent


def clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def signature(name: str | None, at: datetime | None, tz: ZoneInfo) -> str:
    """The line that signs a kept text: "\n— Ana, 05/12/2026 14:30" ("" when neither is known)."""
    who = [part for part in (name, at.astimezone(tz).strftime("%d/%m/%Y %H:%M") if at else None) if part]
    return f"\n— {', '.join(who)}" if who else ""


def merge(current: str | None, incoming: str | None, base: object, signatures: tuple[str, str]) -> str | None:
    """The text to store when `incoming` was written from `base` and the server has `current`.

    Unchanged since the base: the incoming text replaces it. Changed meanwhile: both are kept,
    each with its signature line (`signatures` = the current text's, the incoming one's), the
    current first. An incoming blank never erases a text it did not see."""
    current, incoming = clean(current), clean(incoming)
    if incoming == current:
        return current
    if base is not UNKNOWN and clean(base if isinstance(base, str) else None) == current:
        return incoming
    if current is None:
        return incoming
    if incoming is None:
        return current
    head = current if current.endswith(signatures[0]) else current + signatures[0]  # merged before: signed
    return f"{head}\n\n{incoming}{signatures[1]}"


def set_technician_notes(actor: User, appointment_id: int, notes: str | None, base: object) -> None:
    """Write the technician's note of the visit, merging with a concurrent write (see above)."""
    appointment = load_appointment(actor, appointment_id)
    _check_actor(appointment, actor)
    if appointment.status == AppointmentStatus.CANCELLED.value:
        raise Conflict("A visita foi cancelada: as observações não podem mais ser alteradas.", slug="visit-cancelled")
    _lock(appointment)
    db.session.refresh(appointment, ["technician_notes", "technician_notes_at", "technician_notes_by_id"])
    tz = _tz(appointment)
    now = utcnow()
    previous = db.session.get(User, appointment.technician_notes_by_id) if appointment.technician_notes_by_id else None
    signatures = (
        signature(previous.name if previous else None, appointment.technician_notes_at, tz),
        signature(actor.name, now, tz),
    )
    current = clean(appointment.technician_notes)
    text = merge(current, notes, base, signatures)
    if text == current:
        return
    merged = text != clean(notes)
    appointment.technician_notes, appointment.technician_notes_at = text, now
    appointment.technician_notes_by_id = actor.id
    changes = {"appointment_id": appointment.id, "technician_notes": {"from": current, "to": text}}
    if merged:
        changes["merged"] = True
    record_event(appointment.case, actor, "appointment_updated", changes)
    db.session.flush()
