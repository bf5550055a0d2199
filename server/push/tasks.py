"""The push job: one Huey task per delivery (a notice × a subscription).

Each attempt re-reads the delivery and its subscription, re-checks the SSRF guard (DNS may have
changed since the subscription) and that the subscription still belongs to the notice's
technician, then sends with pywebpush: the payload encrypted with aes128gcm, a VAPID JWT signed
per send (`aud` the endpoint's origin, `exp` in 12 hours), TTL 24 h, `Urgency: high` and the
visit's `Topic`. The answer decides:

* 2xx: sent.
* 404 / 410: the browser dropped the subscription; it is deleted and the delivery is `gone`.
* 429 and 5xx, and network errors: tried again later — after `Retry-After` (seconds or an HTTP
  date) when the push service says, else after `PUSH_RETRY_DELAY` doubling — by scheduling the
  task again (never sleeping in a worker), up to `PUSH_RETRIES` times; then `failed`.
* any other 4xx (and 3xx: redirects are not followed): `failed`.

A delivery whose visit has a newer notice for the same technician is `replaced` instead of sent:
a late retry must not overwrite the newer notice that shares its Topic.

A Huey task taken off the queue is not given back when its worker dies, so a periodic sweep
(`sweep_stale_deliveries`) queues again what is still pending long after it was due.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import current_app
from huey import crontab  # type: ignore[import-untyped]
from pywebpush import WebPushException, webpush  # type: ignore[import-untyped]
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.orm import Session, selectinload

from server.auth.models import User
from server.database import utcnow
from server.extensions import db
from server.jobs import job_context, push_huey
from server.push import keys
from server.push.guard import IPAddress, UnsafeEndpoint, check_endpoint
from server.push.models import DeliveryStatus, PushDelivery, PushNotification, PushSubscription
from server.push.service import committed_deliveries, payload_bytes
from server.push.transport import PushSession

TTL_SECONDS = 24 * 60 * 60
JWT_LIFETIME = timedelta(hours=12)  # push services refuse a VAPID `exp` more than 24 h ahead
STALE = timedelta(minutes=10)  # far beyond PUSH_TIMEOUT: nobody is still working on it


def enqueue_deliveries(delivery_ids: Iterable[int]) -> None:
    for delivery_id in delivery_ids:
        push_huey.enqueue(send_push.s(delivery_id))


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    """The transaction is durable: now the job may send (in tests' immediate mode it runs here,
    in a session of its own, after the commit)."""
    delivery_ids = committed_deliveries(session)
    if delivery_ids:
        enqueue_deliveries(delivery_ids)


@push_huey.task()
def send_push(delivery_id: int) -> None:
    # An application context of its own, hence a database session of its own: in immediate mode
    # this runs inside the request's after_commit, whose session may not be used any more.
    with job_context() as app, app.app_context():
        delay = deliver(delivery_id)
    if delay is not None:
        send_push.schedule(args=(delivery_id,), delay=delay)


@push_huey.periodic_task(crontab(minute="*/5"))
def sweep_stale_deliveries() -> None:
    with job_context() as app, app.app_context():
        delivery_ids = stale_deliveries()
    enqueue_deliveries(delivery_ids)


def stale_deliveries(now: datetime | None = None) -> list[int]:
    """Pending deliveries whose worker died: untouched for STALE and, if a retry was scheduled,
    STALE past its time. They are sent again — a repeat carries the same Topic, so a device that
    did get the first one still shows one notification. Past the notice's TTL they fail instead."""
    now = now or utcnow()
    pending = PushDelivery.status == DeliveryStatus.PENDING.value
    db.session.execute(
        update(PushDelivery)
        .where(pending, PushDelivery.created_at < now - timedelta(seconds=TTL_SECONDS))
        .values(status=DeliveryStatus.FAILED.value, next_attempt_at=None, last_error="Expirou sem ser entregue.")
    )
    due = func.coalesce(PushDelivery.next_attempt_at, PushDelivery.updated_at)
    stale = select(PushDelivery.id).where(pending, PushDelivery.updated_at < now - STALE, due < now - STALE)
    delivery_ids = list(db.session.scalars(stale.order_by(PushDelivery.id)))
    db.session.commit()
    return delivery_ids


