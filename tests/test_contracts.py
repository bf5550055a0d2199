"""Contracts (/api/contracts): numbers unique per store, items from the store's catalogs, scoping, versions."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from conftest import ADDRESS, CPFS, login, make_case, make_contract, make_customer, make_user
from sqlalchemy import func, select

from server.auth.models import Role
from server.catalogs.models import CatalogEntry, CatalogKind
from server.contracts.models import Contract, ContractItem
from server.database import soft_delete
from server.extensions import db
from server.stores.models import Store
from tests.conftest import counting, store_version

URL = "/api/contracts"
PROBLEM = "application/problem+json"
HOME = {**ADDRESS, "cep": "01310100"}
BEACH = {
    "cep": "11060-001",
    "street": "Avenida Bartolomeu de Gusmão",
    "number": "80",
    "complement": None,
    "district": "Embaré",
    "city": "Santos",
    "state": "SP",
}


# --- helpers ------------------------------------------------------------------------------


def fresh() -> None:
    """End the test's own transaction and expire what it loaded, so the next read sees every commit
    (on SQLite a read transaction keeps its snapshot; requests made from threads don't end it)."""
    db.session.commit()
    db.session.expire_all()


def entries(store: Store, kind: CatalogKind) -> list[CatalogEntry]:
    """The store's seeded catalog entries of one kind, in their order."""
    return list(
        db.session.scalars(
            select(CatalogEntry)
            .where(CatalogEntry.store_id == store.id, CatalogEntry.kind == kind.value)
            .order_by(CatalogEntry.position, CatalogEntry.id)
        )
    )


def room(store: Store, index: int = 0) -> CatalogEntry:
    return entries(store, CatalogKind.ROOMS)[index]


def line(store: Store, index: int = 0) -> CatalogEntry:
    return entries(store, CatalogKind.PRODUCT_LINES)[index]


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def counts() -> tuple[int, int]:
    """(contracts, contract items) in the database, tombstones included."""
    fresh()
    return (
        db.session.scalar(select(func.count()).select_from(Contract)) or 0,
        db.session.scalar(select(func.count()).select_from(ContractItem)) or 0,
    )


def row(contract_id: int) -> Contract:
    fresh()
    contract = db.session.get(Contract, contract_id)
    assert contract is not None
    return contract


def item_rows(contract_id: int) -> list[ContractItem]:
    fresh()
    return list(
        db.session.scalars(
            select(ContractItem).where(ContractItem.contract_id == contract_id).order_by(ContractItem.position)
        )
    )


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.json["items"]]


@pytest.fixture
def home_customer(store):
    """A customer whose address is stored as the API stores it."""
    return make_customer(store, name="José Conceição", document=CPFS[1], address=HOME)


@pytest.fixture
def foreign_customer(other_store):
    return make_customer(other_store, name="Cliente da Outra Loja", document=CPFS[3])


@pytest.fixture
def foreign_contract(outsider, foreign_customer):
    return make_contract(outsider, foreign_customer, "C-9001")


# --- create -------------------------------------------------------------------------------


