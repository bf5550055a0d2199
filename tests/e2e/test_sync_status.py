"""What the phone says about its sync, and whether it is true (issue 14, e2e a and c): a dropped
request is retried by itself without ever claiming "Sem conexão"; work done offline is "aguardando
envio" and editable; each state of a Pendências entry, photo progress included, on screen."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from .harness import Office, Phone, Workspace
from .network import DROP_AFTER_SERVER, Network
from .technician import (
    REPORT,
    SUPPLIER_ORDER,
    check_screen,
    file_occurrence,
    log_in,
    occurrences_of,
    offline_at_visit,
    screenshot,
)

pytestmark = pytest.mark.e2e

PUSH = "POST /api/sync/push"

# Records every text the sync bar ever shows, from now on, in window.__syncTexts.
WATCH_SYNC_BAR = """() => {
  window.__syncTexts = []
  const note = () => {
    const bar = document.querySelector('.syncbar')
    if (bar) window.__syncTexts.push(bar.textContent)
  }
  new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true })
  note()
}"""


# The same from the page's first script on, so what a screen shows while it mounts is recorded too.
WATCH_FROM_START = """
window.__syncTexts = []
new MutationObserver(() => {
  const bar = document.querySelector('.syncbar')
  if (bar) window.__syncTexts.push(bar.textContent)
}).observe(document, { subtree: true, childList: true, characterData: true })
"""


def bar_texts(page: Page) -> list[str]:
    texts: list[str] = page.evaluate("() => window.__syncTexts")
    return texts


class Faults:
    """Playwright routes over the test's Network (a later route is asked first): `abort_once`
    drops the next matching request before it reaches the server; `busy` answers 503 with a
    long Retry-After until `heal()`."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.aborted: list[str] = []
        self.refused: list[str] = []

    def abort_once(self, path: str) -> None:
        def handle(route: Route) -> None:
            if route.request.method == "POST" and not self.aborted:
                self.aborted.append(route.request.url)
                route.abort("connectionreset")
            else:
                route.fallback()

        self.page.context.route(f"**{path}", handle)

    def busy(self, path: str, retry_after: int = 60) -> None:
        def handle(route: Route) -> None:
            self.refused.append(route.request.url)
            route.fulfill(
                status=503,
                headers={"Retry-After": str(retry_after)},
                content_type="application/problem+json",
                body=json.dumps({"status": 503, "title": "Serviço indisponível", "detail": "Servidor ocupado."}),
            )

        self.page.context.route(f"**{path}", handle)

    def hold_pushes(self) -> None:
        """Drop every push that carries mutations before it reaches the server; let empty ones
        (the question Pendências asks before changing a numbered entry) through."""

        def handle(route: Route) -> None:
            body = json.loads(route.request.post_data or "{}")
            if body.get("mutations"):
                self.aborted.append(",".join(str(m["id"]) for m in body["mutations"]))
                route.abort("connectionreset")
            else:
                route.fallback()

        self.page.context.route("**/api/sync/push", handle)

    def heal(self, path: str) -> None:
        self.page.context.unroute(f"**{path}")


def test_one_aborted_request_while_online_is_retried_alone_and_never_says_offline(
    office: Office, phone: Phone, network: Network
) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()  # in-app navigation: the observer stays
    expect(page.get_by_role("heading", name=visit["case"]["number"])).to_be_visible()
    page.evaluate(WATCH_SYNC_BAR)
    faults = Faults(page)
    faults.abort_once("/api/sync/push")
    pushes = network.count(PUSH)

    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    expect(page.get_by_test_id("sync-activity")).to_contain_text(re.compile(r"Tentando de novo em \d+ s"))
    assert len(faults.aborted) == 1
    # No tap, no event: the engine's own retry sends it.
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado", timeout=15_000)
    assert network.count(PUSH) == pushes + 1  # the aborted one never reached the wire past the fault
    assert office.get(f"/api/appointments/{visit['id']}")["status"] == "in_progress"
    texts = bar_texts(page)
    assert any("Tentando de novo em" in t for t in texts)
    assert not any("Sem conexão" in t for t in texts)


