"""A phone typed in the case search or the Clientes search is found by equality on its last 8
digits (`customer_phones`), however it is typed; the keys follow every write of a customer's
phones, in the same transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from server.customers.models import CustomerPhone
from server.customers.search import phone_key
from server.customers.service import update_customer
from server.extensions import db
from server.stores.models import Store
from tests.conftest import ADDRESS, ApiClient, index_plan, make_case, make_contract, make_customer, reads_of

EXAMPLE = Path(__file__).parent / "data" / "contracts-import.csv"


def keys() -> set[tuple[int, str, str]]:
    """Every phone key: (customer, digits, tail)."""
    db.session.expire_all()
    rows = db.session.execute(select(CustomerPhone.customer_id, CustomerPhone.digits, CustomerPhone.tail))
    return {(row.customer_id, row.digits, row.tail) for row in rows}


def case_ids(client: ApiClient, term: str) -> set[int]:
    response = client.get(f"/api/cases?q={quote(term)}")
    assert response.status_code == 200, response.json
    return {item["id"] for item in response.json["items"]}


def customer_ids(client: ApiClient, term: str) -> set[int]:
    response = client.get(f"/api/customers?q={quote(term)}")
    assert response.status_code == 200, response.json
    return {item["id"] for item in response.json["items"]}


@pytest.fixture
def phones(scheduler: Any, store: Store) -> dict[str, Any]:
    """Three customers: one mobile in São Paulo (11), the same line in Rio (21), a landline in
    São Paulo whose 8 digits are the mobile's without its 9 — each with a case."""
    made: dict[str, Any] = {}
    for name, phone in (("sp", "11987654321"), ("rio", "21987654321"), ("fixo", "1133334444")):
        customer = make_customer(store, name=f"Cliente {name}", phones=[phone])
        made[name] = customer.id
        made[f"{name}_case"] = make_case(scheduler, customer).id
    return made


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("(11) 98765-4321", {"sp"}),
        ("11987654321", {"sp"}),
        ("11 98765 4321", {"sp"}),
        ("+55 (11) 98765-4321", {"sp"}),
        ("(011) 98765-4321", {"sp"}),
        ("(11) 8765-4321", {"sp"}),  # the mobile as it was before the 9
        ("(21) 98765-4321", {"rio"}),  # the same line in another area code is another phone
        ("98765-4321", {"sp", "rio"}),  # no DDD typed: both lines
        ("8765-4321", {"sp", "rio"}),
        ("3333-4444", {"fixo"}),
        ("(11) 3333-4444", {"fixo"}),
        ("(21) 3333-4444", set()),
        ("(11) 98765-0000", set()),
    ],
)
def test_a_phone_finds_its_customer_and_cases_however_typed(
    as_scheduler: ApiClient, phones: dict[str, Any], term: str, found: set[str]
) -> None:
    assert case_ids(as_scheduler, term) == {phones[f"{name}_case"] for name in found}
    assert customer_ids(as_scheduler, term) == {phones[name] for name in found}


def test_a_part_of_a_phone_still_finds_it_through_the_text(as_scheduler: ApiClient, phones: dict[str, Any]) -> None:
    """The equality adds to the LIKE, it does not replace it: a number typed halfway (as the
    search box is typed into) keeps finding what its digits are part of."""
    assert customer_ids(as_scheduler, "(11) 98765-432") == {phones["sp"]}
    assert customer_ids(as_scheduler, "98765") == {phones["sp"], phones["rio"]}
    assert customer_ids(as_scheduler, "Cliente rio") == {phones["rio"]}


def test_phone_terms_are_told_from_documents_and_codes() -> None:
    assert phone_key("(11) 98765-4321") == ("87654321", "11")
    assert phone_key("98765-4321") == ("87654321", None)
    assert phone_key("111.444.777-35") is None  # 11 digits, but no mobile's 9 after a DDD: a CPF
    assert phone_key("123.456.789") is None  # 9 digits without the mobile's 9
    assert phone_key("PL-98765432") is None  # a code
    assert phone_key("1234567") is None
    assert phone_key("5511987654321") == ("87654321", "11")