def test_create_with_items_from_the_stores_catalogs(as_scheduler, home_customer, store):
    """A contract lists the rooms and product lines sold, with their catalog names, in order."""
    kitchen, closet = room(store, 0), room(store, 5)
    cabinets = line(store, 0)
    response = as_scheduler.post(
        URL,
        json={
            "number": "C-2001",
            "customer_id": home_customer.id,
            "delivery_date": "2026-03-15",
            "notes": "Entrega pelo elevador de serviço.",
            "items": [
                {"room_id": kitchen.id, "product_line_id": cabinets.id, "description": "Armários e torre quente"},
                {"room_id": closet.id},
            ],
        },
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["number"] == "C-2001"
    assert body["store_id"] == store.id
    assert body["customer_id"] == home_customer.id
    assert body["customer"] == {"id": home_customer.id, "name": "José Conceição", "document": CPFS[1]}
    assert body["delivery_date"] == "2026-03-15"
    assert body["notes"] == "Entrega pelo elevador de serviço."
    assert [(i["room"], i["product_line"], i["description"]) for i in body["items"]] == [
        (
            {"id": kitchen.id, "name": kitchen.name},
            {"id": cabinets.id, "name": cabinets.name},
            "Armários e torre quente",
        ),
        ({"id": closet.id, "name": closet.name}, None, None),
    ]
    stored = item_rows(body["id"])
    assert [(i.position, i.room_id, i.product_line_id) for i in stored] == [
        (0, kitchen.id, cabinets.id),
        (1, closet.id, None),
    ]
    assert as_scheduler.get(f"{URL}/{body['id']}").json == body


def test_delivery_address_defaults_to_the_customers(as_scheduler, home_customer):
    """Without a delivery address the contract copies the customer's; a later move doesn't change it."""
    response = as_scheduler.post(URL, json={"number": "C-2002", "customer_id": home_customer.id})
    assert response.status_code == 201, response.json
    assert response.json["delivery_address"] == HOME
    assert response.json["items"] == []
    moved = as_scheduler.patch(f"/api/customers/{home_customer.id}", json={"address": BEACH})
    assert moved.status_code == 200, moved.json
    assert as_scheduler.get(f"{URL}/{response.json['id']}").json["delivery_address"] == HOME


def test_explicit_delivery_address_is_validated_and_kept(as_scheduler, home_customer):
    """A delivery address given explicitly wins over the customer's and is normalized."""
    response = as_scheduler.post(
        URL, json={"number": "C-2003", "customer_id": home_customer.id, "delivery_address": BEACH}
    )
    assert response.status_code == 201, response.json
    assert response.json["delivery_address"] == {**BEACH, "cep": "11060001"}
    assert row(response.json["id"]).delivery_address["city"] == "Santos"


def test_customer_without_address_gives_a_contract_without_one(as_scheduler, store):
    walk_in = make_customer(store, name="Sem Endereço", address=None)
    response = as_scheduler.post(URL, json={"number": "C-2004", "customer_id": walk_in.id})
    assert response.status_code == 201, response.json
    assert response.json["delivery_address"] is None


def test_number_is_trimmed(as_scheduler, customer):
    response = as_scheduler.post(URL, json={"number": "  C-2005 ", "customer_id": customer.id})
    assert response.status_code == 201, response.json
    assert response.json["number"] == "C-2005"


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"number": None}, {"number": ["Campo obrigatório."]}),
        ({"number": "   "}, {"number": ["Campo obrigatório."]}),
        ({"number": "N" * 41}, {"number": ["Use no máximo 40 caracteres."]}),
        ({"customer_id": None}, {"customer_id": ["Campo obrigatório."]}),
        ({"customer_id": "abc"}, {"customer_id": ["Informe um número inteiro."]}),
        ({"delivery_date": "15/03/2026"}, {"delivery_date": ["Data inválida."]}),
        ({"notes": "x" * 2001}, {"notes": ["Use no máximo 2000 caracteres."]}),
        ({"vendedor": "Rui"}, {"vendedor": ["Campo desconhecido."]}),
        ({"delivery_address": {**BEACH, "state": "XX"}}, {"delivery_address.state": ["UF inválida."]}),
        (
            {"delivery_address": {**BEACH, "cep": "123"}},
            {"delivery_address.cep": ["CEP inválido: use 8 dígitos, como 01310-100."]},
        ),
        ({"items": [{"cor": "branco"}]}, {"items.0.cor": ["Campo desconhecido."]}),
        ({"items": [{"description": "d" * 301}]}, {"items.0.description": ["Use no máximo 300 caracteres."]}),
        ({"items": [{}] * 501}, {"items": ["Informe no máximo 500 itens."]}),
        ({"items": "Cozinha"}, {"items": ["Informe uma lista."]}),
    ],
)
def test_bad_input_is_rejected_by_field(as_scheduler, customer, store, change, errors):
    """Each bad field answers 422 problem+json under its path, in pt-BR; nothing is written."""
    data = {"number": "C-3001", "customer_id": customer.id, **change}
    data = {k: v for k, v in data.items() if not (k in ("number", "customer_id") and v is None)}
    before, version = counts(), store_version(store.id)
    body = problem(as_scheduler.post(URL, json=data), 422)
    assert body["type"].endswith("/validation")
    assert body["errors"] == errors
    assert counts() == before
    assert store_version(store.id) == version


