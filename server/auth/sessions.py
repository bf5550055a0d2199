"""Server-side sessions: each login is an `AuthSession` row, and the session and remember cookies
carry its secret. Every request checks the row in the same statement that loads the user, so
logout, "sair de todos os aparelhos", a password change or a deactivation end the cookies at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import cache

from flask import current_app, session
from flask_login import login_user
from sqlalchemy import Select, bindparam, delete, select, update
from sqlalchemy.orm import contains_eager

from server.auth.models import AuthSession, User
from server.database import utcnow
from server.extensions import db
from server.stores.models import Store
from server.transaction import write_in_read


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(user: User, remember: bool) -> None:
    """Record a new session and log the user in with its cookies (the caller commits)."""
    key = secrets.token_urlsafe(24)
    now = utcnow()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.add(AuthSession(user_id=user.id, key_hash=_hash(key), created_at=now, expires_at=now + lifetime))
    user.session_key = key
    login_user(user, remember=remember)


def load(cookie_id: str) -> User | None:
    """The user of a session cookie (`<user id>:<key>`), or None when that session has ended."""
    user_id, _, key = cookie_id.partition(":")
    if not user_id.isdigit() or not key:
        return None
    now = utcnow()
    params = {"key_hash": _hash(key), "user_id": int(user_id), "now": now}
    rows = db.session.execute(_session_user(), params).unique().all()
    if not rows:
        return None
    user, session_id, expires_at = rows[0]
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    if expires_at - now < lifetime / 2:
        # Sliding expiry without a write per request: a phone in daily use is never logged out.
        with write_in_read():
            db.session.execute(
                update(AuthSession).where(AuthSession.id == session_id).values(expires_at=now + lifetime)
            )
        session.modified = True  # a "remember me" cookie's own expiry slides with the row's
    user.session_key = key
    return user


@cache
def _session_user() -> Select[User, int, datetime]:
    """Every request's lookup, built once (building it cost more than running it), with the
    user's stores in the same statement: one row per store."""
    return (
        select(User, AuthSession.id, AuthSession.expires_at)
        .join(AuthSession, AuthSession.user_id == User.id)
        .outerjoin(User.stores)
        .options(contains_eager(User.stores))
        .order_by(Store.id)
        .where(AuthSession.key_hash == bindparam("key_hash"), User.id == bindparam("user_id"))
        .where(User.active.is_(True), AuthSession.expires_at > bindparam("now", type_=AuthSession.expires_at.type))
    )


def end(user: User) -> None:
    """End the session this request came with (the caller commits)."""
    if user.session_key:
        db.session.execute(delete(AuthSession).where(AuthSession.key_hash == _hash(user.session_key)))


def end_all(user: User, keep_current: bool = False) -> None:
    """End every session of the user, or every one but this request's (the caller commits)."""
    stmt = delete(AuthSession).where(AuthSession.user_id == user.id)
    if keep_current and user.session_key:
        stmt = stmt.where(AuthSession.key_hash != _hash(user.session_key))
    db.session.execute(stmt)


def purge_expired() -> int:
    """Drop sessions past their expiry (cookies that could no longer log in anyway)."""
    result = db.session.execute(delete(AuthSession).where(AuthSession.expires_at <= utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)
