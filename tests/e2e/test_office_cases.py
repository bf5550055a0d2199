"""The office in the browser (issue 9, first slice): a scheduler at a 1280 px desktop logs in,
lands on the painel, registers cases — for a new assistance-only customer, and from a contract
whose delivery address becomes the service address —, finds them in the list with filters that
survive a reload, and opens the case page. Screens are screenshot and checked with axe-core."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .harness import SCHEDULER, Backend, Office
from .office import DESKTOP, TABLET, api_calls, check, office_login

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(browser: Browser, backend: Backend) -> Iterator[Page]:
    """The scheduler's desktop browser, logged in: the login lands on the office's painel."""
    page = office_login(browser, backend, SCHEDULER)
    expect(page).to_have_url(re.compile(r"/escritorio$"))
    yield page
    page.context.close()


def unique(word: str) -> str:
    return f"{word} {uuid.uuid4().hex[:6]}"


def test_painel_counts_match_the_api_and_link_to_the_list(desk: Page, office: Office) -> None:
    data = office.get("/api/dashboard")
    for key in ("open", "scheduled", "in_service", "pending", "overdue", "due_soon"):
        expect(desk.get_by_test_id(f"count-{key}")).to_contain_text(str(data["counts"][key]))
    assert data["counts"]["overdue"] > 0, "the demo has overdue cases"
    expect(desk.get_by_test_id("tech-day")).to_have_count(len(data["visits_today"]))
    expect(desk.get_by_test_id("weekly-chart").locator("rect")).to_have_count(16)
    check(desk, "office-painel-1280")
    desk.set_viewport_size(TABLET)
    check(desk, "office-painel-768")
    desk.set_viewport_size(DESKTOP)

    desk.get_by_test_id("count-overdue").click()
    expect(desk).to_have_url(re.compile(r"/escritorio/assistencias\?atrasadas=1&ordem=prazo$"))
    expect(desk.get_by_test_id("case-row").first).to_be_visible()
    expect(desk.get_by_test_id("days-late").first).to_contain_text(re.compile(r"dias? de atraso|Venceu hoje"))


def test_new_case_for_a_new_assistance_only_customer(desk: Page, office: Office) -> None:
    name = unique("Renata Assistência")
    desk.get_by_role("link", name="Incluir", exact=True).click()
    expect(desk.get_by_role("heading", name="Incluir assistência")).to_be_visible()
    desk.get_by_role("button", name="+ Novo cliente só para assistência").click()
    form = desk.get_by_test_id("new-customer")
    form.get_by_label("Nome").fill(name)
    form.get_by_label("CPF ou CNPJ").fill("123.456.789-00")  # wrong check digits
    form.get_by_label("Telefones").fill("11 98888-7777")

    # The API's messages land at their fields (problem+json `errors`).
    desk.get_by_role("button", name="Incluir assistência").click()
    expect(desk.get_by_test_id("form-problem")).to_be_visible()
    expect(form.get_by_label("CPF ou CNPJ")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#f-customer-document-error")).to_contain_text("CPF inválido")
    expect(desk.get_by_label("Situação Alegada")).to_have_attribute("aria-invalid", "true")
    check(desk, "office-incluir-1280")

    form.get_by_label("CPF ou CNPJ").fill("529.982.247-25")
    address = form.get_by_role("group", name="Endereço do cliente")
    address.get_by_label("CEP").fill("04094-050")
    address.get_by_label("Logradouro").fill("Av. Pedro Álvares Cabral")
    address.get_by_label("Número").fill("1301")
    address.get_by_label("Bairro").fill("Vila Mariana")
    address.get_by_label("Cidade").fill("São Paulo")
    address.get_by_label("UF").select_option("SP")
    issue = unique("Porta do roupeiro raspando no piso")
    desk.get_by_label("Situação Alegada").fill(issue)
    desk.get_by_role("button", name="Incluir assistência").click()

    heading = desk.get_by_role("heading", name=re.compile(rf"^AT-\d{{4}}-\d{{5}} · {name}$"))
    expect(heading).to_be_visible()
    case_id = int(desk.url.rsplit("/", 1)[1])
    case = office.get(f"/api/cases/{case_id}")
    assert case["reported_issue"] == issue
    customer = office.get(f"/api/customers/{case['customer']['id']}")
    assert customer["assistance_only"] is True
    assert customer["document"] == "52998224725"
    assert case["service_address"]["district"] == "Vila Mariana"  # the customer's, as none was typed
    expect(desk.get_by_test_id("service-address")).to_contain_text("Vila Mariana")
    expect(desk.get_by_text(issue)).to_be_visible()
    check(desk, "office-caso-1280")

    desk.get_by_role("link", name="Histórico").click()
    expect(desk).to_have_url(re.compile(rf"/escritorio/assistencias/{case_id}/historico$"))
    expect(desk.get_by_test_id("timeline-event").first).to_contain_text("Assistência aberta")
    desk.reload()  # the tab is in the URL
    expect(desk.get_by_test_id("timeline-event").first).to_contain_text("Cláudia Regina Pereira")

    desk.get_by_role("link", name="Dados").click()
    desk.set_viewport_size(TABLET)
    expect(desk.get_by_test_id("service-address")).to_be_visible()
    check(desk, "office-caso-768")


def test_new_case_for_a_customer_found_by_cpf(desk: Page, office: Office) -> None:
    customer = next(
        c
        for c in office.get("/api/customers?limit=50")["items"]
        if c["document"] and len(c["document"]) == 11 and c["address"]
    )
    cpf = customer["document"]
    desk.goto("/escritorio/assistencias/nova")
    search = desk.get_by_label("Buscar cliente")
    search.fill(f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}")  # typed with its punctuation
    search.press("Enter")
    desk.get_by_role("button", name=f"Escolher {customer['name']}").click()
    expect(desk.get_by_test_id("chosen-customer")).to_contain_text(customer["name"])
    service = desk.get_by_role("group", name="Endereço do atendimento")
    expect(service.get_by_label("Logradouro")).to_have_value(customer["address"]["street"])

    desk.get_by_label("Situação Alegada").fill(unique("Dobradiça da porta solta"))
    desk.get_by_role("button", name="Incluir assistência").click()
    expect(desk.get_by_role("heading", name=re.compile(r"^AT-"))).to_be_visible()
    case = office.get(f"/api/cases/{int(desk.url.rsplit('/', 1)[1])}")
    assert case["customer"]["id"] == customer["id"]
    assert case["contract"] is None


def delivered_contract(office: Office) -> dict[str, Any]:
    """A demo contract with a delivery address unlike its customer's address."""
    for contract in office.get("/api/contracts?limit=50")["items"]:
        customer = office.get(f"/api/customers/{contract['customer_id']}")
        if contract["delivery_address"] and contract["delivery_address"] != customer["address"]:
            return contract  # type: ignore[no-any-return]
    # None in the demo: give one a delivery address of its own.
    contract = office.get("/api/contracts?limit=1")["items"][0]
    delivery = {
        "cep": "05424-010",
        "street": "Rua Cardeal Arcoverde",
        "number": "2450",
        "complement": "Apto 71",
        "district": "Pinheiros",
        "city": "São Paulo",
        "state": "SP",
    }
    return office.patch(f"/api/contracts/{contract['id']}", {"delivery_address": delivery})  # type: ignore[no-any-return]


