"""A bare Flask app for bench.load: one JSON endpoint answering a body of BARE_BYTES bytes,
served by the same gunicorn command as the real app (the floor the agenda is compared with).

`/one-select` answers the same body after one pooled SELECT of a session row (SQLAlchemy Core,
no ORM, no transaction handling of its own): the least a request costs that checks a session
in the database, as every signed-in request of the app must for a session that ends when it is
ended."""

from __future__ import annotations

import os

from flask import Flask, Response, request
from sqlalchemy import create_engine, text

SESSION_ROW = text("SELECT user_id, expires_at FROM auth_sessions WHERE key_hash = :key AND expires_at > now()")


def create_app() -> Flask:
    app = Flask(__name__)
    size = int(os.environ.get("BARE_BYTES", "2000"))
    body = ('{"items":"' + "x" * max(0, size - 12) + '"}').encode()
    engine = create_engine(os.environ["DATABASE_URL"]) if os.environ.get("DATABASE_URL") else None

    @app.get("/bare")
    def bare() -> Response:
        return Response(body, mimetype="application/json")

    @app.get("/one-select")
    def one_select() -> Response:
        assert engine is not None, "DATABASE_URL is not set"
        with engine.connect() as conn:
            conn.execute(SESSION_ROW, {"key": request.headers.get("X-Key", "")}).all()
        return Response(body, mimetype="application/json")

    return app
