"""Push notifications: subscriptions, and the notices a change of a visit leaves for the job.

Subscriptions belong to the logged-in user (and to the phone's sync client when the app names
it); posting an endpoint again updates it and moves it to whoever posts it, since a browser's
endpoint is one device. The endpoint must pass the SSRF guard (`server.push.guard`).

Notices are written in the same transaction as the change of the visit (a rollback takes them
away), one per technician affected and one delivery row per subscription of theirs; the ids go
to `session.info` and are handed to the Huey job only after the commit (`server.push.tasks` listens),
never inside the request's transaction. A technician's own actions notify nobody. Besides the
visit's own changes (`server.appointments.service`), a case cancelled or closed notifies the
technicians of its coming visits (`server.cases.service`).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from server.appointments.models import Appointment
from server.auth.models import User
from server.cases.models import ServiceCase
from server.customers.models import Customer
from server.database import utcnow
from server.errors import NotFound, ValidationFailed
from server.extensions import db
from server.push.guard import UnsafeEndpoint, check_endpoint
from server.push.messages import MAX_PAYLOAD_BYTES, build_payload, topic
from server.push.models import NotificationKind, PushDelivery, PushNotification, PushSubscription
from server.stores.models import Store
from server.sync.models import SyncClient

_PENDING_KEY = "assistec.push_deliveries"


# --- subscriptions ------------------------------------------------------------------------


def check_subscription_endpoint(endpoint: str) -> None:
    try:
        check_endpoint(endpoint, allow_loopback=bool(current_app.config.get("PUSH_ALLOW_LOOPBACK")))
    except UnsafeEndpoint as error:
        raise ValidationFailed({"endpoint": [str(error)]}) from None


def _client(user: User, client_id: uuid.UUID | None) -> uuid.UUID | None:
    """The phone's sync client, if the app named one: it must be this user's. A client that has
    not synced yet is not known here, and the subscription is kept without it."""
    if client_id is None:
        return None
    client = db.session.get(SyncClient, client_id)
    if client is None:
        return None
    if client.user_id != user.id:
        raise ValidationFailed({"client_id": ["Este dispositivo pertence a outro usuário."]})
    return client.id


def subscribe(user: User, data: dict[str, Any]) -> PushSubscription:
    """Create or update the subscription of `data["endpoint"]` for this user (idempotent)."""
    check_subscription_endpoint(data["endpoint"])
    client_id = _client(user, data.get("client_id"))
    subscription = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == data["endpoint"]))
    if subscription is None:
        subscription = PushSubscription(endpoint=data["endpoint"])
        db.session.add(subscription)
    subscription.user_id = user.id
    subscription.client_id = client_id
    subscription.p256dh = data["keys"]["p256dh"]
    subscription.auth = data["keys"]["auth"]
    subscription.user_agent = data.get("user_agent")
    subscription.failure_count = 0
    db.session.flush()
    return subscription


def unsubscribe(user: User, endpoint: str) -> None:
    """Remove the user's subscription of `endpoint`; another user's, or none, is a 404."""
    removed = db.session.execute(
        delete(PushSubscription).where(PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id)
    )
    if not removed.rowcount:  # type: ignore[attr-defined]
        raise NotFound("Inscrição de notificações não encontrada.")
    db.session.flush()


# --- notices ------------------------------------------------------------------------------


def notify_visit(
    appointment: Appointment,
    recipient_id: int,
    kind: NotificationKind,
    actor: User | None,
    *,
    starts_at: datetime | None = None,
) -> None:
    """Leave a notice for `recipient_id` about `appointment`, sent after the commit.

    Call it inside the change's transaction, after the change. `starts_at` is the time the
    recipient knows (the old one for `reassigned_away`); by default the visit's current one.
    Nothing is left when the recipient made the change themselves.
    """
    if actor is not None and actor.id == recipient_id:
        return
    customer, address, timezone = db.session.execute(
        select(Customer.name, ServiceCase.service_address, Store.timezone)
        .join(Customer, Customer.id == ServiceCase.customer_id)
        .join(Store, Store.id == ServiceCase.store_id)
        .where(ServiceCase.id == appointment.case_id)
    ).one()
    payload = build_payload(
        kind,
        appointment.id,
        customer=customer,
        starts_at=starts_at or appointment.starts_at,
        district=(address or {}).get("district"),
        tz=ZoneInfo(timezone),
        now=utcnow(),
    )
    assert len(payload_bytes(payload)) < MAX_PAYLOAD_BYTES
    notification = PushNotification(
        store_id=appointment.store_id,
        appointment_id=appointment.id,
        user_id=recipient_id,
        actor_id=actor.id if actor is not None else None,
        kind=kind.value,
        topic=topic(appointment.id),
        payload=payload,
    )
    db.session.add(notification)
    subscriptions = db.session.execute(
        select(PushSubscription.id, PushSubscription.user_agent).where(PushSubscription.user_id == recipient_id)
    ).all()
    deliveries = [
        PushDelivery(notification=notification, subscription_id=sub_id, device=agent) for sub_id, agent in subscriptions
    ]
    db.session.add_all(deliveries)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).extend(delivery.id for delivery in deliveries)


def payload_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def committed_deliveries(session: Session) -> list[int]:
    """The deliveries of the transaction just committed, each handed out once: the push job
    (`server.push.tasks`) queues them from its after_commit listener."""
    delivery_ids: list[int] = session.info.pop(_PENDING_KEY, None) or []
    return delivery_ids


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


# --- the office's view --------------------------------------------------------------------


def visit_notifications(appointment: Appointment) -> list[PushNotification]:
    """Every notice about the visit (loaded with `load_appointment`, so scoped), oldest first,
    with its deliveries: a fixed number of queries however many there are."""
    stmt = (
        select(PushNotification)
        .where(PushNotification.appointment_id == appointment.id)
        .options(
            selectinload(PushNotification.deliveries),
            selectinload(PushNotification.user),
            selectinload(PushNotification.store),
        )
        .order_by(PushNotification.created_at, PushNotification.id)
    )
    notifications = list(db.session.scalars(stmt))
    for notification in notifications:
        for delivery in notification.deliveries:  # its back-reference, known without a query
            set_committed_value(delivery, "notification", notification)
    return notifications
