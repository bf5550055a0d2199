"""Serve the built PWA (`PWA_DIST`, by default `pwa/dist`).

- `/` and every app route (`/agenda`, `/visita/12`…) answer the app shell `index.html`, so a
  reload or a shared link opens the right screen; the page's router picks it.
- `/sw.js` comes from the site root (a service worker controls only what is under its own path)
  with `Cache-Control: no-cache`, so browsers look for a new version on every visit.
- `/assets/*` carry a content hash in their names: cached for a year, `immutable`.
- Anything else in the build (icons, the manifest) is served as a file; a missing file with an
  extension is a 404, never the shell (a stale asset must not come back as HTML).
- Only the app's own sections get the shell: any other path (`/health`, `/metrics`, `/wp-login`)
  is a 404, so a load balancer's probe or a scanner never mistakes the shell for an answer.
- `/api/…` is never matched here: the API's own routes, and its 404s, stay as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, send_from_directory
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter

blp = Blueprint("web", __name__)

SHELL = "index.html"
# The first segment of every route the PWA's routers know (pwa/src/app.jsx, pwa/src/office/).
APP_SECTIONS = frozenset(
    {"agenda", "visita", "pendencias", "escritorio", "login", "senha", "esqueci-senha", "redefinir-senha"}
)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class AppPathConverter(BaseConverter):
    """Any path except the API's, so the app's catch-all never shadows `/api/*`."""

    regex = r"(?!api(?:/|$))[^/].*?"
    part_isolating = False
    weight = 300  # after every more specific rule


@blp.record_once
def _add_converter(state: BlueprintSetupState) -> None:
    """Recorded before the routes below, so the converter exists when their rules are added."""
    state.app.url_map.converters["app_path"] = AppPathConverter


def _dist() -> Path:
    return Path(current_app.config["PWA_DIST"])


def _file(path: str, cache_control: str) -> Response:
    dist = _dist()
    if not (dist / SHELL).is_file():
        return Response(
            "O aplicativo ainda não foi compilado: rode `make pwa` (ou `make run`).",
            status=503,
            mimetype="text/plain",
            headers={"Cache-Control": "no-store"},
        )
    response = send_from_directory(dist, path, max_age=0)
    response.headers["Cache-Control"] = cache_control
    return response


def _shell() -> Response:
    response = _file(SHELL, REVALIDATE)
    # Buffered (a few KB), so that it is compressed like the API's JSON; a streamed file is not.
    response.direct_passthrough = False
    response.make_sequence()
    return response


@blp.get("/")
def index() -> Response:
    return _shell()


@blp.get("/sw.js")
def service_worker() -> Response:
    response = _file("sw.js", REVALIDATE)
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@blp.get("/manifest.webmanifest")
def manifest() -> Response:
    response = _file("manifest.webmanifest", REVALIDATE)
    response.mimetype = "application/manifest+json"
    return response


@blp.get("/assets/<path:name>")
def assets(name: str) -> Response:
    return _file(f"assets/{name}", IMMUTABLE)


@blp.get("/<app_path:path>")
def app_route(path: str) -> Any:
    if (_dist() / path).is_file():
        return _file(path, REVALIDATE)
    if "." in path.rsplit("/", 1)[-1] or path.split("/", 1)[0] not in APP_SECTIONS:
        raise NotFound()
    return _shell()
