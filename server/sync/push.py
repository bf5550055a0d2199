"""`POST /api/sync/push`: apply a phone's outbox exactly once.

Each mutation is one unit of work: the client's row is locked, the handler's services write
(they only flush), and the client's `last_mutation_id` moves to the mutation's id in that same
transaction, which then commits once — the effects and their acknowledgement are durable
together or not at all. An id at or below `last` is a duplicate (skipped); an id above `last + 1`
stops the batch (a gap). A permanent failure (a 4xx problem) is rolled back and stored as a
rejection, with the arguments, in a transaction that advances `last` too. A transient failure
(the database is unavailable, a deadlock, a lock timeout) is rolled back and answers 503 with
Retry-After; what this batch already committed stays, and comes back as duplicates on retry.
A uniqueness clash is retried once, then rejected as a conflict; any other unexpected error (a
bug) is logged and rejected too, so that one mutation cannot block a device's outbox for good.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from server.auth.models import User
from server.database import utcnow
from server.errors import DETAILS, SLUGS, Conflict, Problem
from server.extensions import db
from server.sync import handlers
from server.sync.models import Rejection, SyncClient
from server.transaction import commit, wrote

RETRY_AFTER_SECONDS = 5
UNEXPECTED = "Erro inesperado no servidor ao aplicar esta alteração. Ela ficou guardada: reenvie mais tarde."
CLASH = "Já existe um registro com estes dados no servidor. Confira e reenvie, ou descarte a alteração."


def unavailable() -> Problem:
    problem = Problem(503, "O servidor está ocupado. As alterações continuam no aparelho e serão reenviadas.")
    problem.data["headers"] = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return problem


def _lock_client(client_id: uuid.UUID) -> SyncClient | None:
    """The client's row, locked until this transaction ends (SQLite: BEGIN IMMEDIATE already is)."""
    stmt = select(SyncClient).where(SyncClient.id == client_id).with_for_update()
    return db.session.scalar(stmt.execution_options(populate_existing=True))


def register_client(actor: User, client_id: uuid.UUID, schema_version: int, user_agent: str | None) -> SyncClient:
    """The device, registered to `actor` on first use; another user's device is 403."""
    client = _lock_client(client_id)
    if client is None:
        db.session.add(SyncClient(id=client_id, user_id=actor.id, last_mutation_id=0))
        try:
            db.session.flush()
        except IntegrityError:  # the same device registered by a concurrent request
            db.session.rollback()
        client = _lock_client(client_id)
        assert client is not None
    if client.user_id != actor.id:
        # Each person on a shared phone has a device id of their own; this one holds another
        # person's work, which only their login may send. Never advise reinstalling: that erases it.
        owner = db.session.get(User, client.user_id)
        db.session.rollback()
        name = owner.name if owner is not None else "outro usuário"
        raise Problem(
            403,
            f"As alterações guardadas neste aparelho são de {name}. Entre com a conta de {name} para "
            "enviá-las; elas continuam guardadas até lá.",
            slug="device-of-another-user",
        )
    client.schema_version = schema_version
    if user_agent:
        client.user_agent = user_agent[:300]
    client.last_seen_at = utcnow()
    db.session.commit()
    return client


# Mutations that carry what the technician wrote or photographed: a refusal of one is never
# mere information, because dismissing it would drop that work. A record out of their reach now
# (a visit reassigned, 403/404/410) may come back (reassigned back), so it stays resendable.
CARRIES_WORK = frozenset(
    {
        "occurrence.create.v1",
        "occurrence.update.v1",
        "occurrence_item.upsert.v1",
        "attachment.link.v1",
        "appointment.notes.v1",
        "appointment.technician_notes.v1",
    }
)


def _retryable(status: int, data: dict[str, Any], name: str) -> bool:
    """Whether fixing and resending can succeed: invalid fields (422) or a server error, yes; a
    state conflict (409), a record gone (404, 410) or not the actor's to change (403), no — those
    are information for the technician — except that the technician's own work stays resendable
    unless the state rules it out (CARRIES_WORK). A problem may say otherwise (`retryable` in its
    extra)."""
    extra = data.get("extra") or {}
    if "retryable" in extra:
        return bool(extra["retryable"])
    if name in CARRIES_WORK:
        return status != 409
    return status not in (403, 404, 409, 410)