def test_keys_follow_create_update_and_delete(as_scheduler: ApiClient, store: Store) -> None:
    created = as_scheduler.post(
        "/api/customers", json={"name": "Maria", "phones": ["(11) 98765-4321", "(11) 3333-4444"], "address": ADDRESS}
    )
    assert created.status_code == 201, created.json
    maria = created.json["id"]
    assert keys() == {(maria, "11987654321", "87654321"), (maria, "1133334444", "33334444")}

    changed = as_scheduler.patch(f"/api/customers/{maria}", json={"phones": ["(11) 91234-5678"]})
    assert changed.status_code == 200, changed.json
    assert keys() == {(maria, "11912345678", "12345678")}
    assert customer_ids(as_scheduler, "98765-4321") == set()
    assert customer_ids(as_scheduler, "(11) 3333-4444") == set()
    assert customer_ids(as_scheduler, "(11) 91234-5678") == {maria}

    renamed = as_scheduler.patch(f"/api/customers/{maria}", json={"name": "Maria Souza"})
    assert renamed.status_code == 200, renamed.json
    assert keys() == {(maria, "11912345678", "12345678")}

    assert as_scheduler.patch(f"/api/customers/{maria}", json={"phones": []}).status_code == 200
    assert keys() == set()
    assert as_scheduler.patch(f"/api/customers/{maria}", json={"phones": ["11912345678"]}).status_code == 200
    assert as_scheduler.delete(f"/api/customers/{maria}").status_code == 204
    assert keys() == set()  # a tombstone is never found


def test_keys_are_written_in_the_callers_transaction(store: Store) -> None:
    """Services don't commit: the keys come and go with the unit of work that wrote the phones."""
    maria = make_customer(store, phones=["11987654321"])
    update_customer(maria, {"phones": ["11912345678"]})
    assert keys() == {(maria.id, "11912345678", "12345678")}  # flushed, not committed
    db.session.rollback()
    assert keys() == {(maria.id, "11987654321", "87654321")}


def test_a_case_with_a_new_customer_and_an_import_write_keys(as_scheduler: ApiClient, store: Store) -> None:
    response = as_scheduler.post(
        "/api/cases",
        json={
            "reported_issue": "Porta desalinhada.",
            "customer": {"name": "Cliente Avulso", "phones": ["(31) 99876-5432"], "address": ADDRESS},
        },
    )
    assert response.status_code == 201, response.json
    assert case_ids(as_scheduler, "(31) 9876-5432") == {response.json["id"]}

    imported = as_scheduler.post("/api/imports", data=EXAMPLE.read_bytes(), headers={"Content-Type": "text/csv"})
    assert imported.status_code == 202, imported.json
    found = customer_ids(as_scheduler, "98765-4321")
    assert len(found) == 1
    assert (found.pop(), "11987654321", "87654321") in keys()


def test_the_contracts_search_finds_a_phone_too(as_scheduler: ApiClient, scheduler: Any, store: Store) -> None:
    sp = make_customer(store, name="Cliente SP", phones=["11987654321"])
    rio = make_customer(store, name="Cliente Rio", phones=["21987654321"])
    make_contract(scheduler, sp, "C-SP")
    make_contract(scheduler, rio, "C-RIO")
    response = as_scheduler.get(f"/api/contracts?q={quote('(11) 8765-4321')}")
    assert response.status_code == 200, response.json
    assert [item["number"] for item in response.json["items"]] == ["C-SP"]


def test_another_stores_phone_is_not_found(
    as_scheduler: ApiClient, phones: dict[str, Any], other_store: Store, scheduler: Any
) -> None:
    make_customer(other_store, name="De outra loja", phones=["11987654321"])
    assert customer_ids(as_scheduler, "(11) 98765-4321") == {phones["sp"]}
    assert case_ids(as_scheduler, "(11) 98765-4321") == {phones["sp_case"]}


# --- the plan: equality on the index ----------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/cases", "/api/customers"])
def test_the_phone_is_looked_up_by_equality_on_its_index(
    as_scheduler: ApiClient, phones: dict[str, Any], url: str
) -> None:
    with reads_of("customer_phones") as seen:
        response = as_scheduler.get(f"{url}?q={quote('(11) 98765-4321')}")
    assert response.status_code == 200, response.json
    assert len(seen) == 1, seen
    shown = index_plan(*seen[0])
    if db.engine.dialect.name == "postgresql":
        assert "ix_customer_phones_tail_store" in shown, shown
        assert "Seq Scan" not in shown, shown
    else:
        assert "customer_phones USING INDEX ix_customer_phones_tail_store (tail=? AND store_id=?)" in shown, shown


def test_a_word_does_not_read_the_phone_keys(as_scheduler: ApiClient, phones: dict[str, Any]) -> None:
    with reads_of("customer_phones") as seen:
        assert customer_ids(as_scheduler, "Cliente sp") == {phones["sp"]}
        assert case_ids(as_scheduler, "Cliente") == {phones[f"{name}_case"] for name in ("sp", "rio", "fixo")}
    assert seen == []
