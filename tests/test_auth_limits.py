"""Login limits held across processes: two gunicorn servers on the test database share the counts,
as the workers of one deployment do (the counters are rows in the database, not per-process memory)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from server import create_app
from server.auth.models import Role, User
from server.config import ConfigError
from server.stores.models import Store
from tests.conftest import PASSWORD, make_user

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _post(base: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=90) as response:  # the first waits for gunicorn to start
            return response.status, json.loads(response.read() or b"{}"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), dict(error.headers)


@pytest.fixture
def two_servers(app: Flask, database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two gunicorn processes (one worker each) on the test database, on free ports."""
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "REDIS_URL")}
    env.update(
        ASSISTEC_ENV="development",
        SECRET_KEY="limits-test-secret",
        DATABASE_URL=database_url,
        JOBS_IMMEDIATE="true",
        MAIL_FOLDER=str(tmp_path / "mail"),
        RATELIMIT_ENABLED="true",
    )
    processes, bases, sockets = [], [], []
    try:
        for _ in range(2):
            # The test listens first and hands the socket to gunicorn: a request made before the
            # server is ready waits in the socket's backlog instead of being refused.
            listener = socket.create_server(("127.0.0.1", 0), backlog=64)
            sockets.append(listener)
            process = subprocess.Popen(
                [str(GUNICORN), "--workers", "1", "--bind", f"fd://{listener.fileno()}", "server:create_app()"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=(listener.fileno(),),
            )
            processes.append(process)
            bases.append(f"http://127.0.0.1:{listener.getsockname()[1]}")
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        for listener in sockets:
            listener.close()


def test_failures_on_one_account_add_up_across_processes(two_servers: list[str], admin: User, store: Store) -> None:
    """Six failed logins on one account, alternating between two processes → the 6th is 429 even
    with the right password; another account's correct login from the same address → 200."""
    colleague = make_user(Role.SCHEDULER, [store], "colega@assistec.test")
    statuses = []
    for attempt in range(5):
        status, _, _ = _post(
            two_servers[attempt % 2], "/api/auth/login", {"email": admin.email, "password": "errada-1"}
        )
        statuses.append(status)
    assert statuses == [401] * 5
    status, body, headers = _post(two_servers[1], "/api/auth/login", {"email": admin.email, "password": PASSWORD})
    assert status == 429, body
    assert body["type"].endswith("/rate-limited")
    assert 0 < int(headers["Retry-After"]) <= 60
    status, _, _ = _post(two_servers[0], "/api/auth/login", {"email": admin.email, "password": PASSWORD})
    assert status == 429  # the other process refuses it too
    status, body, _ = _post(two_servers[0], "/api/auth/login", {"email": colleague.email, "password": PASSWORD})
    assert status == 200, body
    assert body["id"] == colleague.id


def test_one_persons_failures_never_refuse_a_colleague_behind_the_same_address(
    app: Flask, client: Any, store: Store
) -> None:
    """An office behind one NAT: one person failing again and again counts once for the address."""
    app.config["LOGIN_LIMIT_PER_EMAIL"] = "100 per minute"
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per hour"
    careless = make_user(Role.SCHEDULER, [store], "distraido@assistec.test")
    colleague = make_user(Role.SCHEDULER, [store], "colega@assistec.test")
    for _ in range(30):
        response = client.post("/api/auth/login", json={"email": careless.email, "password": "errada-1"})
        assert response.status_code == 401
    response = client.post("/api/auth/login", json={"email": colleague.email, "password": PASSWORD})
    assert response.status_code == 200


def test_production_refuses_a_database_the_workers_cannot_share(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions and login counters live in the database: an in-memory SQLite is one per process."""
    monkeypatch.setenv("ASSISTEC_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "segredo-" + "x" * 30)
    for url in ("sqlite://", "sqlite:///:memory:", "sqlite:///file:x?mode=memory&uri=true"):
        monkeypatch.setenv("DATABASE_URL", url)
        with pytest.raises(ConfigError, match="DATABASE_URL"):
            create_app()
