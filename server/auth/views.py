from typing import Any

from flask import current_app, request, session
from flask_login import login_user, logout_user
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from server.auth import service
from server.auth.access import get_visible_user, me, public, roles
from server.auth.models import Role, User
from server.auth.schemas import LoginIn, MeOut, UserIn, UserListArgs, UserOut
from server.common.schemas import patch
from server.errors import Problem
from server.extensions import csrf, limiter

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Login e sessão")
users_blp = Blueprint("users", __name__, url_prefix="/api/users", description="Usuários")


def _login_email() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"email:{str(email).strip().lower()}" if email else "email:-"


def _failed(response: Any) -> bool:
    return bool(response.status_code == 401)


def _me_payload(user: User) -> dict[str, Any]:
    return {**MeOut().dump(user), "csrf_token": generate_csrf()}


@blp.post("/login")
@public
# JSON-only and SameSite=Lax: a cross-site form cannot post it, so it needs no CSRF token yet.
@csrf.exempt
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_EMAIL"],
    key_func=_login_email,
    deduct_when=_failed,
    scope="login-email",
)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], deduct_when=_failed, scope="login-ip")
@blp.arguments(LoginIn)
@blp.response(200, MeOut)
def login(data: dict[str, Any]) -> dict[str, Any]:
    """Log in with e-mail and password; `remember` keeps the session for 30 days."""
    user = service.authenticate(data["email"], data["password"])
    if user is None:
        raise Problem(401, "E-mail ou senha incorretos.", slug="invalid-credentials", title="Login não autorizado")
    session.clear()
    session.permanent = data["remember"]
    login_user(user, remember=data["remember"])
    return _me_payload(user)


@blp.post("/logout")
@blp.response(204)
def logout() -> None:
    # Clear first: logout_user() leaves a note in the session that deletes the remember cookie.
    session.clear()
    logout_user()


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
