"""Who may do what, in one place.

* Every `/api` endpoint needs a logged-in user unless its view is marked `@public`.
* `@roles(...)` guards a view by role (403).
* `visible(Model)` is the only way services read store records: it keeps the user's stores,
  hides tombstones and applies the model's own narrowing (a technician's cases). A record
  outside it answers 404 — its existence is not disclosed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import Select, inspect, select

from server.auth.models import Role, User, user_stores
from server.database import StoreRecord
from server.errors import Forbidden, NotFound, Problem, ValidationFailed
from server.extensions import db
from server.stores.models import Store

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R", bound=StoreRecord)

OFFICE = (Role.ADMIN, Role.SCHEDULER)


def public(view: F) -> F:
    """Mark a view as reachable without logging in."""
    view.public = True  # type: ignore[attr-defined]
    return view


def require_login() -> None:
    """before_request: /api endpoints are private unless marked @public."""
    if not request.path.startswith("/api/") or request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "public", False) or request.blueprint == "api-docs":
        return
    if not current_user.is_authenticated:
        raise Problem(401)
    if current_user.must_change_password and request.endpoint not in _TEMPORARY_PASSWORD_ENDPOINTS:
        raise Problem(
            403,
            "Sua senha é temporária: troque-a antes de continuar.",
            slug="password-change-required",
            title="Troca de senha obrigatória",
        )


# What a user with a temporary password may still do.
_TEMPORARY_PASSWORD_ENDPOINTS = {"auth.get_me", "auth.change_password", "auth.logout", "auth.logout_all"}


def me() -> User:
    return cast(User, current_user._get_current_object())


def roles(*allowed: str) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not me().has_role(*allowed):
                raise Forbidden()
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


def visible(model: type[R], user: User) -> Select[R]:
    stmt = select(model).where(model.store_id.in_(user.store_ids), model.deleted_at.is_(None))
    narrow = getattr(model, "visible_to", None)
    if narrow is not None:
        stmt = stmt.where(narrow(user))
    return stmt


def get_visible(model: type[R], record_id: Any, user: User, detail: str | None = None) -> R:
    primary_key = inspect(model).primary_key[0]
    record: R | None = db.session.scalar(visible(model, user).where(primary_key == record_id))
    if record is None:
        raise NotFound(detail)
    return record


def pick_store(user: User, store_id: int | None) -> Store:
    """The store a new record goes to: the one asked for, or the user's only store."""
    if store_id is None:
        if len(user.stores) == 1:
            return user.stores[0]
        raise ValidationFailed({"store_id": ["Informe a loja."]})
    for store in user.stores:
        if store.id == store_id:
            return store
    raise ValidationFailed({"store_id": ["Loja não encontrada."]})


def require_member(user: User, store_id: int) -> Store:
    """A store the user belongs to, or 404."""
    store = db.session.get(Store, store_id)
    if store is None or store_id not in user.store_ids:
        raise NotFound("Loja não encontrada.")
    return store


def visible_users(viewer: User) -> Select[User]:
    """Users who share a store with the viewer."""
    shared = select(user_stores.c.user_id).where(user_stores.c.store_id.in_(viewer.store_ids))
    return select(User).where(User.id.in_(shared))


def get_visible_user(viewer: User, user_id: int) -> User:
    user: User | None = db.session.scalar(visible_users(viewer).where(User.id == user_id))
    if user is None:
        raise NotFound("Usuário não encontrado.")
    return user