def test_new_case_from_a_contract_fills_the_delivery_address(desk: Page, office: Office) -> None:
    contract = delivered_contract(office)
    delivery = contract["delivery_address"]
    desk.goto("/escritorio/assistencias/nova")
    desk.get_by_label("Buscar contrato").fill(contract["number"])
    desk.get_by_label("Buscar contrato").press("Enter")
    desk.get_by_role("button", name=f"Usar o contrato {contract['number']}").click()

    expect(desk.get_by_test_id("chosen-contract")).to_contain_text(contract["number"])
    expect(desk.get_by_test_id("chosen-customer")).to_contain_text(contract["customer"]["name"])
    service = desk.get_by_role("group", name="Endereço do atendimento")
    expect(service.get_by_label("CEP")).to_have_value(delivery["cep"])
    expect(service.get_by_label("Logradouro")).to_have_value(delivery["street"])
    expect(service.get_by_label("Bairro")).to_have_value(delivery["district"])
    expect(service.get_by_label("UF")).to_have_value(delivery["state"])
    expect(service).to_contain_text(f"endereço de entrega do contrato {contract['number']}")

    issue = unique("Gaveta do gaveteiro sem corrediça")
    desk.get_by_label("Situação Alegada").fill(issue)
    desk.get_by_role("button", name="Incluir assistência").click()
    expect(desk.get_by_role("heading", name=re.compile(r"^AT-"))).to_be_visible()
    case = office.get(f"/api/cases/{int(desk.url.rsplit('/', 1)[1])}")
    assert case["contract"]["number"] == contract["number"]
    assert case["service_address"] == {**delivery, "complement": delivery.get("complement")}
    expect(desk.get_by_test_id("service-address")).to_contain_text(delivery["district"])


