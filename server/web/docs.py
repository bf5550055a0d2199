"""/api/docs: Swagger UI over /api/openapi.json, from the installed bundle (works offline).

The page holds no inline script: Swagger UI is started by `init.js`, a file served beside the
bundle's, so its Content-Security-Policy (server.security) allows scripts from 'self' only.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, Response, current_app, send_from_directory
from markupsafe import escape

from server.auth.access import public

blp = Blueprint("docs", __name__)

BUNDLE = Path(swagger_ui_bundle.swagger_ui_path)
OWN = Path(__file__).parent / "docs_static"
ASSETS = "/api/docs/assets/"
SPEC_URL = "/api/openapi.json"

PAGE = """<!DOCTYPE html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{assets}swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-spec-url="{spec_url}"></div>
<script src="{assets}swagger-ui-bundle.js"></script>
<script src="{assets}init.js"></script>
</body>
</html>
"""


@blp.get("/api/docs")
@public
def page() -> Response:
    html = PAGE.format(title=escape(current_app.config["API_TITLE"]), assets=ASSETS, spec_url=SPEC_URL)
    return Response(html, mimetype="text/html")


@blp.get("/api/docs/assets/<path:filename>")
@public
def assets(filename: str) -> Response:
    folder = OWN if (OWN / filename).is_file() else BUNDLE
    return send_from_directory(folder, filename, max_age=86400)
