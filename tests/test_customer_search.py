"""The customer search answers the same whichever way it runs: the next customers in name order
for a broad word, every match gathered through the index for a first name (a block of the order),
a rare term or a document; and it costs a constant number of statements."""

from __future__ import annotations

from typing import Any

import pytest

from server.customers import service
from server.customers.models import Customer
from server.extensions import db
from tests.conftest import CPFS, counting, every_page, make_customer, page_of


def names_of(client: Any, query: str) -> tuple[list[Any], str | None]:
    return page_of(client, f"/api/customers?{query}", "name")


def all_pages(client: Any, query: str) -> list[Any]:
    return every_page(client, f"/api/customers?{query}", "name")


@pytest.fixture
def people(store: Any) -> dict[str, list[str]]:
    """24 customers: a Souza every third (all along the alphabet), the Zélias at the end of the order
    (a first name), one with a CPF."""
    made: dict[str, list[str]] = {"souza": [], "zelia": [], "cpf": []}
    for i in range(18):
        name = f"{chr(ord('A') + i)}nselmo {'Souza' if i % 3 == 0 else 'Lima'} {i:02d}"
        make_customer(store, name=name)
        if i % 3 == 0:
            made["souza"].append(name)
    for i in range(5):
        name = f"Zélia Prado {i}"
        make_customer(store, name=name)
        made["zelia"].append(name)
    make_customer(store, name="Com Documento", document=CPFS[2])
    made["cpf"].append("Com Documento")
    db.session.commit()
    return made


@pytest.mark.parametrize("window", [2, 6, 1000])
def test_every_kind_of_term_finds_the_same_customers_whatever_the_window(
    as_scheduler: Any, people: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    monkeypatch.setattr(service, "NAME_WINDOW", window)
    assert all_pages(as_scheduler, "q=souza&limit=2") == people["souza"]
    assert names_of(as_scheduler, "q=souza&limit=2")[0] == people["souza"][:2]
    assert all_pages(as_scheduler, "q=zelia&limit=2") == people["zelia"]
    assert all_pages(as_scheduler, "q=ZÉLIA%20prado&limit=3") == people["zelia"]
    assert all_pages(as_scheduler, f"q={CPFS[2][:3]}.{CPFS[2][3:6]}.{CPFS[2][6:9]}-{CPFS[2][9:]}") == people["cpf"]
    assert all_pages(as_scheduler, "q=ninguem") == []


@pytest.mark.parametrize("term", ["souza", "zelia", CPFS[3]])
def test_a_search_costs_the_same_for_10_and_100_customers(
    as_scheduler: Any, store: Any, monkeypatch: pytest.MonkeyPatch, term: str
) -> None:
    """A window smaller than the store, so that every path runs: the window, then the gathering."""
    monkeypatch.setattr(service, "NAME_WINDOW", 5)

    def add(start: int, stop: int) -> None:
        for i in range(start, stop):
            make_customer(store, name=f"Cliente {i:03d} Souza")
            make_customer(store, name=f"Zélia {i:03d}", document=CPFS[3] if i == 0 else None)
        db.session.commit()

    counts, sizes = [], []
    for start, stop in ((0, 5), (5, 50)):
        add(start, stop)
        with counting() as statements:
            found, _ = names_of(as_scheduler, f"q={term}&limit=200")
        counts.append(len(statements))
        sizes.append(len(found))
    assert db.session.query(Customer).count() == 100
    assert sizes == ([5, 50] if term != CPFS[3] else [1, 1])
    assert counts[0] == counts[1], f"{term}: {counts}"