def _acknowledge(client_id: uuid.UUID, mutation_id: int) -> bool:
    """Move the device's `last_mutation_id` to `mutation_id` in the current transaction, under
    the client's lock; False when it is no longer the next one."""
    client = _lock_client(client_id)
    assert client is not None
    if client.last_mutation_id != mutation_id - 1:
        return False
    client.last_mutation_id = mutation_id
    return True


def _rejection(client_id: uuid.UUID, mutation: dict[str, Any], problem: Problem) -> dict[str, Any]:
    """Store the refusal with the mutation's arguments and advance `last`, in one transaction."""
    data = getattr(problem, "data", None) or {}
    status = problem.code or 422
    code = data.get("slug") or SLUGS.get(status, "rejected")
    message = data.get("detail") or DETAILS.get(status, "A alteração foi recusada.")
    retryable = _retryable(status, data, mutation["name"])
    if not _acknowledge(client_id, mutation["id"]):  # a concurrent push of this device got there first
        db.session.rollback()
        return {"id": mutation["id"], "status": "duplicate"}
    db.session.add(
        Rejection(
            client_id=client_id,
            mutation_id=mutation["id"],
            name=mutation["name"][:60],
            args=mutation["args"],
            code=code[:40],
            message=message[:1000],
            errors=dict(data["errors"]) if data.get("errors") else None,
            retryable=retryable,
        )
    )
    commit()
    return {"id": mutation["id"], "status": "rejected", "code": code, "message": message, "retryable": retryable}


def _apply(actor: User, client_id: uuid.UUID, mutation: dict[str, Any], attempts: int = 2) -> dict[str, Any] | None:
    """One mutation in its own transaction; None when it is past a gap (nothing done).

    A uniqueness clash is first taken for a race with a concurrent request and tried again; if
    it persists, it is a conflict with existing data and becomes a rejection (a device must
    not stall on a mutation that can never apply)."""
    client = _lock_client(client_id)
    assert client is not None
    last = client.last_mutation_id
    if mutation["id"] <= last:
        db.session.rollback()
        return {"id": mutation["id"], "status": "duplicate"}
    if mutation["id"] > last + 1:
        db.session.rollback()
        return None
    try:
        handlers.run(actor, mutation["name"], mutation["args"])
        db.session.flush()
        if not wrote():
            db.session.rollback()  # nothing changed: give the store version back, keep the acknowledgement
        if not _acknowledge(client_id, mutation["id"]):  # a concurrent push of this device got there first
            db.session.rollback()
            return {"id": mutation["id"], "status": "duplicate"}
        commit()
    except Problem as problem:
        db.session.rollback()
        status = problem.code or 500
        if status >= 500 or status in (401, 429):
            raise unavailable() from problem
        return _rejection(client_id, mutation, problem)
    except IntegrityError:
        db.session.rollback()
        if attempts > 1:
            return _apply(actor, client_id, mutation, attempts - 1)
        return _rejection(client_id, mutation, Conflict(CLASH, retryable=True))
    except DBAPIError:
        db.session.rollback()
        raise  # transient: the batch answers 503 and the phone sends it again
    except Exception:
        # A bug must not stall the device's outbox behind this mutation forever: keep it as a
        # rejection (arguments included) that the technician can resend once it is fixed.
        db.session.rollback()
        current_app.logger.exception("sync mutation %s (id %s) failed", mutation["name"], mutation["id"])
        return _rejection(client_id, mutation, Problem(500, UNEXPECTED, slug="server-error"))
    except BaseException:
        db.session.rollback()
        raise
    return {"id": mutation["id"], "status": "applied"}


def _last(client_id: uuid.UUID) -> int:
    return db.session.scalar(select(SyncClient.last_mutation_id).where(SyncClient.id == client_id)) or 0


def push(actor: User, data: dict[str, Any], user_agent: str | None = None) -> dict[str, Any]:
    """Apply the batch in order; see the module's docstring for what each outcome means."""
    try:
        client_id = register_client(actor, data["client_id"], data["schema_version"], user_agent).id
        results: list[dict[str, Any]] = []
        gap: dict[str, int] | None = None
        for mutation in data["mutations"]:
            result = _apply(actor, client_id, mutation)
            if result is None:
                gap = {"expected": _last(client_id) + 1, "got": mutation["id"]}
                break
            results.append(result)
        last_mutation_id = _last(client_id)
        db.session.commit()
    except DBAPIError as error:  # lost connection, deadlock, lock or statement timeout
        db.session.rollback()
        raise unavailable() from error
    return {"last_mutation_id": last_mutation_id, "results": results, "stopped_at_gap": gap}
