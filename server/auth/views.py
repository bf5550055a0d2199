from typing import Any

from flask import request, session
from flask_login import logout_user
from flask_wtf.csrf import generate_csrf

from server.auth import service, sessions, throttle
from server.auth.access import get_visible_user, me, public, roles
from server.auth.models import Role, User
from server.auth.schemas import (
    LoginIn,
    MeOut,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    UserIn,
    UserListArgs,
    UserOut,
)
from server.auth.tasks import enqueue_reset_email
from server.common.schemas import patch
from server.errors import Problem
from server.extensions import csrf, db
from server.openapi import Blueprint

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Login e sessão")
users_blp = Blueprint("users", __name__, url_prefix="/api/users", description="Usuários")
ME = MeOut()  # built once: building a schema costs more than dumping one user with it


def _me_payload(user: User) -> dict[str, Any]:
    return {**ME.dump(user), "csrf_token": generate_csrf()}


def _address() -> str:
    return request.remote_addr or "-"


@blp.post("/login")
@public
# JSON-only and SameSite=Lax: a cross-site form cannot post it, so it needs no CSRF token yet.
@csrf.exempt
@blp.arguments(LoginIn)
@blp.response(200, MeOut)
@blp.alt_response(429, response="DEFAULT_ERROR")  # the account or the address used up its failures
def login(data: dict[str, Any]) -> dict[str, Any]:
    """Log in with e-mail and password; `remember` keeps the session for 30 days.

    With `must_change_password` the user must change the (temporary) password first."""
    account = data["email"].strip().lower()
    throttle.check(account, _address())
    found = service.credentials(data["email"])
    # Only reads so far. The password check is slow on purpose, and on SQLite a POST's transaction
    # holds the write lock from its first statement: a burst of logins queued behind one another
    # past the busy timeout. End the read; the session's writes begin a short transaction of their own.
    db.session.rollback()
    user_id = service.verify(found, data["password"])
    user = None if user_id is None else db.session.get(User, user_id)
    if user is None or not user.active:  # read again: deactivated while the password was checked
        throttle.record_failure(account, _address())
        raise Problem(401, "E-mail ou senha incorretos.", slug="invalid-credentials", title="Login não autorizado")
    session.clear()
    session.permanent = data["remember"]
    sessions.start(user, remember=data["remember"])
    sessions.purge_expired()
    db.session.commit()
    return _me_payload(user)


@blp.post("/logout")
@blp.response(204)
def logout() -> None:
    """End this session: its session and remember cookies stop working everywhere."""
    sessions.end(me())
    db.session.commit()
    # Clear first: logout_user() leaves a note in the session that deletes the remember cookie.
    session.clear()
    logout_user()


@blp.post("/logout-all")
@blp.response(204)
def logout_all() -> None:
    """ "Sair de todos os aparelhos": end every session of the user, this one included."""
    sessions.end_all(me())
    db.session.commit()
    session.clear()
    logout_user()


@blp.post("/password")
@blp.arguments(PasswordChangeIn)
@blp.response(200, MeOut)
def change_password(data: dict[str, Any]) -> dict[str, Any]:
    """Change one's own password (the current one is required); the other sessions end."""
    user = me()
    service.change_own_password(user, data["current_password"], data["new_password"], _address())
    return _me_payload(user)


@blp.post("/password-reset")
@public
@csrf.exempt  # JSON-only, like login; it only ever sends a mail to the account's own address
@blp.arguments(PasswordResetIn)
@blp.response(202)
def request_password_reset(data: dict[str, Any]) -> None:
    """ "Esqueci minha senha": e-mail a single-use link, if the address is a user's. The answer is
    the same either way, so it does not tell which e-mails exist."""
    account = data["email"].strip().lower()
    key = f"reset:{account}"
    throttle.check(key, _address())
    throttle.record_failure(key, _address())  # each request counts: no flooding a mailbox
    user = service.find_active(account)
    if user is not None:
        enqueue_reset_email(user, request.host_url)


@blp.post("/password-reset/confirm")
@public
@csrf.exempt
@blp.arguments(PasswordResetConfirmIn)
@blp.response(204)
def confirm_password_reset(data: dict[str, Any]) -> None:
    """Set a new password with the e-mailed token; every session of the user ends."""
    service.reset_password(data["token"], data["password"])


@blp.get("/me")
@blp.response(200, MeOut)
def get_me() -> dict[str, Any]:
    """The logged-in user, their stores, and the CSRF token for writes."""
    return _me_payload(me())


@users_blp.get("")
@roles(Role.ADMIN, Role.SCHEDULER)
@users_blp.arguments(UserListArgs, location="query")
@users_blp.response(200, UserOut(many=True))
def list_users(args: dict[str, Any]) -> list[User]:
    """Users of the caller's stores (schedulers use it to pick technicians)."""
    return service.list_users(me(), args.get("role"), args.get("store_id"), args["include_inactive"])


@users_blp.post("")
@roles(Role.ADMIN)
@users_blp.arguments(UserIn)
@users_blp.response(201, UserOut)
def create_user(data: dict[str, Any]) -> User:
    return service.create_user(data, actor=me())


@users_blp.get("/<int:user_id>")
@roles(Role.ADMIN, Role.SCHEDULER)
@users_blp.response(200, UserOut)
def get_user(user_id: int) -> User:
    return get_visible_user(me(), user_id)


@users_blp.patch("/<int:user_id>")
@roles(Role.ADMIN)
@users_blp.arguments(patch(UserIn))
@users_blp.response(200, UserOut)
def update_user(data: dict[str, Any], user_id: int) -> User:
    return service.update_user(get_visible_user(me(), user_id), data, actor=me())
