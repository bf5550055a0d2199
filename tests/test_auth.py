"""Login, sessions, CSRF, rate limits, production settings, security headers and API docs."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from flask import Flask
from werkzeug.http import parse_cookie

from server import create_app
from server.auth import service
from server.auth.models import Role, User
from server.config import ConfigError
from server.extensions import db
from server.stores.models import Store
from tests.conftest import PASSWORD, TEST_CONFIG, ApiClient, login, make_user

PROBLEM = "application/problem+json"


def _set_cookie(response: Any, name: str) -> str | None:
    """The raw Set-Cookie header that sets `name`, or None."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.split("=", 1)[0].strip() == name:
            return str(header)
    return None


def _attributes(set_cookie: str) -> dict[str, str]:
    """Cookie attributes in lower case: {"httponly": "", "samesite": "lax", ...}."""
    attrs = {}
    for part in set_cookie.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        attrs[key.lower()] = value.lower()
    return attrs


def _post_login(client: Any, email: str, password: str = PASSWORD, ip: str = "127.0.0.1", **extra: Any) -> Any:
    return client.post(
        "/api/auth/login",
        json={"email": email, "password": password, **extra},
        environ_base={"REMOTE_ADDR": ip},
    )


def _new_client(app: Flask) -> ApiClient:
    return app.test_client()  # type: ignore[return-value]


# --- login ----------------------------------------------------------------------------------


def test_login_returns_user_stores_and_csrf_token(client, admin, store):
    """A successful login answers 200 with the user, their stores and a CSRF token — never the hash."""
    response = _post_login(client, admin.email)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["id"] == admin.id
    assert body["email"] == "admin@assistec.test"
    assert body["role"] == "admin"
    assert body["name"] == "Ana Admin"
    assert body["stores"] == [{"id": store.id, "name": store.name, "timezone": "America/Sao_Paulo"}]
    assert isinstance(body["csrf_token"], str) and len(body["csrf_token"]) > 20
    assert "password" not in body and "password_hash" not in body and "session_token" not in body


def test_login_session_cookie_is_httponly_and_samesite_lax(client, admin):
    """The session cookie cannot be read by scripts nor sent by cross-site posts."""
    response = _post_login(client, admin.email)
    cookie = _set_cookie(response, "session")
    assert cookie is not None, response.headers.getlist("Set-Cookie")
    attrs = _attributes(cookie)
    assert "httponly" in attrs
    assert attrs.get("samesite") == "lax"
    assert "expires" not in attrs  # without "remember me" the session ends with the browser
    assert _set_cookie(response, "remember_token") is None