# --- numbers ------------------------------------------------------------------------------


def test_number_is_unique_in_a_store(as_scheduler, contract, customer, store):
    """A second contract with the same number in the store is refused and nothing is written."""
    before, version = counts(), store_version(store.id)
    body = problem(as_scheduler.post(URL, json={"number": "C-1001", "customer_id": customer.id}), 422)
    assert body["errors"] == {"number": ["Já existe um contrato com este número nesta loja."]}
    assert counts() == before
    assert store_version(store.id) == version


def test_same_number_is_fine_in_another_store(as_scheduler, foreign_contract, customer):
    """Numbers are per store: another store's C-9001 doesn't block this store's."""
    response = as_scheduler.post(URL, json={"number": foreign_contract.number, "customer_id": customer.id})
    assert response.status_code == 201, response.json
    assert response.json["id"] != foreign_contract.id


def test_number_is_free_again_after_the_contract_is_deleted(as_scheduler, contract, customer):
    assert as_scheduler.delete(f"{URL}/{contract.id}").status_code == 204
    response = as_scheduler.post(URL, json={"number": "C-1001", "customer_id": customer.id})
    assert response.status_code == 201, response.json
    assert response.json["id"] != contract.id


# --- customer -----------------------------------------------------------------------------


def test_customer_of_another_store_is_rejected(as_scheduler, foreign_customer, store):
    """A contract can't point at a customer the user can't see: 422 on customer_id, nothing written."""
    before = counts()
    body = problem(as_scheduler.post(URL, json={"number": "C-4001", "customer_id": foreign_customer.id}), 422)
    assert body["errors"] == {"customer_id": ["Cliente não encontrado."]}
    assert counts() == before


def test_unknown_or_deleted_customer_is_rejected(as_scheduler, store):
    gone = make_customer(store, name="Excluído")
    assert as_scheduler.delete(f"/api/customers/{gone.id}").status_code == 204
    for customer_id in (gone.id, 999999):
        body = problem(as_scheduler.post(URL, json={"number": "C-4002", "customer_id": customer_id}), 422)
        assert body["errors"] == {"customer_id": ["Cliente não encontrado."]}
    assert counts() == (0, 0)


def test_contract_goes_to_the_customers_store(app, store, other_store):
    """A user of two stores creates the contract in the store of the customer chosen."""
    user = make_user(Role.SCHEDULER, [store, other_store], "duas.lojas@assistec.test")
    elsewhere = make_customer(other_store, name="Cliente Filial")
    response = login(app, user).post(
        URL, json={"number": "F-1", "customer_id": elsewhere.id, "items": [{"room_id": room(other_store).id}]}
    )
    assert response.status_code == 201, response.json
    assert response.json["store_id"] == other_store.id
    assert row(response.json["id"]).store_id == other_store.id


# --- items --------------------------------------------------------------------------------


def test_room_of_the_wrong_kind_is_rejected(as_scheduler, customer, store):
    """A product line's id given as a room (and vice versa) is refused under items.<i>.<field>."""
    before = counts()
    items = [{"room_id": room(store).id}, {"room_id": line(store).id, "product_line_id": room(store).id}]
    body = problem(as_scheduler.post(URL, json={"number": "C-5001", "customer_id": customer.id, "items": items}), 422)
    assert body["errors"] == {
        "items.1.room_id": ["Ambiente: opção não encontrada ou inativa."],
        "items.1.product_line_id": ["Linha de produto: opção não encontrada ou inativa."],
    }
    assert counts() == before


@pytest.mark.parametrize("kind", ["occurrence_types", "appointment_types"])
def test_other_catalogs_are_not_rooms(as_scheduler, customer, store, kind):
    entry = entries(store, CatalogKind(kind))[0]
    body = problem(
        as_scheduler.post(URL, json={"number": "C-5002", "customer_id": customer.id, "items": [{"room_id": entry.id}]}),
        422,
    )
    assert set(body["errors"]) == {"items.0.room_id"}
    assert counts() == (0, 0)


