"""Probes for a load balancer or an orchestrator: liveness (no I/O) and readiness.

`/api/ready` answers 503 (problem+json, with `checks`) naming the failing checks when the database
cannot be reached, its schema is not at the migrations' head (a deploy that skipped
`flask db upgrade`), or the job queue is unreachable; a balancer then stops sending requests to
this process without restarting it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields
from sqlalchemy import text

from server.auth.access import public
from server.errors import Problem
from server.extensions import db
from server.jobs import huey
from server.openapi import Blueprint

blp = Blueprint("ops", __name__, url_prefix="/api", description="Saúde do serviço")

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


class HealthOut(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class ReadyOut(Schema):
    status = fields.String(required=True, metadata={"description": "`ok` or `unavailable`"})
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "database, migrations, queue: `ok` or why not"},
    )


@blp.get("/health")
@blp.response(200, HealthOut)
@public
def health() -> dict[str, str]:
    """Liveness: the process answers. Touches nothing else."""
    return {"status": "ok"}


@blp.get("/ready")
@blp.response(200, ReadyOut)
@blp.alt_response(503, response="DEFAULT_ERROR")  # problem+json with the same `checks`
@public
def ready() -> ResponseReturnValue:
    """Readiness: the database answers at the migrations' head and the job queue is reachable."""
    checks = {"database": "ok", "migrations": "ok", "queue": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:
        checks["database"] = _reason("database", error)
        checks["migrations"] = "unknown"
    else:
        try:
            current = set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except Exception:
            current = set()
        if current != set(_heads()):
            checks["migrations"] = f"at {', '.join(sorted(current)) or 'nothing'}, expected {', '.join(_heads())}"
    finally:
        db.session.rollback()
    try:
        if not huey.immediate:
            huey.storage.queue_size()
    except Exception as error:
        checks["queue"] = _reason("queue", error)
    if any(value != "ok" for value in checks.values()):
        raise Problem(503, "O serviço não está pronto.", slug="not-ready", extra={"checks": checks})
    return {"status": "ok", "checks": checks}, 200, {"Cache-Control": "no-store"}


@cache
def _heads() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(_alembic_config()).get_heads())


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _reason(check: str, error: Exception) -> str:
    """The error's class only: its text may hold a URL with a password."""
    current_app.logger.warning("readiness: %s unreachable (%s)", check, type(error).__name__)
    return f"unreachable ({type(error).__name__})"
