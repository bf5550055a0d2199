"""Passwords: one's own change, an admin's temporary password, "Esqueci minha senha" by e-mail, and
the rules every new password meets."""

from __future__ import annotations

import re
import time
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from itsdangerous import TimestampSigner

from server.auth.models import User
from server.extensions import db
from tests.conftest import PASSWORD, ApiClient, login

NEW = "cafe-com-pao-de-queijo"


def _client(app: Flask) -> ApiClient:
    return app.test_client()  # type: ignore[return-value]


def _post_login(app: Flask, email: str, password: str) -> Any:
    return _client(app).post("/api/auth/login", json={"email": email, "password": password})


def _mails(app: Flask) -> list[Path]:
    folder = Path(app.instance_path) / "mail"
    return sorted(folder.glob("senha-*.eml")) if folder.is_dir() else []


def _token_from_mail(path: Path) -> str:
    message = message_from_bytes(path.read_bytes(), policy=default_policy)
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    match = re.search(r"/redefinir-senha\?token=(\S+)", body)
    assert match, body
    return match.group(1)


def _request_reset(app: Flask, email: str) -> str:
    before = set(_mails(app))
    response = _client(app).post("/api/auth/password-reset", json={"email": email})
    assert response.status_code == 202, response.json
    new = [path for path in _mails(app) if path not in before]
    assert len(new) == 1
    return _token_from_mail(new[0])


# --- one's own password ---------------------------------------------------------------------------


def test_change_own_password_ends_the_other_sessions_only(app: Flask, scheduler: User) -> None:
    """Current + new: this session goes on, the others end, and only the new password logs in."""
    here, elsewhere = login(app, scheduler), login(app, scheduler)
    response = here.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW})
    assert response.status_code == 200, response.json
    assert response.json["must_change_password"] is False
    assert here.get("/api/auth/me").status_code == 200
    assert elsewhere.get("/api/auth/me").status_code == 401
    assert _post_login(app, scheduler.email, PASSWORD).status_code == 401
    assert _post_login(app, scheduler.email, NEW).status_code == 200


def test_change_own_password_needs_the_current_one(as_scheduler: ApiClient, app: Flask, scheduler: User) -> None:
    """A wrong current password → 422 on current_password, and nothing changes."""
    response = as_scheduler.post("/api/auth/password", json={"current_password": "errada-000", "new_password": NEW})
    assert response.status_code == 422
    assert response.json["errors"] == {"current_password": ["Senha atual incorreta."]}
    assert _post_login(app, scheduler.email, PASSWORD).status_code == 200


def test_guessing_the_current_password_is_limited_like_a_login(as_scheduler: ApiClient) -> None:
    """A stolen session cannot try passwords without limit: the login limit counts these guesses."""
    for _ in range(5):
        response = as_scheduler.post("/api/auth/password", json={"current_password": "x" * 9, "new_password": NEW})
        assert response.status_code == 422
    blocked = as_scheduler.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW})
    assert blocked.status_code == 429


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("12345678", "comum"),
        ("Password1", "comum"),
        ("iloveyou", "comum"),
        ("curta", "entre 8 e 200"),
        ("1111111111111", "comum"),
    ],
)
def test_weak_new_passwords_are_refused(as_scheduler: ApiClient, new: str, message: str) -> None:
    """Short passwords and those on zxcvbn's list of common passwords → 422 in pt-BR."""
    response = as_scheduler.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": new})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["new_password"]
    assert message in response.json["errors"]["new_password"][0]


def test_the_minimum_length_is_a_setting(app: Flask, as_scheduler: ApiClient) -> None:
    """PASSWORD_MIN_LENGTH raises the bar; the message names it."""
    app.config["PASSWORD_MIN_LENGTH"] = 12
    response = as_scheduler.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "k7#mPq2zX"})
    assert response.status_code == 422
    assert "entre 12 e 200" in response.json["errors"]["new_password"][0]


# --- temporary password set by an admin ------------------------------------------------------------


def test_a_password_set_by_an_admin_must_be_changed(as_admin: ApiClient, app: Flask, technician: User) -> None:
    """The user logs in with the temporary password, may do nothing but change it, then works."""
    assert as_admin.patch(f"/api/users/{technician.id}", json={"password": "temporaria-2026"}).status_code == 200
    phone = _client(app)
    response = phone.post("/api/auth/login", json={"email": technician.email, "password": "temporaria-2026"})
    assert response.status_code == 200
    assert response.json["must_change_password"] is True
    phone.csrf_token = response.json["csrf_token"]
    assert phone.get("/api/auth/me").status_code == 200
    refused = phone.get("/api/cases")
    assert refused.status_code == 403
    assert refused.json["type"].endswith("/password-change-required")
    same = phone.post(
        "/api/auth/password", json={"current_password": "temporaria-2026", "new_password": "temporaria-2026"}
    )
    assert same.status_code == 422
    changed = phone.post("/api/auth/password", json={"current_password": "temporaria-2026", "new_password": NEW})
    assert changed.status_code == 200, changed.json
    assert changed.json["must_change_password"] is False
    assert phone.get("/api/cases").status_code == 200
    db.session.commit()
    assert db.session.get_one(User, technician.id, populate_existing=True).must_change_password is False


