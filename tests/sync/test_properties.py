"""Property: whatever the network does to a device's outbox, the server applies each mutation once,
in order, and every pull history converges to the same phone state (docs/sync.md).

Hypothesis draws an outbox (the technician's visit notes, occurrence creates and edits, item upserts and deletes,
some of them invalid), then a delivery history: batches that are subsets of the outbox, shuffled
and repeated, some hit by a transient database failure at a given mutation, with pulls in
between. Finally the device sends its whole outbox, as its retry loop would. A pure model, which
applies each mutation once and in order, says what the server must hold and which mutations it
must have rejected. Each example works on a case and device of its own, so examples share the
database (fixtures are per test, not per example) without seeing each other's effects.
"""

from __future__ import annotations

import copy
import os
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from server.appointments.models import Appointment
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.sync import handlers
from server.sync.models import Rejection
from tests.conftest import login, make_case
from tests.sync.test_pull import pull
from tests.sync.test_push import entry, mutation, send
from tests.test_appointments import book_ok

OCCURRENCES = 2  # occurrence slots 0..1 in the drawn outbox
ITEMS = 2  # item slots per occurrence

# One operation of the outbox, before it gets ids: (kind, occurrence slot, item slot, value).
operations = st.one_of(
    st.tuples(st.just("notes"), st.just(0), st.just(0), st.sampled_from(["Levar cola.", "Cliente sai às 16h.", ""])),
    st.tuples(st.just("create"), st.integers(0, OCCURRENCES - 1), st.just(0), st.just("")),
    st.tuples(
        st.just("update"), st.integers(0, OCCURRENCES - 1), st.just(0), st.sampled_from(["Empenada.", "Riscada."])
    ),
    st.tuples(
        st.just("upsert"), st.integers(0, OCCURRENCES - 1), st.integers(0, ITEMS - 1), st.sampled_from(["1", "2.5"])
    ),
    st.tuples(st.just("delete"), st.integers(0, OCCURRENCES - 1), st.integers(0, ITEMS - 1), st.just("")),
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[tuple[str, int, int, str]], list[tuple[str, Any]]]:
    """An outbox and what the network does with it: batches (with a failure position) and pulls."""
    outbox = draw(st.lists(operations, min_size=1, max_size=10))
    n = len(outbox)
    events: list[tuple[str, Any]] = []
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            ids = draw(st.lists(st.integers(1, n), min_size=1, max_size=n + 2))  # repeats, any order
            fail_at = draw(st.one_of(st.none(), st.integers(1, n)))
            events.append(("push", (ids, fail_at)))
        else:
            events.append(("pull", None))
    return outbox, events


@dataclass
class Model:
    """The server's state after applying each mutation exactly once, in order."""

    notes: str | None = None
    reports: dict[int, str] = field(default_factory=dict)  # occurrence slot → report
    items: dict[tuple[int, int], str | None] = field(default_factory=dict)  # quantity; None: deleted
    rejected: set[int] = field(default_factory=set)

    def apply(self, mutation_id: int, kind: str, occ: int, item: int, value: str) -> None:
        if kind == "notes":
            self.notes = value or None
        elif kind == "create":
            self.reports.setdefault(occ, f"Relato {occ}.")  # the same create again returns the record
        elif occ not in self.reports:
            self.rejected.add(mutation_id)  # 404: the occurrence does not exist
        elif kind == "update":
            self.reports[occ] = value
        elif kind == "upsert":
            if self.items.get((occ, item), "") is None:
                self.rejected.add(mutation_id)  # a removed item's id cannot come back
            else:
                self.items[(occ, item)] = value
        elif kind == "delete":
            if (occ, item) not in self.items:
                self.rejected.add(mutation_id)  # 404: no such item
            else:
                self.items[(occ, item)] = None


def apply_answer(replica: dict[str, dict[str, Any]], answer: dict[str, Any]) -> None:
    """What the phone does with a pull answer (a reset replaces everything)."""
    if answer["reset"]:
        replica.clear()
    for table, entry_ in answer["changes"].items():
        rows = replica.setdefault(table, {})
        for row in entry_["upsert"]:
            rows[str(row["id"])] = row
        for key in entry_["delete"]:
            rows.pop(str(key), None)  # an id the phone never had (created and deleted in between): no-op
        if not rows:
            del replica[table]  # an empty table is no table: the comparison must not see the difference


def pull_all(phone: Any, client_id: uuid.UUID, replica: dict[str, dict[str, Any]], cursor: str | None) -> str:
    """Pull (following `more`) into `replica`; the new cursor."""
    while True:
        answer = pull(phone, client_id, cursor)
        apply_answer(replica, answer)
        cursor = answer["cursor"]
        if not answer["more"]:
            return cursor  # type: ignore[no-any-return]


