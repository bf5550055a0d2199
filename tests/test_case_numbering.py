"""Case numbers: AT-<year>-<5 digits>, gap-free per store, also under concurrent creation."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from server.cases import service
from server.cases.models import ServiceCase
from server.errors import Conflict
from server.extensions import db
from server.stores.models import Store
from tests.conftest import ADDRESS, login

CONCURRENT = 20


def this_year() -> int:
    return datetime.now(ZoneInfo("America/Sao_Paulo")).year


def fresh_store(store_id: int) -> Store:
    db.session.rollback()  # end the test's snapshot: read what the requests committed
    return db.session.get_one(Store, store_id)


def case_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ServiceCase)) or 0


def open_case(client: Any, customer_id: int, **data: Any) -> Any:
    return client.post("/api/cases", json={"customer_id": customer_id, "reported_issue": "Gaveta travando.", **data})


def test_concurrent_creations_get_distinct_consecutive_numbers(app, store, scheduler, customer):
    """20 requests released together each get one number: 00001..00020, no gap, no duplicate."""
    clients = [login(app, scheduler) for _ in range(CONCURRENT)]  # logged in before any thread starts
    customer_id, store_id, year = customer.id, store.id, this_year()
    barrier = threading.Barrier(CONCURRENT)
    results: list[tuple[int, dict[str, Any]] | None] = [None] * CONCURRENT
    failures: list[BaseException] = []

    def create(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = open_case(clients[index], customer_id, reported_issue=f"Chamado simultâneo {index}.")
            results[index] = (response.status_code, response.get_json())
        except BaseException as error:  # reported below, in the main thread
            failures.append(error)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads), "a creation hung"
    assert failures == []
    assert all(result is not None for result in results)
    statuses = [result[0] for result in results if result]
    assert statuses == [201] * CONCURRENT, [result[1] for result in results if result and result[0] != 201]
    numbers = sorted(result[1]["number"] for result in results if result)
    assert numbers == [f"AT-{year}-{n:05d}" for n in range(1, CONCURRENT + 1)]
    assert len({result[1]["id"] for result in results if result}) == CONCURRENT
    stored = fresh_store(store_id)
    assert stored.case_number_last == CONCURRENT
    assert stored.case_number_year == year
    assert case_count() == CONCURRENT


@pytest.mark.parametrize(
    "bad",
    [
        {"assignee_id": "SCHEDULER"},
        {"reported_issue": "   "},
        {"contract_id": 999_999},
        {"opened_at": "2999-01-01T00:00:00"},
        {"service_address": {**ADDRESS, "state": "XX"}},
    ],
    ids=["not-a-technician", "blank-issue", "unknown-contract", "future-opening", "bad-address"],
)
def test_a_rejected_creation_does_not_consume_a_number(as_scheduler, scheduler, store, customer, bad):
    """After a 422 the next case still gets the next consecutive number."""
    year = this_year()
    first = open_case(as_scheduler, customer.id)
    assert first.status_code == 201
    data = {key: (scheduler.id if value == "SCHEDULER" else value) for key, value in bad.items()}

    rejected = open_case(as_scheduler, customer.id, **data)
    assert rejected.status_code == 422, rejected.json
    assert fresh_store(store.id).case_number_last == 1

    second = open_case(as_scheduler, customer.id)
    assert second.status_code == 201
    assert [first.json["number"], second.json["number"]] == [f"AT-{year}-00001", f"AT-{year}-00002"]


def test_a_failure_after_the_number_is_taken_gives_the_number_back(as_scheduler, store, customer, monkeypatch):
    """A creation that fails after allocating its number rolls the sequence back with everything else."""
    year = this_year()
    assert open_case(as_scheduler, customer.id).status_code == 201
    real_record = service.record_event

    def failing_record(*args: Any, **kwargs: Any) -> None:
        raise Conflict("Falha simulada depois da numeração.")

    monkeypatch.setattr(service, "record_event", failing_record)
    failed = open_case(as_scheduler, customer.id)
    monkeypatch.setattr(service, "record_event", real_record)

    assert failed.status_code == 409
    assert fresh_store(store.id).case_number_last == 1
    assert case_count() == 1
    following = open_case(as_scheduler, customer.id)
    assert following.status_code == 201
    assert following.json["number"] == f"AT-{year}-00002"


def test_the_sequence_restarts_with_a_new_year(as_scheduler, store, customer):
    """The first case of a year is 00001 even when last year's sequence went far."""
    year = this_year()
    db.session.execute(update(Store).where(Store.id == store.id).values(case_number_year=year - 1, case_number_last=57))
    db.session.commit()

    first = open_case(as_scheduler, customer.id)
    second = open_case(as_scheduler, customer.id)

    assert [first.json["number"], second.json["number"]] == [f"AT-{year}-00001", f"AT-{year}-00002"]
    stored = fresh_store(store.id)
    assert (stored.case_number_year, stored.case_number_last) == (year, 2)


def test_a_case_backdated_into_last_year_keeps_the_sequence(as_scheduler, store, customer):
    """A complaint from last December registered now takes the running number (the year it is registered in);
    it neither restarts the sequence nor collides with it, and the cases after it keep counting."""
    year = this_year()
    first = open_case(as_scheduler, customer.id)
    backdated = open_case(as_scheduler, customer.id, opened_at=f"{year - 1}-12-20T10:00:00")
    after = open_case(as_scheduler, customer.id)

    assert [r.status_code for r in (first, backdated, after)] == [201, 201, 201], backdated.json
    assert [r.json["number"] for r in (first, backdated, after)] == [
        f"AT-{year}-00001",
        f"AT-{year}-00002",
        f"AT-{year}-00003",
    ]
    assert backdated.json["opened_at"] == f"{year - 1}-12-20T10:00:00-03:00"
    assert fresh_store(store.id).case_number_last == 3
