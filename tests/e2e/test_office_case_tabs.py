"""The case page's tabs in the office (issue 9): a scheduler files occurrences with items of two
payers and generates their parts orders (two orders), sees the photos in the viewer, prints the
Solicitação de Assistência (a PDF with the case's number), e-mails it (it lands in the embedded
outbox), and books a visit over another one after seeing the clash. Screens are screenshot at
1280×800 and 768×1024 and checked with axe-core."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect
from pypdf import PdfReader

from .harness import ADMIN, SCHEDULER, Backend, Office, Workspace, hhmm, store_today
from .office import ADDRESS, DESKTOP, TABLET, check, office_login

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(browser: Browser, backend: Backend) -> Iterator[Page]:
    """The scheduler's desktop browser, logged in."""
    page = office_login(browser, backend, SCHEDULER)
    yield page
    page.context.close()


@pytest.fixture
def case(office: Office) -> dict[str, Any]:
    """A fresh case for an assistance-only customer with an e-mail address."""
    tag = uuid.uuid4().hex[:6]
    created: dict[str, Any] = office.post(
        "/api/cases",
        {
            "customer": {
                "name": f"Helena Abas {tag}",
                "phones": ["11 97777-6666"],
                "email": f"helena.{tag}@example.com",
                "address": ADDRESS,
            },
            "reported_issue": f"Gaveta da cozinha caindo do trilho ({tag}).",
        },
    )
    created["customer_email"] = f"helena.{tag}@example.com"
    return created


def fill_item(form: Locator, n: int, description: str, quantity: str, supplier: str, cost: str) -> None:
    form.locator(f"#f-items-{n}-description").fill(description)
    form.locator(f"#f-items-{n}-quantity").fill(quantity)
    form.locator(f"#f-items-{n}-supplier_id").select_option(label=supplier)  # the demo's suppliers
    form.locator(f"#f-items-{n}-unit_cost").fill(cost)


def upload_photo(office: Office, occurrence_id: str, path: Path) -> None:
    data = path.read_bytes()
    response = office.context.put(
        f"/api/attachments/{uuid.uuid4()}?kind=photo&occurrence_id={occurrence_id}",
        data=data,
        headers={**office.headers, "X-Content-SHA256": hashlib.sha256(data).hexdigest(), "Content-Type": "image/jpeg"},
    )
    assert response.ok, response.text()


