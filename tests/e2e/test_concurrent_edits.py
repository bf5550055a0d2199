"""No silent overwrite (issue 14, e2e (e)): the office's note, the technician's note on one phone
and on a second phone of the same technician all survive; a second phone's check-in is no
refusal; a correction of a synced occurrence made offline keeps the office's change meanwhile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from .harness import SCHEDULER, Backend, Office, Phone, Workspace, time_window
from .network import Network
from .office import office_login
from .technician import check_screen, log_in, occurrences_of

pytestmark = pytest.mark.e2e

OFFICE_NOTE = "Levar dobradiças 35 mm e cola de contato."
PHONE_A_NOTE = "Porta da cozinha solta, cliente mostrou."
PHONE_B_NOTE = "Cliente sai às 16h; portaria avisada."
SIGNED = r"\n— [^,\n]+, \d\d/\d\d/\d{4} \d\d:\d\d"


def open_visit(page: Page, visit_id: int, number: str) -> None:
    page.goto(f"/visita/{visit_id}")
    expect(page.get_by_role("heading", name=number)).to_be_visible()


def sync_now(page: Page) -> None:
    page.get_by_test_id("sync-button").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")


def write_note(page: Page, text: str) -> None:
    page.get_by_label("Sua observação").fill(text)
    page.get_by_role("button", name="Salvar observação").click()
    expect(page.get_by_role("button", name="Salvar observação")).to_have_count(0)


def test_office_note_and_two_phones_notes_all_survive(
    playwright: Playwright, browser: Browser, backend: Backend, office: Office, phone: Phone, tmp_path: Path
) -> None:
    visit = office.visits_today()[0]
    number = visit["case"]["number"]
    office.patch(f"/api/appointments/{visit['id']}", {"notes": OFFICE_NOTE})

    page_a = phone.launch()
    log_in(page_a)
    open_visit(page_a, visit["id"], number)
    office_notes = page_a.get_by_test_id("office-notes")
    expect(office_notes).to_contain_text("Observação do escritório")
    expect(office_notes).to_contain_text(OFFICE_NOTE)
    expect(office_notes.locator("textarea, input")).to_have_count(0)  # read-only on the phone
    expect(page_a.get_by_label("Sua observação")).to_have_value("")

    second = Phone(playwright, tmp_path / "second-phone", backend.url, Network())
    try:
        page_b = second.launch()
        log_in(page_b)
        open_visit(page_b, visit["id"], number)

        # Phone A has no signal: the check-in and the note wait in its outbox.
        phone.set_offline(True)
        page_a.get_by_role("button", name="Iniciar visita (check-in)").click()
        write_note(page_a, PHONE_A_NOTE)
        expect(page_a.get_by_test_id("pending-count")).to_have_text("2 pendentes")

        # Phone B, online, checks in and writes its own note from the same (empty) text.
        page_b.get_by_role("button", name="Iniciar visita (check-in)").click()
        write_note(page_b, PHONE_B_NOTE)
        sync_now(page_b)

        phone.set_offline(False)
        sync_now(page_a)
        page_a.get_by_role("link", name="Pendências").click()
        expect(page_a.get_by_role("heading", name="Pendências")).to_be_visible()
        expect(page_a.get_by_test_id("rejection")).to_have_count(0)  # the second check-in was no refusal
        open_visit(page_a, visit["id"], number)

        server = office.get(f"/api/appointments/{visit['id']}")
        assert server["status"] == "in_progress"
        assert server["notes"] == OFFICE_NOTE
        merged = server["technician_notes"]
        assert re.fullmatch(rf"{re.escape(PHONE_B_NOTE)}{SIGNED}\n\n{re.escape(PHONE_A_NOTE)}{SIGNED}", merged), merged

        # Both phones show every text: the office's, read-only, and both notes, each signed.
        for page in (page_a, page_b):
            if page is page_b:
                sync_now(page_b)
            expect(page.get_by_label("Sua observação")).to_have_value(merged)
            expect(page.get_by_test_id("office-notes")).to_contain_text(OFFICE_NOTE)
        page_a.get_by_label("Sua observação").scroll_into_view_if_needed()
        check_screen(page_a, "visita-observacoes")
    finally:
        second.close()

    # The office sees both, its own and the technician's (read-only there too).
    desk = office_login(browser, backend, SCHEDULER)
    desk.goto(f"/escritorio/assistencias/{visit['case_id']}/agendas")
    row = desk.get_by_test_id("visit-row").filter(has_text=time_window(visit))
    row.get_by_role("button", name="Detalhes").click()
    details = desk.locator(f"#visit-{visit['id']}-details")
    expect(details).to_contain_text(OFFICE_NOTE)
    expect(details).to_contain_text(PHONE_A_NOTE)
    expect(details).to_contain_text(PHONE_B_NOTE)
    expect(details.locator("textarea")).to_have_count(0)
    desk.context.close()


def test_an_offline_correction_keeps_the_offices_change_to_another_field(
    office: Office, phone: Phone, workspace: Workspace
) -> None:
    visit = office.visits_today()[0]
    number = visit["case"]["number"]
    page = phone.launch()
    log_in(page)
    open_visit(page, visit["id"], number)
    page.get_by_role("button", name="Iniciar visita (check-in)").click()

    page.get_by_role("link", name="Nova ocorrência").click()
    page.get_by_label("Tipo de ocorrência").select_option(label="Defeito de fabricação")
    page.get_by_label("Modalidade (quem paga)").select_option(label="Paga pela Fábrica")
    page.get_by_label("Relato").fill("Porta empenada.")
    page.get_by_label("Sim, resolvido").check()
    page.get_by_role("button", name="Adicionar item").click()
    page.locator('[name="item-0-description"]').fill("Dobradiça 35 mm")
    page.locator('[name="item-0-quantity"]').fill("2")
    page.get_by_role("button", name="Salvar ocorrência").click()
    expect(page.get_by_role("heading", name="Situação Alegada")).to_be_visible()
    sync_now(page)
    [created] = [o for o in occurrences_of(office, visit["case_id"]) if o["appointment_id"] == visit["id"]]
    occurrence = page.get_by_test_id("occurrence").filter(has_text="Defeito de fabricação")
    expect(occurrence.get_by_role("link", name="Corrigir")).to_be_visible()

    # Offline: the technician corrects the report, the item's quantity, and adds a forgotten photo.
    phone.set_offline(True)
    occurrence.get_by_role("link", name="Corrigir").click()
    expect(page.get_by_role("heading", name="Corrigir ocorrência")).to_be_visible()
    expect(page.get_by_label("Relato")).to_have_value("Porta empenada.")
    expect(page.locator('[name="item-0-quantity"]')).to_have_value("2")
    page.get_by_label("Relato").fill("Porta empenada e riscada na lateral.")
    page.locator('[name="item-0-quantity"]').fill("3")
    page.locator('input[name="photos"]').set_input_files(workspace.photos[:1])
    expect(page.get_by_role("img", name="Foto 1")).to_be_visible()
    check_screen(page, "ocorrencia-corrigir")
    page.get_by_role("button", name="Salvar correção").click()
    expect(page.get_by_role("heading", name="Situação Alegada")).to_be_visible()
    expect(page.get_by_test_id("pending-count")).to_have_text("3 pendentes")

    # Meanwhile the office changes who pays.
    office.patch(f"/api/occurrences/{created['id']}", {"payer": "store"})

    phone.set_offline(False)
    sync_now(page)
    after = office.get(f"/api/occurrences/{created['id']}")
    assert after["payer"] == "store"  # the office's change is kept
    assert after["report"] == "Porta empenada e riscada na lateral."  # the phone's correction applied
    assert [(i["description"], i["quantity"]) for i in after["items"]] == [("Dobradiça 35 mm", "3.000")]
    assert [a["kind"] for a in after["attachments"]] == ["photo"]
    expect(occurrence).to_contain_text("Paga pela Loja")
    expect(occurrence).not_to_contain_text("Não enviada")