def test_room_of_another_store_is_rejected(as_scheduler, customer, other_store):
    """Catalog entries of another store can't be used, even of the right kind."""
    items = [{"room_id": room(other_store).id, "product_line_id": line(other_store).id}]
    body = problem(as_scheduler.post(URL, json={"number": "C-5003", "customer_id": customer.id, "items": items}), 422)
    assert set(body["errors"]) == {"items.0.room_id", "items.0.product_line_id"}
    assert counts() == (0, 0)


def test_room_of_another_store_is_rejected_for_a_user_of_both(app, store, other_store):
    """Even a user of both stores can't mix one store's catalog into another store's contract."""
    user = make_user(Role.SCHEDULER, [store, other_store], "duas.lojas@assistec.test")
    here = make_customer(store, name="Cliente Matriz")
    response = login(app, user).post(
        URL, json={"number": "M-1", "customer_id": here.id, "items": [{"room_id": room(other_store).id}]}
    )
    assert problem(response, 422)["errors"] == {"items.0.room_id": ["Ambiente: opção não encontrada ou inativa."]}
    assert counts() == (0, 0)


def test_inactive_deleted_or_unknown_entries_are_rejected(as_scheduler, customer, store):
    inactive, deleted = room(store, 1), room(store, 2)
    inactive.active = False
    soft_delete(deleted)
    db.session.commit()
    items = [
        {"room_id": inactive.id},
        {"room_id": deleted.id},
        {"product_line_id": 999999},
        {"room_id": room(store).id},
    ]
    body = problem(as_scheduler.post(URL, json={"number": "C-5004", "customer_id": customer.id, "items": items}), 422)
    assert set(body["errors"]) == {"items.0.room_id", "items.1.room_id", "items.2.product_line_id"}
    assert counts() == (0, 0)


# --- update -------------------------------------------------------------------------------


