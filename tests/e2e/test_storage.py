"""Pendências says whether the browser promised to keep the phone's data (asked at login)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .harness import Phone
from .technician import check_screen, log_in

pytestmark = pytest.mark.e2e

TEXTS = {
    "true": "O navegador protege estes dados",
    "false": "O navegador pode apagar estes dados",
}


def test_pendencias_tells_the_browsers_answer_to_the_persistent_storage_request(phone: Phone) -> None:
    page = phone.launch()
    log_in(page)
    page.get_by_role("link", name="Pendências").click()
    note = page.get_by_test_id("storage-persisted")
    expect(note).to_be_visible()
    granted = str(page.evaluate("() => navigator.storage.persisted()")).lower()
    expect(note).to_have_attribute("data-persisted", granted)
    expect(note).to_contain_text(TEXTS[granted])
    expect(page.get_by_text("Em uso:")).to_contain_text("MB disponíveis para o app")
    check_screen(page, "pendencias-armazenamento")