def test_occurrences_with_two_payers_make_two_orders(
    desk: Page, office: Office, case: dict[str, Any], workspace: Workspace
) -> None:
    desk.goto(f"/escritorio/assistencias/{case['id']}")
    desk.get_by_role("link", name="Ocorrências").click()
    expect(desk).to_have_url(re.compile(rf"/escritorio/assistencias/{case['id']}/ocorrencias$"))
    expect(desk.get_by_text("Nenhuma ocorrência registrada.")).to_be_visible()

    # First one: paid by the factory, two items. Sent half-filled first: the API's messages land at their fields.
    desk.get_by_role("button", name="+ Nova ocorrência").click()
    form = desk.get_by_test_id("occurrence-form")
    fill_item(form, 0, "Corrediça telescópica 45 cm", "0", "Fábrica Alpha Móveis (Fábrica)", "129,90")
    form.get_by_role("button", name="Registrar ocorrência").click()
    expect(form.get_by_test_id("form-problem")).to_be_visible()
    expect(form.get_by_label("Tipo de ocorrência")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Modalidade (quem paga)")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#f-items-0-quantity-error")).to_contain_text("maior que zero")
    check(desk, "office-caso-ocorrencia-form-1280")

    form.get_by_label("Tipo de ocorrência").select_option(label="Defeito de fabricação")
    form.get_by_label("Modalidade (quem paga)").select_option(label="Paga pela Fábrica")
    form.get_by_label("Ambiente").select_option(index=1)
    form.get_by_label("Relato").fill("Corrediças empenadas nas duas gavetas inferiores.")
    form.get_by_label("Resolvido?").select_option(label="Não")
    form.get_by_label("Motivo de não ter sido resolvido").fill("Aguardando peças da fábrica.")
    form.locator("#f-items-0-quantity").fill("2")
    form.get_by_role("button", name="+ Adicionar item").click()
    fill_item(form, 1, "Puxador alumínio 160 mm", "1", "Fábrica Alpha Móveis (Fábrica)", "45,50")
    form.get_by_role("button", name="Registrar ocorrência").click()
    expect(desk.get_by_role("status").filter(has_text="Ocorrência registrada.")).to_be_visible()
    expect(desk.get_by_test_id("occurrence")).to_have_count(1)

    # Second one: paid by the store, the same supplier.
    desk.get_by_role("button", name="+ Nova ocorrência").click()
    form = desk.get_by_test_id("occurrence-form")
    form.get_by_label("Tipo de ocorrência").select_option(label="Avaria no transporte")
    form.get_by_label("Modalidade (quem paga)").select_option(label="Paga pela Loja")
    form.get_by_label("Resolvido?").select_option(label="Sim")
    fill_item(form, 0, "Parafuso minifix", "3", "Fábrica Alpha Móveis (Fábrica)", "12,35")
    form.get_by_role("button", name="Registrar ocorrência").click()
    expect(desk.get_by_test_id("occurrence")).to_have_count(2)

    occurrences = office.get(f"/api/cases/{case['id']}/occurrences")
    assert sorted((o["payer"], len(o["items"])) for o in occurrences) == [("factory", 2), ("store", 1)]
    costs = office.get(f"/api/cases/{case['id']}/costs")
    assert costs["by_payer"]["factory"] == "305.30" and costs["by_payer"]["store"] == "37.05"
    expect(desk.get_by_test_id("cost-factory")).to_contain_text("305,30")
    expect(desk.get_by_test_id("cost-store")).to_contain_text("37,05")
    expect(desk.get_by_test_id("cost-total")).to_contain_text("342,35")

    # Photos: one from the phone (here through the API), one added in the office (redrawn at most
    # 1600 px in the browser); both show as thumbnails and the viewer moves with the arrows.
    factory = next(o for o in occurrences if o["payer"] == "factory")
    upload_photo(office, factory["id"], workspace.photos[0])
    desk.reload()
    card = desk.get_by_test_id("occurrence").filter(has_text="Paga pela Fábrica")
    card.get_by_label("Adicionar fotos").set_input_files(workspace.photos[1])
    thumbs = desk.get_by_test_id("photo-thumb")
    expect(thumbs).to_have_count(2)
    widths = sorted(a["width"] for a in office.get(f"/api/occurrences/{factory['id']}")["attachments"])
    assert widths[0] == 1600 and widths[1] > 1600  # the office's copy was scaled down before upload
    expect(thumbs.first.locator("img")).to_have_js_property("complete", True)
    thumbs.first.click()
    viewer = desk.get_by_test_id("photo-viewer")
    expect(viewer).to_contain_text("foto 1 de 2")
    photos = [a for a in office.get(f"/api/occurrences/{factory['id']}")["attachments"] if a["kind"] == "photo"]
    expect(viewer.get_by_role("img")).to_have_js_property("naturalWidth", photos[0]["width"])  # the full image
    desk.keyboard.press("ArrowRight")
    expect(viewer).to_contain_text("foto 2 de 2")
    desk.keyboard.press("ArrowRight")
    expect(viewer).to_contain_text("foto 1 de 2")
    desk.keyboard.press("Escape")
    expect(viewer).to_have_count(0)
    expect(thumbs.first).to_be_focused()

    desk.evaluate("() => window.scrollTo(0, 0)")
    check(desk, "office-caso-ocorrencias-1280")
    desk.set_viewport_size(TABLET)
    expect(desk.get_by_test_id("costs")).to_be_visible()
    desk.evaluate("() => window.scrollTo(0, 0)")
    check(desk, "office-caso-ocorrencias-768")
    desk.set_viewport_size(DESKTOP)

    # Pedidos: every free item chosen; the server makes one order per supplier and payer.
    desk.get_by_role("link", name="Pedidos").click()
    expect(desk.get_by_test_id("free-item")).to_have_count(3)
    expect(desk.get_by_test_id("free-items")).to_contain_text("3 item(ns) → 2 pedidos")
    desk.get_by_role("button", name="Gerar pedidos").click()
    orders_shown = desk.get_by_test_id("order")
    expect(orders_shown).to_have_count(2)
    expect(desk.get_by_test_id("free-items")).to_have_count(0)
    orders = office.get(f"/api/cases/{case['id']}/orders")
    assert sorted((o["payer"], len(o["items"]), o["total"]) for o in orders) == [
        ("factory", 2, "305.30"),
        ("store", 1, "37.05"),
    ]
    check(desk, "office-caso-pedidos-1280")

    first = orders_shown.filter(has_text=orders[0]["number"])
    first.get_by_role("button", name="Marcar como enviado").click()
    expect(first.get_by_test_id("order-status")).to_have_text("Enviado")
    assert office.get(f"/api/orders/{orders[0]['id']}")["status"] == "sent"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_print_and_email_the_service_request(
    desk: Page, playwright: Playwright, backend: Backend, case: dict[str, Any]
) -> None:
    desk.goto(f"/escritorio/assistencias/{case['id']}/documentos")
    card = desk.get_by_test_id("document-service_request")
    expect(card.get_by_label("Layout")).to_have_value(re.compile(r"^\d+$"))
    link = card.get_by_role("link", name="Visualizar / Imprimir")
    expect(link).to_have_attribute("target", "_blank")
    href = link.get_attribute("href")
    assert href and href.startswith(f"/api/cases/{case['id']}/documents/service_request.pdf?layout=")
    response = desk.context.request.get(href)  # the page's session
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert case["number"] in pdf_text(response.body())

    card.get_by_role("button", name="Enviar por e-mail").click()
    form = card.get_by_test_id("email-form")
    expect(form.get_by_label("Destinatários")).to_have_value(case["customer_email"])
    expect(form.get_by_label("Assunto")).to_have_value(re.compile(re.escape(case["number"])))
    form.get_by_label("Destinatários").fill("isto não é e-mail")
    form.get_by_role("button", name="Enviar", exact=True).click()
    expect(form.get_by_label("Destinatários")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Destinatários").fill(case["customer_email"])
    form.get_by_role("button", name="Enviar", exact=True).click()
    expect(desk.get_by_test_id("email-notice")).to_contain_text(case["customer_email"])
    row = desk.get_by_test_id("email-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Enviado")  # jobs run within the request in these tests
    check(desk, "office-caso-documentos-1280")

    admin = Office(playwright, backend.url, email=ADMIN)
    try:
        outbox = admin.get("/api/mail/outbox")
    finally:
        admin.dispose()
    assert [(m["to"], case["number"] in m["subject"]) for m in outbox] == [([case["customer_email"]], True)]


def test_a_visit_over_another_is_booked_after_the_clash_is_confirmed(
    desk: Page, office: Office, case: dict[str, Any]
) -> None:
    # A live visit today of técnico 1 from the demo data (done and cancelled ones never clash).
    busy = next(v for v in office.visits_today() if v["status"] not in ("done", "cancelled"))
    technician = office.technician()
    desk.goto(f"/escritorio/assistencias/{case['id']}/agendas")
    expect(desk.get_by_text("Nenhuma visita agendada.")).to_be_visible()
    desk.get_by_role("button", name="+ Nova visita").click()
    form = desk.get_by_test_id("visit-form")
    form.get_by_label("Técnico").select_option(label=technician["name"])
    form.get_by_label("Tipo de compromisso").select_option(index=1)
    form.get_by_label("Início").fill(f"{store_today()}T{hhmm(busy['starts_at'])}")
    form.get_by_label("Fim").fill(f"{store_today()}T{hhmm(busy['ends_at'])}")
    form.get_by_role("button", name="Agendar visita").click()

    clash = form.get_by_test_id("visit-conflict")
    expect(clash).to_contain_text(busy["case"]["number"])
    expect(form.get_by_test_id("form-problem")).to_contain_text("já tem compromisso")
    check(desk, "office-caso-agendas-conflito-1280")
    assert office.get(f"/api/cases/{case['id']}/appointments") == []
    clash.get_by_role("button", name="Agendar mesmo assim (encaixe)").click()

    row = desk.get_by_test_id("visit-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{hhmm(busy['starts_at'])}–{hhmm(busy['ends_at'])}")
    expect(row).to_contain_text("encaixe")
    [booked] = office.get(f"/api/cases/{case['id']}/appointments")
    assert booked["allow_overlap"] is True and booked["assignee"]["id"] == technician["id"]
    row.get_by_role("button", name="Detalhes").click()
    expect(desk.get_by_role("heading", name="Notificação")).to_be_visible()
    expect(desk.get_by_test_id("visit-notifications").or_(desk.get_by_text("Nenhuma notificação"))).to_be_visible()
    expect(desk.get_by_test_id("case-status")).to_have_text("Agendada")  # the first visit moves the case


def test_dados_edits_the_case_and_cancels_it_with_a_reason(desk: Page, office: Office, case: dict[str, Any]) -> None:
    desk.goto(f"/escritorio/assistencias/{case['id']}")
    desk.get_by_role("button", name="Editar").click()
    form = desk.get_by_test_id("case-edit")
    form.get_by_label("Situação Alegada").fill("Gaveta da cozinha caindo do trilho; a corrediça quebrou.")
    form.get_by_role("group", name="Endereço do atendimento").get_by_label("CEP").fill("123")
    form.get_by_role("button", name="Salvar").click()
    expect(form.get_by_role("group", name="Endereço do atendimento").get_by_label("CEP")).to_have_attribute(
        "aria-invalid", "true"
    )
    form.get_by_role("group", name="Endereço do atendimento").get_by_label("CEP").fill("04538-132")
    # Changed: the old message goes (the server judges the new value on "Salvar").
    expect(form.get_by_role("group", name="Endereço do atendimento").get_by_label("CEP")).not_to_have_attribute(
        "aria-invalid", "true"
    )
    form.get_by_role("group", name="Endereço do atendimento").get_by_label("Bairro").fill("Itaim Bibi")
    form.get_by_role("button", name="Salvar").click()
    expect(desk.get_by_role("status").filter(has_text="Dados da assistência salvos.")).to_be_visible()
    expect(desk.get_by_test_id("service-address")).to_contain_text("Itaim Bibi")
    saved = office.get(f"/api/cases/{case['id']}")
    assert saved["reported_issue"] == "Gaveta da cozinha caindo do trilho; a corrediça quebrou."
    assert saved["service_address"]["cep"] == "04538132"

    desk.get_by_role("button", name="Mudar situação").click()
    status_form = desk.get_by_test_id("case-status-form")
    status_form.get_by_label("Nova situação").select_option(label="Cancelada")
    status_form.get_by_role("button", name="Cancelar assistência").click()
    expect(status_form.get_by_label("Motivo")).to_have_attribute("aria-invalid", "true")
    status_form.get_by_label("Motivo").fill("Cliente desistiu do reparo.")
    status_form.get_by_role("button", name="Cancelar assistência").click()
    expect(desk.get_by_test_id("case-status")).to_have_text("Cancelada")
    cancelled = office.get(f"/api/cases/{case['id']}")
    assert cancelled["status"] == "cancelled" and cancelled["status_reason"] == "Cliente desistiu do reparo."