def test_the_password_is_checked_with_no_transaction_open(client, admin, monkeypatch):
    """A login checks the hash (slow on purpose) holding no lock: on SQLite another writer can
    begin at that moment, so a burst of logins does not queue past the busy timeout."""
    real = service.check_password_hash
    seen: list[bool] = []

    def checking(hashed: str, password: str) -> bool:
        seen.append(db.session().in_transaction())
        if db.engine.dialect.name == "sqlite":
            other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # "database is locked" if the login held the write lock
                other.execute("ROLLBACK")
            finally:
                other.close()
        return real(hashed, password)

    monkeypatch.setattr(service, "check_password_hash", checking)
    response = client.post("/api/auth/login", json={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 200, response.json
    assert seen == [False]


def test_login_is_case_insensitive_on_email(client, admin):
    """People type their e-mail with capitals and blanks; the login still finds them."""
    response = _post_login(client, "  ADMIN@Assistec.TEST ")
    assert response.status_code == 200, response.json
    assert response.json["id"] == admin.id


def test_remember_me_sets_a_long_lived_httponly_remember_cookie(client, admin):
    """`remember: true` sets an HttpOnly remember_token cookie that restores a lost session."""
    response = _post_login(client, admin.email, remember=True)
    assert response.status_code == 200
    cookie = _set_cookie(response, "remember_token")
    assert cookie is not None, response.headers.getlist("Set-Cookie")
    attrs = _attributes(cookie)
    assert "httponly" in attrs
    assert "expires" in attrs
    assert "expires" in _attributes(_set_cookie(response, "session") or "")  # a permanent session too

    client.delete_cookie("session")
    me = client.get("/api/auth/me")
    assert me.status_code == 200, me.json
    assert me.json["id"] == admin.id


def test_wrong_password_and_unknown_email_give_the_same_401(client, admin):
    """A failed login does not disclose whether the e-mail exists."""
    wrong_password = _post_login(client, admin.email, "senha-errada-000")
    unknown_email = _post_login(client, "ninguem@assistec.test", "senha-errada-000")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert response.mimetype == PROBLEM
        assert response.json["status"] == 401
        assert response.json["detail"] == "E-mail ou senha incorretos."
    assert wrong_password.json == unknown_email.json
    assert _set_cookie(wrong_password, "session") is None
    assert client.get("/api/auth/me").status_code == 401


def test_inactive_user_cannot_log_in(client, store):
    """A deactivated user gets the same 401 as a wrong password, even with the right one."""
    user = make_user(Role.SCHEDULER, [store], "inativo@assistec.test", active=False)
    response = _post_login(client, user.email)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.json["detail"] == "E-mail ou senha incorretos."
    assert client.get("/api/auth/me").status_code == 401


def test_login_body_is_validated(client, admin):
    """Missing password, malformed e-mail and unknown fields → 422 naming each field."""
    response = client.post("/api/auth/login", json={"email": "nao-e-email", "extra": 1})
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert set(response.json["errors"]) == {"email", "password", "extra"}


def test_login_accepts_only_json(client, admin):
    """Login is CSRF-exempt because a cross-site form cannot send JSON: form and text/plain bodies fail."""
    as_text = client.post(
        "/api/auth/login",
        data=f'{{"email": "{admin.email}", "password": "{PASSWORD}"}}',
        content_type="text/plain",
    )
    as_form = client.post("/api/auth/login", data={"email": admin.email, "password": PASSWORD})
    for response in (as_text, as_form):
        assert response.status_code == 422
        assert _set_cookie(response, "session") is None
    assert client.get("/api/auth/me").status_code == 401


# --- rate limits ------------------------------------------------------------------------------


def test_five_failures_for_one_email_block_the_sixth_attempt_even_with_the_right_password(client, admin):
    """Per-e-mail limit: the 6th attempt within the minute answers 429 with Retry-After."""
    for ip_suffix in range(5):  # from different addresses: the limit follows the e-mail
        response = _post_login(client, admin.email, "senha-errada-000", ip=f"10.0.0.{ip_suffix + 1}")
        assert response.status_code == 401
    blocked = _post_login(client, admin.email, PASSWORD, ip="10.0.0.99")
    assert blocked.status_code == 429
    assert blocked.mimetype == PROBLEM
    assert blocked.json["status"] == 429
    assert blocked.json["type"].endswith("/rate-limited")
    retry_after = blocked.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit() and 0 < int(retry_after) <= 60
    assert _set_cookie(blocked, "session") is None
    assert client.get("/api/auth/me").status_code == 401


def test_email_limit_counts_spellings_of_one_email_together(client, admin):
    """Changing the case of the e-mail does not buy more attempts."""
    for email in (
        "admin@assistec.test",
        "ADMIN@assistec.test",
        "Admin@Assistec.Test",
        " admin@assistec.test",
        "admin@ASSISTEC.test",
    ):
        assert _post_login(client, email, "senha-errada-000").status_code == 401
    assert _post_login(client, "admin@assistec.test").status_code == 429


def test_email_limit_does_not_block_other_users(client, admin, scheduler):
    """Failures for one e-mail leave another user's login alone."""
    for _ in range(5):
        _post_login(client, admin.email, "senha-errada-000")
    assert _post_login(client, admin.email).status_code == 429
    assert _post_login(client, scheduler.email).status_code == 200


def test_successful_logins_do_not_consume_the_failure_budget(client, admin):
    """Only failures count: 4 failures, 3 successes, then a 5th failure is still a plain 401."""
    for _ in range(4):
        assert _post_login(client, admin.email, "senha-errada-000").status_code == 401
    for _ in range(3):
        assert _post_login(client, admin.email).status_code == 200
    assert _post_login(client, admin.email, "senha-errada-000").status_code == 401
    assert _post_login(client, admin.email).status_code == 429


def test_per_ip_limit_blocks_an_address_trying_many_emails(app, client, admin):
    """Per-IP limit (LOGIN_LIMIT_PER_IP): failures on different e-mails add up for one address."""
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per minute"
    for n in range(3):
        response = _post_login(client, f"tentativa{n}@assistec.test", "senha-errada-000", ip="10.1.1.1")
        assert response.status_code == 401
    blocked = _post_login(client, admin.email, PASSWORD, ip="10.1.1.1")
    assert blocked.status_code == 429
    assert blocked.mimetype == PROBLEM
    assert blocked.headers.get("Retry-After")
    # Another address is not affected.
    assert _post_login(_new_client(app), admin.email, PASSWORD, ip="10.2.2.2").status_code == 200


# --- session lifecycle ------------------------------------------------------------------------


def test_me_returns_the_user_and_a_csrf_token(as_scheduler, scheduler, store):
    """`me` is how the front end recovers the CSRF token after a reload."""
    response = as_scheduler.get("/api/auth/me")
    assert response.status_code == 200
    assert response.json["id"] == scheduler.id
    assert response.json["role"] == "scheduler"
    assert [s["id"] for s in response.json["stores"]] == [store.id]
    assert response.json["csrf_token"]


def test_me_without_login_is_401_problem(client):
    """Anonymous callers get 401 problem+json (the phone keeps its outbox and asks to log in)."""
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.json["type"].endswith("/unauthenticated")
    assert set(response.json) >= {"type", "title", "status", "detail"}


def test_logout_ends_the_session(as_admin):
    """After logout, `me` answers 401."""
    assert as_admin.get("/api/auth/me").status_code == 200
    response = as_admin.post("/api/auth/logout")
    assert response.status_code == 204
    assert as_admin.get("/api/auth/me").status_code == 401


def test_logout_also_forgets_the_remember_cookie(app, admin):
    """A remembered login does not come back after logout."""
    client = _new_client(app)
    response = _post_login(client, admin.email, remember=True)
    client.csrf_token = response.json["csrf_token"]
    assert client.post("/api/auth/logout").status_code == 204
    assert client.get("/api/auth/me").status_code == 401
    assert client.get_cookie("remember_token") is None or not client.get_cookie("remember_token").value


def test_logout_without_csrf_token_is_refused(as_admin):
    """Logout is a write, so it needs the token too; the session survives a forged logout."""
    as_admin.csrf_token = None
    response = as_admin.post("/api/auth/logout")
    assert response.status_code == 400
    assert as_admin.get("/api/auth/me").status_code == 200


# --- CSRF -------------------------------------------------------------------------------------


def test_write_without_csrf_header_is_400_problem(as_admin, store):
    """A logged-in write without X-CSRF-Token is refused and writes nothing."""
    as_admin.csrf_token = None
    response = as_admin.post("/api/catalogs/rooms", json={"name": "Edícula"})
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert response.json["type"].endswith("/csrf")
    assert response.json["status"] == 400
    names = [e["name"] for e in as_admin.get("/api/catalogs/rooms").json]
    assert "Edícula" not in names


def test_write_with_a_wrong_csrf_token_is_400(as_admin):
    """A made-up token fails like a missing one."""
    as_admin.csrf_token = "not-a-real-token"
    response = as_admin.post("/api/catalogs/rooms", json={"name": "Edícula"})
    assert response.status_code == 400
    assert response.json["type"].endswith("/csrf")


def test_csrf_token_of_another_session_is_refused(app, admin, scheduler):
    """A token is bound to its session: another user's valid token does not work."""
    as_admin = login(app, admin)
    as_scheduler = login(app, scheduler)
    as_admin.csrf_token = as_scheduler.csrf_token
    response = as_admin.post("/api/catalogs/rooms", json={"name": "Edícula"})
    assert response.status_code == 400
    assert response.json["type"].endswith("/csrf")


def test_csrf_token_from_me_works_for_writes(as_admin):
    """The token `me` hands out is accepted on a write."""
    token = as_admin.get("/api/auth/me").json["csrf_token"]
    as_admin.csrf_token = None
    response = as_admin.post("/api/catalogs/rooms", json={"name": "Edícula"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 201, response.json


def test_anonymous_write_is_401_not_csrf(client):
    """Without a session the answer is "log in" (401), whatever the token."""
    response = client.post("/api/catalogs/rooms", json={"name": "Edícula"})
    assert response.status_code == 401
    assert response.json["type"].endswith("/unauthenticated")


# --- ending other sessions --------------------------------------------------------------------


def test_password_change_by_admin_ends_the_users_sessions(as_admin, as_scheduler, scheduler, app):
    """An admin resetting a password logs the user out everywhere; the new password works."""
    assert as_scheduler.get("/api/auth/me").status_code == 200
    response = as_admin.patch(f"/api/users/{scheduler.id}", json={"password": "nova-senha-456"})
    assert response.status_code == 200, response.json
    assert as_scheduler.get("/api/auth/me").status_code == 401
    assert _post_login(_new_client(app), scheduler.email, PASSWORD).status_code == 401
    assert _post_login(_new_client(app), scheduler.email, "nova-senha-456").status_code == 200
    assert as_admin.get("/api/auth/me").status_code == 200  # the admin's own session is untouched


def test_password_change_also_invalidates_remember_cookies(app, as_admin, scheduler):
    """A remember-me cookie issued before the change cannot restore the session."""
    remembered = _new_client(app)
    assert _post_login(remembered, scheduler.email, remember=True).status_code == 200
    remembered.delete_cookie("session")
    assert remembered.get("/api/auth/me").status_code == 200  # the cookie works before the change
    remembered.delete_cookie("session")
    assert as_admin.patch(f"/api/users/{scheduler.id}", json={"password": "nova-senha-456"}).status_code == 200
    assert remembered.get("/api/auth/me").status_code == 401


def test_deactivation_ends_the_users_sessions(as_admin, as_technician, technician, app):
    """A deactivated user is logged out at once and cannot log in again."""
    assert as_technician.get("/api/auth/me").status_code == 200
    response = as_admin.patch(f"/api/users/{technician.id}", json={"active": False})
    assert response.status_code == 200, response.json
    assert response.json["active"] is False
    assert as_technician.get("/api/auth/me").status_code == 401
    assert _post_login(_new_client(app), technician.email).status_code == 401


def test_other_profile_changes_keep_the_session(as_admin, as_technician, technician):
    """Renaming a user does not log them out."""
    assert as_admin.patch(f"/api/users/{technician.id}", json={"name": "Tiago Silva"}).status_code == 200
    me = as_technician.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json["name"] == "Tiago Silva"


# --- production settings ------------------------------------------------------------------------


def _env(monkeypatch: pytest.MonkeyPatch, env: str, secret: str | None) -> None:
    monkeypatch.setenv("ASSISTEC_ENV", env)
    for name in ("SESSION_COOKIE_SECURE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    """No embedded secret in production: create_app raises ConfigError."""
    _env(monkeypatch, "production", None)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_an_empty_secret_key(monkeypatch):
    """An empty SECRET_KEY is no secret either."""
    _env(monkeypatch, "production", "")
    with pytest.raises(ConfigError):
        create_app()


def test_unknown_environment_is_refused(monkeypatch):
    """A typo in ASSISTEC_ENV must not silently fall back to development settings."""
    _env(monkeypatch, "prod", "k" * 32)
    with pytest.raises(ConfigError):
        create_app()


def _app_for(database_url: str) -> Flask:
    overrides = {k: v for k, v in TEST_CONFIG.items() if k != "SECRET_KEY"}
    app = create_app({**overrides, "SQLALCHEMY_DATABASE_URI": database_url})
    app.test_client_class = ApiClient
    return app


def test_production_cookies_are_secure(monkeypatch, database_url, admin: User, store: Store):
    """In production the session and remember cookies carry the Secure flag, and HSTS is sent."""
    _env(monkeypatch, "production", "segredo-de-producao-" + "x" * 20)
    prod = _app_for(database_url)
    assert prod.config["SECRET_KEY"].startswith("segredo-de-producao-")
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.config["REMEMBER_COOKIE_SECURE"] is True
    response = prod.test_client().post(
        "/api/auth/login",
        json={"email": admin.email, "password": PASSWORD, "remember": True},
        base_url="https://localhost",
    )
    assert response.status_code == 200, response.json
    assert "secure" in _attributes(_set_cookie(response, "session") or "")
    assert "secure" in _attributes(_set_cookie(response, "remember_token") or "")
    assert response.headers.get("Strict-Transport-Security")


def test_development_cookies_are_not_secure(monkeypatch, database_url, admin: User, store: Store):
    """`make run` serves plain http on 127.0.0.1, so a Secure cookie would never come back."""
    _env(monkeypatch, "development", "segredo-de-desenvolvimento")
    dev = _app_for(database_url)
    assert dev.config["SESSION_COOKIE_SECURE"] is False
    response = dev.test_client().post("/api/auth/login", json={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 200, response.json
    cookie = _set_cookie(response, "session")
    assert cookie is not None
    assert "secure" not in _attributes(cookie)
    assert "Strict-Transport-Security" not in response.headers


# --- headers, docs and generic errors -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/auth/me", "/api/stores", "/api/nao-existe"])
def test_security_headers_on_api_responses(as_admin, path):
    """CSP with frame-ancestors 'none', nosniff and a referrer policy on successes and errors."""
    response = as_admin.get(path)
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in {
        "same-origin",
        "no-referrer",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }
    assert response.headers.get("Cache-Control") == "no-store"


def test_security_headers_on_anonymous_errors(client):
    """A 401 for an anonymous caller carries the headers too."""
    response = client.get("/api/cases")
    assert response.status_code == 401
    assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_openapi_document_is_public_and_lists_the_contract_paths(client):
    """The OpenAPI 3.1 document names the paths the front end relies on."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"] == "3.1.0"
    paths = set(spec["paths"])
    expected = {
        "/api/cases",
        "/api/cases/{case_id}/timeline",
        "/api/customers",
        "/api/contracts",
        "/api/stores",
        "/api/users",
        "/api/catalogs/{kind}",
        "/api/auth/login",
        "/api/auth/logout",
        "/api/auth/me",
    }
    assert expected <= paths, expected - paths
    assert "post" in spec["paths"]["/api/auth/login"]


def test_docs_page_is_served_without_login(client):
    """/api/docs is an HTML page reachable anonymously, loading Swagger UI from our own server."""
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "/api/docs/assets/swagger-ui-bundle.js" in html
    assert "/api/openapi.json" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert cdn not in html
    assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "")


def test_docs_assets_are_served_locally(client):
    """The Swagger UI bundle comes from the installed package, so docs work offline."""
    response = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert response.status_code == 200
    assert "javascript" in response.mimetype
    assert len(response.data) > 10_000
    css = client.get("/api/docs/assets/swagger-ui.css")
    assert css.status_code == 200


def test_unknown_api_path_is_404_problem(as_admin, client):
    """An unknown /api path answers problem+json 404, logged in or not."""
    for caller in (as_admin, client):
        response = caller.get("/api/nao-existe")
        assert response.status_code == 404
        assert response.mimetype == PROBLEM
        assert response.json["status"] == 404
        assert response.json["type"].endswith("/not-found")
        assert response.json["title"] and response.json["detail"]


def test_wrong_method_is_405_problem_with_allow(as_admin):
    """A wrong method answers problem+json 405 and still says which methods are allowed."""
    response = as_admin.delete("/api/auth/me")
    assert response.status_code == 405
    assert response.mimetype == PROBLEM
    assert response.json["status"] == 405
    assert response.json["type"].endswith("/method-not-allowed")
    allow = {m.strip() for m in response.headers.get("Allow", "").split(",")}
    assert "GET" in allow
    assert "DELETE" not in allow


def test_login_cookie_value_is_not_the_user_id(client, admin):
    """The session is signed: tampering with the cookie does not log anyone in."""
    response = _post_login(client, admin.email)
    value = parse_cookie(_set_cookie(response, "session") or "").get("session", "")
    assert value
    client.set_cookie("session", value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
    assert client.get("/api/auth/me").status_code == 401
