"""Users and authentication. Passwords are hashed with werkzeug's scrypt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from server.appointments.models import CalendarToken
from server.auth import passwords, sessions, throttle
from server.auth.access import visible_users
from server.auth.models import User, user_stores
from server.errors import Forbidden, ValidationFailed
from server.extensions import db
from server.stores.models import Store

# Checked when the e-mail is unknown, so that a miss costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("assistec-timing-equalizer")


@dataclass(frozen=True)
class Credentials:
    """What a login checks, read apart from the user so the check needs no open transaction."""

    user_id: int
    password_hash: str
    active: bool


def credentials(email: str) -> Credentials | None:
    user: User | None = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    return None if user is None else Credentials(user.id, user.password_hash, user.active)


def verify(found: Credentials | None, password: str) -> int | None:
    """The user id when the password is theirs and the account active. A password hash takes a
    noticeable moment of CPU on purpose, so run this with no transaction open (server.auth.views)."""
    if found is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(found.password_hash, password) or not found.active:
        return None
    return found.user_id


def list_users(viewer: User, role: str | None, store_id: int | None, include_inactive: bool) -> list[User]:
    stmt = visible_users(viewer)
    if role:
        stmt = stmt.where(User.role == role)
    if store_id is not None:
        stmt = stmt.where(User.id.in_(select(user_stores.c.user_id).where(user_stores.c.store_id == store_id)))
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return list(db.session.scalars(stmt.order_by(User.name, User.id)))


def _stores_for(actor: User, store_ids: list[int]) -> list[Store]:
    foreign = set(store_ids) - set(actor.store_ids)
    if foreign:
        raise ValidationFailed({"store_ids": ["Loja não encontrada."]})
    return [store for store in actor.stores if store.id in store_ids]


def _check_email_free(email: str, exclude_id: int | None = None) -> None:
    stmt = select(User.id).where(func.lower(User.email) == email.lower())
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise ValidationFailed({"email": ["Já existe um usuário com este e-mail."]})


def create_user(data: dict[str, Any], actor: User | None = None, stores: list[Store] | None = None) -> User:
    """Create a user; `actor` (an admin) may only grant the stores they belong to."""
    data = dict(data)
    email = data.pop("email").strip().lower()
    _check_email_free(email)
    store_ids = data.pop("store_ids", [])
    password = data.pop("password")
    user = User(email=email, **data)
    user.set_password(password)
    user.stores = stores if stores is not None else _stores_for(actor, store_ids) if actor else []
    db.session.add(user)
    db.session.flush()
    return user


# What lets someone act as the user (or locks them out) in every store they belong to.
_ACCOUNT_FIELDS = ("password", "email", "role", "active")


def update_user(user: User, data: dict[str, Any], actor: User) -> User:
    data = dict(data)
    if set(_ACCOUNT_FIELDS) & data.keys() and not set(user.store_ids) <= set(actor.store_ids):
        # Otherwise an admin of one store could reset a shared user's password and read another store.
        raise Forbidden(
            "Este usuário também pertence a uma loja que não é sua: senha, e-mail, perfil e situação "
            "só podem ser alterados por um administrador de todas as lojas dele."
        )
    if user.id == actor.id:
        # An admin who deactivates or demotes themselves can be the store's last one: nobody would
        # be left to undo it. Another admin can.
        if data.get("active") is False:
            raise ValidationFailed({"active": ["Você não pode desativar a sua própria conta."]})
        if "role" in data and data["role"] != user.role:
            raise ValidationFailed({"role": ["Você não pode mudar o seu próprio perfil."]})
    if "email" in data:
        data["email"] = data["email"].strip().lower()
        _check_email_free(data["email"], exclude_id=user.id)
    if "store_ids" in data:
        # Only the actor's stores change; memberships elsewhere stay as they are.
        granted = _stores_for(actor, data.pop("store_ids"))
        kept = [store for store in user.stores if store.id not in actor.store_ids]
        if not kept + granted:
            raise ValidationFailed({"store_ids": ["Informe ao menos uma loja."]})
        user.stores = kept + granted
    if "password" in data:
        user.set_password(data.pop("password"))
        # One the admin knows: temporary, and every session but the admin's own ends.
        user.must_change_password = user.id != actor.id
        sessions.end_all(user, keep_current=user.id == actor.id)
    if data.get("active") is False:
        sessions.end_all(user)
        # The calendar feed URL dies too: a reactivated user asks for a new one.
        db.session.execute(delete(CalendarToken).where(CalendarToken.user_id == user.id))
    for key, value in data.items():
        setattr(user, key, value)
    db.session.flush()
    return user


def change_own_password(user: User, current: str, new: str, address: str) -> None:
    """The current password proves it is the owner; guesses count as failed logins."""
    throttle.check(user.email, address)
    if not user.check_password(current):
        throttle.record_failure(user.email, address)
        raise ValidationFailed({"current_password": ["Senha atual incorreta."]})
    if new == current:
        raise ValidationFailed({"new_password": ["A nova senha deve ser diferente da atual."]})
    _check_policy_for(user, new, "new_password")
    user.set_password(new)
    user.must_change_password = False
    sessions.end_all(user, keep_current=True)
    db.session.flush()


def reset_password(token: str, new: str) -> User:
    """Set a new password from an e-mailed token; every session of the user ends."""
    user = passwords.user_for_token(token)
    if user is None:
        raise ValidationFailed({"token": ["Link inválido, expirado ou já usado. Peça outro em “Esqueci minha senha”."]})
    _check_policy_for(user, new, "password")
    user.set_password(new)
    user.must_change_password = False
    sessions.end_all(user)
    db.session.flush()
    return user


def _check_policy_for(user: User, password: str, field: str) -> None:
    errors = passwords.problems(password, user)
    if errors:
        raise ValidationFailed({field: errors})


def find_active(email: str) -> User | None:
    user: User | None = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    return user if user is not None and user.active else None