def test_list_filters_live_in_the_url_and_survive_a_reload(desk: Page, office: Office) -> None:
    word = uuid.uuid4().hex[:8]
    customer = office.get("/api/customers?limit=1")["items"][0]
    created = [
        office.post("/api/cases", {"customer_id": customer["id"], "reported_issue": f"Porta {word} número {n}"})
        for n in range(3)
    ]
    calls = api_calls(desk)
    desk.get_by_role("link", name="Assistências").click()
    expect(desk.get_by_test_id("case-row")).to_have_count(25)  # one page of the demo's ~40 cases
    # One request for the page, one for the technicians' names: nothing per row.
    assert sorted(c.split("?")[0] for c in calls) == ["GET /api/cases", "GET /api/users"]
    check(desk, "office-lista-1280")

    calls.clear()
    desk.get_by_role("button", name="Carregar mais").click()
    expect(desk.get_by_test_id("case-row")).to_have_count(len(office.get("/api/cases?limit=200")["items"]))
    assert [c.split("?")[0] for c in calls] == ["GET /api/cases"]
    assert "cursor=" in calls[0]

    filters = desk.get_by_role("search", name="Filtros")
    filters.get_by_label("Busca").fill(word)
    filters.get_by_label("Aberta", exact=True).check()
    filters.get_by_role("button", name="Filtrar", exact=True).click()
    expect(desk).to_have_url(re.compile(rf"\?situacao=open&busca={word}$"))
    rows = desk.get_by_test_id("case-row")
    expect(rows).to_have_count(3)
    for case in created:
        expect(desk.get_by_role("link", name=case["number"], exact=True)).to_be_visible()

    desk.reload()
    expect(rows).to_have_count(3)
    desk.set_viewport_size(TABLET)  # a tablet: still no horizontal scrolling
    check(desk, "office-lista-768")
    desk.set_viewport_size(DESKTOP)
    filters = desk.get_by_role("search", name="Filtros")
    expect(filters.get_by_label("Busca")).to_have_value(word)
    expect(filters.get_by_label("Aberta", exact=True)).to_be_checked()
    expect(filters.get_by_label("Agendada", exact=True)).not_to_be_checked()

    # Back to the unfiltered list, and forward again, through the browser's history.
    desk.go_back()
    expect(rows).to_have_count(25)
    desk.go_forward()
    expect(rows).to_have_count(3)

    filters.get_by_label("Só atrasadas").check()  # none of the new ones is late
    filters.get_by_role("button", name="Filtrar", exact=True).click()
    expect(desk.get_by_text("Nenhuma assistência com estes filtros.")).to_be_visible()
    filters.get_by_role("button", name="Limpar filtros").click()
    expect(desk).to_have_url(re.compile(r"/escritorio/assistencias$"))
    expect(rows).to_have_count(25)
    # The office reads the API directly: no sync of a phone's replica, even across the reload.
    assert [c for c in calls if "/api/sync/" in c] == []
