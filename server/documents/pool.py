"""Render processes: every layout runs in a child process with a wall-clock and a memory limit.

A layout is an admin's program. Inside the sandbox its work is counted (`render.Limits`), but a
PDF's layout (weasyprint) and anything the count misses still take time and memory, so the render
itself happens in a child process that the caller can kill:

* A small pool of children is started ahead (per web or job process, `RENDER_WORKERS`), forked
  from a fork server that has already imported weasyprint, so a render never pays the import.
  A caller takes an idle child (waiting at most `RENDER_QUEUE_SECONDS` when all are busy), so
  concurrency is bounded and a web request waits on its own render only: the web thread just
  waits on a pipe without the GIL. (Its request keeps its database connection meanwhile: on
  PostgreSQL a read holds no transaction; on SQLite, a read transaction, which blocks no writer.)
* A child's address space is capped with `RLIMIT_AS` (`RENDER_MEMORY_MB`): an allocation beyond
  it fails inside the child, which answers "memory" and exits, or dies; either way the caller
  gets a refusal and a fresh child takes its place.
* The caller waits `RENDER_SECONDS` at most; then the child is killed (SIGKILL) and replaced.
* Children run at a lower CPU priority (`RENDER_NICE`): batch work yields to the requests of
  people waiting on a screen.
* The child reads no files and no database: `assistec:` URLs (logo, photos, static files) are
  asked of the caller over the same pipe, where the store's checks (`DocumentFetcher`) apply.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from server.documents.render import LimitExceeded, Limits, check_template, render_pdf
from server.errors import ValidationFailed

Resolve = Callable[[str], "tuple[bytes, dict[str, str]] | None"]


@dataclass(frozen=True)
class PoolSettings:
    workers: int = 2
    seconds: float = 20.0
    memory_mb: int = 512
    queue_seconds: float = 60.0
    nice: int = 19


@dataclass(frozen=True)
class Job:
    """What a child needs: the layout, the data, the limits; `pdf` False only checks the template."""

    html: str
    css: str
    data: Mapping[str, Any]
    limits: Limits
    pdf: bool = True


class RenderFailure(Exception):
    """The child was stopped: `reason` is "time" or "memory"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PoolBusy(Exception):
    """Every child stayed busy longer than the queue wait."""


# --- the child ----------------------------------------------------------------------------


class RelayFetcher(URLFetcher):
    """`data:` URLs here; every other URL is asked of the parent, which decides."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(timeout=1, allowed_protocols=["data"], allow_redirects=False)
        self.conn = conn

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        self.conn.send(("fetch", url))
        answer = self.conn.recv()
        if answer is None:
            raise ValueError(f"URL não permitida em documentos: {url[:200]}")
        body, response_headers = answer
        return URLFetcherResponse(url, body, response_headers)


def serve(conn: Connection, memory_mb: int, nice: int) -> None:
    """A child's loop: one job at a time until the parent closes the pipe."""
    if nice:
        os.nice(nice)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        reply: tuple[Any, ...]
        try:
            if job.pdf:
                reply = ("done", render_pdf(job.html, job.css, job.data, RelayFetcher(conn), job.limits))
            else:
                check_template(job.html, job.data, job.limits)
                reply = ("done", b"")
        except LimitExceeded as error:
            reply = ("limit", error.what)
        except ValidationFailed as error:
            errors: Mapping[str, list[str]] = error.data["errors"] or {}  # type: ignore[assignment]
            reply = ("invalid", dict(errors), error.data["detail"])
        except MemoryError:
            reply = ("memory",)
        except Exception as error:  # a layout weasyprint cannot lay out: the caller reports it
            reply = ("error", f"{type(error).__name__}: {error}"[:500])
        conn.send(reply)
        if reply[0] == "memory":
            return  # a fresh child is cleaner than one that ran out


# --- the parent ---------------------------------------------------------------------------


class _Child:
    def __init__(self, context: BaseContext, settings: PoolSettings) -> None:
        self.conn, theirs = context.Pipe()
        self.process = context.Process(  # type: ignore[attr-defined]
            target=serve, args=(theirs, settings.memory_mb, settings.nice), daemon=True
        )
        self.process.start()
        theirs.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class RenderPool:
    def __init__(self, settings: PoolSettings) -> None:
        self.settings = settings
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["server.documents.pool"])
        self._idle: queue.LifoQueue[_Child] = queue.LifoQueue()
        self._children: list[_Child] = []
        self._lock = threading.Lock()
        self.renders = 0  # PDFs handed to a child (the tests count them)
        for _ in range(max(settings.workers, 1)):
            self._idle.put(self._start())

    def _start(self) -> _Child:
        child = _Child(self._context, self.settings)
        with self._lock:
            self._children.append(child)
        return child

    def _replace(self, child: _Child) -> _Child:
        """A fresh child in place of `child`; if none can start, the dead one keeps the slot
        (it is replaced again when next taken), so the pool never shrinks."""
        child.kill()
        with self._lock:
            if child in self._children:
                self._children.remove(child)
        try:
            return self._start()
        except OSError:
            return child

    def run(self, job: Job, resolve: Resolve) -> tuple[Any, ...]:
        """The child's reply to `job`: ("done", pdf), ("limit", what), ("invalid", errors, detail)
        or ("error", text); RenderFailure when it had to be stopped, PoolBusy when none was free."""
        try:
            child = self._idle.get(timeout=self.settings.queue_seconds)
        except queue.Empty:
            raise PoolBusy() from None
        if job.pdf:
            with self._lock:
                self.renders += 1
        reply: tuple[Any, ...] = ("died",)
        try:
            if not child.process.is_alive():
                child = self._replace(child)
            reply = self._exchange(child, job, resolve)
        finally:
            if reply[0] in ("time", "memory", "died"):
                child = self._replace(child)
            self._idle.put(child)
        if reply[0] in ("time", "memory", "died"):
            raise RenderFailure("time" if reply[0] == "time" else "memory")
        return reply

    def _exchange(self, child: _Child, job: Job, resolve: Resolve) -> tuple[Any, ...]:
        deadline = time.monotonic() + self.settings.seconds
        try:
            child.conn.send(job)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not child.conn.poll(left):
                    return ("time",)
                message: tuple[Any, ...] = child.conn.recv()
                if message[0] != "fetch":
                    return message
                child.conn.send(resolve(message[1]))
        except (EOFError, OSError, BrokenPipeError):
            return ("died",)

    def close(self) -> None:
        with self._lock:
            children, self._children = self._children, []
        for child in children:
            child.kill()


_pool: RenderPool | None = None
_pool_pid = 0
_pool_lock = threading.Lock()


def pool(settings: PoolSettings) -> RenderPool:
    """This process's pool (made on first use, again after a fork or a change of settings)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid() or _pool.settings != settings:
            if _pool is not None and _pool_pid == os.getpid():
                _pool.close()
            _pool = RenderPool(settings)
            _pool_pid = os.getpid()
        return _pool