def test_a_busy_server_shows_a_countdown_and_tentar_agora_sends_at_once(
    office: Office, phone: Phone, network: Network
) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    faults = Faults(page)
    faults.busy("/api/sync/push", retry_after=60)
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    activity = page.get_by_test_id("sync-activity")
    expect(activity).to_contain_text(re.compile(r"Tentando de novo em (5\d|60) s"))
    first = int(re.search(r"em (\d+) s", activity.inner_text()).group(1))  # type: ignore[union-attr]
    expect(activity).not_to_contain_text(f"em {first} s")  # a live countdown
    expect(page.get_by_test_id("pending-count")).to_have_text("1 pendente")
    expect(page.get_by_text("Sem conexão")).to_have_count(0)
    check_screen(page, "sincronizacao-tentando-de-novo")
    assert office.get(f"/api/appointments/{visit['id']}")["status"] == "scheduled"

    faults.heal("/api/sync/push")
    activity.get_by_role("button", name="Tentar agora").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    expect(activity).to_have_count(0)
    assert office.get(f"/api/appointments/{visit['id']}")["status"] == "in_progress"
    assert network.count(PUSH) >= 1


def pending_entry(page: Page, title: str) -> Any:
    return page.get_by_test_id("pending").filter(has=page.get_by_role("strong").filter(has_text=title))


def test_work_done_offline_is_waiting_and_editable_and_the_server_gets_the_edit_once(
    office: Office, phone: Phone, network: Network, workspace: Workspace
) -> None:
    visit = office.visits_today()[0]
    page = offline_at_visit(phone, visit)
    file_occurrence(page, workspace.photos)
    expect(page.get_by_test_id("pending-count")).to_have_text("2 pendentes")

    page.get_by_role("link", name="Pendências").first.click()
    entries = page.get_by_test_id("pending")
    expect(entries).to_have_count(2)
    for n in range(2):
        expect(entries.nth(n).get_by_test_id("entry-state")).to_have_text("aguardando envio")
        expect(entries.nth(n).get_by_role("button", name="Descartar")).to_be_visible()
    occurrence = pending_entry(page, "Nova ocorrência")
    expect(occurrence.get_by_test_id("photo-state")).to_have_text("0 de 2 fotos enviadas")
    check_screen(page, "pendencias-aguardando-envio")

    # Opening the app with work pending never flashes "Tudo enviado" before the outbox is read.
    page.context.add_init_script(WATCH_FROM_START)
    page.reload()
    expect(page.get_by_test_id("pending-count")).to_have_text("2 pendentes")
    texts = bar_texts(page)
    assert texts and not any("Tudo enviado" in t for t in texts), texts

    edited = REPORT + " Cliente pediu retorno à tarde."
    occurrence.get_by_role("link", name="Editar").click()
    expect(page.get_by_label("Relato")).to_have_value(REPORT)
    page.get_by_label("Relato").fill(edited)
    page.get_by_role("button", name=re.compile("Salvar")).click()
    expect(page.get_by_role("heading", name="Pendências")).to_be_visible()
    expect(entries).to_have_count(2)
    assert network.count(PUSH) == 0  # offline: nothing was attempted, nothing numbered

    phone.set_offline(False)  # the `online` event alone sends it
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    filed = [o for o in occurrences_of(office, visit["case_id"]) if o["supplier_order_number"] == SUPPLIER_ORDER]
    assert len(filed) == 1
    assert filed[0]["report"] == edited
    assert len([a for a in filed[0]["attachments"] if a["kind"] == "photo"]) == 2


def test_pendencias_shows_sent_awaiting_confirmation_and_photo_progress(
    office: Office, phone: Phone, network: Network, workspace: Workspace
) -> None:
    visit = office.visits_today()[0]
    page = offline_at_visit(phone, visit)
    file_occurrence(page, workspace.photos)
    page.get_by_role("link", name="Pendências").first.click()
    occurrence = pending_entry(page, "Nova ocorrência")
    expect(occurrence.get_by_test_id("photo-state")).to_have_text("0 de 2 fotos enviadas")

    # A slow uplink: the photos take seconds each, and the screen says how far they are.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 50, "downloadThroughput": -1, "uploadThroughput": 30_000},
    )
    faults = Faults(page)
    # The push is answered, the pull that would confirm it is not (and is not retried during the test).
    faults.busy("/api/sync/pull", retry_after=600)
    phone.set_offline(False)
    expect(page.get_by_test_id("sync-activity")).to_contain_text(re.compile(r"\d de 3 fotos enviadas"))
    expect(occurrence.get_by_test_id("photo-state")).to_contain_text(re.compile(r"de 2 fotos enviadas · [1-9]\d*%"))
    screenshot(page, "pendencias-enviando-fotos")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )

    entries = page.get_by_test_id("pending")
    for n in range(2):
        expect(entries.nth(n).get_by_test_id("entry-state")).to_have_text("enviado, aguardando confirmação")
        expect(entries.nth(n).get_by_role("button", name="Descartar")).to_have_count(0)
        expect(entries.nth(n)).to_contain_text("O servidor já recebeu")
    expect(occurrence.get_by_test_id("photo-state")).to_have_text("2 de 2 fotos enviadas")
    expect(page.get_by_test_id("sync-activity")).to_contain_text("Tentando de novo em")  # the pull refused
    check_screen(page, "pendencias-enviado-aguardando-confirmacao")
    filed = [o for o in occurrences_of(office, visit["case_id"]) if o["supplier_order_number"] == SUPPLIER_ORDER]
    assert len(filed) == 1  # it is on the server; the phone only waits for the pull to confirm

    faults.heal("/api/sync/pull")
    page.get_by_test_id("sync-button").click()  # waits while a sync runs, then syncs once more
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    expect(entries).to_have_count(0)


