"""The office is not the technician's: a technician who opens an office URL gets their agenda,
and their phone never downloads — nor precaches — the office's code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .harness import DIST, Phone
from .technician import log_in

pytestmark = pytest.mark.e2e


def test_the_service_worker_precaches_no_office_chunk() -> None:
    office = sorted(p.name for p in (DIST / "assets").glob("office-*"))
    assert any(name.endswith(".js") for name in office), "the build has an office chunk"
    sw = (DIST / "sw.js").read_text()
    assert "assets/index-" in sw  # the precache list is there…
    assert "office-" not in sw  # …without the office


def test_a_technician_opening_the_office_lands_on_the_agenda(phone: Phone) -> None:
    page = phone.launch()
    requested: list[str] = []
    page.context.on("request", lambda request: requested.append(request.url))
    log_in(page)

    for url in ("/escritorio", "/escritorio/assistencias/nova", "/escritorio/clientes", "/escritorio/reclamacoes"):
        page.goto(url)
        expect(page.get_by_role("heading", name="Minha agenda")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/agenda$"))

    page.reload()
    expect(page.get_by_role("heading", name="Minha agenda")).to_be_visible()
    assert requested, "requests were recorded"
    assert [url for url in requested if "/assets/office-" in url] == []
    cached: list[str] = page.evaluate(
        """async () => {
          const urls = []
          for (const name of await caches.keys())
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url)
          return urls
        }"""
    )
    assert any("/assets/index-" in url for url in cached), "the service worker precached the shell"
    assert [url for url in cached if "office-" in url] == []
