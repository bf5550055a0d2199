"""The office completes what the visits filed (issue 15, item 4): on the Ocorrências tab a scheduler
edits an item of an occurrence whose other item is on a parts order (that one shown locked, with the
reason), then deletes another occurrence after confirming. Checked at 1366×768 with axe-core."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .harness import SCHEDULER, Backend, Office
from .office import ADDRESS, check, office_login

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(browser: Browser, backend: Backend) -> Iterator[Page]:
    page = office_login(browser, backend, SCHEDULER, viewport={"width": 1366, "height": 768})
    yield page
    page.context.close()


def first_entry(office: Office, kind: str, store_id: int) -> int:
    entries: list[dict[str, Any]] = office.get(f"/api/catalogs/{kind}?store_id={store_id}")
    return int(entries[0]["id"])


@pytest.fixture
def case(office: Office) -> dict[str, Any]:
    """A case with two occurrences: the factory's (a part on an order and a free item) and the store's."""
    tag = uuid.uuid4().hex[:6]
    created: dict[str, Any] = office.post(
        "/api/cases",
        {
            "customer": {
                "name": f"Otávio Edita {tag}",
                "phones": ["11 97777-5555"],
                "address": ADDRESS,
            },
            "reported_issue": f"Porta do armário desalinhada ({tag}).",
        },
    )
    kind = first_entry(office, "occurrence_types", created["store_id"])
    item = {"quantity": "1", "action": "replace", "supplier": "Fábrica Beta", "unit_cost": "80.00"}
    factory = office.post(
        f"/api/cases/{created['id']}/occurrences",
        {
            "occurrence_type_id": kind,
            "payer": "factory",
            "resolved": False,
            "unresolved_reason": "Aguardando peças.",
            "items": [{**item, "description": "Porta 40x70 branca"}, {**item, "description": "Dobradiça reta"}],
        },
    )
    office.post(
        f"/api/cases/{created['id']}/occurrences",
        {
            "occurrence_type_id": kind,
            "payer": "store",
            "resolved": True,
            "items": [{**item, "description": "Parafuso minifix", "supplier": "Loja"}],
        },
    )
    door = next(i for i in factory["items"] if i["description"] == "Porta 40x70 branca")
    office.post(f"/api/cases/{created['id']}/orders", {"item_ids": [door["id"]]})
    created["factory"] = factory["id"]
    return created


def test_edit_an_item_then_delete_an_occurrence(desk: Page, office: Office, case: dict[str, Any]) -> None:
    me = office.get("/api/auth/me")["name"]
    desk.goto(f"/escritorio/assistencias/{case['id']}/ocorrencias")
    cards = desk.get_by_test_id("occurrence")
    expect(cards).to_have_count(2)
    factory_card = cards.filter(has_text="Paga pela Fábrica")
    expect(factory_card).to_contain_text("Itens em pedido de peças: a ocorrência não pode ser excluída.")

    # "Minhas": none is the scheduler's yet.
    desk.get_by_role("button", name="Minhas (0)").click()
    expect(cards).to_have_count(0)
    expect(desk.get_by_text("Nenhuma ocorrência sob sua responsabilidade.")).to_be_visible()
    desk.get_by_role("button", name="Todas").click()

    factory_card.get_by_role("button", name="Editar").click()
    form = desk.get_by_test_id("occurrence-form")
    expect(form.get_by_role("heading", name="Editar ocorrência")).to_be_visible()
    form.get_by_label("Responsável").select_option(label=me)
    locked = form.get_by_test_id("item-row").filter(has_text="Porta 40x70 branca")
    expect(locked.get_by_test_id("item-locked")).to_contain_text("Item em pedido de peças")
    expect(locked.get_by_role("textbox")).to_have_count(0)

    # The free item is now row 1 (the locked one is row 0): a refused value, then a valid one.
    form.locator("#f-items-1-quantity").fill("0")
    form.get_by_role("button", name="Salvar alterações").click()
    expect(form.locator("#f-items-1-quantity-error")).to_contain_text("maior que zero")
    form.locator("#f-items-1-quantity").fill("4")
    expect(form.locator("#f-items-1-quantity-error")).to_have_count(0)  # cleared once changed
    form.locator("#f-items-1-description").fill("Dobradiça reta 35 mm")
    check(desk, "office-ocorrencia-editar-1366", moderate=True)
    form.get_by_role("button", name="Salvar alterações").click()
    expect(desk.get_by_role("status").filter(has_text="Ocorrência atualizada.")).to_be_visible()
    expect(factory_card).to_contain_text("Dobradiça reta 35 mm")

    stored = office.get(f"/api/occurrences/{case['factory']}")
    assert stored["responsible"]["name"] == me
    assert sorted((i["description"], i["quantity"], i["order_id"] is not None) for i in stored["items"]) == [
        ("Dobradiça reta 35 mm", "4.000", False),
        ("Porta 40x70 branca", "1.000", True),
    ]

    desk.get_by_role("button", name="Minhas (1)").click()
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text(f"Responsável{me}")
    desk.get_by_role("button", name="Todas").click()

    store_card = cards.filter(has_text="Paga pela Loja")
    store_card.get_by_role("button", name="Excluir").click()
    expect(store_card.get_by_text("Excluir esta ocorrência e seus itens?")).to_be_visible()
    check(desk, "office-ocorrencia-excluir-1366", moderate=True)
    store_card.get_by_role("button", name="Confirmar exclusão").click()
    expect(desk.get_by_role("status").filter(has_text="Ocorrência excluída.")).to_be_visible()
    expect(cards).to_have_count(1)
    remaining = office.get(f"/api/cases/{case['id']}/occurrences")
    assert [o["payer"] for o in remaining] == ["factory"]
    # A new one filed by the office starts undecided: no reason is asked for.
    desk.get_by_role("button", name="+ Nova ocorrência").click()
    form = desk.get_by_test_id("occurrence-form")
    expect(form.get_by_label("Resolvido?")).to_have_value("")
    expect(form.get_by_label("Motivo de não ter sido resolvido")).to_have_count(0)
    form.get_by_label("Tipo de ocorrência").select_option(index=1)
    form.get_by_label("Modalidade (quem paga)").select_option(label="Paga pela Loja")
    form.locator("#f-items-0-description").fill("Regular a porta")
    form.locator("#f-items-0-action").select_option(label="Ajustar")
    form.get_by_role("button", name="Registrar ocorrência").click()
    expect(desk.get_by_role("status").filter(has_text="Ocorrência registrada.")).to_be_visible()
    expect(cards.filter(has_text="Em aberto")).to_have_count(1)
    assert sorted(str(o["resolved"]) for o in office.get(f"/api/cases/{case['id']}/occurrences")) == ["False", "None"]

    kinds = [e["kind"] for e in office.get(f"/api/cases/{case['id']}/timeline")]
    assert "item_updated" in kinds and "occurrence_deleted" in kinds
