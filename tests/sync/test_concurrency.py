"""Many devices syncing at once (docs/sync.md): ten technicians, one of them with two phones.

Every device runs the phone's loop in its own thread: push the outbox from `last_mutation_id + 1`
in small batches (503 → wait and send again), pull after each push. Afterwards: every mutation
applied once (no duplicate, none lost, no rejection), every write transaction got its own store
version, each device's cursors never went back, and each device's replica equals a fresh full
snapshot, so no pull skipped a write that committed while it ran. On PostgreSQL the requests
really run in parallel; on SQLite they queue on the write lock.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from server.auth.models import Role
from server.extensions import db
from server.occurrences.models import OccurrenceItem
from server.sync.models import Rejection, SyncClient
from tests.conftest import login, make_case, make_user, store_version
from tests.sync.test_properties import pull_all
from tests.sync.test_pull import versions
from tests.sync.test_push import entry, mutation, send
from tests.test_appointments import book_ok
from tests.test_occurrences import body as occurrence_body

TECHNICIANS = 10
ITEMS_PER_DEVICE = 6
BATCH = 2


class Device:
    """A phone: its outbox, its replica, and the loop that syncs them."""

    def __init__(self, app: Flask, user: Any, outbox: list[dict[str, Any]]) -> None:
        self.client = login(app, user)
        self.client_id = uuid.uuid4()
        self.outbox = outbox
        self.replica: dict[str, dict[str, Any]] = {}
        self.cursor: str | None = None
        self.seen_versions: list[int] = []
        self.unavailable = 0
        self.error: BaseException | None = None

    def run(self, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            last = 0
            while last < len(self.outbox):
                response = send(self.client, self.client_id, self.outbox[last : last + BATCH])
                if response.status_code == 503:  # transient: the phone waits and sends again
                    self.unavailable += 1
                    time.sleep(0.05)  # the phone's back-off (Retry-After, shortened), not a wait for an event
                    continue
                assert response.status_code == 200, response.json
                last = response.json["last_mutation_id"]
                self.pull()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error

    def pull(self) -> None:
        self.cursor = pull_all(self.client, self.client_id, self.replica, self.cursor)
        self.seen_versions.append(sum(versions(self.cursor).values()))


def item_upserts(occurrence_id: str, count: int, start: int = 1) -> list[dict[str, Any]]:
    return [
        mutation(
            start + i,
            "occurrence_item.upsert.v1",
            occurrence_id=occurrence_id,
            id=str(uuid.uuid4()),
            description=f"Peça {i}",
            quantity="1",
            action="replace",
        )
        for i in range(count)
    ]


def test_ten_technicians_and_two_phones_of_one_sync_at_once(
    app: Flask, as_scheduler: Any, scheduler: Any, store: Any, customer: Any
) -> None:
    technicians = [make_user(Role.TECHNICIAN, [store], email=f"tec{i}@assistec.test") for i in range(TECHNICIANS)]
    devices: list[Device] = []
    shared_occurrence = ""
    for index, technician in enumerate(technicians):
        case = make_case(scheduler, customer, assignee_id=technician.id)
        visit = book_ok(as_scheduler, case, technician, "09:00", "10:00", allow_overlap=True)
        occurrence_id = str(uuid.uuid4())
        outbox = [
            mutation(
                1,
                "occurrence.create.v1",
                case_id=case.id,
                id=occurrence_id,
                occurrence_type_id=entry(case.store_id, "occurrence_types"),
                payer="store",
                resolved=True,
            ),
            *item_upserts(occurrence_id, ITEMS_PER_DEVICE, start=2),
            mutation(ITEMS_PER_DEVICE + 2, "appointment.notes.v1", appointment_id=visit["id"], notes=f"Nota {index}"),
        ]
        if index == 0:
            # The first technician's two phones add items to an occurrence filed earlier, at the
            # same time: neither may lose the other's.
            phone = login(app, technician)
            filed = phone.post(f"/api/cases/{case.id}/occurrences", json=occurrence_body(case.store_id))
            assert filed.status_code == 201, filed.json
            shared_occurrence = filed.json["id"]
            outbox += item_upserts(shared_occurrence, ITEMS_PER_DEVICE, start=len(outbox) + 1)
            devices.append(Device(app, technician, item_upserts(shared_occurrence, ITEMS_PER_DEVICE)))
        devices.append(Device(app, technician, outbox))

    before = store_version(store.id)
    barrier = threading.Barrier(len(devices))
    threads = [threading.Thread(target=device.run, args=(barrier,)) for device in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert [d.error for d in devices] == [None] * len(devices)

    mutations = sum(len(d.outbox) for d in devices)
    assert store_version(store.id) == before + mutations  # one version per write transaction
    db.session.commit()
    lasts = db.session.scalars(
        select(SyncClient.last_mutation_id).where(SyncClient.id.in_([d.client_id for d in devices]))
    )
    assert sorted(lasts) == sorted(len(d.outbox) for d in devices)
    assert db.session.scalar(select(func.count()).select_from(Rejection)) == 0
    item_versions = db.session.scalars(select(OccurrenceItem.version).where(OccurrenceItem.quantity == 1)).all()
    expected_items = ITEMS_PER_DEVICE * (len(devices) + 1)
    assert len(item_versions) == expected_items + 1  # and the one filed with the shared occurrence
    assert len(set(item_versions)) == len(item_versions)  # each upsert its own transaction
    shared = db.session.scalar(select(func.count()).where(OccurrenceItem.occurrence_id == uuid.UUID(shared_occurrence)))
    assert shared == ITEMS_PER_DEVICE * 2 + 1

    for device in devices:
        assert device.seen_versions == sorted(device.seen_versions)  # a cursor never goes back
        device.pull()
        fresh: dict[str, dict[str, Any]] = {}
        pull_all(device.client, uuid.uuid4(), fresh, None)
        assert device.replica == fresh
