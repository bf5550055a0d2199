"""Background jobs (Huey): e-mails, password-reset e-mails and push notifications.

One Huey object, configured by `configure_jobs(app)` from the settings: a SQLite file in
instance/ by default, Redis when `REDIS_URL` is set, or immediate mode (tasks run in the caller,
in memory) when `JOBS_IMMEDIATE` is on — the tests' default. The consumer (`Procfile` worker line)
imports `server.worker`, which builds the app and registers the tasks; each task runs inside an
application context (`job_context`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey  # type: ignore[import-untyped]
from huey.storage import RedisStorage, SqliteStorage  # type: ignore[import-untyped]

huey = Huey("assistec", immediate=True, results=False)
_worker_app: Flask | None = None


def configure_jobs(app: Flask) -> None:
    immediate = app.config.get("JOBS_IMMEDIATE")
    if immediate is None:
        immediate = bool(app.config.get("TESTING"))
    if immediate:
        huey.immediate = True
        return
    if app.config.get("REDIS_URL"):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        path = Path(app.config.get("HUEY_SQLITE_PATH") or Path(app.instance_path) / "huey.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": str(path)}
    if huey.immediate:
        huey.immediate = False  # makes the storage
    else:
        huey.storage = huey.create_storage()


def use_worker_app(app: Flask | None) -> None:
    global _worker_app
    _worker_app = app


@contextmanager
def job_context() -> Iterator[Flask]:
    """The current app (immediate mode, tests), else the worker's own app."""
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    global _worker_app
    if _worker_app is None:
        from server import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            yield _worker_app
        finally:
            from server.extensions import db

            db.session.remove()