def test_a_numbered_entry_is_discarded_only_after_the_server_says_it_has_not_applied_it(
    office: Office, phone: Phone, network: Network, workspace: Workspace
) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    faults = Faults(page)
    # The check-in's push is applied by the server, but its answer is lost; every later push
    # with mutations is dropped before it reaches the server.
    network.fail("POST", "/api/sync/push", DROP_AFTER_SERVER)
    pushes = network.count(PUSH)
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    assert network.wait_for_count(page, PUSH, pushes + 1) == pushes + 1
    faults.hold_pushes()
    file_occurrence(page, workspace.photos)
    page.get_by_role("link", name="Pendências").first.click()
    expect(page.get_by_test_id("pending")).to_have_count(3)
    # The engine numbers the occurrence (2) and the signature (3) at its next attempt, by itself.
    waited = 0
    while not any(a.split(",")[-1] == "3" for a in faults.aborted) and waited < 150:
        page.wait_for_timeout(100)  # route handlers run only while Playwright waits
        waited += 1
    assert "1,2,3" in faults.aborted, faults.aborted

    check_in = pending_entry(page, "Check-in")
    expect(check_in.get_by_test_id("entry-state")).to_have_text("aguardando envio")  # the phone never heard
    check_in.get_by_role("button", name="Descartar").click()
    expect(check_in.get_by_role("alert")).to_contain_text("Já chegou ao escritório")
    expect(check_in.get_by_test_id("entry-state")).to_have_text("enviado, aguardando confirmação")

    signature = pending_entry(page, "Assinatura do cliente")
    signature.get_by_role("button", name="Descartar").click()
    expect(page.get_by_test_id("pending")).to_have_count(2)

    faults.heal("/api/sync/push")
    # The engine's own back-off may send before the test taps: "Tentar agora" is then gone, so the
    # test taps the bar's sync button, which is always there (a sync after success is harmless).
    page.get_by_test_id("sync-button").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    expect(page.get_by_test_id("rejected-count")).to_have_count(0)  # no gap, nothing refused
    assert office.get(f"/api/appointments/{visit['id']}")["status"] == "in_progress"
    filed = [o for o in occurrences_of(office, visit["case_id"]) if o["supplier_order_number"] == SUPPLIER_ORDER]
    assert len(filed) == 1
    kinds = sorted(a["kind"] for a in filed[0]["attachments"])
    assert kinds == ["photo", "photo"]  # the discarded signature never arrived


def test_a_refusal_a_resend_cannot_fix_is_information_with_entendi(office: Office, phone: Phone) -> None:
    """The server marks such refusals `retryable: false` (issue 14, item 5). Until every server
    sends it, the route adds it to the real server's rejection here; the screen's rule is the same."""
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)

    def not_retryable(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        for rejection in body.get("rejections", []):
            rejection["retryable"] = False
        route.fulfill(response=response, json=body)

    page.context.route("**/api/sync/pull", not_retryable)
    phone.set_offline(True)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    office.post(f"/api/appointments/{visit['id']}/cancel", {"reason": "Cliente viajou"})
    phone.set_offline(False)
    expect(page.get_by_test_id("rejected-count")).to_have_text("1 recusada")

    page.get_by_role("link", name="Pendências").first.click()
    refusal = page.get_by_test_id("rejection")
    expect(refusal).to_have_count(1)
    expect(refusal.locator(".notice-info")).to_contain_text("Nada a reenviar")
    expect(refusal.get_by_role("button", name="Reenviar")).to_have_count(0)
    expect(refusal.get_by_role("button", name="Descartar")).to_have_count(0)
    check_screen(page, "pendencias-recusada-informacao")
    refusal.get_by_role("button", name="Entendi").click()
    expect(refusal).to_have_count(0)
    expect(page.get_by_test_id("rejected-count")).to_have_count(0)
    assert office.get(f"/api/appointments/{visit['id']}")["status"] == "cancelled"
