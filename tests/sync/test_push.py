"""POST /api/sync/push: exactly-once mutations, duplicates, gaps, rejections, transient failures."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from server.appointments.models import Appointment
from server.auth.sessions import end_all as end_all_sessions
from server.catalogs.models import CatalogEntry
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.sync import handlers
from server.sync import push as sync_push
from server.sync.models import Rejection, SyncClient
from server.transaction import commit
from tests.conftest import login, store_version

CLIENT_TIME = "2030-03-10T12:00:00Z"


# --- helpers ------------------------------------------------------------------------------


def entry(store_id: int, kind: str) -> int:
    stmt = select(CatalogEntry.id).where(CatalogEntry.store_id == store_id, CatalogEntry.kind == kind)
    return db.session.scalars(stmt.order_by(CatalogEntry.position, CatalogEntry.id)).first()  # type: ignore[return-value]


def mutation(mutation_id: int, name: str, **args: Any) -> dict[str, Any]:
    return {"id": mutation_id, "name": name, "args": args, "client_time": CLIENT_TIME}


def send(client: Any, client_id: uuid.UUID, mutations: list[dict[str, Any]]) -> Any:
    body = {"protocol": 1, "schema_version": 1, "client_id": str(client_id), "mutations": mutations}
    return client.post("/api/sync/push", json=body)


def push_ok(client: Any, client_id: uuid.UUID, mutations: list[dict[str, Any]]) -> dict[str, Any]:
    response = send(client, client_id, mutations)
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def statuses(body: dict[str, Any]) -> list[tuple[int, str]]:
    return [(r["id"], r["status"]) for r in body["results"]]


def count(model: Any) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model).where(model.deleted_at.is_(None))) or 0


def last_mutation_id(client_id: uuid.UUID) -> int | None:
    db.session.commit()
    return db.session.scalar(select(SyncClient.last_mutation_id).where(SyncClient.id == client_id))


def book(as_scheduler: Any, case: Any, technician: Any) -> int:
    response = as_scheduler.post(
        f"/api/cases/{case.id}/appointments",
        json={
            "appointment_type_id": entry(case.store_id, "appointment_types"),
            "assignee_id": technician.id,
            "starts_at": "2030-03-11T14:00:00",
            "ends_at": "2030-03-11T15:00:00",
        },
    )
    assert response.status_code == 201, response.json
    return response.json["id"]  # type: ignore[no-any-return]


def occurrence_batch(case: Any, occurrence_id: uuid.UUID, item_id: uuid.UUID) -> list[dict[str, Any]]:
    """Create an occurrence, add an item, then edit the occurrence: ids 1, 2, 3."""
    return [
        mutation(
            1,
            "occurrence.create.v1",
            case_id=case.id,
            id=str(occurrence_id),
            occurrence_type_id=entry(case.store_id, "occurrence_types"),
            payer="factory",
            resolved=False,
            unresolved_reason="Precisa trocar a porta.",
        ),
        mutation(
            2,
            "occurrence_item.upsert.v1",
            occurrence_id=str(occurrence_id),
            id=str(item_id),
            description="Dobradiça 35mm",
            quantity="2",
            action="replace",
        ),
        mutation(3, "occurrence.update.v1", id=str(occurrence_id), report="Porta empenada."),
    ]


# --- exactly once -------------------------------------------------------------------------


def test_the_same_batch_pushed_three_times_applies_once(as_technician: Any, case: Any) -> None:
    """The first push applies all three; the two retries are duplicates and change nothing."""
    client_id, occurrence_id, item_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    batch = occurrence_batch(case, occurrence_id, item_id)
    first = push_ok(as_technician, client_id, batch)
    assert statuses(first) == [(1, "applied"), (2, "applied"), (3, "applied")]
    assert first["last_mutation_id"] == 3 and first["stopped_at_gap"] is None
    for _ in range(2):
        again = push_ok(as_technician, client_id, batch)
        assert statuses(again) == [(1, "duplicate"), (2, "duplicate"), (3, "duplicate")]
        assert again["last_mutation_id"] == 3
    assert count(Occurrence) == 1 and count(OccurrenceItem) == 1
    occurrence = db.session.get_one(Occurrence, occurrence_id)
    assert occurrence.report == "Porta empenada."
    assert last_mutation_id(client_id) == 3


def test_a_batch_out_of_order_stops_at_the_gap_then_applies_in_order(as_technician: Any, case: Any) -> None:
    """Ids 3 and 4 before 1 and 2: the gap is reported and nothing is applied; then all apply."""
    client_id, occurrence_id, item_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    batch = [
        *occurrence_batch(case, occurrence_id, item_id),
        mutation(4, "occurrence_item.delete.v1", occurrence_id=str(occurrence_id), id=str(item_id)),
    ]
    late = push_ok(as_technician, client_id, [batch[2], batch[3], batch[0], batch[1]])
    assert late["results"] == [] and late["stopped_at_gap"] == {"expected": 1, "got": 3}
    assert late["last_mutation_id"] == 0
    assert count(Occurrence) == 0

    partial = push_ok(as_technician, client_id, [batch[0], batch[2]])
    assert statuses(partial) == [(1, "applied")]
    assert partial["stopped_at_gap"] == {"expected": 2, "got": 3}
    assert count(Occurrence) == 1 and count(OccurrenceItem) == 0

    whole = push_ok(as_technician, client_id, batch)
    assert statuses(whole) == [(1, "duplicate"), (2, "applied"), (3, "applied"), (4, "applied")]
    assert whole["last_mutation_id"] == 4 and whole["stopped_at_gap"] is None
    assert count(Occurrence) == 1 and count(OccurrenceItem) == 0  # added by 2, removed by 4
    assert db.session.scalar(select(func.count()).select_from(OccurrenceItem)) == 1  # one tombstone


class ProcessDied(BaseException):
    """The worker is killed (not an error the app handles): no answer reaches the phone."""


def test_a_crash_after_the_commit_and_before_the_answer_is_applied_once(
    as_technician: Any, case: Any, monkeypatch: Any
) -> None:
    """The server dies after committing mutation 1 (the phone gets no answer); the retried batch
    finds it done and applies the rest."""
    client_id, occurrence_id, item_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    batch = occurrence_batch(case, occurrence_id, item_id)

    def commit_then_crash() -> None:
        commit()
        raise ProcessDied

    with monkeypatch.context() as patched:
        patched.setattr(sync_push, "commit", commit_then_crash)
        with pytest.raises(ProcessDied):
            send(as_technician, client_id, batch)
    assert count(Occurrence) == 1 and count(OccurrenceItem) == 0
    assert last_mutation_id(client_id) == 1

    retry = push_ok(as_technician, client_id, batch)
    assert statuses(retry) == [(1, "duplicate"), (2, "applied"), (3, "applied")]
    assert count(Occurrence) == 1 and count(OccurrenceItem) == 1
    assert retry["last_mutation_id"] == 3


# --- rejections ---------------------------------------------------------------------------


def test_a_check_in_on_a_visit_the_office_cancelled_is_rejected_and_kept(
    as_technician: Any, as_scheduler: Any, case: Any, technician: Any
) -> None:
    """Rejected with a pt-BR message, its args stored, `last` advanced, the next mutation applied."""
    appointment_id = book(as_scheduler, case, technician)
    cancel = as_scheduler.post(f"/api/appointments/{appointment_id}/cancel", json={"reason": "Cliente viajou."})
    assert cancel.status_code == 200, cancel.json
    client_id, occurrence_id = uuid.uuid4(), uuid.uuid4()
    check_in = mutation(
        1, "appointment.check_in.v1", appointment_id=appointment_id, location={"lat": -23.56, "lng": -46.65}
    )
    batch = [check_in, occurrence_batch(case, occurrence_id, uuid.uuid4())[0] | {"id": 2}]
    body = push_ok(as_technician, client_id, batch)
    assert statuses(body) == [(1, "rejected"), (2, "applied")]
    rejected = body["results"][0]
    assert rejected["code"] == "invalid-transition"
    assert rejected["message"] == "Não é possível mudar o compromisso de Cancelado para Em andamento."
    assert body["last_mutation_id"] == 2
    [stored] = db.session.scalars(select(Rejection)).all()
    assert (stored.client_id, stored.mutation_id, stored.name) == (client_id, 1, "appointment.check_in.v1")
    assert stored.args == check_in["args"] and stored.message == rejected["message"]
    assert db.session.get_one(Appointment, appointment_id).status == "cancelled"
    assert count(Occurrence) == 1

    again = push_ok(as_technician, client_id, batch)  # a retry does not store it twice
    assert statuses(again) == [(1, "duplicate"), (2, "duplicate")]
    assert db.session.scalar(select(func.count()).select_from(Rejection)) == 1


def test_invalid_args_and_unknown_names_are_rejected_with_their_codes(as_technician: Any, case: Any) -> None:
    client_id = uuid.uuid4()
    body = push_ok(
        as_technician,
        client_id,
        [
            mutation(1, "occurrence.create.v1", case_id=case.id, payer="ninguém"),
            mutation(2, "occurrence.teleport.v9", case_id=case.id),
            mutation(3, "attachment.link.v1", attachment_id=str(uuid.uuid4()), occurrence_id=str(uuid.uuid4())),
        ],
    )
    assert statuses(body) == [(1, "rejected"), (2, "rejected"), (3, "rejected")]
    assert [r["code"] for r in body["results"]] == ["validation", "unknown-mutation", "not-found"]
    assert body["last_mutation_id"] == 3
    validation = db.session.scalar(select(Rejection).where(Rejection.mutation_id == 1))
    assert validation is not None and validation.errors is not None
    assert set(validation.errors) >= {"payer", "occurrence_type_id"}


def test_an_old_phones_visit_note_becomes_the_technicians_note_and_never_the_offices(
    as_technician: Any, as_scheduler: Any, case: Any, technician: Any
) -> None:
    """`appointment.notes.v1` (the app before the technician's own note) stays accepted, but it
    no longer overwrites the office's instructions."""
    appointment_id = book(as_scheduler, case, technician)
    office = as_scheduler.patch(f"/api/appointments/{appointment_id}", json={"notes": "Levar dobradiças."})
    assert office.status_code == 200, office.json
    body = push_ok(
        as_technician,
        uuid.uuid4(),
        [mutation(1, "appointment.notes.v1", appointment_id=appointment_id, notes="Cliente pediu para ligar antes.")],
    )
    assert statuses(body) == [(1, "applied")]
    appointment = db.session.get_one(Appointment, appointment_id, populate_existing=True)
    assert appointment.notes == "Levar dobradiças."
    assert appointment.technician_notes == "Cliente pediu para ligar antes."


def test_check_in_and_check_out_apply_and_bump_the_store_version(
    as_technician: Any, as_scheduler: Any, case: Any, technician: Any
) -> None:
    appointment_id = book(as_scheduler, case, technician)
    before = store_version(case.store_id)
    body = push_ok(
        as_technician,
        uuid.uuid4(),
        [
            mutation(1, "appointment.check_in.v1", appointment_id=appointment_id),
            mutation(2, "appointment.check_out.v1", appointment_id=appointment_id),
        ],
    )
    assert statuses(body) == [(1, "applied"), (2, "applied")]
    appointment = db.session.get_one(Appointment, appointment_id, populate_existing=True)
    assert appointment.status == "done" and appointment.checked_in_at is not None
    after = store_version(case.store_id)
    assert after == before + 2  # one version per applied mutation (its own transaction)
    assert appointment.version == after


# --- who -----------------------------------------------------------------------------------


def test_another_users_client_id_is_403(
    app: Flask, as_technician: Any, technician: Any, scheduler: Any, case: Any
) -> None:
    client_id = uuid.uuid4()
    push_ok(as_technician, client_id, [])
    response = send(login(app, scheduler), client_id, occurrence_batch(case, uuid.uuid4(), uuid.uuid4()))
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert count(Occurrence) == 0
    # It says whose work it is and what to do; it never advises reinstalling (that erases the outbox).
    name = technician.name
    assert response.json["detail"] == (
        f"As alterações guardadas neste aparelho são de {name}. Entre com a conta de {name} para "
        "enviá-las; elas continuam guardadas até lá."
    )
    assert "reinstal" not in response.json["detail"]


def test_anonymous_push_is_401_and_applies_nothing(client: Any, case: Any) -> None:
    response = send(client, uuid.uuid4(), occurrence_batch(case, uuid.uuid4(), uuid.uuid4()))
    assert response.status_code == 401
    assert count(Occurrence) == 0
    assert db.session.scalar(select(func.count()).select_from(SyncClient)) == 0


def test_the_first_push_registers_the_device(as_technician: Any, technician: Any) -> None:
    client_id = uuid.uuid4()
    body = push_ok(as_technician, client_id, [])
    assert body == {"last_mutation_id": 0, "results": [], "stopped_at_gap": None}
    db.session.commit()
    client = db.session.get_one(SyncClient, client_id)
    assert client.user_id == technician.id and client.schema_version == 1


def test_a_malformed_batch_is_422(as_technician: Any) -> None:
    body = {"protocol": 2, "schema_version": 1, "client_id": "x", "mutations": [{"id": 0}], "extra": 1}
    response = as_technician.post("/api/sync/push", json=body)
    assert response.status_code == 422
    assert {"protocol", "client_id", "mutations.0.id", "mutations.0.name", "extra"} <= set(response.json["errors"])


# --- transient failures -------------------------------------------------------------------


def test_a_transient_failure_answers_503_and_keeps_what_was_done(
    as_technician: Any, case: Any, monkeypatch: Any
) -> None:
    """Mutation 2 hits a deadlock: 503 with Retry-After, 1 stays applied, `last` stays at 1."""
    client_id, occurrence_id, item_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    batch = occurrence_batch(case, occurrence_id, item_id)

    def deadlock(actor: Any, args: dict[str, Any]) -> None:
        raise OperationalError("UPDATE stores …", {}, Exception("deadlock detected"))

    with monkeypatch.context() as patched:
        patched.setitem(handlers.HANDLERS, "occurrence_item.upsert.v1", deadlock)
        response = send(as_technician, client_id, batch)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.content_type == "application/problem+json"
    assert last_mutation_id(client_id) == 1
    assert count(Occurrence) == 1 and count(OccurrenceItem) == 0

    retry = push_ok(as_technician, client_id, batch)
    assert statuses(retry) == [(1, "duplicate"), (2, "applied"), (3, "applied")]
    assert count(OccurrenceItem) == 1


def test_a_uniqueness_clash_is_retried_once_then_rejected_not_stalled(
    as_technician: Any, case: Any, monkeypatch: Any
) -> None:
    """A clash that goes away (a race) applies on the second try; one that stays becomes a rejection."""
    client_id, occurrence_id, item_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    batch = occurrence_batch(case, occurrence_id, item_id)
    real = handlers.HANDLERS["occurrence_item.upsert.v1"]
    calls: list[int] = []

    def clash_once(actor: Any, args: dict[str, Any]) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("INSERT INTO occurrence_items …", {}, Exception("duplicate key"))
        real(actor, args)

    def clash_always(actor: Any, args: dict[str, Any]) -> None:
        raise IntegrityError("INSERT INTO occurrence_items …", {}, Exception("duplicate key"))

    with monkeypatch.context() as patched:
        patched.setitem(handlers.HANDLERS, "occurrence_item.upsert.v1", clash_once)
        first = push_ok(as_technician, client_id, batch[:2])
    assert statuses(first) == [(1, "applied"), (2, "applied")] and len(calls) == 2
    assert count(OccurrenceItem) == 1

    another = {**batch[1], "id": 3, "args": {**batch[1]["args"], "id": str(uuid.uuid4())}}
    with monkeypatch.context() as patched:
        patched.setitem(handlers.HANDLERS, "occurrence_item.upsert.v1", clash_always)
        second = push_ok(as_technician, client_id, [*batch[:2], another])
    assert statuses(second) == [(1, "duplicate"), (2, "duplicate"), (3, "rejected")]
    assert second["results"][2]["code"] == "conflict" and "Já existe" in second["results"][2]["message"]
    assert last_mutation_id(client_id) == 3 and count(OccurrenceItem) == 1
    db.session.commit()
    [kept] = db.session.scalars(select(Rejection).where(Rejection.client_id == client_id)).all()
    assert kept.args == another["args"]


def test_a_session_ended_while_offline_is_401_on_push_and_pull_and_applies_nothing(
    app: Flask, technician: Any, case: Any
) -> None:
    """The password was changed elsewhere (every session ends): the phone's batch waits for a new login."""
    phone = login(app, technician)
    client_id = uuid.uuid4()
    push_ok(phone, client_id, [])
    end_all_sessions(technician)
    db.session.commit()

    response = send(phone, client_id, occurrence_batch(case, uuid.uuid4(), uuid.uuid4()))
    assert response.status_code == 401 and response.content_type == "application/problem+json"
    pulled = phone.post("/api/sync/pull", json={"protocol": 1, "schema_version": 1, "client_id": str(client_id)})
    assert pulled.status_code == 401
    assert count(Occurrence) == 0 and last_mutation_id(client_id) == 0

    again = login(app, technician)  # the same device, after logging in again
    assert statuses(push_ok(again, client_id, occurrence_batch(case, uuid.uuid4(), uuid.uuid4()))) == [
        (1, "applied"),
        (2, "applied"),
        (3, "applied"),
    ]


def test_a_server_bug_in_one_mutation_is_rejected_and_the_outbox_goes_on(
    as_technician: Any, case: Any, monkeypatch: Any
) -> None:
    """An unexpected error is not retried forever: that mutation is kept as a rejection, the next applies."""
    client_id, occurrence_id, item_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    batch = occurrence_batch(case, occurrence_id, item_id)

    def bug(actor: Any, args: dict[str, Any]) -> None:
        raise KeyError("unit")

    with monkeypatch.context() as patched:
        patched.setitem(handlers.HANDLERS, "occurrence_item.upsert.v1", bug)
        body = push_ok(as_technician, client_id, batch)
    assert statuses(body) == [(1, "applied"), (2, "rejected"), (3, "applied")]
    assert body["results"][1]["code"] == "server-error" and "reenvie" in body["results"][1]["message"]
    assert last_mutation_id(client_id) == 3 and count(OccurrenceItem) == 0
    db.session.commit()
    [kept] = db.session.scalars(select(Rejection).where(Rejection.client_id == client_id)).all()
    assert kept.mutation_id == 2 and kept.args == batch[1]["args"]
