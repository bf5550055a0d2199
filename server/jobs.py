"""Background jobs (Huey), on two queues that never wait for each other:

* `huey` — e-mails (documents, password resets): each may render a PDF, bounded by the render
  limits but still seconds of work;
* `push_huey` — push notifications: a few milliseconds each, and a technician is waiting for them.

Huey's priorities would only reorder what is waiting: a notification queued behind two e-mails
whose renders hold both worker threads would still wait for them. A queue of its own, with its
own consumer (`Procfile` lines `worker` and `push`), never does.

Both are configured by `configure_jobs(app)` from the settings: SQLite files in instance/ by
default (`huey.db`, `huey-push.db`), Redis when `REDIS_URL` is set (queues named apart), or
immediate mode (tasks run in the caller, in memory) when `JOBS_IMMEDIATE` is on — the tests'
default. A consumer imports `server.worker`, which builds the app, hands it to `use_worker_app`
and registers the tasks; each task runs inside an application context (`job_context`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey  # type: ignore[import-untyped]
from huey.storage import RedisStorage, SqliteStorage  # type: ignore[import-untyped]

from server.extensions import db

huey = Huey("assistec", immediate=True, results=False)
push_huey = Huey("assistec-push", immediate=True, results=False)
_worker_app: Flask | None = None


def configure_jobs(app: Flask) -> None:
    immediate = app.config.get("JOBS_IMMEDIATE")
    if immediate is None:
        immediate = bool(app.config.get("TESTING"))
    main_path = Path(app.config.get("HUEY_SQLITE_PATH") or Path(app.instance_path) / "huey.db")
    push_path = app.config.get("HUEY_PUSH_SQLITE_PATH") or main_path.with_name(f"{main_path.stem}-push.db")
    _configure(huey, app, bool(immediate), main_path)
    _configure(push_huey, app, bool(immediate), Path(push_path))


def _configure(queue: Huey, app: Flask, immediate: bool, path: Path) -> None:
    if immediate:
        queue.immediate = True
        return
    if app.config.get("REDIS_URL"):
        queue.storage_class = RedisStorage
        queue.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        queue.storage_class = SqliteStorage
        queue.storage_kwargs = {"filename": str(path)}
    if queue.immediate:
        queue.immediate = False  # makes the storage
    else:
        queue.storage = queue.create_storage()


def use_worker_app(app: Flask | None) -> None:
    global _worker_app
    _worker_app = app


@contextmanager
def job_context() -> Iterator[Flask]:
    """The current app (immediate mode, tests), else the worker's own app (`server.worker`)."""
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    if _worker_app is None:
        raise RuntimeError("a job ran outside an app: the consumer must import server.worker")
    with _worker_app.app_context():
        try:
            yield _worker_app
        finally:
            db.session.remove()
