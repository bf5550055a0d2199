"""Logs: the request id from X-Request-ID (or generated) is echoed, on every line of its request
and of the jobs it queues; JSON lines in production, with no personal data."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient

from server.auth.models import User
from server.jobs import configure_jobs, huey
from server.ops import logs
from server.ops.jobs import ENQUEUED_AT_KEY, REQUEST_ID_KEY


@pytest.fixture
def logging_view(app: Flask) -> Iterator[None]:
    """A line logged inside every request, as a view's would be."""

    def log_something() -> None:
        current_app.logger.warning("inside the request")

    app.before_request_funcs.setdefault(None, []).append(log_something)
    yield
    app.before_request_funcs[None].remove(log_something)


def test_the_request_id_is_echoed_and_on_the_requests_log_lines(
    client: FlaskClient, logging_view: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.get("/api/health", headers={"X-Request-ID": "lb-7f3a.91"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.91"
    [line] = [r for r in caplog.records if r.getMessage() == "inside the request"]
    assert line.request_id == "lb-7f3a.91"  # type: ignore[attr-defined]
    assert logs.current_request_id() is None  # nothing left over after the request


@pytest.mark.parametrize("offered", [None, "", "x" * 200, "a b", "<script>", "é"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(client: FlaskClient, offered: str | None) -> None:
    headers = {"X-Request-ID": offered} if offered is not None else {}
    first = client.get("/api/health", headers=headers).headers["X-Request-ID"]
    second = client.get("/api/health", headers=headers).headers["X-Request-ID"]
    assert first != offered and len(first) == 32 and first != second


def test_an_error_answer_carries_the_request_id_too(client: FlaskClient) -> None:
    response = client.get("/api/cases", headers={"X-Request-ID": "probe-1"})
    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == "probe-1"


def test_the_jobs_a_request_queues_log_under_its_id(
    app: Flask, client: FlaskClient, admin: User, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app.config.update(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=str(tmp_path / "huey.db"), MAIL_FOLDER=str(tmp_path))
    configure_jobs(app)
    huey.flush()
    try:
        response = client.post(
            "/api/auth/password-reset", json={"email": admin.email}, headers={"X-Request-ID": "reset-42"}
        )
        assert response.status_code == 202
        task = huey.dequeue()
        assert task.kwargs[REQUEST_ID_KEY] == "reset-42"
        with caplog.at_level(logging.INFO):
            huey.execute(task)
        done = [r for r in caplog.records if "executed in" in r.getMessage()]
        assert [r.request_id for r in done] == ["reset-42"]  # type: ignore[attr-defined]
        assert REQUEST_ID_KEY not in task.kwargs or task.kwargs[REQUEST_ID_KEY] == "reset-42"
        assert ENQUEUED_AT_KEY in task.kwargs
        assert len(list(tmp_path.glob("*.eml"))) == 1  # the task itself ran, its arguments intact
        assert logs.current_request_id() is None
    finally:
        app.config["JOBS_IMMEDIATE"] = True
        configure_jobs(app)


@pytest.fixture
def json_logs() -> Iterator[None]:
    logs.configure_logging("json", "INFO")
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, logs._CurrentStderr)]:
        root.removeHandler(handler)


def test_production_lines_are_json_with_the_request_id_and_no_personal_data(
    json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    token = logs.bind_request_id("req-1")
    try:
        logging.getLogger("server.test").warning(
            "duplicate key (cpf)=(52998224725) for maria@example.com, phone 11988887777, case 42"
        )
    finally:
        logs.reset_request_id(token)
    [line] = capsys.readouterr().err.strip().splitlines()
    entry = json.loads(line)
    assert entry["request_id"] == "req-1"
    assert entry["level"] == "warning" and entry["logger"] == "server.test"
    assert entry["message"] == "duplicate key (cpf)=([redacted]) for [redacted], phone [redacted], case 42"


def test_gunicorns_access_records_become_fields(json_logs: None, capsys: pytest.CaptureFixture[str]) -> None:
    atoms = {"h": "10.0.0.1", "m": "GET", "U": "/api/cases/12", "s": "200", "B": "512", "M": "7"}
    atoms["{x-request-id}o"] = "abc123"
    logging.getLogger("gunicorn.access").info("%(m)s %(U)s", atoms)
    entry = json.loads(capsys.readouterr().err.strip())
    assert entry["request_id"] == "abc123"
    assert (entry["method"], entry["path"], entry["status"], entry["duration_ms"]) == ("GET", "/api/cases/12", 200, 7)
