"""Signed documents keep who signed (issue 15, item 3): the technician files an occurrence with the
customer's signature and closes the visit on the phone; the office's Relatório de Visita (PDF)
prints, under each signature line, the signer's name, role and when they signed. The first page is
rendered to a PNG (pdftoppm) for a look."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from pypdf import PdfReader

from .harness import SCHEDULER, Backend, Office, Phone, Workspace
from .office import check, office_login
from .technician import SCREENSHOTS, SIGNER, file_occurrence, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(browser: Browser, backend: Backend) -> Iterator[Page]:
    page = office_login(browser, backend, SCHEDULER, viewport={"width": 1366, "height": 768})
    yield page
    page.context.close()


def test_the_office_prints_the_visit_report_with_both_signers(
    desk: Page, office: Office, phone: Phone, workspace: Workspace
) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    file_occurrence(page, workspace.photos)
    page.get_by_role("button", name="Encerrar visita (check-out)").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    closed = office.get(f"/api/appointments/{visit['id']}")
    assert closed["status"] == "done" and closed["checked_out_at"]

    # An e-mail already sent; the page's first look at the list still sees it queued (as if the
    # job had not run yet): the list asks again by itself, nobody clicks "Atualizar".
    office.post(
        f"/api/cases/{visit['case_id']}/documents/visit_report/email",
        {
            "appointment_id": visit["id"],
            "recipients": ["cliente@example.com"],
            "subject": "Relatório",
            "message": "Olá",
        },
    )
    looks: list[str] = []

    def first_look_queued(route: Route) -> None:
        looks.append(route.request.url)
        response = route.fetch()
        emails = response.json()
        if len(looks) == 1:
            emails = [{**e, "status": "queued"} for e in emails]
        route.fulfill(response=response, json=emails)

    desk.route(re.compile(r".*/documents/emails$"), first_look_queued)
    desk.goto(f"/escritorio/assistencias/{visit['case_id']}/documentos")
    row = desk.get_by_test_id("email-row")
    expect(row).to_contain_text("Enviado")
    assert len(looks) >= 2
    card = desk.get_by_test_id("document-visit_report")
    card.locator("select").last.select_option(str(visit["id"]))
    link = card.get_by_role("link", name="Visualizar / Imprimir")
    expect(link).to_have_attribute("href", re.compile(rf"appointment_id={visit['id']}"))
    check(desk, "office-caso-documentos-1366", moderate=True)
    response = desk.context.request.get(link.get_attribute("href") or "")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    # Each page as an image, to look at (pdftoppm, from poppler-utils, where installed).
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / "relatorio-visita-assinado.pdf"
        target.write_bytes(pdf)
        prefix = SCREENSHOTS / "relatorio-visita-assinado"
        subprocess.run(["pdftoppm", "-png", "-r", "70", target, prefix], check=True)  # one PNG per page
        assert list(SCREENSHOTS.glob("relatorio-visita-assinado-*.png"))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    technician = visit["assignee"]["name"]
    assert re.search(rf"{re.escape(technician)}\nTécnico — assinado em \d\d/\d\d/\d{{4}} \d\d:\d\d", text), text[-600:]
    assert re.search(rf"{re.escape(SIGNER)}\nCliente — assinado em \d\d/\d\d/\d{{4}} \d\d:\d\d", text), text[-600:]
