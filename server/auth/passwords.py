"""Password rules and reset tokens.

A password needs `PASSWORD_MIN_LENGTH` characters and must not be among the 30,000 most common
passwords that zxcvbn ships (from leaked password lists), compared without case.

A reset token is signed (itsdangerous, with SECRET_KEY) and carries the user's id and a
fingerprint of the current password hash: it expires after `PASSWORD_RESET_MINUTES`, and it works
once, because using it changes the hash (so does any other password change).
"""

from __future__ import annotations

import hashlib
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

from server.auth.models import User
from server.extensions import db

MAX_LENGTH = 200


@cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def problems(password: str, user: User | None = None) -> list[str]:
    """What is wrong with a new password, in pt-BR (empty when it is acceptable)."""
    minimum = int(current_app.config["PASSWORD_MIN_LENGTH"])
    if len(password) < minimum or len(password) > MAX_LENGTH:
        return [f"A senha deve ter entre {minimum} e {MAX_LENGTH} caracteres."]
    lowered = password.lower()
    if lowered in _common() or (lowered.isdigit() and len(set(lowered)) <= 2):
        return ["Esta senha é muito comum e fácil de adivinhar. Escolha outra."]
    if user is not None and lowered in (user.email.lower(), user.email.split("@")[0].lower()):
        return ["A senha não pode ser o seu e-mail."]
    return []


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="assistec-password-reset")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "h": _fingerprint(user)})


def user_for_token(token: str) -> User | None:
    """The active user a reset token is for, or None when it is invalid, expired or used."""
    max_age = int(current_app.config["PASSWORD_RESET_MINUTES"]) * 60
    try:
        data = _serializer().loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or data.get("h") != _fingerprint(user):
        return None
    return user
