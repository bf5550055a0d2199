"""Encoded answers kept per process, keyed by the versions of what they were read from.

A key names everything an answer depends on: who asks, what was asked, and the versions of the
user's stores (every synced write bumps its store's version, `server.database`) and of the user.
An answer is looked up with the versions the request's session lookup already read, so a hit
costs no statement, and a write committed before that lookup always misses: an answer is never
older than the data the request could see. A write committed *after* the lookup can only make the
stored answer newer than its key, never older.

Bounded in bytes; the least recently used answers go first. Each app (so each gunicorn worker)
keeps its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from server.auth.models import User

MAX_BYTES = 32 * 1024 * 1024
MAX_ANSWER = 2 * 1024 * 1024  # a larger answer is built each time rather than crowd out the rest


class AnswerCache:
    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        with self._lock:
            body = self._answers.get(key)
            if body is not None:
                self._answers.move_to_end(key)
                return body
        body = build()  # outside the lock: two threads may build the same answer, both right
        if len(body) <= MAX_ANSWER:
            with self._lock:
                if key not in self._answers:
                    self._answers[key] = body
                    self._size += len(body)
                while self._size > self.max_bytes:
                    _, dropped = self._answers.popitem(last=False)
                    self._size -= len(dropped)
        return body

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._size = 0


def answers() -> AnswerCache:
    """This app's answers."""
    cache: AnswerCache = current_app.extensions.setdefault("answer_cache", AnswerCache())
    return cache


def data_versions(user: User) -> tuple[Hashable, ...]:
    """What a user's answer was read at: the user's own row and each of their stores' rows, as
    the request's session lookup loaded them (the store's settings, its timezone among them,
    are part of the row's `updated_at`)."""
    return (
        user.id,
        user.role,
        user.updated_at,
        tuple((store.id, store.version, store.updated_at) for store in user.stores),
    )