def origin(endpoint: str) -> str:
    """The JWT audience: scheme, host and port of the endpoint."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}:{parts.port}" if parts.port else f"{parts.scheme}://{host}"


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - now).total_seconds(), 0.0)


def _finish(delivery: PushDelivery, status: DeliveryStatus, http_status: int | None, error: str | None) -> None:
    delivery.status = status.value
    delivery.http_status = http_status
    delivery.next_attempt_at = None
    delivery.last_error = error[:500] if error else None
    db.session.commit()


def _newer_notice(notification: PushNotification) -> bool:
    stmt = select(PushNotification.id).where(
        PushNotification.appointment_id == notification.appointment_id,
        PushNotification.user_id == notification.user_id,
        PushNotification.id > notification.id,
    )
    return db.session.scalar(stmt.limit(1)) is not None


def _post(
    target: dict[str, Any], address: IPAddress, payload: dict[str, Any], topic: str, now: datetime
) -> requests.Response:
    """POST the notice to `address`, the endpoint's checked address; `target` is the subscription
    as pywebpush takes it (endpoint and keys)."""
    config = current_app.config
    claims = {  # a fresh dict per send: pywebpush writes into the one it is given
        "sub": config["VAPID_SUBJECT"],
        "aud": origin(target["endpoint"]),
        "exp": int((now + JWT_LIFETIME).timestamp()),
    }
    with PushSession(target["endpoint"], address) as session:
        response: requests.Response = webpush(
            target,
            payload_bytes(payload).decode(),
            vapid_private_key=_vapid(),
            vapid_claims=claims,
            content_encoding="aes128gcm",
            ttl=TTL_SECONDS,
            headers={"Urgency": "high", "Topic": topic},
            timeout=float(config["PUSH_TIMEOUT"]),
            requests_session=session,
        )
    return response


def _vapid() -> Any:
    from py_vapid import Vapid  # type: ignore[import-untyped]

    return Vapid(private_key=keys.private_key())


def _update_subscription(subscription_id: int, **values: Any) -> None:
    db.session.execute(update(PushSubscription).where(PushSubscription.id == subscription_id).values(**values))


def deliver(delivery_id: int, now: datetime | None = None) -> float | None:
    """One attempt at a delivery; the seconds to wait before the next one, or None when done."""
    now = now or utcnow()
    config = current_app.config
    delivery = db.session.scalar(
        select(PushDelivery).where(PushDelivery.id == delivery_id).options(selectinload(PushDelivery.notification))
    )
    if delivery is None or delivery.status != DeliveryStatus.PENDING.value:
        return None  # rolled back with its change, or already settled: never twice
    notification = delivery.notification
    subscription = db.session.get(PushSubscription, delivery.subscription_id) if delivery.subscription_id else None
    if subscription is None or subscription.user_id != notification.user_id:
        _finish(delivery, DeliveryStatus.FAILED, None, "Inscrição removida ou passada a outro usuário.")
        return None
    recipient = db.session.get(User, notification.user_id)
    if recipient is None or not recipient.active:
        _finish(delivery, DeliveryStatus.FAILED, None, "Usuário inativo.")
        return None
    if _newer_notice(notification):
        _finish(delivery, DeliveryStatus.REPLACED, None, None)
        return None
    try:
        [address, *_] = check_endpoint(subscription.endpoint, allow_loopback=bool(config.get("PUSH_ALLOW_LOOPBACK")))
    except UnsafeEndpoint as error:
        _finish(delivery, DeliveryStatus.FAILED, None, f"Endereço recusado: {error}")
        return None

    # Read before the commit: no transaction (nor SQLite lock) stays open while the push service answers.
    target = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
    payload, topic, subscription_id = notification.payload, notification.topic, subscription.id
    delivery.attempts += 1
    db.session.commit()
    status: int | None = None
    wait: float | None = None
    reason = ""
    try:
        response = _post(target, address, payload, topic, now)
        status = response.status_code
    except WebPushException as error:
        status = error.status_code
        wait = retry_after(error.retry_after, now)
        reason = f"HTTP {status}: {(getattr(error.response, 'text', '') or '')[:200]}"
    except (requests.RequestException, OSError) as error:
        reason = f"{type(error).__name__}: {error}"

    if status is not None and 200 <= status < 300:
        delivery.sent_at = now
        # Statements, not the ORM object: the user may have unsubscribed while we were sending.
        _update_subscription(subscription_id, last_success_at=now, failure_count=0)
        _finish(delivery, DeliveryStatus.SENT, status, None)
        return None
    if status in (404, 410):
        delivery.subscription_id = None
        db.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))
        _finish(delivery, DeliveryStatus.GONE, status, "O navegador cancelou a inscrição.")
        return None
    _update_subscription(subscription_id, failure_count=PushSubscription.failure_count + 1)
    retryable = status is None or status == 429 or status >= 500
    retries = int(config["PUSH_RETRIES"])
    if not retryable or delivery.attempts > retries:
        _finish(delivery, DeliveryStatus.FAILED, status, reason)
        return None
    if wait is None:
        wait = float(config["PUSH_RETRY_DELAY"]) * 2 ** (delivery.attempts - 1)
    if wait > TTL_SECONDS:
        _finish(delivery, DeliveryStatus.FAILED, status, f"{reason} (espera maior que a validade da notificação)")
        return None
    wait = max(wait, 1.0)
    delivery.http_status = status
    delivery.last_error = reason[:500]
    delivery.next_attempt_at = now + timedelta(seconds=wait)
    db.session.commit()
    return wait
