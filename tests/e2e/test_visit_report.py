"""The visit report from the phone: after the check-out has reached the server,
the technician downloads the PDF of their visit and e-mails it to the customer; the server's
refusal is shown in its own words, and the office sees the message sent."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Playwright, expect

from .harness import ADMIN, Backend, Office, Phone
from .technician import check_screen, log_in

pytestmark = pytest.mark.e2e


def test_after_the_check_out_the_technician_downloads_the_report_and_emails_it_to_the_customer(
    playwright: Playwright, backend: Backend, office: Office, phone: Phone
) -> None:
    visit = office.visits_today()[0]
    case = office.get(f"/api/cases/{visit['case_id']}")
    email = case["customer"]["email"]
    assert email
    page = phone.launch()
    log_in(page)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    report = page.get_by_test_id("visit-report")
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    expect(page.get_by_role("button", name="Encerrar visita (check-out)")).to_be_visible()
    expect(report).to_have_count(0)  # no report of a visit still under way

    # Offline, the check-out waits in the outbox and the report waits for it.
    phone.set_offline(True)
    page.get_by_role("button", name="Encerrar visita (check-out)").click()
    expect(report).to_contain_text("quando a visita e as ocorrências forem enviadas")
    expect(report.get_by_role("link", name="Baixar relatório (PDF)")).to_have_count(0)
    phone.set_offline(False)
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")

    with page.expect_download() as downloaded:
        report.get_by_role("link", name="Baixar relatório (PDF)").click()
    assert downloaded.value.suggested_filename == f"relatorio-visita-{case['number']}-{visit['id']}.pdf"
    assert downloaded.value.path().read_bytes().startswith(b"%PDF-")

    report.get_by_role("button", name="Enviar ao cliente por e-mail").click()
    expect(page.get_by_label("Destinatários")).to_have_value(email)
    expect(page.get_by_label("Assunto")).to_have_value(re.compile(re.escape(case["number"])))
    expect(page.get_by_label("Mensagem")).to_have_value(re.compile(r"^Olá, "))
    check_screen(page, "relatorio-email")

    # A typo in the address: the server's problem+json on the screen, its message at the field.
    page.get_by_label("Destinatários").fill("maria@")
    page.get_by_role("button", name="Enviar", exact=True).click()
    expect(report.get_by_role("alert")).to_contain_text("Verifique os campos destacados.")
    expect(page.get_by_label("Destinatários")).to_have_attribute("aria-invalid", "true")
    expect(report.locator(".field-error")).not_to_have_count(0)

    page.get_by_label("Destinatários").fill(email)
    page.get_by_role("button", name="Enviar", exact=True).click()
    expect(report.get_by_role("status")).to_have_text(f"Relatório enviado para a fila de e-mail: {email}.")

    timeline = office.get(f"/api/cases/{visit['case_id']}/timeline")
    queued = [e for e in timeline if e["kind"] == "document_email_queued"]
    assert [e["changes"]["recipients"] for e in queued] == [[email]]
    admin = Office(playwright, backend.url, email=ADMIN)
    try:
        outbox = admin.get("/api/mail/outbox")
    finally:
        admin.dispose()
    assert [(m["to"], case["number"] in m["subject"]) for m in outbox] == [([email], True)]
