"""Lists cost a constant number of SQL queries, whatever their length (no N+1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.auth.models import Role
from server.cases.service import update_case
from server.catalogs.models import CatalogEntry
from server.extensions import db
from tests.conftest import counting, login, make_case, make_contract, make_customer, make_user


def _room_ids(store_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(CatalogEntry.id).where(CatalogEntry.store_id == store_id, CatalogEntry.kind.in_(["rooms"]))
        )
    )


def grow(store: Any, scheduler: Any, technician: Any, start: int, stop: int) -> None:
    """Customers with a contract (with items) and a case with a timeline, numbered start..stop-1."""
    rooms = _room_ids(store.id)
    for i in range(start, stop):
        customer = make_customer(store, name=f"Cliente {i:03d}")
        contract = make_contract(
            scheduler,
            customer,
            number=f"C-{i:04d}",
            items=[{"room_id": rooms[i % len(rooms)], "description": f"Item {i}"}],
        )
        case = make_case(scheduler, customer, contract_id=contract.id, assignee_id=technician.id)
        update_case(case, {"reported_issue": f"Problema {i}"}, scheduler)
        make_user(Role.TECHNICIAN, [store], f"tec{i}@assistec.test")


LISTS: list[tuple[str, Callable[[dict[str, Any]], str], int]] = [
    # (name, url, rows the endpoint lists per grown unit)
    ("customers", lambda ids: "/api/customers?limit=200", 1),
    ("contracts", lambda ids: "/api/contracts?limit=200", 1),
    ("cases", lambda ids: "/api/cases?limit=200", 1),
    ("cases by deadline", lambda ids: "/api/cases?limit=200&sort=due_at&q=cliente", 1),
    ("users", lambda ids: "/api/users", 1),
    ("catalog", lambda ids: "/api/catalogs/rooms?include_inactive=true", 0),
    ("stores", lambda ids: "/api/stores", 0),
]


@pytest.mark.parametrize("name,url,per_unit", LISTS, ids=[name for name, _, _ in LISTS])
def test_list_query_count_does_not_grow(
    app: Flask,
    store: Any,
    scheduler: Any,
    technician: Any,
    name: str,
    url: Callable[[dict[str, Any]], str],
    per_unit: int,
) -> None:
    client = login(app, scheduler)
    counts = []
    lengths = []
    for start, stop in ((0, 10), (10, 100)):
        grow(store, scheduler, technician, start, stop)
        with counting() as statements:
            response = client.get(url({}))
        assert response.status_code == 200, response.json
        body = response.json
        lengths.append(len(body["items"] if isinstance(body, dict) else body))
        counts.append(len(statements))
    if per_unit:
        assert lengths[1] >= lengths[0] + 90 * per_unit  # the list really grew tenfold
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries for {lengths[0]} rows, {counts[1]} for {lengths[1]}"


def test_timeline_query_count_does_not_grow(app: Flask, scheduler: Any, customer: Any) -> None:
    client = login(app, scheduler)
    case = make_case(scheduler, customer)
    counts = []
    for edits in (10, 90):
        for i in range(edits):
            update_case(case, {"reported_issue": f"Versão {len(counts)}-{i}"}, scheduler)
        with counting() as statements:
            response = client.get(f"/api/cases/{case.id}/timeline")
        assert response.status_code == 200
        counts.append(len(statements))
    assert len(response.json) == 101
    assert counts[0] == counts[1]


def test_occurrence_list_query_count_does_not_grow(app: Flask, scheduler: Any, customer: Any) -> None:
    from server.occurrences.service import create_occurrence

    client = login(app, scheduler)
    case = make_case(scheduler, customer)
    type_id = db.session.scalar(
        select(CatalogEntry.id).where(CatalogEntry.store_id == case.store_id, CatalogEntry.kind == "occurrence_types")
    )
    item = {"description": "Corrediça", "quantity": "2", "action": "replace", "unit_cost": "35.00"}
    counts = []
    for batch in (10, 90):
        for _ in range(batch):
            create_occurrence(
                case,
                {"occurrence_type_id": type_id, "payer": "store", "resolved": True, "items": [item, item]},
                scheduler,
            )
        with counting() as statements:
            response = client.get(f"/api/cases/{case.id}/occurrences")
        assert response.status_code == 200
        counts.append(len(statements))
    assert len(response.json) == 100 and all(len(o["items"]) == 2 for o in response.json)
    assert counts[0] == counts[1]


def test_import_preview_query_count_does_not_grow(app: Flask, store: Any, scheduler: Any) -> None:
    """The preview looks customers, contracts, rooms and factories up in batches, never per line."""
    from bench.store_data import cpf

    client = login(app, scheduler)
    header = "CPF/CNPJ;Cliente;Contrato;Ambiente;Linha;Fábrica;Código;Descrição;Quantidade\n"

    def line(i: int) -> str:
        return f"{cpf(7000 + i)};Cliente {i};V-{i:04d};Cozinha;Cozinhas;Fábrica {i % 4};M-{i};Módulo {i};1\n"

    counts, known = [], 0
    for lines in (3, 30):
        for i in range(known, lines, 2):  # every other customer, every fourth contract already in the store
            owner = make_customer(store, name=f"Cliente {i}", document=cpf(7000 + i))
            if i % 4 == 0:
                make_contract(scheduler, owner, number=f"V-{i:04d}")
        known = lines + lines % 2
        content = (header + "".join(line(i) for i in range(lines))).encode()
        with counting() as statements:
            response = client.post("/api/imports/preview", data=content, headers={"Content-Type": "text/csv"})
        assert response.status_code == 200, response.json
        assert response.json["valid"] and response.json["rows"] == lines, response.json
        counts.append(len(statements))
    assert response.json["contracts"]["updated"] == 8
    assert counts[0] == counts[1], counts
