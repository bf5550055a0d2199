"""A word of letters typed in the Clientes search is read from that word's list in name order
(`customer_words`, found through `customer_vocabulary`): the same customers, pages and order as
the search text's LIKE gives, at a cost set by the page, not by how many customers match. The
lists follow every write of a customer, in the same transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from server.auth.models import Role
from server.common.text import fold
from server.customers import words as word_lists
from server.customers.models import Customer
from server.customers.service import update_customer
from server.customers.words import CustomerVocabulary, CustomerWord, letter_words, single_word
from server.extensions import db
from server.stores.models import Store
from tests.conftest import (
    ADDRESS,
    ApiClient,
    counting,
    every_page,
    index_plan,
    login,
    make_customer,
    make_user,
    reads_of,
)

EXAMPLE = Path(__file__).parent / "data" / "contracts-import.csv"
NAMES = [
    "Gabriela Souza",
    "Ana Gabriela Lima",
    "Gabriel Prado",
    "Zélia Gabrielá Santos",  # the accent typed or not
    "Maria Gabrielas",  # a word that contains the term
    "Mariana Rocha",
    "João Ana",
    "Anabela Gomes",
    "Cristiana Duarte",
    "Gabriela Ávila",
]


def lists() -> set[tuple[int, str, str]]:
    """Every list entry: (customer, word, name order)."""
    db.session.expire_all()
    rows = db.session.execute(select(CustomerWord.customer_id, CustomerWord.word, CustomerWord.sort_name))
    return {(row.customer_id, row.word, row.sort_name) for row in rows}


def vocabulary(store: Store) -> set[str]:
    return set(db.session.scalars(select(CustomerVocabulary.word).where(CustomerVocabulary.store_id == store.id)))


def expected(term: str) -> list[int]:
    """What the plain LIKE on the search text finds, in name order: the answer to match."""
    found = db.session.scalars(
        select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.sort_name, Customer.id)
    )
    return [customer.id for customer in found if fold(term) in customer.search_text]


def search(client: ApiClient, term: str, limit: int = 2) -> list[int]:
    return every_page(client, f"/api/customers?q={quote(term)}&limit={limit}")


@pytest.fixture
def named(store: Store) -> dict[str, int]:
    made = {name: make_customer(store, name=name, phones=[]).id for name in NAMES}
    made["email"] = make_customer(store, name="Pelo Email", email="gabriela.costa@exemplo.com.br", phones=[]).id
    return made


def test_the_words_are_the_letters_of_the_search_text() -> None:
    assert letter_words("zelia gabriela 12 | 52998224725 | ana.b2c@x.com") == [
        "ana",
        "b",
        "c",
        "com",
        "gabriela",
        "x",
        "zelia",
    ]
    assert single_word("Gabriéla") == "gabriela"
    assert single_word("Ana") == "ana"
    for term in ("ab", "ana lima", "ana2", "52998224725", "ana.b", "ana_b"):
        assert single_word(term) is None, term


@pytest.mark.parametrize("term", ["gabriela", "GABRIÉLA", "gabriel", "ana", "ela", "abela", "costa", "exemplo", "zzz"])
@pytest.mark.parametrize("limit", [1, 2, 25])
def test_a_word_finds_what_the_like_finds_page_by_page(
    as_scheduler: ApiClient, named: dict[str, int], term: str, limit: int
) -> None:
    want = expected(term)
    with counting() as statements:
        got = search(as_scheduler, term, limit)
    assert got == want, term
    assert any("customer_vocabulary" in statement for statement in statements)
    assert not any("search_text LIKE" in statement for statement in statements)


def test_too_many_matching_words_take_the_other_path_and_answer_the_same(
    as_scheduler: ApiClient, named: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(word_lists, "WORD_LISTS_MAX", 2)  # "ana": ana, anabela, cristiana, mariana
    with counting() as statements:
        got = search(as_scheduler, "ana")
    assert got == expected("ana") and len(got) == 5
    assert not any("customer_words" in statement for statement in statements)
    assert search(as_scheduler, "gabriela") == expected("gabriela")  # two words: still the lists


def test_terms_that_are_not_one_word_of_letters_take_the_other_path(
    as_scheduler: ApiClient, named: dict[str, int]
) -> None:
    for term in ("gabriela souza", "ab", "gabriela.costa"):
        with counting() as statements:
            got = search(as_scheduler, term)
        assert got == expected(term) and got, term
        assert not any("customer_words" in statement for statement in statements), term


def test_the_filter_on_assistance_only_takes_the_other_path(as_scheduler: ApiClient, store: Store) -> None:
    walk_in = make_customer(store, name="Gabriela Avulsa", assistance_only=True).id
    make_customer(store, name="Gabriela Contrato")
    found = every_page(as_scheduler, "/api/customers?q=gabriela&assistance_only=true")
    assert found == [walk_in]


def test_another_stores_customers_are_never_listed(
    app: Any, as_scheduler: ApiClient, store: Store, other_store: Store
) -> None:
    ours = make_customer(store, name="Gabriela Nossa").id
    theirs = make_customer(other_store, name="Gabriela Deles").id
    assert search(as_scheduler, "gabriela") == [ours]
    assert every_page(as_scheduler, f"/api/customers?q=gabriela&store_id={other_store.id}") == []
    both = login(app, make_user(Role.SCHEDULER, [store, other_store]))
    assert search(both, "gabriela", limit=1) == [theirs, ours]  # "gabriela deles" < "gabriela nossa"
    assert every_page(both, f"/api/customers?q=gabriela&store_id={other_store.id}") == [theirs]


def test_a_word_costs_the_same_for_10_and_100_customers(as_scheduler: ApiClient, store: Store) -> None:
    counts = []
    for start, stop in ((0, 10), (10, 100)):
        for i in range(start, stop):
            make_customer(store, name=f"Gabriela {i:03d}", phones=[])
        with counting() as statements:
            response = as_scheduler.get("/api/customers?q=gabriela&limit=5")
        assert response.status_code == 200 and len(response.json["items"]) == 5
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_lists_follow_create_rename_and_delete(as_scheduler: ApiClient, store: Store) -> None:
    created = as_scheduler.post("/api/customers", json={"name": "Zélia Prado", "phones": [], "address": ADDRESS})
    assert created.status_code == 201, created.json
    zelia = created.json["id"]
    assert lists() == {(zelia, "prado", "zelia prado"), (zelia, "zelia", "zelia prado")}

    renamed = as_scheduler.patch(f"/api/customers/{zelia}", json={"name": "Zélia Rocha", "email": "z@casa.com"})
    assert renamed.status_code == 200, renamed.json
    assert {(word, order) for _, word, order in lists()} == {
        ("zelia", "zelia rocha"),
        ("rocha", "zelia rocha"),
        ("z", "zelia rocha"),
        ("casa", "zelia rocha"),
        ("com", "zelia rocha"),
    }
    assert search(as_scheduler, "prado") == []
    assert search(as_scheduler, "rocha") == [zelia]
    assert "prado" in vocabulary(store)  # an unused word stays, and finds an empty list

    assert as_scheduler.delete(f"/api/customers/{zelia}").status_code == 204
    assert lists() == set()  # a tombstone is never found
    assert search(as_scheduler, "rocha") == []


def test_the_lists_are_written_in_the_callers_transaction(store: Store) -> None:
    maria = make_customer(store, name="Maria Prado")
    update_customer(maria, {"name": "Maria Rocha"})
    assert {word for _, word, _ in lists()} == {"maria", "rocha"}  # flushed, not committed
    db.session.rollback()
    assert {word for _, word, _ in lists()} == {"maria", "prado"}


def test_a_case_with_a_new_customer_and_an_import_write_lists(as_scheduler: ApiClient, store: Store) -> None:
    response = as_scheduler.post(
        "/api/cases",
        json={
            "reported_issue": "Porta.",
            "customer": {"name": "Cliente Avulsíssimo", "phones": [], "address": ADDRESS},
        },
    )
    assert response.status_code == 201, response.json
    assert len(search(as_scheduler, "avulsissimo")) == 1

    imported = as_scheduler.post("/api/imports", data=EXAMPLE.read_bytes(), headers={"Content-Type": "text/csv"})
    assert imported.status_code == 202, imported.json
    ids = db.session.scalars(select(Customer.id)).all()
    assert len(ids) > 1
    written = {customer_id for customer_id, _, _ in lists()}
    assert written == set(ids)


# --- the plan: the vocabulary's index, then each list's index, one page deep --------------------


def test_each_list_is_read_through_its_index_in_name_order(as_scheduler: ApiClient, named: dict[str, int]) -> None:
    with reads_of("customer_vocabulary", "customer_words") as seen:
        assert search(as_scheduler, "gabriela", limit=25) == expected("gabriela")
    assert len(seen) == 2, seen
    vocabulary_plan, lists_plan = index_plan(*seen[0]), index_plan(*seen[1])
    if db.engine.dialect.name == "postgresql":
        assert "Seq Scan" not in vocabulary_plan, vocabulary_plan
        assert "ix_customer_words_list" in lists_plan and "Seq Scan on customer_words" not in lists_plan, lists_plan
    else:
        assert "USING COVERING INDEX ix_customer_words_list (store_id=? AND word=?)" in lists_plan, lists_plan
