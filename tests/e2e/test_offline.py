"""The technician's day with no signal (issue 6, end-to-end 1 and 2)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .harness import Office, Phone, Workspace, time_window
from .technician import check_screen, expect_exactly_once, file_occurrence, log_in

pytestmark = pytest.mark.e2e


def test_todays_demo_visits_online_then_offline_after_a_reload(office: Office, phone: Phone) -> None:
    visits = office.visits_today()
    assert visits, "the demo seed books visits today for each technician"
    page = phone.launch()
    log_in(page)

    today = page.get_by_role("region", name=re.compile(r"^Hoje, "))
    expect(today).to_be_visible()
    expect(today.get_by_test_id("visit")).to_have_count(len(visits))
    cards = [today.locator(f'a[href="/visita/{visit["id"]}"]') for visit in visits]
    for visit, card in zip(visits, cards, strict=True):
        expect(card).to_contain_text(time_window(visit))
        expect(card).to_contain_text(visit["case"]["customer"]["name"])
        expect(card).to_contain_text(visit["case"]["service_address"]["district"])
        expect(card).to_contain_text(visit["case"]["number"])
        expect(card).to_contain_text("Agendado")

    phone.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Minha agenda")).to_be_visible()
    expect(page.get_by_text("Sem conexão")).to_be_visible()
    expect(today.get_by_test_id("visit")).to_have_count(len(visits))
    for visit, card in zip(visits, cards, strict=True):
        expect(card).to_be_visible()
        expect(card).to_contain_text(time_window(visit))
        expect(card).to_contain_text(visit["case"]["customer"]["name"])


def test_offline_visit_survives_closing_the_browser_and_syncs_exactly_once(
    office: Office, phone: Phone, workspace: Workspace
) -> None:
    """Offline: check in, an occurrence with two items, two photos and a signature, check out;
    close the browser, reopen it offline; everything is there and pending; online: sent once."""
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    check_screen(page, "agenda")

    phone.set_offline(True)
    page.reload()
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    expect(page.get_by_role("heading", name=visit["case"]["number"])).to_be_visible()
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    expect(page.locator(".visit-header .chip")).to_have_text("Em andamento")
    check_screen(page, "visita")

    file_occurrence(page, workspace.photos, screenshots=True)
    page.get_by_role("button", name="Encerrar visita (check-out)").click()
    expect(page.locator(".visit-header .chip")).to_have_text("Concluído")
    expect(page.get_by_test_id("pending-count")).to_have_text("4 pendentes")

    # Close the browser and open it again, still with no signal.
    phone.close()
    page = phone.launch(offline=True)
    page.goto(f"/visita/{visit['id']}")
    expect(page.locator(".visit-header .chip")).to_have_text("Concluído")
    occurrence = page.get_by_test_id("occurrence").filter(has_text="Defeito de fabricação")
    expect(occurrence).to_contain_text("Não enviada")
    expect(page.get_by_test_id("pending-count")).to_have_text("4 pendentes")
    page.get_by_role("link", name="Pendências").click()
    expect(page.get_by_test_id("pending")).to_have_count(4)
    expect(page.get_by_test_id("pending").nth(1)).to_contain_text("2 item(ns), 2 foto(s)")

    # Every entry was made offline: none was numbered or claimed as sent.
    for n in range(4):
        expect(page.get_by_test_id("pending").nth(n).get_by_test_id("entry-state")).to_have_text("aguardando envio")
    phone.set_offline(False)  # the `online` event alone sends it all
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")

    expect_exactly_once(office, visit)
