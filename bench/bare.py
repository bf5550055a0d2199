"""A bare Flask app for bench.load: one JSON endpoint answering a body of BARE_BYTES bytes,
served by the same gunicorn command as the real app (the floor the agenda is compared with)."""

from __future__ import annotations

import os

from flask import Flask, Response


def create_app() -> Flask:
    app = Flask(__name__)
    size = int(os.environ.get("BARE_BYTES", "2000"))
    body = ('{"items":"' + "x" * max(0, size - 12) + '"}').encode()

    @app.get("/bare")
    def bare() -> Response:
        return Response(body, mimetype="application/json")

    return app
