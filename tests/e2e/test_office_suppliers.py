"""Fornecedores and parts orders in the office (issue 15), at 1366×768: a scheduler registers a
supplier (a wrong CNPJ first), files an occurrence with a part from it and a labour item, generates
the orders — one order, the part only — and e-mails it: the e-mail is pre-filled for the supplier,
and the outbox message goes to the supplier, not to the customer."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, expect

from .harness import ADMIN, AXE, SCHEDULER, Backend, Office
from .office import ADDRESS, office_login
from .technician import screenshot

pytestmark = pytest.mark.e2e

LAPTOP: ViewportSize = {"width": 1366, "height": 768}


def check(page: Page, name: str) -> None:
    """Screenshot, no horizontal scroll, and no axe finding of moderate impact or worse."""
    page.evaluate("() => document.fonts.ready")
    screenshot(page, name)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll"
    page.evaluate(AXE.read_text())
    violations: list[dict[str, Any]] = page.evaluate(
        "() => window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)"
    )
    found = [
        f"{v['id']} ({v['impact']}): {', '.join(' '.join(n['target']) for n in v['nodes'])}"
        for v in violations
        if v["impact"] in ("critical", "serious", "moderate")
    ]
    assert found == []


@pytest.fixture
def desk(browser: Browser, backend: Backend) -> Iterator[Page]:
    page = office_login(browser, backend, SCHEDULER, viewport=LAPTOP)
    yield page
    page.context.close()


def test_a_scheduler_registers_a_supplier_and_orders_only_the_part_from_it(
    desk: Page, office: Office, playwright: Playwright, backend: Backend
) -> None:
    tag = uuid.uuid4().hex[:6]
    name = f"Marcenaria Duratex {tag}"
    supplier_email = f"pedidos.{tag}@duratex.example.com"
    customer_email = f"cliente.{tag}@example.com"
    case = office.post(
        "/api/cases",
        {
            "customer": {
                "name": f"Carla Pedidos {tag}",
                "phones": ["11 97777-6666"],
                "email": customer_email,
                "address": ADDRESS,
            },
            "reported_issue": f"Porta do roupeiro rachada e gaveta desalinhada ({tag}).",
        },
    )

    # Fornecedores: a wrong CNPJ is refused at its field, then the supplier is registered.
    desk.get_by_role("link", name="Fornecedores").click()
    expect(desk.get_by_role("heading", name="Fornecedores", level=1)).to_be_visible()
    expect(desk.get_by_test_id("supplier-row").first).to_be_visible()  # the demo's
    desk.get_by_role("button", name="Novo fornecedor").click()
    form = desk.get_by_test_id("supplier-form")
    form.get_by_label("Tipo").select_option(label="Fábrica")
    form.get_by_label("Nome").fill(name)
    form.get_by_label("CNPJ").fill("11.222.333/0001-82")
    form.get_by_label("E-mails para pedidos").fill(supplier_email)
    form.get_by_label("Telefone").fill("(11) 3333-4444")
    form.get_by_role("button", name="Cadastrar fornecedor").click()
    expect(form.get_by_label("CNPJ")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#f-cnpj-error")).to_contain_text("CNPJ inválido")
    check(desk, "office-fornecedor-form-1366")
    form.get_by_label("CNPJ").fill("11.222.333/0001-81")
    form.get_by_role("button", name="Cadastrar fornecedor").click()
    expect(desk.get_by_role("status").filter(has_text=f"Fornecedor {name} salvo.")).to_be_visible()
    row = desk.get_by_test_id("supplier-row").filter(has_text=name)
    expect(row).to_contain_text("11.222.333/0001-81")
    expect(row).to_contain_text(supplier_email)
    [supplier] = [s for s in office.get("/api/suppliers") if s["name"] == name]
    assert supplier["kind"] == "factory" and supplier["cnpj"] == "11222333000181"
    assert supplier["order_emails"] == [supplier_email]
    desk.evaluate("() => window.scrollTo(0, 0)")
    check(desk, "office-fornecedores-1366")

    # An occurrence with a part from the new supplier and a labour item with no supplier and R$ 0,00.
    desk.goto(f"/escritorio/assistencias/{case['id']}/ocorrencias")
    desk.get_by_role("button", name="+ Nova ocorrência").click()
    occ = desk.get_by_test_id("occurrence-form")
    occ.get_by_label("Tipo de ocorrência").select_option(label="Defeito de fabricação")
    occ.get_by_label("Modalidade (quem paga)").select_option(label="Paga pela Fábrica")
    occ.get_by_label("Resolvido?").select_option(label="Não")
    occ.get_by_label("Motivo de não ter sido resolvido").fill("Aguardando a porta nova.")
    occ.locator("#f-items-0-description").fill("Porta do roupeiro 40x200")
    occ.locator("#f-items-0-supplier_id").select_option(label=f"{name} (Fábrica)")
    occ.locator("#f-items-0-unit_cost").fill("389,00")
    occ.get_by_role("button", name="+ Adicionar item").click()
    occ.locator("#f-items-1-description").fill("Ajustar gaveta")
    occ.locator("#f-items-1-action").select_option(label="Ajustar")
    expect(occ.get_by_label("Precisa de peça")).not_to_be_checked()
    occ.locator("#f-items-1-unit_cost").fill("0,00")
    occ.get_by_role("button", name="Registrar ocorrência").click()
    expect(desk.get_by_test_id("occurrence")).to_have_count(1)
    [occurrence] = office.get(f"/api/cases/{case['id']}/occurrences")
    items = {i["description"]: i for i in occurrence["items"]}
    assert items["Porta do roupeiro 40x200"]["supplier_id"] == supplier["id"]
    assert items["Ajustar gaveta"]["supplier_id"] is None and items["Ajustar gaveta"]["is_part"] is False

    # Pedidos: the labour item is listed but not offered; one order, the part only.
    desk.get_by_role("link", name="Pedidos").click()
    expect(desk.get_by_test_id("free-item")).to_have_count(2)
    expect(desk.get_by_label("Incluir Ajustar gaveta")).to_be_disabled()
    expect(desk.get_by_label("Incluir Ajustar gaveta")).not_to_be_checked()
    expect(desk.get_by_label("Incluir Porta do roupeiro 40x200")).to_be_checked()
    expect(desk.get_by_test_id("free-items")).to_contain_text("Mão de obra: não entra em pedido")
    expect(desk.get_by_test_id("free-items")).to_contain_text("1 item(ns) → 1 pedido")
    desk.get_by_role("button", name="Gerar pedidos").click()
    expect(desk.get_by_test_id("order")).to_have_count(1)
    [order] = office.get(f"/api/cases/{case['id']}/orders")
    assert [i["description"] for i in order["items"]] == ["Porta do roupeiro 40x200"]
    assert order["supplier_id"] == supplier["id"] and order["total"] == "389.00"
    expect(desk.get_by_test_id("order")).to_contain_text(name)
    desk.evaluate("() => window.scrollTo(0, 0)")
    check(desk, "office-caso-pedidos-1366")
    # The draft is delivered to the customer: the supplier's message will say where.
    desk.get_by_test_id("order").get_by_label("Entregar no endereço do cliente").click()  # saved at once
    expect(desk.get_by_role("status").filter(has_text=order["number"])).to_be_visible()
    expect(desk.get_by_test_id("order").get_by_label("Entregar no endereço do cliente")).to_be_checked()
    assert office.get(f"/api/orders/{order['id']}")["deliver_to_customer"] is True

    # Documentos: the order's e-mail is pre-filled for the supplier; sent, it lands in the outbox for them.
    desk.get_by_role("link", name="Documentos").click()
    card = desk.get_by_test_id("document-parts_order")
    expect(card.locator("#doc-parts_order-target")).to_have_value(str(order["id"]))
    card.get_by_role("button", name="Enviar por e-mail").click()
    mail = card.get_by_test_id("email-form")
    expect(mail.get_by_label("Destinatários")).to_have_value(supplier_email)
    expect(mail.get_by_label("Mensagem")).to_have_value(re.compile(rf"^Olá, {re.escape(name)}\."))
    expect(mail.get_by_label("Mensagem")).to_have_value(re.compile(re.escape(case["number"])))
    expect(mail.get_by_label("Mensagem")).to_have_value(
        re.compile("Entregar no endereço do cliente .*Pedro Álvares Cabral")
    )
    mail.get_by_role("button", name="Enviar", exact=True).click()
    expect(desk.get_by_test_id("email-notice")).to_contain_text(supplier_email)
    expect(desk.get_by_test_id("email-row")).to_contain_text("Enviado")

    admin = Office(playwright, backend.url, email=ADMIN)
    try:
        outbox = admin.get("/api/mail/outbox")
    finally:
        admin.dispose()
    sent = [m for m in outbox if order["number"] in m["subject"]]
    assert [m["to"] for m in sent] == [[supplier_email]]
    assert all(customer_email not in m["to"] for m in outbox)
