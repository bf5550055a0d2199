"""Push notifications: the devices that subscribed, what was sent to whom about which visit, and
how each delivery went (docs/api.md, "Notificações").

None of these rows is synced to phones or versioned: they belong to users and to the office's
view of a visit, and the background job writes them outside any store transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.database import Base, Timestamped, utcnow
from server.stores.models import Store


class NotificationKind(StrEnum):
    ASSIGNED = "assigned"  # a new visit, or one reassigned to this technician
    RESCHEDULED = "rescheduled"  # the visit's times changed
    REASSIGNED_AWAY = "reassigned_away"  # the visit went to another technician
    CANCELLED = "cancelled"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # queued, or waiting for a retry (next_attempt_at)
    SENT = "sent"  # the push service accepted it (201)
    FAILED = "failed"  # refused for good, or retries exhausted
    GONE = "gone"  # 404/410: the browser dropped the subscription, which was deleted
    REPLACED = "replaced"  # a newer notice about the same visit went first: this one is not sent


class PushSubscription(Timestamped, Base):
    """A browser's push subscription: one per endpoint, owned by the user who registered it last."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The phone's sync client (device), when the app said which one it is.
    client_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sync_clients.id", ondelete="SET NULL"))
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    last_success_at: Mapped[datetime | None]
    failure_count: Mapped[int] = mapped_column(default=0)


class PushNotification(Base):
    """One notice to one technician about one change of a visit; its payload is fixed when the
    change is committed, so it says only what that technician may know at that moment."""

    __tablename__ = "push_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)  # recipient
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    store: Mapped[Store] = relationship(lazy="raise")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")
    deliveries: Mapped[list[PushDelivery]] = relationship(
        back_populates="notification", lazy="raise", order_by="PushDelivery.id"
    )

    @property
    def status(self) -> str:
        """One word for the office: sent (to some device), pending, no_devices, gone, replaced or failed."""
        statuses = {delivery.status for delivery in self.deliveries}
        for status in (DeliveryStatus.SENT, DeliveryStatus.PENDING):
            if status.value in statuses:
                return status.value
        if not statuses:
            return "no_devices"
        if len(statuses) == 1:
            return statuses.pop()
        return DeliveryStatus.FAILED.value

    @property
    def first_sent_at(self) -> datetime | None:
        """When a device's push service first accepted the notice."""
        sent = [delivery.sent_at for delivery in self.deliveries if delivery.sent_at is not None]
        return min(sent) if sent else None


class PushDelivery(Base):
    """The notice sent to one subscription (device): what the push service answered, and when."""

    __tablename__ = "push_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("push_notifications.id", ondelete="CASCADE"), index=True)
    # Kept when the subscription is deleted (gone): the office still sees the attempt.
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    device: Mapped[str | None] = mapped_column(String(300))  # the subscription's user agent, for the office
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING.value)
    http_status: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    notification: Mapped[PushNotification] = relationship(back_populates="deliveries", lazy="raise")

    @property
    def store(self) -> Store:
        """The notice's store: its times are shown in the store's timezone."""
        return self.notification.store
