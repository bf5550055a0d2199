import base64
import binascii
from collections.abc import Callable

from marshmallow import ValidationError, fields, validate

from server.common.schemas import Ref, StoreTime, Strict, Text, When


def _key(size: int, message: str) -> Callable[[str], None]:
    """A base64url value that decodes to `size` bytes (the browser's subscription keys)."""

    def check(value: str) -> None:
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            raise ValidationError(message) from None
        if len(raw) != size:
            raise ValidationError(message)

    return check


class SubscriptionKeys(Strict):
    p256dh = fields.String(
        required=True,
        validate=[validate.Length(max=200), _key(65, "Chave p256dh inválida.")],
        metadata={"description": "The browser's P-256 public key, uncompressed, base64url"},
    )
    auth = fields.String(
        required=True,
        validate=[validate.Length(max=100), _key(16, "Segredo auth inválido.")],
        metadata={"description": "The browser's 16-byte auth secret, base64url"},
    )


class SubscriptionIn(Strict):
    endpoint = fields.String(
        required=True,
        validate=validate.Length(min=9, max=1000),
        metadata={"description": "The push service URL from PushSubscription: https:// on a public address"},
    )
    keys = fields.Nested(SubscriptionKeys, required=True)
    user_agent = Text(300, allow_none=True, metadata={"description": "Shown to the office next to each delivery"})
    client_id = fields.UUID(allow_none=True, metadata={"description": "The device's sync client_id, if it has one"})
    expiration_time = fields.Raw(
        data_key="expirationTime",
        allow_none=True,
        load_only=True,
        metadata={"description": "As in PushSubscription.toJSON(); ignored"},
    )


class UnsubscribeIn(Strict):
    endpoint = fields.String(required=True, validate=validate.Length(max=1000))


class SubscriptionOut(Strict):
    id = fields.Integer()
    endpoint = fields.String()
    user_agent = fields.String(allow_none=True)
    client_id = fields.UUID(allow_none=True)
    created_at = When()
    updated_at = When()
    last_success_at = When(allow_none=True)


class VapidKeyOut(Strict):
    public_key = fields.String(
        metadata={"description": "applicationServerKey for pushManager.subscribe(): uncompressed P-256, base64url"}
    )


class DeliveryOut(Strict):
    id = fields.Integer()
    device = fields.String(allow_none=True, metadata={"description": "The subscription's user agent"})
    status = fields.String(metadata={"description": "pending, sent, failed, gone or replaced"})
    http_status = fields.Integer(allow_none=True, metadata={"description": "What the push service answered"})
    attempts = fields.Integer()
    sent_at = StoreTime(allow_none=True)
    next_attempt_at = StoreTime(allow_none=True)
    last_error = fields.String(allow_none=True)


class NotificationOut(Strict):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "assigned, rescheduled, reassigned_away or cancelled"})
    recipient = fields.Nested(Ref, attribute="user", metadata={"description": "The technician notified"})
    title = fields.Function(lambda n: n.payload.get("title"))
    body = fields.Function(lambda n: n.payload.get("body"))
    topic = fields.String()
    created_at = StoreTime()
    status = fields.String(
        metadata={"description": "sent (to some device), pending, no_devices, gone, replaced or failed"}
    )
    sent_at = StoreTime(
        attribute="first_sent_at",
        allow_none=True,
        metadata={"description": "When a device's push service first accepted it"},
    )
    deliveries = fields.List(fields.Nested(DeliveryOut))
