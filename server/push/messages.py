"""What a push notification says, in pt-BR, and the rule on what it may say.

The payload is the JSON the service worker receives:
`{title, body, appointment_id, url, kind, topic}`, under `MAX_PAYLOAD_BYTES`.

No leaks: a notice tells its technician only what they may know about the visit at that moment.
A technician who loses the visit (`reassigned_away`) learns the time and customer they already
had, never the new technician nor the new time; a cancelled visit's notice carries no reason
(free text from the office). No notice carries phones, the street address (only the district)
or the reported issue. For a visit that has left the technician's agenda the URL is the agenda
itself, since `/visita/<id>` no longer opens for them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.push.models import NotificationKind

MAX_PAYLOAD_BYTES = 3000  # the Web Push limit is about 4 KB of plaintext; we stay under 3 KB
WEEKDAYS = ("seg", "ter", "qua", "qui", "sex", "sáb", "dom")
K = NotificationKind


def topic(appointment_id: int) -> str:
    """One topic per visit (≤ 32 characters of the base64url alphabet), so that the push service
    replaces an undelivered older notice about the visit with the newer one."""
    return f"appt-{appointment_id}"


def visit_url(appointment_id: int) -> str:
    return f"/visita/{appointment_id}"


def when(starts_at: datetime, tz: ZoneInfo, now: datetime) -> str:
    """ "hoje, 28/11 às 14:00", "amanhã, 29/11 às 09:00", "qua, 03/12 às 09:00" in the store's time.

    The date is always there: the notice may be read after midnight."""
    local = starts_at.astimezone(tz)
    today = now.astimezone(tz).date()
    day = local.date()
    if day == today:
        name = "hoje"
    elif day == today + timedelta(days=1):
        name = "amanhã"
    else:
        name = WEEKDAYS[day.weekday()]
    return f"{name}, {local:%d/%m} às {local:%H:%M}"


def _short(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_payload(
    kind: NotificationKind,
    appointment_id: int,
    *,
    customer: str,
    starts_at: datetime,
    district: str | None,
    tz: ZoneInfo,
    now: datetime,
) -> dict[str, Any]:
    """The notice for one technician. `starts_at` is the time *that technician* knows: the new
    one for assigned/rescheduled, the old one for reassigned_away."""
    name = _short(customer, 60) or "cliente"
    moment = when(starts_at, tz, now)
    place = f" · {_short(district, 60)}" if district else ""
    url = visit_url(appointment_id)
    if kind == K.ASSIGNED:
        title, body = f"Nova visita: {name}", f"{moment.capitalize()}{place}"
    elif kind == K.RESCHEDULED:
        title, body = f"Visita reagendada: {name}", f"Agora {moment}{place}"
    elif kind == K.REASSIGNED_AWAY:
        title, body = "Visita transferida", f"A visita de {moment} ({name}) passou para outro técnico."
        url = "/agenda"
    else:
        title, body = "Visita cancelada", f"A visita de {moment} ({name}) foi cancelada."
        url = "/agenda"
    return {
        "title": title,
        "body": body,
        "appointment_id": appointment_id,
        "url": url,
        "kind": kind.value,
        "topic": topic(appointment_id),
    }
