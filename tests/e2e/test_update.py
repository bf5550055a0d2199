"""A new version of the app while the technician is typing: nothing reloads under the form, and
the draft survives even a reload (issue 6: "Atualização disponível" instead of reloading)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .harness import Backend, Office, Phone
from .technician import log_in

pytestmark = pytest.mark.e2e


def test_an_update_waits_for_the_technician_and_never_reloads_under_a_half_filled_form(
    backend: Backend, office: Office, phone: Phone
) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    page.get_by_role("link", name="Nova ocorrência").click()
    page.get_by_label("Relato").fill("Meio caminho andado")

    # Publish a new build (a byte-different service worker) and let the browser find it.
    with (backend.dist / "sw.js").open("a") as worker:
        worker.write("\n// nova versão\n")
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    banner = page.get_by_role("status").filter(has_text="Atualização disponível")
    expect(banner).to_be_visible()

    banner.get_by_role("button", name="Atualizar").click()
    expect(page.get_by_text("Salve ou cancele o formulário aberto")).to_be_visible()
    expect(page.get_by_label("Relato")).to_have_value("Meio caminho andado")

    # Even a reload by hand keeps what was typed: the form is a draft in IndexedDB.
    page.reload()
    expect(page.get_by_label("Relato")).to_have_value("Meio caminho andado")

    # Out of the form, the update applies: the new worker takes over and the page reloads once.
    page.get_by_role("link", name="Agenda", exact=True).click()
    before = page.evaluate("() => navigator.serviceWorker.controller?.scriptURL")
    assert before
    with page.expect_event("load"):
        banner.get_by_role("button", name="Atualizar").click()
    expect(page.get_by_role("heading", name="Minha agenda")).to_be_visible()
    expect(page.get_by_text("Atualização disponível")).to_have_count(0)


def test_an_open_app_learns_of_a_deploy_by_itself_and_the_update_keeps_the_outbox(
    backend: Backend, office: Office, phone: Phone
) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()

    # A deploy while the app stays open: nobody reloads, focuses or calls update() here.
    deployed = time.monotonic()
    with (backend.dist / "sw.js").open("a") as worker:
        worker.write("\n// deploy enquanto o app está aberto\n")
    banner = page.get_by_role("status").filter(has_text="Atualização disponível")
    expect(banner).to_be_visible(timeout=60_000)
    assert time.monotonic() - deployed <= 60

    # Work waiting in the outbox when the technician accepts the update, with no signal.
    phone.set_offline(True)
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1 pendente")
    with page.expect_event("load"):
        banner.get_by_role("button", name="Atualizar").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1 pendente")
    expect(page.get_by_text("Atualização disponível")).to_have_count(0)

    phone.set_offline(False)
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado", timeout=30_000)
    assert office.get(f"/api/appointments/{visit['id']}")["status"] == "in_progress"
