"""Sync under a bad network, and office changes while the phone is offline (issue 6, e2e 3–5)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .harness import Office, Phone, Workspace, store_today, time_window
from .network import DROP_AFTER_SERVER, STATUS_503, Network
from .technician import (
    REPORT,
    SUPPLIER_ORDER,
    check_screen,
    expect_exactly_once,
    file_occurrence,
    log_in,
    occurrences_of,
    offline_at_visit,
)

pytestmark = pytest.mark.e2e

PUSH = "POST /api/sync/push"


def offline_visit(phone: Phone, page: Page, visit: dict[str, Any], photos: list[Path]) -> None:
    phone.set_offline(True)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    file_occurrence(page, photos)
    page.get_by_role("button", name="Encerrar visita (check-out)").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("4 pendentes")


def test_503_on_the_first_push_and_a_dropped_answer_after_the_second_still_exactly_once(
    office: Office, phone: Phone, network: Network, workspace: Workspace
) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    offline_visit(phone, page, visit, workspace.photos)

    network.fail("POST", "/api/sync/push", STATUS_503)
    network.fail("POST", "/api/sync/push", DROP_AFTER_SERVER)
    # Back online: the `online` event starts a sync (503), and the engine retries by itself after
    # Retry-After (1 s, and its backoff's 2–4 s): that push is applied by the server but its answer
    # is lost. The engine retries again by itself; nobody taps anything.
    phone.set_offline(False)
    assert network.wait_for_count(page, PUSH, 2) == 2
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    assert network.count(PUSH) == 3
    expect_exactly_once(office, visit)


def test_a_visit_cancelled_while_the_phone_is_offline_never_silently_loses_its_occurrence(
    office: Office, phone: Phone, workspace: Workspace
) -> None:
    visit = office.visits_today()[0]
    page = offline_at_visit(phone, visit)
    file_occurrence(page, workspace.photos)

    office.post(f"/api/appointments/{visit['id']}/cancel", {"reason": "Cliente viajou"})
    phone.set_offline(False)
    page.get_by_test_id("sync-button").click()
    expect(page.get_by_test_id("last-sync")).to_contain_text("hoje às")
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")

    filed = [o for o in occurrences_of(office, visit["case_id"]) if o["supplier_order_number"] == SUPPLIER_ORDER]
    if not filed:
        # Refused: the technician sees it, with the server's reason, and can still act on it.
        page.get_by_role("link", name="Pendências").first.click()
        rejection = page.get_by_test_id("rejection")
        expect(rejection).to_have_count(1)
        expect(rejection).to_contain_text("2 item(ns), 2 foto(s)")
        expect(rejection.locator(".notice-error")).not_to_be_empty()
        expect(rejection.get_by_role("link", name="Corrigir e reenviar")).to_be_visible()
    else:
        assert len(filed) == 1


def test_a_visit_rescheduled_by_the_office_shows_its_new_time_after_the_next_sync(office: Office, phone: Phone) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    card = page.locator(f'a[href="/visita/{visit["id"]}"]')
    expect(card).to_contain_text(time_window(visit))
    expect(card).to_contain_text("Agendado")

    day = store_today()
    office.move_visit(visit, starts_at=f"{day}T18:15:00", ends_at=f"{day}T19:45:00")
    page.get_by_test_id("sync-button").click()
    expect(card).to_contain_text("18:15–19:45")
    expect(card).to_contain_text("Reagendado")


def visit_on_an_unassigned_case(office: Office) -> dict[str, Any]:
    """The office books the technician a visit today on an open case nobody is assigned to: the
    technician reaches that case only through this visit, so reassigning the visit takes it away.
    (The demo's visits are all on cases assigned to their technician.)"""
    technician = office.technician()
    demo_visit = office.visits_today()[0]
    open_cases = office.get("/api/cases?status=open&limit=100")["items"]
    case = next(c for c in open_cases if c["assignee"] is None)
    today = store_today()
    visit: dict[str, Any] = office.post(
        f"/api/cases/{case['id']}/appointments",
        {
            "appointment_type_id": demo_visit["appointment_type"]["id"],
            "assignee_id": technician["id"],
            "starts_at": f"{today}T07:00:00",
            "ends_at": f"{today}T08:00:00",
            "subject": "Vistoria de hoje",
            "allow_overlap": True,
        },
    )
    return visit


def test_a_visit_reassigned_while_offline_keeps_the_refused_occurrence_until_the_technician_decides(
    office: Office, phone: Phone, workspace: Workspace
) -> None:
    visit = visit_on_an_unassigned_case(office)
    page = offline_at_visit(phone, visit)
    file_occurrence(page, workspace.photos)

    technicians = office.get("/api/users?role=technician")
    other = next(u for u in technicians if u["id"] != visit["assignee"]["id"])
    office.move_visit(visit, assignee_id=other["id"])
    phone.set_offline(False)
    page.get_by_test_id("sync-button").click()
    expect(page.get_by_test_id("rejected-count")).to_have_text(re.compile("recusad"))
    expect(page.locator(f'a[href="/visita/{visit["id"]}"]')).to_have_count(0)  # left the agenda

    page.get_by_role("link", name="Pendências").first.click()
    rejected = page.get_by_test_id("rejection").filter(has_text="Nova ocorrência")
    expect(rejected).to_contain_text("2 item(ns), 2 foto(s)")
    expect(rejected.locator(".notice-error")).not_to_be_empty()
    check_screen(page, "pendencias-recusada")
    rejected.get_by_role("link", name="Corrigir e reenviar").click()
    expect(page.get_by_text(re.compile("O servidor recusou:"))).to_be_visible()
    expect(page.get_by_label("Pedido do fornecedor")).to_have_value(SUPPLIER_ORDER)
    expect(page.get_by_label("Relato")).to_have_value(REPORT)
    page.get_by_role("link", name="Pendências").first.click()

    # Only an explicit choice removes it.
    page.reload()
    expect(page.get_by_test_id("rejection")).not_to_have_count(0)
    count = page.get_by_test_id("rejection").count()
    rejected.get_by_role("button", name="Descartar").click()
    expect(page.get_by_test_id("rejection")).to_have_count(count - 1)


def test_an_expired_session_keeps_everything_asks_to_log_in_again_then_sends_it(office: Office, phone: Phone) -> None:
    visit = office.visits_today()[0]
    page = offline_at_visit(phone, visit)
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1 pendente")

    page.context.clear_cookies()  # the session is gone (expired, or ended on the server)
    phone.set_offline(False)
    page.get_by_test_id("sync-button").click()
    banner = page.get_by_role("alert").filter(has_text="Sua sessão expirou")
    expect(banner).to_be_visible()
    expect(page.get_by_test_id("pending-count")).to_have_text("1 pendente")

    banner.get_by_role("link", name="Entrar").click()
    expect(page.get_by_label("E-mail")).to_have_value("tecnico1@demo.assistec.com.br")
    check_screen(page, "login")
    page.get_by_label("Senha").fill("assistec-demo")
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", name="Pendências")).to_be_visible()
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    assert office.get(f"/api/appointments/{visit['id']}")["status"] == "in_progress"