@pytest.fixture
def sold(as_scheduler, home_customer, store):
    """A contract with two items, created through the API."""
    response = as_scheduler.post(
        URL,
        json={
            "number": "C-6001",
            "customer_id": home_customer.id,
            "items": [
                {"room_id": room(store, 0).id, "product_line_id": line(store, 0).id},
                {"room_id": room(store, 1).id},
            ],
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def test_patch_replaces_the_items(as_scheduler, sold, store):
    """Items sent in a PATCH replace the whole list; the old item rows are gone."""
    old_item_ids = {i["id"] for i in sold["items"]}
    closet = room(store, 5)
    response = as_scheduler.patch(
        f"{URL}/{sold['id']}", json={"items": [{"room_id": closet.id, "description": "Portas de correr"}]}
    )
    assert response.status_code == 200, response.json
    assert [(i["room"]["id"], i["product_line"], i["description"]) for i in response.json["items"]] == [
        (closet.id, None, "Portas de correr")
    ]
    stored = item_rows(sold["id"])
    assert [(i.position, i.room_id) for i in stored] == [(0, closet.id)]
    assert not old_item_ids & {i.id for i in stored}
    assert counts() == (1, 1)
    assert response.json["number"] == sold["number"]
    assert response.json["delivery_address"] == sold["delivery_address"]


def test_patch_with_an_empty_item_list_clears_it(as_scheduler, sold):
    response = as_scheduler.patch(f"{URL}/{sold['id']}", json={"items": []})
    assert response.status_code == 200, response.json
    assert response.json["items"] == []
    assert item_rows(sold["id"]) == []


def test_patch_without_items_keeps_them(as_scheduler, sold):
    """Fields left out of a PATCH keep their values, items included."""
    response = as_scheduler.patch(
        f"{URL}/{sold['id']}", json={"notes": "Cliente pediu nova data.", "delivery_date": "2026-05-02"}
    )
    assert response.status_code == 200, response.json
    assert response.json["notes"] == "Cliente pediu nova data."
    assert response.json["delivery_date"] == "2026-05-02"
    assert response.json["items"] == sold["items"]
    assert len(item_rows(sold["id"])) == 2


def test_rejected_item_patch_keeps_the_old_items(as_scheduler, sold, store, other_store):
    """A PATCH with a bad item changes nothing: not the items, not the other fields, not the version."""
    version = store_version(store.id)
    response = as_scheduler.patch(
        f"{URL}/{sold['id']}",
        json={"notes": "não deve gravar", "items": [{"room_id": room(store).id}, {"room_id": room(other_store).id}]},
    )
    assert problem(response, 422)["errors"] == {"items.1.room_id": ["Ambiente: opção não encontrada ou inativa."]}
    assert as_scheduler.get(f"{URL}/{sold['id']}").json == sold
    assert len(item_rows(sold["id"])) == 2
    assert row(sold["id"]).notes is None
    assert store_version(store.id) == version


def test_patch_number_must_stay_unique(as_scheduler, sold, contract):
    body = problem(as_scheduler.patch(f"{URL}/{sold['id']}", json={"number": contract.number}), 422)
    assert body["errors"] == {"number": ["Já existe um contrato com este número nesta loja."]}
    assert row(sold["id"]).number == "C-6001"
    same = as_scheduler.patch(f"{URL}/{sold['id']}", json={"number": "C-6001", "notes": "mesmo número"})
    assert same.status_code == 200, same.json
    renamed = as_scheduler.patch(f"{URL}/{sold['id']}", json={"number": "C-6002"})
    assert renamed.status_code == 200 and renamed.json["number"] == "C-6002"


def test_patch_moves_the_contract_to_another_customer_of_the_store(as_scheduler, sold, customer):
    response = as_scheduler.patch(f"{URL}/{sold['id']}", json={"customer_id": customer.id})
    assert response.status_code == 200, response.json
    assert response.json["customer"]["id"] == customer.id
    assert response.json["customer"]["name"] == "Maria da Silva"
    assert row(sold["id"]).customer_id == customer.id


def test_patch_to_a_customer_of_another_store_is_rejected(as_scheduler, sold, foreign_customer, home_customer):
    body = problem(as_scheduler.patch(f"{URL}/{sold['id']}", json={"customer_id": foreign_customer.id}), 422)
    assert body["errors"] == {"customer_id": ["Cliente não encontrado."]}
    assert row(sold["id"]).customer_id == home_customer.id


def test_patch_to_another_stores_customer_is_rejected_for_a_user_of_both(app, store, other_store, home_customer):
    """A contract stays in its store: a user of both stores can't hand it to the other store's customer."""
    user = make_user(Role.SCHEDULER, [store, other_store], "duas.lojas@assistec.test")
    contract = make_contract(user, home_customer, "C-7001")
    elsewhere = make_customer(other_store, name="Cliente Filial")
    body = problem(login(app, user).patch(f"{URL}/{contract.id}", json={"customer_id": elsewhere.id}), 422)
    assert body["errors"] == {"customer_id": ["Cliente não encontrado."]}
    stored = row(contract.id)
    assert (stored.customer_id, stored.store_id) == (home_customer.id, store.id)


def test_patch_with_an_incomplete_delivery_address_is_rejected(as_scheduler, sold):
    """PATCH is partial at the top level only: a delivery address must be complete."""
    body = problem(as_scheduler.patch(f"{URL}/{sold['id']}", json={"delivery_address": {"number": "12"}}), 422)
    assert {"delivery_address.cep", "delivery_address.street", "delivery_address.state"} <= set(body["errors"])
    assert row(sold["id"]).delivery_address == HOME


def test_patch_delivery_address(as_scheduler, sold):
    response = as_scheduler.patch(f"{URL}/{sold['id']}", json={"delivery_address": BEACH})
    assert response.status_code == 200, response.json
    assert response.json["delivery_address"] == {**BEACH, "cep": "11060001"}


# --- list ---------------------------------------------------------------------------------


@pytest.fixture
def book(scheduler, store, home_customer, customer):
    """Contracts of two customers: José Conceição (2) and Maria da Silva (1)."""
    return {
        "a": make_contract(scheduler, home_customer, "PL-0100"),
        "b": make_contract(scheduler, customer, "PL-0200"),
        "c": make_contract(scheduler, home_customer, "X-77"),
    }


def test_list_is_newest_first(as_scheduler, book):
    assert ids(as_scheduler.get(URL)) == [book["c"].id, book["b"].id, book["a"].id]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("PL-0100", ["a"]),
        ("pl-0", ["b", "a"]),
        ("x-77", ["c"]),
        ("jose conceicao", ["c", "a"]),
        ("CONCEIÇÃO", ["c", "a"]),
        ("silva", ["b"]),
        ("111.444.777-35", ["c", "a"]),  # José's CPF
        ("inexistente", []),
    ],
)
def test_list_search_by_number_or_customer(as_scheduler, book, q, expected):
    """`q` finds contracts by number (case-insensitive) or by their customer (name, CPF)."""
    assert ids(as_scheduler.get(URL, query_string={"q": q})) == [book[key].id for key in expected]


