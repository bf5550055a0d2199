"""The phone links an occurrence item to what was sold: a pushed item with only `contract_item_id`
takes the contract item's code, description and factory; one of another contract is refused."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.stores.models import Store
from tests.claims_world import claim_world
from tests.conftest import CPFS
from tests.sync.test_push import entry, mutation, push_ok


@pytest.fixture(autouse=True)
def uploads(app: Flask, tmp_path: Path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")


@pytest.fixture
def world(store: Store, scheduler: User, technician: User) -> dict[str, Any]:
    return claim_world(store, scheduler, technician, CPFS[0])


def items_of(occurrence_id: uuid.UUID) -> list[OccurrenceItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(OccurrenceItem).where(OccurrenceItem.occurrence_id == occurrence_id)))


def create(world: dict[str, Any], store: Store, occurrence_id: uuid.UUID, item: dict[str, Any]) -> dict[str, Any]:
    return mutation(
        1,
        "occurrence.create.v1",
        case_id=world["case"],
        id=str(occurrence_id),
        occurrence_type_id=entry(store.id, "occurrence_types"),
        payer="factory",
        resolved=True,
        items=[{"id": str(uuid.uuid4()), "quantity": "1", "action": "replace", **item}],
    )


def test_a_pushed_item_with_only_a_contract_item_takes_its_code_description_and_factory(
    as_technician: Any, world: dict[str, Any], store: Store
) -> None:
    occurrence_id = uuid.uuid4()
    body = push_ok(
        as_technician, uuid.uuid4(), [create(world, store, occurrence_id, {"contract_item_id": world["serra_item"]})]
    )
    assert [r["status"] for r in body["results"]] == ["applied"], body
    [item] = items_of(occurrence_id)
    assert item.contract_item_id == world["serra_item"]
    assert (item.code, item.description, item.supplier_id) == ("AER-80-BR", "Aéreo 80 cm 2 portas", world["serra"])


def test_what_the_technician_typed_wins_over_the_contract_item(
    as_technician: Any, world: dict[str, Any], store: Store
) -> None:
    occurrence_id = uuid.uuid4()
    typed = {"contract_item_id": world["vale_item"], "code": "GAV-60-B", "description": "Frente do gaveteiro"}
    push_ok(as_technician, uuid.uuid4(), [create(world, store, occurrence_id, typed)])
    [item] = items_of(occurrence_id)
    assert (item.contract_item_id, item.code, item.description) == (
        world["vale_item"],
        "GAV-60-B",
        "Frente do gaveteiro",
    )
    assert item.supplier_id == world["vale"]


def test_a_contract_item_of_another_contract_is_rejected(
    as_technician: Any, world: dict[str, Any], store: Store, scheduler: User, technician: User
) -> None:
    other = claim_world(store, scheduler, technician, CPFS[1], tag=" 2")
    occurrence_id = uuid.uuid4()
    body = push_ok(
        as_technician, uuid.uuid4(), [create(world, store, occurrence_id, {"contract_item_id": other["serra_item"]})]
    )
    [result] = body["results"]
    assert result["status"] == "rejected", result
    assert db.session.get(Occurrence, occurrence_id) is None
