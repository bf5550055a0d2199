"""Two tabs of the app on one phone: one IndexedDB, one outbox, and one sync at a time (Web Locks)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .harness import Office, Phone
from .network import Network
from .technician import log_in

pytestmark = pytest.mark.e2e


def test_two_tabs_coming_back_online_push_the_outbox_once(office: Office, phone: Phone, network: Network) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    second = page.context.new_page()
    second.goto(f"/visita/{visit['id']}")
    expect(second.get_by_role("heading", name=visit["case"]["number"])).to_be_visible()

    phone.set_offline(True)
    second.get_by_role("button", name="Iniciar visita (check-in)").click()
    # The other tab sees the change at once: same database.
    expect(page.get_by_test_id("pending-count")).to_have_text("1 pendente")

    # Both tabs get `online` and start a sync; the lock makes the second find an empty outbox.
    phone.set_offline(False)
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    expect(second.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    assert network.wait_for_count(page, "POST /api/sync/pull", 3) >= 3
    assert network.count("POST /api/sync/push") == 1
    assert office.get(f"/api/appointments/{visit['id']}")["status"] == "in_progress"
