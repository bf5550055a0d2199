"""The sync endpoints (docs/sync.md): push (below) and pull (at the end of this file)."""

from __future__ import annotations

from typing import Any

from flask import request

from server.auth.access import me
from server.openapi import Blueprint
from server.sync import pull as pull_service
from server.sync import push as push_service
from server.sync.pull import PullResult
from server.sync.pull_schemas import PullIn, PullOut
from server.sync.schemas import PushIn, PushOut

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Sincronização do aplicativo offline")


@blp.post("/push")
@blp.arguments(PushIn)
@blp.response(200, PushOut)
@blp.alt_response(403, response="DEFAULT_ERROR")  # the client_id belongs to another user
@blp.alt_response(503, response="DEFAULT_ERROR")  # transient: retry after Retry-After seconds
def push(data: dict[str, Any]) -> dict[str, Any]:
    """Apply the phone's outbox in order, each mutation exactly once, in its own transaction.

    Per mutation: `applied`, `duplicate` (id ≤ last_mutation_id, skipped) or `rejected` (kept
    server-side with its arguments; code and pt-BR message here, and in the next pull). An id past
    last_mutation_id + 1 stops the batch: `stopped_at_gap`. 503 with Retry-After on a transient
    failure; what was applied before it stays applied."""
    return push_service.push(me(), data, request.user_agent.string)


@blp.post("/pull")
@blp.arguments(PullIn)
@blp.response(200, PullOut)
@blp.alt_response(403, response="DEFAULT_ERROR")  # the client_id belongs to another user
def pull(data: dict[str, Any]) -> PullResult:
    """What changed in the user's scope since `cursor`, read from one consistent snapshot.

    `reset: true` is a full snapshot (no cursor, an unreadable or stale one, another schema
    version): replace the local data; `more: true` asks for the next page at once. A record that
    left the user's scope (a visit reassigned or cancelled) comes as a delete. `last_mutation_id`
    tells which outbox entries are applied; `rejections` are shown once."""
    return pull_service.pull(me(), data["client_id"], data["schema_version"], data["cursor"])
