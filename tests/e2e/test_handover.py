"""One phone, several people (issue 14, e2e d): another technician's login is refused before any
request while tecnico1's work is pending; "Enviar depois" keeps that work (sent, as tecnico1's,
when tecnico1 logs in again); or tecnico1 sends it first and then hands the phone over."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .harness import PASSWORD, TECHNICIAN, Network, Office, Phone, Workspace
from .technician import check_screen, file_occurrence, log_in, occurrences_of

pytestmark = pytest.mark.e2e

TECHNICIAN2 = "tecnico2@demo.assistec.com.br"
ONE = "José Carlos Batista"  # tecnico1 in the demo seed


def session_email(phone: Phone) -> str | int:
    """Whom the server takes the phone's cookies for: an e-mail, or the status (401: nobody)."""
    assert phone.context is not None
    response = phone.context.request.get("/api/auth/me")
    return str(response.json()["email"]) if response.ok else response.status


def uploads(network: Network) -> int:
    with network.lock:
        return sum(1 for request in network.seen if request.startswith("PUT /api/attachments/"))


KEPT_PERSISTENCE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open(localStorage.getItem('assistec:database') || 'assistec')
  open.onerror = () => reject(open.error)
  open.onsuccess = () => {
    const read = open.result.transaction('meta').objectStore('meta').get('storage_persisted')
    read.onsuccess = () => {
      open.result.close()
      navigator.storage.persisted().then((now) => resolve({ kept: read.result ? read.result.value : 'missing', now }))
    }
  }
})"""


def assert_persistence_kept(page: Page) -> None:
    """The current person's meta keeps the browser's answer to the persistent-storage request
    (Chromium answers: never null here), the same the browser reports now."""
    answer: dict[str, Any] = {}

    def kept() -> bool:
        answer.update(page.evaluate(KEPT_PERSISTENCE))
        return answer["kept"] != "missing"

    wait_for(page, kept)
    assert answer["kept"] in (True, False)
    assert answer["kept"] == answer["now"]


def work_offline_then_sign_out(page: Page, phone: Phone, workspace: Workspace, visit: dict[str, Any]) -> None:
    """tecnico1, with no signal: check in and an occurrence with photos; then "Sair" (still offline)."""
    phone.set_offline(True)
    page.reload()
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    expect(page.locator(".visit-header .chip")).to_have_text("Em andamento")
    file_occurrence(page, workspace.photos)
    expect(page.get_by_test_id("pending-count")).to_have_text("3 pendentes")  # check-in, occurrence, signature
    page.get_by_role("button", name="Sair").click()
    expect(page.get_by_role("heading", name="Assistec")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_have_value(TECHNICIAN)  # the phone remembers whose work it holds
    phone.set_offline(False)


def try_as_tecnico2(page: Page, phone: Phone, network: Network) -> None:
    """tecnico2 types their login: refused on the phone, with the two ways out; no request left."""
    logins = network.count("POST /api/auth/login")
    page.get_by_label("E-mail").fill(TECHNICIAN2)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("alert")).to_contain_text(f"3 alteração(ões) de {ONE} ainda não enviadas")
    expect(page.get_by_role("button", name=f"Entrar como {ONE}")).to_be_visible()
    expect(page.get_by_role("button", name="Enviar depois")).to_be_visible()
    check_screen(page, "login-trabalho-de-outra-pessoa")
    assert network.count("POST /api/auth/login") == logins
    assert session_email(phone) in (TECHNICIAN, 401)


def wait_for(page: Page, condition: Callable[[], bool], seconds: float = 20) -> None:
    """Until the server shows it (the bar may say "Tudo enviado" for a moment on mount, before it
    has read the outbox, so the bar alone proves nothing)."""
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the server never showed it")


def wait_until_sent(page: Page, office: Office, visit: dict[str, Any]) -> None:
    def arrived() -> bool:
        mine = [o for o in occurrences_of(office, visit["case_id"]) if o["appointment_id"] == visit["id"]]
        return bool(mine) and len(mine[0]["attachments"]) == 3

    wait_for(page, arrived)
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado", timeout=20_000)


def tecnico1_occurrence(office: Office, visit: dict[str, Any]) -> dict[str, Any]:
    [occurrence] = [o for o in occurrences_of(office, visit["case_id"]) if o["appointment_id"] == visit["id"]]
    return occurrence


def assert_tecnico1s_work_arrived(office: Office, visit: dict[str, Any]) -> None:
    """The occurrence is tecnico1's, with its two photos (served) and the signature; the visit is
    checked in; nothing of it is tecnico2's."""
    tecnico1 = office.technician(TECHNICIAN)
    occurrence = tecnico1_occurrence(office, visit)
    assert occurrence["author"]["id"] == tecnico1["id"]
    photos = [a for a in occurrence["attachments"] if a["kind"] == "photo"]
    assert len(photos) == 2
    assert len([a for a in occurrence["attachments"] if a["kind"] == "signature"]) == 1
    for photo in photos:
        assert office.raw(f"/api/attachments/{photo['id']}")[:2] == b"\xff\xd8"  # a JPEG
    assert office.get(f"/api/appointments/{visit['id']}")["status"] == "in_progress"
    tecnico2 = office.technician(TECHNICIAN2)
    for case_occurrence in occurrences_of(office, visit["case_id"]):
        assert (case_occurrence["author"] or {}).get("id") != tecnico2["id"]


