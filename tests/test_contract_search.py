"""The contract search answers the same whichever way it runs: the latest contracts first for a
broad word, every match gathered through the indexes for a rare term or when the latest do not
fill the page; each way, and a contract's items, cost a constant number of statements."""

from __future__ import annotations

from typing import Any

import pytest

from server.catalogs.models import CatalogKind
from server.contracts import service
from server.extensions import db
from tests.conftest import CPFS, counting, every_page, make_contract, make_customer, page_of
from tests.test_contracts import entries


def ids_of(client: Any, query: str) -> tuple[list[Any], str | None]:
    return page_of(client, f"/api/contracts?{query}")


def all_pages(client: Any, query: str) -> list[Any]:
    return every_page(client, f"/api/contracts?{query}")


@pytest.fixture
def sales(scheduler: Any, store: Any) -> dict[str, list[int]]:
    """12 contracts: every third of a Souza, the oldest numbered X-77, one of a customer with a CPF."""
    made: dict[str, list[int]] = {"souza": [], "number": [], "cpf": []}
    made["number"].append(make_contract(scheduler, make_customer(store, name="Yuki Nakamura"), "X-77").id)
    for i in range(11):
        if i == 5:
            owner = make_customer(store, name="Com Documento", document=CPFS[2])
            made["cpf"].append(make_contract(scheduler, owner, f"V-{i:03d}").id)
        elif i % 3 == 0:
            made["souza"].append(make_contract(scheduler, make_customer(store, name=f"Ana Souza {i}"), f"V-{i:03d}").id)
        else:
            make_contract(scheduler, make_customer(store, name=f"Outro Nome {i}"), f"V-{i:03d}")
    return made


@pytest.mark.parametrize("window", [2, 3, 1000])
def test_every_kind_of_term_finds_the_same_contracts_whatever_the_window(
    as_scheduler: Any, sales: dict[str, list[int]], monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    monkeypatch.setattr(service, "RECENT_WINDOW", window)
    newest_first = sorted(sales["souza"], reverse=True)
    assert all_pages(as_scheduler, "q=souza&limit=2") == newest_first
    assert ids_of(as_scheduler, "q=souza&limit=2")[0] == newest_first[:2]
    assert all_pages(as_scheduler, "q=x-77") == sales["number"]
    assert all_pages(as_scheduler, "q=ana%20SOUZA") == newest_first
    assert all_pages(as_scheduler, f"q={CPFS[2][:3]}.{CPFS[2][3:6]}.{CPFS[2][6:9]}-{CPFS[2][9:]}") == sales["cpf"]
    assert all_pages(as_scheduler, "q=ninguem") == []


@pytest.mark.parametrize("term", ["souza", "x-7", CPFS[3]])
def test_a_search_costs_the_same_for_10_and_100_contracts(
    as_scheduler: Any, scheduler: Any, store: Any, monkeypatch: pytest.MonkeyPatch, term: str
) -> None:
    """A window smaller than the store, so that every path runs: the window, then the gathering."""
    monkeypatch.setattr(service, "RECENT_WINDOW", 5)
    rooms = entries(store, CatalogKind.ROOMS)

    def add(start: int, stop: int) -> None:
        for i in range(start, stop):
            owner = make_customer(store, name=f"Cliente {i:03d} Souza", document=CPFS[3] if i == 0 else None)
            make_contract(scheduler, owner, f"X-7{i:03d}", items=[{"room_id": rooms[i % len(rooms)].id}])
            make_contract(scheduler, make_customer(store, name=f"Outro {i:03d}"), f"Y-{i:03d}")

    counts, sizes = [], []
    for start, stop in ((0, 5), (5, 50)):
        add(start, stop)
        with counting() as statements:
            found, _ = ids_of(as_scheduler, f"q={term}&limit=200")
        counts.append(len(statements))
        sizes.append(len(found))
    assert sizes == ([5, 50] if term != CPFS[3] else [1, 1])
    assert counts[0] == counts[1], f"{term}: {counts}"


def test_a_contract_with_3_or_30_items_costs_the_same(as_scheduler: Any, scheduler: Any, store: Any) -> None:
    rooms, lines = entries(store, CatalogKind.ROOMS), entries(store, CatalogKind.PRODUCT_LINES)
    counts = []
    for size in (3, 30):
        items = [
            {"room_id": rooms[n % len(rooms)].id, "product_line_id": lines[n % len(lines)].id, "code": f"M-{n}"}
            for n in range(size)
        ]
        contract = make_contract(scheduler, make_customer(store, name=f"Cliente {size}"), f"I-{size}", items=items)
        db.session.commit()
        with counting() as statements:
            response = as_scheduler.get(f"/api/contracts/{contract.id}")
        assert response.status_code == 200 and len(response.json["items"]) == size
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_a_term_with_five_digits_goes_to_the_indexes_at_once(
    as_scheduler: Any, scheduler: Any, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old contract's number is not in the latest contracts: reading them first would be wasted."""
    old = make_contract(scheduler, make_customer(store, name="Cliente Antigo"), "V-2019-00012").id
    for i in range(3):
        make_contract(scheduler, make_customer(store, name=f"Cliente Novo {i}"), f"V-2026-{i:05d}")

    def window(*args: Any) -> None:
        raise AssertionError("the latest contracts were read for a number")

    monkeypatch.setattr(service, "_latest_matches", window)
    assert all_pages(as_scheduler, "q=19-00012") == [old]
    assert all_pages(as_scheduler, "q=00012") == [old]
