"""The visit's contact card on a 360 px phone: calls for every number, WhatsApp only for mobiles."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .harness import Office, Phone
from .technician import check_screen, log_in

pytestmark = pytest.mark.e2e

LANDLINE, MOBILE = "1132104400", "11988887777"


def test_whatsapp_is_offered_only_for_mobile_numbers(office: Office, phone: Phone) -> None:
    visit = office.visits_today()[0]
    customer = visit["case"]["customer"]
    office.patch(f"/api/customers/{customer['id']}", {"phones": [LANDLINE, MOBILE]})

    page = phone.launch()
    log_in(page)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    expect(page.get_by_role("link", name="Ligar (11) 3210-4400")).to_have_attribute("href", f"tel:+55{LANDLINE}")
    expect(page.get_by_role("link", name="Ligar (11) 98888-7777")).to_have_attribute("href", f"tel:+55{MOBILE}")
    whatsapp = page.get_by_role("link", name="WhatsApp")
    expect(whatsapp).to_have_count(1)
    expect(whatsapp).to_have_attribute("href", f"https://wa.me/55{MOBILE}")
    check_screen(page, "visita-contato")
