"""Server-side sessions: logout, "sair de todos os aparelhos", expiry and what a copied cookie can do."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update

from server.auth.models import AuthSession, User
from server.database import utcnow
from server.extensions import db
from tests.conftest import PASSWORD, ApiClient


def _client(app: Flask) -> ApiClient:
    return app.test_client()  # type: ignore[return-value]


def _login(app: Flask, user: User, remember: bool = False) -> ApiClient:
    client = _client(app)
    response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD, "remember": remember})
    assert response.status_code == 200, response.json
    client.csrf_token = response.json["csrf_token"]
    return client


def _cookie(client: ApiClient, name: str) -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie is not None else None


def _copy(app: Flask, source: ApiClient, *names: str) -> ApiClient:
    """Another browser holding copies of the source's cookies (a cookie left on a shared phone)."""
    thief = _client(app)
    for name in names:
        value = _cookie(source, name)
        assert value, f"no {name} cookie"
        thief.set_cookie(name, value)
    thief.csrf_token = source.csrf_token
    return thief


def _sessions(user: User) -> int:
    db.session.commit()
    return int(db.session.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user.id)))


def test_logout_ends_the_session_cookie_a_copy_of_it_included(app: Flask, scheduler: User) -> None:
    """After logout a copy of the old session cookie answers 401 on reads and writes."""
    browser = _login(app, scheduler)
    copy = _copy(app, browser, "session")
    assert copy.get("/api/auth/me").status_code == 200  # the copy works before the logout
    assert browser.post("/api/auth/logout").status_code == 204
    assert _sessions(scheduler) == 0
    assert copy.get("/api/auth/me").status_code == 401
    write = copy.post("/api/catalogs/rooms", json={"name": "Edícula"})
    assert write.status_code == 401
    assert browser.get("/api/auth/me").status_code == 401


def test_logout_ends_the_remember_cookie(app: Flask, scheduler: User) -> None:
    """The remember-me cookie alone logs in before logout, and gets 401 after it."""
    browser = _login(app, scheduler, remember=True)
    remembered = _copy(app, browser, "remember_token")
    assert remembered.get("/api/auth/me").status_code == 200
    remembered = _copy(app, browser, "remember_token")  # a fresh copy: without the session it made
    assert browser.post("/api/auth/logout").status_code == 204
    assert remembered.get("/api/auth/me").status_code == 401


def test_logout_leaves_the_users_other_sessions(app: Flask, scheduler: User) -> None:
    """Logging out of the phone does not log the office computer out."""
    phone, office = _login(app, scheduler), _login(app, scheduler)
    assert _sessions(scheduler) == 2
    assert phone.post("/api/auth/logout").status_code == 204
    assert office.get("/api/auth/me").status_code == 200
    assert _sessions(scheduler) == 1


def test_logout_all_ends_every_session_of_the_user_only(app: Flask, scheduler: User, admin: User) -> None:
    """ "Sair de todos os aparelhos": every session of the user ends (remember cookies too); others stay."""
    here = _login(app, scheduler)
    phone = _login(app, scheduler, remember=True)
    remembered = _copy(app, phone, "remember_token")
    someone_else = _login(app, admin)
    assert here.post("/api/auth/logout-all").status_code == 204
    for client in (here, phone, remembered):
        assert client.get("/api/auth/me").status_code == 401
    assert _sessions(scheduler) == 0
    assert someone_else.get("/api/auth/me").status_code == 200
    assert _login(app, scheduler).get("/api/auth/me").status_code == 200  # and one logs in again


def test_an_expired_session_is_refused(app: Flask, scheduler: User) -> None:
    """A session past its expiry answers 401, whatever the cookie's own dates say."""
    browser = _login(app, scheduler, remember=True)
    db.session.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert browser.get("/api/auth/me").status_code == 401


def test_a_session_in_use_slides_its_expiry(app: Flask, scheduler: User) -> None:
    """A phone used every day is never logged out: past half its life the session is renewed."""
    browser = _login(app, scheduler)
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    soon = utcnow() + timedelta(days=2)
    db.session.execute(update(AuthSession).values(expires_at=soon))
    db.session.commit()
    assert browser.get("/api/auth/me").status_code == 200
    db.session.commit()
    renewed = db.session.scalar(select(AuthSession.expires_at))
    assert renewed is not None and renewed > utcnow() + lifetime - timedelta(minutes=1)


def test_a_remembered_cookie_is_sent_again_only_when_its_session_slides(app: Flask, scheduler: User) -> None:
    """A phone's "manter conectado" cookie is not signed and sent again with every answer; when the
    row's expiry slides, the cookie comes again with the new expiry, so neither outlives the other."""
    browser = _login(app, scheduler, remember=True)
    answer = browser.get("/api/auth/me")
    assert answer.status_code == 200 and answer.headers.getlist("Set-Cookie") == []
    db.session.execute(update(AuthSession).values(expires_at=utcnow() + timedelta(days=2)))
    db.session.commit()
    answer = browser.get("/api/auth/me")
    cookies = [value for value in answer.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert len(cookies) == 1
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    expires = browser.get_cookie("session").expires  # type: ignore[union-attr]
    assert expires is not None and expires.replace(tzinfo=UTC) > utcnow() + lifetime - timedelta(minutes=1)
    assert browser.get("/api/auth/me").headers.getlist("Set-Cookie") == []


def test_the_database_holds_no_usable_cookie_secret(app: Flask, scheduler: User) -> None:
    """Only a hash of the cookie's secret is stored: the cookie's value is nowhere in the row."""
    browser = _login(app, scheduler, remember=True)
    db.session.commit()
    row = db.session.scalars(select(AuthSession)).one()
    remember = _cookie(browser, "remember_token") or ""
    key = remember.split("|")[0].split(":", 1)[1]
    assert key and key not in row.key_hash
    assert len(row.key_hash) == 64


def test_a_forged_session_key_is_refused(app: Flask, scheduler: User) -> None:
    """The user id with a made-up key in the remember cookie does not log in (signature or row)."""
    _login(app, scheduler)
    forger = _client(app)
    forger.set_cookie("remember_token", f"{scheduler.id}:made-up-key|0000")
    assert forger.get("/api/auth/me").status_code == 401


def test_deactivation_ends_every_session(as_admin: Any, app: Flask, technician: User) -> None:
    """A deactivated user's sessions are deleted, not just refused."""
    _login(app, technician)
    assert _sessions(technician) == 1
    assert as_admin.patch(f"/api/users/{technician.id}", json={"active": False}).status_code == 200
    assert _sessions(technician) == 0
