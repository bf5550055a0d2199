"""One transaction per unit of work: a service that fails after its first write leaves nothing.

Services only flush; the request, or the sync mutation with the device's `last_mutation_id`,
commits once. Each test breaks a service right after it wrote a row (the row is in the
transaction, flushed) and looks for that row, and the acknowledgement, from a fresh transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from server.cases import service as case_service
from server.cases.models import ServiceCase
from server.errors import Conflict
from server.extensions import db
from server.occurrences import service as occurrence_service
from server.occurrences.models import Occurrence
from server.transaction import after_commit, commit
from tests.sync.test_push import count, last_mutation_id, occurrence_batch, send


def _fail_after_the_write(model: Any, failure: BaseException) -> Any:
    """A stand-in for `record_event` that checks the service's row is written, then fails."""
    seen: list[int] = []

    def record_event(*args: Any, **kwargs: Any) -> None:
        written = db.session.scalar(select(func.count()).select_from(model))
        seen.append(written or 0)
        raise failure

    record_event.seen = seen  # type: ignore[attr-defined]
    return record_event


def test_a_mutation_that_fails_after_its_first_write_leaves_neither_it_nor_its_acknowledgement(
    as_technician: Any, case: Any, monkeypatch: Any
) -> None:
    """A transient failure (the database, 503): the occurrence row and `last_mutation_id` go together."""
    client_id, occurrence_id, item_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    failing = _fail_after_the_write(Occurrence, OperationalError("INSERT …", {}, Exception("connection lost")))
    monkeypatch.setattr(occurrence_service, "record_event", failing)

    response = send(as_technician, client_id, occurrence_batch(case, occurrence_id, item_id)[:1])

    assert response.status_code == 503, response.json
    assert failing.seen == [1]  # the occurrence was written in the transaction before the failure
    assert count(Occurrence) == 0
    assert last_mutation_id(client_id) == 0


def test_a_mutation_that_hits_a_bug_after_its_first_write_keeps_only_its_rejection(
    as_technician: Any, case: Any, monkeypatch: Any
) -> None:
    """A bug: the occurrence is rolled back; the rejection and the acknowledgement are stored together."""
    client_id, occurrence_id, item_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    failing = _fail_after_the_write(Occurrence, RuntimeError("bug"))
    monkeypatch.setattr(occurrence_service, "record_event", failing)

    response = send(as_technician, client_id, occurrence_batch(case, occurrence_id, item_id)[:1])

    assert response.status_code == 200, response.json
    assert [r["status"] for r in response.json["results"]] == ["rejected"]
    assert failing.seen == [1]
    assert count(Occurrence) == 0
    assert last_mutation_id(client_id) == 1


def test_a_request_whose_service_fails_after_its_first_write_leaves_nothing(
    as_scheduler: Any, customer: Any, monkeypatch: Any
) -> None:
    """A problem (409) and a bug (500) after the case row was written: no case either way."""
    for failure, status in ((Conflict("Recusado depois de gravar."), 409), (RuntimeError("bug"), 500)):
        failing = _fail_after_the_write(ServiceCase, failure)
        monkeypatch.setattr(case_service, "record_event", failing)

        response = as_scheduler.post("/api/cases", json={"customer_id": customer.id, "reported_issue": "Porta solta."})

        assert response.status_code == status, response.json
        assert response.content_type == "application/problem+json"
        assert failing.seen == [1]
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ServiceCase)) == 0


def test_a_request_that_succeeds_commits_what_its_services_flushed(as_scheduler: Any, customer: Any) -> None:
    response = as_scheduler.post("/api/cases", json={"customer_id": customer.id, "reported_issue": "Porta solta."})

    assert response.status_code == 201, response.json
    db.session.commit()
    assert db.session.get(ServiceCase, response.json["id"]) is not None


def test_work_after_the_commit_runs_only_once_it_commits(app: Any, customer: Any) -> None:
    commit()  # the fixture's customer
    ran: list[str] = []
    after_commit(lambda: ran.append("rolled back"))
    customer.name = "Outro Nome"
    db.session.rollback()
    assert ran == []

    after_commit(lambda: ran.append("committed"))
    db.session.get_one(type(customer), customer.id).name = "Outro Nome"
    commit()
    assert ran == ["committed"]
