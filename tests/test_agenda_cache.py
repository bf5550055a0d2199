"""The agenda's kept answers (server.common.answer_cache): a repeated read costs only the session
lookup, and every change a visit shows — its own fields, its case's customer, the technician's
name, the store's timezone, the user's stores — is in the next read."""

from __future__ import annotations

from typing import Any

from flask import Flask

from server.auth.models import User
from server.common.answer_cache import AnswerCache
from tests.conftest import counting, make_case, make_customer
from tests.test_appointments import DAY, book_ok

WEEK = f"/api/appointments?calendar_type=all&from={DAY}&to={DAY}"


def the_visit(client: Any, visit_id: int, url: str = WEEK) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.json
    (item,) = [item for item in response.json["items"] if item["id"] == visit_id]
    return item  # type: ignore[no-any-return]


def test_a_repeated_read_costs_only_the_session_lookup(
    app: Flask, as_technician: Any, as_scheduler: Any, case: Any, technician: User
) -> None:
    visit = book_ok(as_scheduler, case, technician, "08:00", "09:00")
    url = f"/api/appointments?assignee=me&from={DAY}&to={DAY}"
    with counting() as first:
        answer = as_technician.get(url)
    with counting() as again:
        repeated = as_technician.get(url)
    assert [item["id"] for item in answer.json["items"]] == [visit["id"]]
    assert repeated.get_data() == answer.get_data()
    assert len(again) < len(first)
    assert not any("appointments" in statement for statement in again), again


def test_an_edited_visit_is_in_the_next_read(as_scheduler: Any, case: Any, technician: User) -> None:
    visit = book_ok(as_scheduler, case, technician, "08:00", "09:00")
    assert the_visit(as_scheduler, visit["id"])["subject"] is None
    edited = as_scheduler.patch(f"/api/appointments/{visit['id']}", json={"subject": "Troca de dobradiça"})
    assert edited.status_code == 200, edited.json
    assert the_visit(as_scheduler, visit["id"])["subject"] == "Troca de dobradiça"


def test_a_renamed_customer_is_in_the_next_read(as_scheduler: Any, case: Any, technician: User) -> None:
    visit = book_ok(as_scheduler, case, technician, "08:00", "09:00")
    customer_id = the_visit(as_scheduler, visit["id"])["case"]["customer"]["id"]
    renamed = as_scheduler.patch(f"/api/customers/{customer_id}", json={"name": "Maria Aparecida Souza"})
    assert renamed.status_code == 200, renamed.json
    assert the_visit(as_scheduler, visit["id"])["case"]["customer"]["name"] == "Maria Aparecida Souza"


def test_a_renamed_technician_is_in_the_next_read(
    as_admin: Any, as_scheduler: Any, case: Any, technician: User
) -> None:
    """The technician's name is on the user's row, not a store record: renaming bumps the store."""
    visit = book_ok(as_scheduler, case, technician, "08:00", "09:00")
    assert the_visit(as_scheduler, visit["id"])["assignee"]["name"] == technician.name
    renamed = as_admin.patch(f"/api/users/{technician.id}", json={"name": "Joaquim Montador"})
    assert renamed.status_code == 200, renamed.json
    assert the_visit(as_scheduler, visit["id"])["assignee"]["name"] == "Joaquim Montador"


def test_a_new_store_timezone_is_in_the_next_read(
    as_admin: Any, as_scheduler: Any, case: Any, store: Any, technician: User
) -> None:
    visit = book_ok(as_scheduler, case, technician, "08:00", "09:00")
    before = the_visit(as_scheduler, visit["id"])["starts_at"]
    assert before.endswith("-03:00")
    moved = as_admin.patch(f"/api/stores/{store.id}", json={"timezone": "America/Manaus"})
    assert moved.status_code == 200, moved.json
    after = the_visit(as_scheduler, visit["id"])
    assert after["starts_at"].endswith("-04:00")


def test_answers_are_kept_per_user(
    as_scheduler: Any,
    as_technician: Any,
    scheduler: Any,
    store: Any,
    case: Any,
    technician: User,
    other_technician: User,
) -> None:
    """The office's whole week is never handed to a technician asking the same address."""
    mine = book_ok(as_scheduler, case, technician, "08:00", "09:00")
    other_case = make_case(scheduler, make_customer(store, name="Outra Cliente"))
    theirs = book_ok(as_scheduler, other_case, other_technician, "10:00", "11:00")
    office = {item["id"] for item in as_scheduler.get(WEEK).json["items"]}
    phone = {item["id"] for item in as_technician.get(WEEK).json["items"]}
    assert office >= {mine["id"], theirs["id"]}
    assert mine["id"] in phone and theirs["id"] not in phone


def test_the_cache_keeps_its_byte_budget() -> None:
    cache = AnswerCache(max_bytes=100)
    built: list[str] = []

    def build(name: str, size: int) -> Any:
        return lambda: built.append(name) or b"x" * size

    cache.get_or_build("a", build("a", 40))
    cache.get_or_build("b", build("b", 40))
    cache.get_or_build("a", build("a", 40))  # kept: "a" is now the most recently used
    cache.get_or_build("c", build("c", 40))  # over budget: "b", the least recently used, goes
    cache.get_or_build("a", build("a", 40))
    cache.get_or_build("b", build("b", 40))
    assert built == ["a", "b", "c", "b"]
