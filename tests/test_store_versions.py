"""The sync bookkeeping (docs/sync.md): one version per write transaction, never shared, tombstones."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.cases.models import CaseEvent
from server.customers.models import Customer
from server.database import soft_delete
from server.extensions import db
from tests.conftest import CPFS, login, make_customer, store_version


def test_each_write_request_bumps_the_store_version_once(app: Flask, store: Any, scheduler: Any, customer: Any) -> None:
    """Opening a case writes a case and a timeline event: both carry the one new version."""
    client = login(app, scheduler)
    before = store_version(store.id)
    response = client.post("/api/cases", json={"customer_id": customer.id, "reported_issue": "Tampo riscado."})
    assert response.status_code == 201
    after = store_version(store.id)
    assert after == before + 1
    assert response.json["version"] == after
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == response.json["id"]))
    assert event is not None and event.version == after

    response = client.patch(f"/api/customers/{customer.id}", json={"name": "Maria Souza"})
    assert response.status_code == 200
    assert store_version(store.id) == after + 1 == response.json["version"]


def test_reads_and_rejected_writes_do_not_bump(app: Flask, store: Any, scheduler: Any, customer: Any) -> None:
    client = login(app, scheduler)
    before = store_version(store.id)
    assert client.get("/api/customers").status_code == 200
    assert client.post("/api/customers", json={"name": "X", "document": "123"}).status_code == 422
    assert client.post("/api/cases", json={"customer_id": customer.id, "reported_issue": " "}).status_code == 422
    assert store_version(store.id) == before


def test_versions_are_per_store(app: Flask, store: Any, other_store: Any) -> None:
    before = store_version(other_store.id)
    make_customer(store)
    assert store_version(other_store.id) == before


def test_concurrent_writers_never_share_a_version(app: Flask, store: Any, scheduler: Any) -> None:
    """Twelve requests editing twelve customers at once get twelve distinct, consecutive versions."""
    ids = [make_customer(store, name=f"Cliente {i}").id for i in range(12)]
    clients = [login(app, scheduler) for _ in ids]
    before = store_version(store.id)
    barrier = threading.Barrier(len(clients))
    results: list[Any] = [None] * len(clients)

    def edit(i: int) -> None:
        barrier.wait()
        results[i] = clients[i].patch(f"/api/customers/{ids[i]}", json={"notes": f"edição {i}"})

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in results] == [200] * len(clients)
    versions = sorted(r.json["version"] for r in results)
    assert versions == list(range(before + 1, before + 1 + len(clients)))
    assert store_version(store.id) == before + len(clients)


def test_soft_delete_keeps_a_tombstone_with_a_new_version(app: Flask, store: Any, scheduler: Any) -> None:
    customer = make_customer(store, document=CPFS[2])
    client = login(app, scheduler)
    before = store_version(store.id)
    assert client.delete(f"/api/customers/{customer.id}").status_code == 204
    db.session.expire_all()
    tombstone = db.session.get_one(Customer, customer.id)
    assert tombstone.deleted_at is not None
    assert tombstone.version == store_version(store.id) == before + 1
    assert client.get(f"/api/customers/{customer.id}").status_code == 404
    assert customer.id not in [c["id"] for c in client.get("/api/customers").json["items"]]


def test_hard_delete_of_a_synced_record_is_refused(app: Flask, store: Any) -> None:
    customer = make_customer(store)
    db.session.delete(customer)
    with pytest.raises(RuntimeError, match="soft_delete"):
        db.session.flush()
    db.session.rollback()
    soft_delete(db.session.get_one(Customer, customer.id))
    db.session.commit()
    assert db.session.get_one(Customer, customer.id).deleted


def test_a_transaction_with_several_flushes_uses_one_version(app: Flask, store: Any) -> None:
    before = store_version(store.id)
    a = Customer(store_id=store.id, name="A", phones=[])
    a.refresh_search()
    db.session.add(a)
    db.session.flush()
    b = Customer(store_id=store.id, name="B", phones=[])
    b.refresh_search()
    db.session.add(b)
    db.session.flush()
    db.session.commit()
    assert a.version == b.version == store_version(store.id) == before + 1
