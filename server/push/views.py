from typing import Any

import server.push.tasks  # noqa: F401  (its after-commit listener queues the notices)
from server.appointments.service import load_appointment
from server.auth.access import OFFICE, me, roles
from server.openapi import Blueprint
from server.push import keys, service
from server.push.models import PushNotification, PushSubscription
from server.push.schemas import NotificationOut, SubscriptionIn, SubscriptionOut, UnsubscribeIn, VapidKeyOut

blp = Blueprint("push", __name__, url_prefix="/api", description="Notificações push")


@blp.get("/push/vapid-key")
@blp.response(200, VapidKeyOut)
def vapid_key() -> dict[str, str]:
    """The server's VAPID public key, the `applicationServerKey` for `pushManager.subscribe()`."""
    return {"public_key": keys.public_key()}


@blp.post("/push/subscriptions")
@blp.arguments(SubscriptionIn)
@blp.response(201, SubscriptionOut)
def subscribe(data: dict[str, Any]) -> PushSubscription:
    """Register this browser's push subscription for the logged-in user; posting the same
    endpoint again updates it (and moves it to this user). The endpoint must be https:// on a
    public address (422 otherwise)."""
    return service.subscribe(me(), data)


@blp.delete("/push/subscriptions")
@blp.arguments(UnsubscribeIn)
@blp.response(204)
def unsubscribe(data: dict[str, Any]) -> None:
    """Stop notifications to this endpoint; only the user's own (404 otherwise)."""
    service.unsubscribe(me(), data["endpoint"])


@blp.get("/appointments/<int:appointment_id>/notifications")
@roles(*OFFICE)
@blp.response(200, NotificationOut(many=True))
def visit_notifications(appointment_id: int) -> list[PushNotification]:
    """What the technicians were told about the visit, oldest first: each notice with its
    delivery to each of their devices (sent, pending, failed, gone) and when."""
    return service.visit_notifications(load_appointment(me(), appointment_id))
