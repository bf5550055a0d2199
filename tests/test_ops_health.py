"""Probes: liveness without I/O, readiness of the database, its migrations and the job queue;
unknown non-app paths are 404 while the app's own routes still get the shell."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from server import create_app
from server.extensions import db
from server.jobs import configure_jobs
from tests.conftest import TEST_CONFIG

SHELL = "<!doctype html><title>Assistec</title>"


def test_health_answers_without_login(client: FlaskClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_ready_when_database_queue_and_migrations_are_fine(client: FlaskClient) -> None:
    response = client.get("/api/ready")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "queue": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_ready_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    unreachable = f"sqlite:///{tmp_path / 'missing-folder' / 'x.db'}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": unreachable})
    response = app.test_client().get("/api/ready")
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    assert response.json["checks"]["database"].startswith("unreachable")
    assert "missing-folder" not in response.get_data(as_text=True)  # no connection details leak
    assert app.test_client().get("/api/health").status_code == 200  # liveness does no I/O


def test_ready_is_503_when_the_schema_is_behind(app: Flask, client: FlaskClient) -> None:
    [head] = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
    db.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    db.session.commit()
    try:
        response = client.get("/api/ready")
        assert response.status_code == 503
        assert response.json["checks"]["migrations"] == f"at older, expected {head}"
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        db.session.commit()


def test_ready_is_503_when_the_queue_is_unreachable(app: Flask, client: FlaskClient) -> None:
    app.config.update(JOBS_IMMEDIATE=False, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    configure_jobs(app)
    try:
        response = client.get("/api/ready")
        assert response.status_code == 503
        assert response.json["checks"] == {
            "database": "ok",
            "migrations": "ok",
            "queue": "unreachable (ConnectionError)",
        }
    finally:
        app.config.update(JOBS_IMMEDIATE=True, REDIS_URL=None)
        configure_jobs(app)


@pytest.fixture
def web(app: Flask, tmp_path: Path) -> FlaskClient:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text(SHELL)
    app.config["PWA_DIST"] = str(dist)
    return app.test_client()


@pytest.mark.parametrize("path", ["/health", "/healthz", "/metrics", "/wp-login.php", "/x.php", "/admin", "/apis"])
def test_unknown_paths_are_404_not_the_shell(web: FlaskClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 404
    assert SHELL not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/agenda", "/escritorio/agenda", "/visita/3", "/esqueci-senha"])
def test_the_apps_routes_still_get_the_shell(web: FlaskClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == SHELL