def test_an_admin_changing_their_own_password_is_not_temporary(as_admin: ApiClient, admin: User) -> None:
    """What an admin sets for themselves they chose: no forced change, and their session stays."""
    assert as_admin.patch(f"/api/users/{admin.id}", json={"password": NEW}).status_code == 200
    me = as_admin.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json["must_change_password"] is False


# --- "Esqueci minha senha" ---------------------------------------------------------------------------


def test_reset_by_email_sets_a_new_password_and_ends_every_session(app: Flask, scheduler: User) -> None:
    """The mail folder gets a message with a link; its token sets the password; old sessions end."""
    old_session = login(app, scheduler)
    token = _request_reset(app, scheduler.email)
    mail = _mails(app)[-1].read_text()
    assert f"To: {scheduler.email}" in mail and "redefini" in mail
    response = _client(app).post("/api/auth/password-reset/confirm", json={"token": token, "password": NEW})
    assert response.status_code == 204, response.json
    assert old_session.get("/api/auth/me").status_code == 401
    assert _post_login(app, scheduler.email, PASSWORD).status_code == 401
    assert _post_login(app, scheduler.email, NEW).status_code == 200


def test_a_reset_token_works_once(app: Flask, scheduler: User) -> None:
    """The same link a second time → 422 on token: the password it was made for is gone."""
    token = _request_reset(app, scheduler.email)
    assert (
        _client(app).post("/api/auth/password-reset/confirm", json={"token": token, "password": NEW}).status_code == 204
    )
    again = _client(app).post("/api/auth/password-reset/confirm", json={"token": token, "password": "outra-" + NEW})
    assert again.status_code == 422
    assert list(again.json["errors"]) == ["token"]
    assert _post_login(app, scheduler.email, NEW).status_code == 200


def test_a_reset_token_expires(app: Flask, scheduler: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """After PASSWORD_RESET_MINUTES the link is refused and the password stays."""
    token = _request_reset(app, scheduler.email)
    later = int(time.time()) + app.config["PASSWORD_RESET_MINUTES"] * 60 + 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = _client(app).post("/api/auth/password-reset/confirm", json={"token": token, "password": NEW})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["token"]
    monkeypatch.undo()
    assert _post_login(app, scheduler.email, PASSWORD).status_code == 200


def test_a_tampered_reset_token_is_refused(app: Flask, scheduler: User) -> None:
    token = _request_reset(app, scheduler.email)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = _client(app).post("/api/auth/password-reset/confirm", json={"token": forged, "password": NEW})
    assert response.status_code == 422
    assert _post_login(app, scheduler.email, PASSWORD).status_code == 200


def test_reset_confirm_refuses_a_common_password(app: Flask, scheduler: User) -> None:
    token = _request_reset(app, scheduler.email)
    response = _client(app).post("/api/auth/password-reset/confirm", json={"token": token, "password": "password123"})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["password"]
    # The refusal did not use the token up.
    assert (
        _client(app).post("/api/auth/password-reset/confirm", json={"token": token, "password": NEW}).status_code == 204
    )


def test_reset_request_does_not_tell_which_emails_exist(app: Flask, scheduler: User) -> None:
    """An unknown e-mail gets the same 202, and no message is written."""
    known = _client(app).post("/api/auth/password-reset", json={"email": scheduler.email})
    unknown = _client(app).post("/api/auth/password-reset", json={"email": "ninguem@assistec.test"})
    assert known.status_code == unknown.status_code == 202
    assert known.data == unknown.data
    assert len(_mails(app)) == 1


def test_reset_requests_are_limited_per_email(app: Flask, scheduler: User) -> None:
    """No flooding someone's mailbox: the sixth request within the minute → 429, five messages."""
    for _ in range(5):
        assert _client(app).post("/api/auth/password-reset", json={"email": scheduler.email}).status_code == 202
    assert _client(app).post("/api/auth/password-reset", json={"email": scheduler.email}).status_code == 429
    assert len(_mails(app)) == 5
    assert _post_login(app, scheduler.email, PASSWORD).status_code == 200  # the login is not affected