@pytest.mark.filterwarnings("error::sqlalchemy.exc.SADeprecationWarning")
def test_blank_search_lists_every_contract(as_scheduler, book):
    """A blank `q` (an emptied search box) is no filter at all."""
    assert ids(as_scheduler.get(URL, query_string={"q": "  "})) == [book["c"].id, book["b"].id, book["a"].id]


def test_search_term_over_100_characters_is_rejected(as_scheduler):
    body = problem(as_scheduler.get(URL, query_string={"q": "a" * 101}), 422)
    assert body["errors"] == {"q": ["Use no máximo 100 caracteres."]}


def test_list_filter_by_customer(as_scheduler, book, customer, home_customer):
    assert ids(as_scheduler.get(URL, query_string={"customer_id": customer.id})) == [book["b"].id]
    assert ids(as_scheduler.get(URL, query_string={"customer_id": home_customer.id})) == [book["c"].id, book["a"].id]
    assert ids(as_scheduler.get(URL, query_string={"customer_id": home_customer.id, "q": "X-77"})) == [book["c"].id]


def test_list_items_are_complete(as_scheduler, sold):
    """The list shows each contract as its detail does (customer and items included)."""
    listed = as_scheduler.get(URL).json["items"]
    assert listed == [as_scheduler.get(f"{URL}/{sold['id']}").json]


