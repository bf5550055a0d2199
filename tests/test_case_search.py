"""The case search answers the same whichever way it runs: the latest cases first for a broad
word, the indexed search for a rare term or when the latest cases do not fill the page."""

from __future__ import annotations

from typing import Any

import pytest

from server.cases import service
from tests.conftest import CPFS, every_page, make_case, make_customer, page_of


def ids_of(client: Any, query: str) -> tuple[list[Any], str | None]:
    return page_of(client, f"/api/cases?{query}")


def all_pages(client: Any, query: str) -> list[Any]:
    return every_page(client, f"/api/cases?{query}")


@pytest.fixture
def history(scheduler: Any, store: Any) -> dict[str, Any]:
    """12 cases: every third of a Souza, one of a customer with a CPF, the oldest of a Nakamura."""
    made: dict[str, Any] = {"souza": [], "cpf": [], "rare": []}
    rare = make_customer(store, name="Yuki Nakamura")
    made["rare"].append(make_case(scheduler, rare).id)
    for i in range(11):
        if i == 5:
            made["cpf"].append(make_case(scheduler, make_customer(store, name="Com Documento", document=CPFS[2])).id)
        elif i % 3 == 0:
            made["souza"].append(make_case(scheduler, make_customer(store, name=f"Ana Souza {i}")).id)
        else:
            make_case(scheduler, make_customer(store, name=f"Outro Nome {i}"))
    return made


@pytest.mark.parametrize("window", [2, 3, 1000])
def test_broad_rare_and_document_terms_find_the_same_cases_whatever_the_window(
    as_scheduler: Any, history: dict[str, Any], monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    monkeypatch.setattr(service, "RECENT_WINDOW", window)
    newest_first = sorted(history["souza"], reverse=True)
    assert all_pages(as_scheduler, "q=souza&limit=2") == newest_first
    assert ids_of(as_scheduler, "q=souza&limit=2")[0] == newest_first[:2]
    assert all_pages(as_scheduler, "q=nakamura") == history["rare"]
    assert all_pages(as_scheduler, "q=ana%20souza") == newest_first
    assert all_pages(as_scheduler, f"q={CPFS[2][:3]}.{CPFS[2][3:6]}.{CPFS[2][6:9]}-{CPFS[2][9:]}") == history["cpf"]
    assert all_pages(as_scheduler, "q=ninguem") == []
