"""Huey hooks: the queuing request's id travels with the job, and an interrupted job goes back.

The id rides in the task's keyword arguments under a reserved key, put there when the task is
queued and taken out before the task function runs (so no task signature changes), then put back
for a retry. A job queued outside any request logs under its own task id.

On shutdown (SIGTERM with `--graceful-signal TERM`) the consumer stops taking jobs and waits up to
`--shutdown-timeout` for the running ones; those still running after it are queued again here, so
the next consumer runs them (the e-mail job records each step and never sends twice).
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from huey import signals  # type: ignore[import-untyped]

from server.jobs import huey
from server.ops.logs import bind_request_id, current_request_id, reset_request_id

REQUEST_ID_KEY = "_request_id"
ENQUEUED_AT_KEY = "_enqueued_at"
logger = logging.getLogger(__name__)
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    huey.signal(signals.SIGNAL_ENQUEUED)(_stamp)
    huey.pre_execute("assistec_adopt_request_id")(_adopt)
    huey.post_execute("assistec_release_request_id")(_release)
    huey.signal(signals.SIGNAL_INTERRUPTED)(_requeue)
    _installed = True


def _stamp(signal: str, task: Any) -> None:
    request_id = current_request_id()
    if request_id and REQUEST_ID_KEY not in task.kwargs:
        task.kwargs[REQUEST_ID_KEY] = request_id
    task.kwargs[ENQUEUED_AT_KEY] = time.time()


def _adopt(task: Any) -> None:
    request_id = task.kwargs.pop(REQUEST_ID_KEY, None)
    enqueued_at = task.kwargs.pop(ENQUEUED_AT_KEY, None)
    task._assistec = (request_id, enqueued_at, bind_request_id(request_id or f"job-{task.id}"))


def _restore(task: Any) -> None:
    request_id, enqueued_at, token = getattr(task, "_assistec", (None, None, None))
    if request_id:
        task.kwargs[REQUEST_ID_KEY] = request_id
    if enqueued_at:
        task.kwargs[ENQUEUED_AT_KEY] = enqueued_at
    if token is not None:
        with contextlib.suppress(ValueError):
            reset_request_id(token)
        task._assistec = (request_id, enqueued_at, None)


def _release(task: Any, value: Any, exception: BaseException | None) -> None:
    _restore(task)


def _requeue(signal: str, task: Any) -> None:
    if huey.immediate:
        return
    _restore(task)
    logger.warning("job %s interrupted by the shutdown: queued again", task.id)
    huey.enqueue(task)