def test_send_later_keeps_tecnico1s_work_until_they_log_in_again(
    office: Office, phone: Phone, network: Network, workspace: Workspace
) -> None:
    visit = office.visits_today()[0]
    visit2 = office.visits_today(TECHNICIAN2)[0]
    page = phone.launch()
    log_in(page)
    work_offline_then_sign_out(page, phone, workspace, visit)
    assert session_email(phone) == TECHNICIAN  # the logout never reached the server: still tecnico1's
    try_as_tecnico2(page, phone, network)

    # "Enviar depois": tecnico2 works on the phone; tecnico1's work stays on it, unsent.
    page.get_by_role("button", name="Enviar depois").click()
    expect(page.get_by_role("heading", name="Minha agenda")).to_be_visible()
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    assert session_email(phone) == TECHNICIAN2
    assert_persistence_kept(page)
    page.locator(f'a[href="/visita/{visit2["id"]}"]').click()
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    expect(page.locator(".visit-header .chip")).to_have_text("Em andamento")
    wait_for(page, lambda: office.get(f"/api/appointments/{visit2['id']}")["status"] == "in_progress")
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    assert office.get(f"/api/appointments/{visit['id']}")["status"] == "scheduled"
    assert [o for o in occurrences_of(office, visit["case_id"]) if o["appointment_id"] == visit["id"]] == []
    assert uploads(network) == 0  # tecnico1's photos never went up under tecnico2's session

    # tecnico2 leaves (nothing of theirs pending); the phone asks for tecnico1, whose work then goes.
    page.get_by_role("button", name="Sair").click()
    expect(page.get_by_label("E-mail")).to_have_value(TECHNICIAN)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", name="Minha agenda")).to_be_visible()
    wait_until_sent(page, office, visit)
    assert session_email(phone) == TECHNICIAN
    assert_tecnico1s_work_arrived(office, visit)
    assert uploads(network) == 3  # two photos and the signature, each once, under tecnico1's session
    page.goto(f"/visita/{visit['id']}")
    expect(page.get_by_test_id("occurrence").filter(has_text="Defeito de fabricação")).not_to_contain_text(
        "Não enviada"
    )


def test_tecnico1_sends_first_then_hands_the_phone_over(
    office: Office, phone: Phone, network: Network, workspace: Workspace
) -> None:
    visit = office.visits_today()[0]
    visits2 = office.visits_today(TECHNICIAN2)
    page = phone.launch()
    log_in(page)
    work_offline_then_sign_out(page, phone, workspace, visit)
    try_as_tecnico2(page, phone, network)

    page.get_by_role("button", name=f"Entrar como {ONE}").click()
    expect(page.get_by_label("E-mail")).to_have_value(TECHNICIAN)
    expect(page.get_by_label("Senha")).to_be_focused()
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", name="Minha agenda")).to_be_visible()
    wait_until_sent(page, office, visit)
    assert_tecnico1s_work_arrived(office, visit)

    # Everything sent: "Sair" leaves nothing behind, and tecnico2 logs in with no question asked.
    page.get_by_role("button", name="Sair").click()
    expect(page.get_by_label("E-mail")).to_have_value("")
    log_in(page, TECHNICIAN2)
    assert session_email(phone) == TECHNICIAN2
    assert_persistence_kept(page)
    today = page.get_by_role("region", name=re.compile(r"^Hoje, "))
    expect(today.get_by_test_id("visit")).to_have_count(len(visits2))
    expect(page.locator(f'a[href="/visita/{visit["id"]}"]')).to_have_count(0)  # nothing of tecnico1's
    assert_tecnico1s_work_arrived(office, visit)
