"""Issue 14 (e2e b): a technician with 500 visits logs in for the first time on a slow phone
(400 ms, 400 kbit/s, 4× CPU): the agenda never says "Nenhuma visita" before the first pull ends,
says how far it is, and shows today's visits before the rest of the history has arrived."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, Playwright

from .first_sync import first_sync
from .harness import STORE_TZ, Backend, Office, Workspace
from .load import seeded_template
from .technician import layout_problems, screenshot

pytestmark = pytest.mark.e2e

VISITS = 500


@pytest.fixture
def loaded(workspace: Workspace, tmp_path: Path) -> Iterator[Backend]:
    """The back end on the demo data plus 500 visits of the demo technician."""
    server = Backend.start(tmp_path / "backend", seeded_template(workspace.template, tmp_path, VISITS))
    yield server
    server.stop()


def server_visits(office: Office) -> int:
    """The technician's visits in the sync window (not cancelled), as the office's API lists them."""
    since = (datetime.now(STORE_TZ) - timedelta(days=29)).date().isoformat()
    technician = office.technician()["id"]
    count, cursor = 0, ""
    while True:
        page = office.get(f"/api/appointments?assignee={technician}&from={since}&limit=200{cursor}")
        count += sum(1 for visit in page["items"] if visit["status"] != "cancelled")
        if not page.get("next_cursor"):
            return count
        cursor = f"&cursor={page['next_cursor']}"


def test_first_login_with_500_visits_shows_progress_and_today_first(
    playwright: Playwright, loaded: Backend, tmp_path: Path
) -> None:
    office = Office(playwright, loaded.url)
    expected = server_visits(office)
    assert expected >= VISITS
    seen: dict[str, object] = {}

    def while_loading(page: Page) -> None:
        """The first page is in and the next pull waits (see first_sync): the screen holds still."""
        page.get_by_test_id("first-sync").scroll_into_view_if_needed()  # below today's visits
        screenshot(page, "first-sync-progress")
        seen["status"] = page.get_by_test_id("first-sync").text_content()
        seen["day"] = page.locator(".day h2").first.text_content()
        seen["layout"] = layout_problems(page)
        seen["line_after_today"] = page.evaluate(
            """() => {
              const line = document.querySelector('[data-testid=first-sync]')
              const days = [...document.querySelectorAll('.day')]
              const before = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)
              return before(days[0], line) && days.slice(1).every((day) => before(line, day))
            }"""
        )

    run = first_sync(playwright, loaded.url, tmp_path / "profile", while_loading)

    assert run.saw_empty is False, "the agenda said 'Nenhuma visita' before the first sync ended"
    assert run.visit_while_loading, "the first visit should show while the rest is still loading"
    assert run.today_visible_s < run.complete_s
    counted = [re.fullmatch(r"Baixando sua agenda… (\d+) de (\d+) visitas", text) for text in run.progress]
    figures = [(int(m[1]), int(m[2])) for m in counted if m]
    assert len(figures) >= 2, run.progress  # it moved
    assert [sent for sent, _ in figures] == sorted(sent for sent, _ in figures)
    assert {total for _, total in figures} == {expected}
    assert re.fullmatch(r"Baixando sua agenda… \d+ de \d+ visitas", str(seen["status"]))
    assert str(seen["day"]).startswith("Hoje")
    assert seen["line_after_today"], "the progress line belongs under today's visits, above later days"
    assert seen["layout"] == []
    assert run.phone_visits == expected == server_visits(office)
    office.dispose()