def test_list_pagination_walks_every_contract_once(as_scheduler, scheduler, customer):
    """limit=2 pages through 5 contracts, newest first, each once; the last page ends the walk."""
    made = [make_contract(scheduler, customer, f"P-{n}").id for n in range(5)]
    seen: list[int] = []
    cursor = None
    pages = []
    for _ in range(10):
        response = as_scheduler.get(URL, query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.json
        pages.append(len(response.json["items"]))
        seen += [c["id"] for c in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
    assert pages == [2, 2, 1]
    assert seen == list(reversed(made))


def test_list_rejects_a_garbage_cursor(as_scheduler, contract):
    body = problem(as_scheduler.get(URL, query_string={"cursor": "lixo"}), 422)
    assert body["errors"] == {"cursor": ["Cursor inválido: recomece a listagem."]}


def test_list_limit_above_the_cap_is_clamped(app, as_scheduler, scheduler, customer):
    app.config["PAGE_LIMIT_MAX"] = 3
    for n in range(4):
        make_contract(scheduler, customer, f"L-{n}")
    response = as_scheduler.get(URL, query_string={"limit": 1000})
    assert len(response.json["items"]) == 3
    assert response.json["next_cursor"] is not None


def test_list_costs_the_same_queries_for_10_and_100_contracts(as_scheduler, scheduler, store, customer):
    """No N+1: customers, items, rooms and product lines are loaded in a constant number of queries."""

    def statements() -> int:
        with counting() as run:
            response = as_scheduler.get(URL, query_string={"limit": 200})
        assert response.status_code == 200
        return len(run)

    rooms, lines = entries(store, CatalogKind.ROOMS), entries(store, CatalogKind.PRODUCT_LINES)

    def add(n: int) -> None:
        owner = make_customer(store, name=f"Cliente {n}")
        items = [{"room_id": rooms[n % len(rooms)].id, "product_line_id": lines[n % len(lines)].id}]
        make_contract(scheduler, owner, f"Q-{n}", items=items)

    for n in range(10):
        add(n)
    ten = statements()
    for n in range(10, 100):
        add(n)
    assert len(as_scheduler.get(URL, query_string={"limit": 200}).json["items"]) == 100
    assert statements() == ten


# --- delete -------------------------------------------------------------------------------


def test_delete_is_soft(as_scheduler, sold):
    """DELETE answers 204; the contract leaves the API and stays as a tombstone with its items."""
    response = as_scheduler.delete(f"{URL}/{sold['id']}")
    assert response.status_code == 204
    assert response.get_data() == b""
    problem(as_scheduler.get(f"{URL}/{sold['id']}"), 404)
    assert ids(as_scheduler.get(URL)) == []
    assert ids(as_scheduler.get(URL, query_string={"q": "C-6001"})) == []
    assert row(sold["id"]).deleted_at is not None
    assert len(item_rows(sold["id"])) == 2
    problem(as_scheduler.delete(f"{URL}/{sold['id']}"), 404)
    problem(as_scheduler.patch(f"{URL}/{sold['id']}", json={"notes": "x"}), 404)


def test_delete_of_a_contract_with_a_case_is_a_conflict(as_scheduler, scheduler, contract, customer, store):
    """A contract that a case refers to can't be deleted: 409 problem+json, nothing changes."""
    make_case(scheduler, customer, contract_id=contract.id)
    version = store_version(store.id)
    body = problem(as_scheduler.delete(f"{URL}/{contract.id}"), 409)
    assert body["type"].endswith("/in-use")
    assert body["detail"] == "Este contrato tem assistências e não pode ser excluído."
    assert row(contract.id).deleted_at is None
    assert store_version(store.id) == version
    assert as_scheduler.get(f"{URL}/{contract.id}").status_code == 200


def test_a_case_without_the_contract_doesnt_block_deleting_it(as_scheduler, scheduler, contract, customer):
    """Only a case that points at this contract blocks it; a case of the same customer doesn't."""
    make_case(scheduler, customer)
    assert as_scheduler.delete(f"{URL}/{contract.id}").status_code == 204


# --- scoping and roles --------------------------------------------------------------------


def test_another_stores_contract_is_not_found(as_scheduler, foreign_contract):
    """GET, PATCH and DELETE of another store's contract answer 404 and change nothing."""
    url = f"{URL}/{foreign_contract.id}"
    version = foreign_contract.version
    assert problem(as_scheduler.get(url), 404)["detail"] == "Contrato não encontrado."
    problem(as_scheduler.patch(url, json={"notes": "invadido"}), 404)
    problem(as_scheduler.delete(url), 404)
    stored = row(foreign_contract.id)
    assert (stored.notes, stored.deleted_at, stored.version) == (None, None, version)


def test_list_shows_only_the_users_stores(as_scheduler, as_outsider, contract, foreign_contract):
    assert ids(as_scheduler.get(URL)) == [contract.id]
    assert ids(as_outsider.get(URL)) == [foreign_contract.id]
    assert ids(as_scheduler.get(URL, query_string={"q": "C-9001"})) == []
    assert ids(as_scheduler.get(URL, query_string={"customer_id": foreign_contract.customer_id})) == []


ENDPOINTS = [("get", ""), ("post", ""), ("get", "/{id}"), ("patch", "/{id}"), ("delete", "/{id}")]


def _call(client: Any, method: str, path: str, contract: Contract) -> Any:
    body = {"post": {"number": "Z-1", "customer_id": contract.customer_id}, "patch": {"notes": "x"}}.get(method)
    return getattr(client, method)(URL + path.format(id=contract.id), json=body)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_technician_is_forbidden(as_technician, contract, method, path):
    problem(_call(as_technician, method, path, contract), 403)
    assert counts() == (1, 0)
    assert row(contract.id).notes is None and row(contract.id).deleted_at is None


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_gets_401(client, contract, method, path):
    problem(_call(client, method, path, contract), 401)
    assert counts() == (1, 0)


def test_admin_manages_contracts(as_admin, customer):
    response = as_admin.post(URL, json={"number": "ADM-1", "customer_id": customer.id})
    assert response.status_code == 201, response.json
    assert as_admin.delete(f"{URL}/{response.json['id']}").status_code == 204


def test_write_without_csrf_token_is_refused(app, scheduler, contract, customer):
    client = login(app, scheduler)
    client.csrf_token = None
    assert problem(client.post(URL, json={"number": "Z-2", "customer_id": customer.id}), 400)["type"].endswith("/csrf")
    problem(client.delete(f"{URL}/{contract.id}"), 400)
    assert counts() == (1, 0)
    assert row(contract.id).deleted_at is None


# --- sync bookkeeping ---------------------------------------------------------------------


def test_every_write_bumps_the_row_and_the_store_version_once(as_scheduler, home_customer, store):
    """Create, each kind of update and delete raise the store's version by exactly 1 and stamp it."""
    start = store_version(store.id)
    created = as_scheduler.post(
        URL, json={"number": "V-1", "customer_id": home_customer.id, "items": [{"room_id": room(store).id}]}
    )
    assert created.status_code == 201
    assert store_version(store.id) == start + 1
    assert created.json["version"] == start + 1

    versions = [created.json["version"]]
    for change in (
        {"notes": "nova observação"},
        {"items": [{"room_id": room(store, 3).id}]},
        {"items": []},
        {"delivery_address": BEACH},
        {"number": "V-2"},
    ):
        response = as_scheduler.patch(f"{URL}/{created.json['id']}", json=change)
        assert response.status_code == 200, response.json
        assert store_version(store.id) == versions[-1] + 1, change
        assert response.json["version"] == versions[-1] + 1, change
        versions.append(response.json["version"])

    assert as_scheduler.delete(f"{URL}/{created.json['id']}").status_code == 204
    assert store_version(store.id) == versions[-1] + 1
    tombstone = row(created.json["id"])
    assert (tombstone.version, tombstone.deleted_at is not None) == (versions[-1] + 1, True)


def test_an_items_only_patch_bumps_the_version(as_scheduler, sold, store):
    """Items live in the contract's version: replacing them alone makes the contract newer, so phones re-pull it."""
    version = store_version(store.id)
    response = as_scheduler.patch(f"{URL}/{sold['id']}", json={"items": [{"room_id": room(store, 4).id}]})
    assert response.json["version"] > sold["version"]
    assert row(sold["id"]).version == store_version(store.id) == version + 1


def test_reads_and_rejected_writes_do_not_bump_the_store_version(as_scheduler, contract, customer, store):
    version, row_version = store_version(store.id), contract.version
    as_scheduler.get(URL)
    as_scheduler.get(f"{URL}/{contract.id}")
    problem(as_scheduler.post(URL, json={"number": "C-1001", "customer_id": customer.id}), 422)
    problem(as_scheduler.patch(f"{URL}/{contract.id}", json={"items": [{"room_id": 999999}]}), 422)
    assert store_version(store.id) == version
    assert row(contract.id).version == row_version


def test_double_submit_of_the_same_number_gives_one_contract_and_a_422(app, scheduler, customer, monkeypatch):
    """Two requests with the same new number at once: one 201, one 422 — never a 500.

    Both requests are held just after their duplicate check, so each has seen the number free
    before either writes; only one may get through, the other answered as a validation error.
    """
    from server.contracts import service

    clients = [login(app, scheduler) for _ in range(2)]
    customer_id = customer.id
    barrier = threading.Barrier(2)
    check = service._check_number_free

    def held_check(*args: Any, **kwargs: Any) -> None:
        check(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):  # the other request may be queued behind us
            barrier.wait(timeout=2)

    monkeypatch.setattr(service, "_check_number_free", held_check)
    results: list[Any] = [None, None]

    def create(index: int) -> None:
        results[index] = clients[index].post(URL, json={"number": "C-8001", "customer_id": customer_id})

    threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.status_code for r in results) == [201, 422], [r.get_json() for r in results]
    rejected = next(r for r in results if r.status_code == 422)
    assert rejected.mimetype == PROBLEM
    assert rejected.json["errors"] == {"number": ["Já existe um contrato com este número nesta loja."]}
    assert counts() == (1, 0)