@settings(
    max_examples=int(os.environ.get("SYNC_PROPERTY_EXAMPLES", "25")),  # more for a longer search
    deadline=None,
    database=None,
    derandomize=bool(os.environ.get("CI")),  # CI replays the same examples; a developer's run explores
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_any_delivery_history_applies_each_mutation_once_and_pulls_converge(
    app: Flask, as_scheduler: Any, scheduler: Any, technician: Any, customer: Any, monkeypatch: Any, history: Any
) -> None:
    outbox, events = history
    case = make_case(scheduler, customer, assignee_id=technician.id)
    visit = book_ok(as_scheduler, case, technician, "09:00", "10:00", allow_overlap=True)
    phone = login(app, technician)
    client_id = uuid.uuid4()
    occurrence_ids = [uuid.uuid4() for _ in range(OCCURRENCES)]
    item_ids = {(o, i): uuid.uuid4() for o in range(OCCURRENCES) for i in range(ITEMS)}
    notes_seen = [None, *(op[3] or None for op in outbox if op[0] == "notes")]  # each note's base: the one before
    mutations = []
    for n, op in enumerate(outbox, 1):
        base = notes_seen.pop(0) if op[0] == "notes" else None
        mutations.append(to_mutation(n, op, case, visit["id"], occurrence_ids, item_ids, base))

    replica: dict[str, dict[str, Any]] = {}
    cursor: str | None = None
    seen: list[tuple[dict[str, dict[str, Any]], str]] = []
    for kind, detail in events:
        if kind == "pull":
            cursor = pull_all(phone, client_id, replica, cursor)
            seen.append((copy.deepcopy(replica), cursor))
            continue
        ids, fail_at = detail
        with monkeypatch.context() as patched:
            if fail_at is not None:
                patched.setattr(handlers, "run", failing_at(mutations[fail_at - 1]["args"]))
            response = send(phone, client_id, [mutations[i - 1] for i in ids])
        assert response.status_code in (200, 503), response.json

    final = send(phone, client_id, mutations)  # the device's retry loop: its whole outbox, in order
    assert final.status_code == 200, final.json
    assert final.json["last_mutation_id"] == len(mutations)

    model = Model()
    for n, op in enumerate(outbox, 1):
        model.apply(n, *op)
    check_server(model, visit["id"], occurrence_ids, item_ids, client_id)

    full: dict[str, dict[str, Any]] = {}
    pull_all(phone, client_id, full, None)
    for earlier, earlier_cursor in [*seen, (copy.deepcopy(replica), cursor)]:
        pull_all(phone, client_id, earlier, earlier_cursor)
        assert earlier == full


def to_mutation(
    n: int,
    op: tuple[str, int, int, str],
    case: Any,
    visit_id: int,
    occurrence_ids: list[uuid.UUID],
    item_ids: dict[tuple[int, int], uuid.UUID],
    notes_base: str | None,
) -> dict[str, Any]:
    kind, occ, item, value = op
    if kind == "notes":  # one phone: each note is written from the one before it, so the last one wins
        return mutation(
            n, "appointment.technician_notes.v1", appointment_id=visit_id, notes=value or None, base=notes_base
        )
    if kind == "create":
        return mutation(
            n,
            "occurrence.create.v1",
            case_id=case.id,
            id=str(occurrence_ids[occ]),
            occurrence_type_id=entry(case.store_id, "occurrence_types"),
            payer="factory",
            report=f"Relato {occ}.",
            resolved=False,
            unresolved_reason="Precisa trocar a peça.",
        )
    if kind == "update":
        return mutation(n, "occurrence.update.v1", id=str(occurrence_ids[occ]), report=value)
    target = {"occurrence_id": str(occurrence_ids[occ]), "id": str(item_ids[(occ, item)])}
    if kind == "upsert":
        return mutation(
            n, "occurrence_item.upsert.v1", **target, description="Dobradiça", quantity=value, action="replace"
        )
    return mutation(n, "occurrence_item.delete.v1", **target)


def failing_at(args: dict[str, Any]) -> Any:
    """`handlers.run` that fails like a deadlock, once, on the mutation with these arguments."""
    real = handlers.run
    state = {"failed": False}

    def run(actor: Any, name: str, given: dict[str, Any]) -> None:
        if given == args and not state["failed"]:
            state["failed"] = True
            raise OperationalError("UPDATE stores …", {}, Exception("deadlock detected"))
        real(actor, name, given)

    return run


def check_server(
    model: Model,
    visit_id: int,
    occurrence_ids: list[uuid.UUID],
    item_ids: dict[tuple[int, int], uuid.UUID],
    client_id: uuid.UUID,
) -> None:
    db.session.commit()
    assert db.session.get_one(Appointment, visit_id).technician_notes == model.notes
    for slot, occurrence_id in enumerate(occurrence_ids):
        occurrence = db.session.get(Occurrence, occurrence_id)
        assert (occurrence.report if occurrence else None) == model.reports.get(slot)
    for key, item_id in item_ids.items():
        item = db.session.get(OccurrenceItem, item_id)
        expected = model.items.get(key, "absent")
        if expected == "absent":
            assert item is None
        elif expected is None:
            assert item is not None and item.deleted_at is not None
        else:
            assert item is not None and item.deleted_at is None and item.quantity == Decimal(expected)
    rejected = db.session.scalars(select(Rejection.mutation_id).where(Rejection.client_id == client_id)).all()
    assert set(rejected) == model.rejected
