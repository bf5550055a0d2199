"""The PWA's files served by Flask (server.web), against a tiny fake build in a temp dir.

The real build (`make pwa`) is not needed: these tests pass on a machine without Node.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ApiClient

SHELL = "<!doctype html><title>Assistec</title><div id=app></div>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "icons").mkdir()
    (root / "index.html").write_text(SHELL)
    (root / "sw.js").write_text("self.__WB_MANIFEST")
    (root / "manifest.webmanifest").write_text('{"name": "Assistec"}')
    (root / "assets" / "index-abc123.js").write_text("console.log(1)")
    (root / "icons" / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


@pytest.fixture
def web(app: Flask, dist: Path) -> FlaskClient:
    app.config["PWA_DIST"] = str(dist)
    return app.test_client()


OFFICE_ROUTES = [
    "/escritorio",
    "/escritorio/assistencias",
    "/escritorio/assistencias?situacao=open,pending&atrasadas=1&q=porta",
    "/escritorio/assistencias/nova",
    "/escritorio/assistencias/42",
    "/escritorio/assistencias/42/historico",
]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/agenda",
        "/visita/12",
        "/visita/12/ocorrencia",
        "/pendencias",
        "/login",
        "/redefinir-senha",
        *OFFICE_ROUTES,
    ],
)
def test_app_routes_answer_the_shell(web: FlaskClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data(as_text=True) == SHELL
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_app_may_frame_the_pdfs_it_fetched_and_nothing_else(web: FlaskClient) -> None:
    """The office's layout preview is a PDF shown from a blob: URL; no other origin may be framed."""
    csp = web.get("/escritorio/admin/layouts/1").headers["Content-Security-Policy"]
    [frame_src] = [d.strip() for d in csp.split(";") if d.strip().startswith("frame-src ")]
    assert frame_src.split()[1:] == ["'self'", "blob:"]
    assert "frame-ancestors 'none'" in csp


def test_service_worker_from_the_root_is_revalidated(web: FlaskClient) -> None:
    response = web.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "javascript" in response.mimetype


def test_manifest(web: FlaskClient) -> None:
    response = web.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"


def test_hashed_assets_are_immutable(web: FlaskClient) -> None:
    response = web.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.get_data(as_text=True) == "console.log(1)"


def test_other_build_files_are_served(web: FlaskClient) -> None:
    response = web.get("/icons/icon-192.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"


@pytest.mark.parametrize("path", ["/assets/index-old999.js", "/icons/missing.png", "/favicon.ico", "/../secret.txt"])
def test_missing_files_are_404_not_the_shell(web: FlaskClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 404
    assert SHELL not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/nope", "/api/", "/api"])
def test_api_is_not_shadowed(web: FlaskClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_api_routes_still_work(web: FlaskClient) -> None:
    assert web.get("/api/auth/me").status_code == 401
    assert web.post("/api/nope", json={}).status_code == 404


def test_api_client_logs_in_next_to_the_app(app: Flask, dist: Path, admin: object) -> None:
    app.config["PWA_DIST"] = str(dist)
    client: ApiClient = app.test_client()  # type: ignore[assignment]
    response = client.post("/api/auth/login", json={"email": "admin@assistec.test", "password": "senha-segura-123"})
    assert response.status_code == 200
    assert client.get("/agenda").status_code == 200


def test_without_a_build_the_app_says_how_to_build_it(app: Flask, tmp_path: Path) -> None:
    app.config["PWA_DIST"] = str(tmp_path / "nothing")
    response = app.test_client().get("/agenda")
    assert response.status_code == 503
    assert "make pwa" in response.get_data(as_text=True)
    assert app.test_client().get("/api/auth/me").status_code == 401
