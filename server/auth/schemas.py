from typing import Any

from flask import has_request_context
from flask_login import current_user
from marshmallow import ValidationError, fields, pre_load, validate, validates

from server.auth import passwords
from server.auth.models import Role, User
from server.common import brazil
from server.common.schemas import Id, Normalized, Strict, Text

ROLES = [role.value for role in Role]


class LoginIn(Strict):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)
    remember = fields.Boolean(load_default=False, metadata={"description": "Manter conectado"})

    @pre_load
    def _strip_email(self, data: Any, **kwargs: Any) -> Any:
        """Phone keyboards add a blank after an autocompleted e-mail; it is not part of it."""
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            data = {**data, "email": data["email"].strip()}
        return data


class NewPassword(fields.String):
    """A password being set: the length and common-password rules of server.auth.passwords."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(load_only=True, validate=validate.Length(max=200), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        password: str = super()._deserialize(value, attr, data, **kwargs)
        errors = passwords.problems(password)
        if errors:
            raise ValidationError(errors)
        return password


class PasswordChangeIn(Strict):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = NewPassword(required=True)


class PasswordResetIn(Strict):
    email = fields.Email(required=True, validate=validate.Length(max=254))

    @pre_load
    def _strip_email(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            data = {**data, "email": data["email"].strip()}
        return data


class PasswordResetConfirmIn(Strict):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))
    password = NewPassword(required=True)


class StoreRef(Strict):
    id = fields.Integer()
    name = fields.String()
    timezone = fields.String()


class UserOut(Strict):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    role = fields.String()
    phone = fields.String(allow_none=True)
    active = fields.Boolean()
    stores = fields.Method("_stores", metadata={"description": "The user's stores that the caller also belongs to"})

    def _stores(self, user: User) -> list[dict[str, Any]]:
        """A user shared with another store shows only the stores the caller shares: a scheduler of
        one store must not learn which other stores employ the same technician."""
        caller = current_user if has_request_context() else None
        shown = user.stores
        if caller is not None and caller.is_authenticated and caller.id != user.id:
            shared = set(caller.store_ids)
            shown = [store for store in user.stores if store.id in shared]
        dumped: list[dict[str, Any]] = StoreRef(many=True).dump(shown)
        return dumped


class MeOut(UserOut):
    stores = fields.List(fields.Nested(StoreRef))  # type: ignore[assignment]  # one's own: all
    must_change_password = fields.Boolean(
        metadata={"description": "A temporary password: every other request answers 403 until it is changed"}
    )
    csrf_token = fields.String(metadata={"description": "Send it as X-CSRF-Token on every write"})


class UserIn(Strict):
    name = Text(120, required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = NewPassword(
        required=True,
        metadata={"description": "Set by an admin on an existing user: temporary, changed at the next login"},
    )
    role = fields.String(required=True, validate=validate.OneOf(ROLES, error="Perfil inválido."))
    phone = Normalized(brazil.normalize_phone, allow_none=True)
    active = fields.Boolean()
    store_ids = fields.List(
        Id(),
        required=True,
        metadata={"description": "On update: the user's stores among yours ([] removes them from yours)"},
    )

    @validates("store_ids")
    def _some_store(self, value: list[int], **kwargs: Any) -> None:
        # A new user needs a store; an update may drop a shared user from the caller's stores
        # (the service checks that the user keeps one).
        if not value and not self.partial:
            raise ValidationError("Informe ao menos uma loja.")


class UserListArgs(Strict):
    role = fields.String(validate=validate.OneOf(ROLES, error="Perfil inválido."))
    store_id = Id()
    include_inactive = fields.Boolean(load_default=False)
