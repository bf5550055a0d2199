"""A first sync (snapshot): the days ahead come first, whole, and every page says how far it is."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

from tests.conftest import counting, login, make_case, make_customer
from tests.sync.test_pull import ids, pull
from tests.test_appointments import book_ok

ZONE = ZoneInfo("America/Sao_Paulo")  # the test store's clock


def day(offset: int) -> str:
    return (datetime.now(ZONE).date() + timedelta(days=offset)).isoformat()


def book_days(
    as_scheduler: Any, scheduler: Any, technician: Any, store: Any, offsets: list[int], tag: str
) -> list[Any]:
    """One case (own customer) and one visit per offset from today; the visits, in order."""
    visits = []
    for n, offset in enumerate(offsets):
        case = make_case(scheduler, make_customer(store, name=f"{tag} {n}"))
        hour = 8 + n % 10
        visits.append(
            book_ok(
                as_scheduler,
                case,
                technician,
                f"{hour:02d}:00",
                f"{hour:02d}:30",
                day=day(offset),
                allow_overlap=True,
            )
        )
    return visits


def all_pages(phone: Any, client_id: uuid.UUID) -> list[dict[str, Any]]:
    pages = [pull(phone, client_id)]
    while pages[-1]["more"]:
        pages.append(pull(phone, client_id, pages[-1]["cursor"]))
    return pages


def test_the_first_page_brings_the_days_ahead_whole_even_with_the_highest_ids(
    app: Flask, as_scheduler, scheduler, technician, store
):
    """History first in the database, today's and tomorrow's visits last: the first page still holds
    them with their cases and customers; the pages then bring everything, progress counting up."""
    history = book_days(as_scheduler, scheduler, technician, store, [-20, -15, -10, -5, -3, -2, -1, 9, 12], "Antigo")
    soon = book_days(as_scheduler, scheduler, technician, store, [0, 0, 1, 6], "Hoje")
    app.config["SYNC_PAGE_SIZE"] = 4
    pages = all_pages(login(app, technician), uuid.uuid4())

    first = pages[0]
    assert first["reset"] is True and first["more"] is True
    assert ids(first, "appointments") == {v["id"] for v in soon}
    assert ids(first, "cases") == {v["case"]["id"] for v in soon}
    assert ids(first, "customers") == {v["case"]["customer"]["id"] for v in soon}
    assert ids(first, "users") == {technician.id} and first["changes"]["catalog_entries"]["upsert"]
    assert first["progress"] == {"visits_sent": 4, "visits_total": 13}

    assert len(pages) > 3
    for page in pages[1:]:
        assert sum(len(entry["upsert"]) for entry in page["changes"].values()) <= 4
    sent = [page["progress"]["visits_sent"] for page in pages]
    assert sent == sorted(sent) and sent[-1] == 13 and len(set(sent)) > 2
    assert all(page["progress"]["visits_total"] == 13 for page in pages)
    every = [row["id"] for page in pages[1:] for row in page["changes"].get("appointments", {}).get("upsert", [])]
    assert sorted(every) == sorted(v["id"] for v in history + soon)  # the rest: each once, the soon ones again


def test_progress_counts_the_visits_the_phone_holds_after_each_page(
    app: Flask, as_scheduler, scheduler, technician, store
):
    """visits_sent is the number of distinct visits received so far, page after page."""
    book_days(as_scheduler, scheduler, technician, store, [-9, -8, -7, -6, -5, -4, 0, 2], "V")
    app.config["SYNC_PAGE_SIZE"] = 3
    held: set[int] = set()
    for page in all_pages(login(app, technician), uuid.uuid4()):
        held |= ids(page, "appointments")
        assert page["progress"]["visits_sent"] == len(held)


def test_a_small_snapshot_is_one_page_and_a_delta_has_no_progress(
    app: Flask, as_scheduler, scheduler, technician, store
):
    """A visit today in a scope that fits one page: one answer, sent once; deltas carry no progress."""
    [visit] = book_days(as_scheduler, scheduler, technician, store, [0], "Só")
    phone = login(app, technician)
    client_id = uuid.uuid4()
    answer = pull(phone, client_id)
    assert answer["more"] is False and answer["progress"] == {"visits_sent": 1, "visits_total": 1}
    assert [row["id"] for row in answer["changes"]["appointments"]["upsert"]] == [visit["id"]]
    assert len(answer["changes"]["cases"]["upsert"]) == 1
    assert pull(phone, client_id, answer["cursor"])["progress"] is None


def test_a_snapshot_page_costs_the_same_statements_for_small_and_large_data(
    app: Flask, as_scheduler, scheduler, technician, store
):
    """No per-row queries: a snapshot in two pages (the days ahead, then the rest) costs the same
    for 2 and 12 visits, page by page, and no page of a finely paged one costs more."""
    phone = login(app, technician)

    def statements(page_size: int) -> list[int]:
        app.config["SYNC_PAGE_SIZE"] = page_size
        client_id = uuid.uuid4()
        counts, cursor = [], None
        while True:
            with counting() as run:
                answer = pull(phone, client_id, cursor)
            counts.append(len(run))
            cursor = answer["cursor"]
            if not answer["more"]:
                return counts

    book_days(as_scheduler, scheduler, technician, store, [-3, 0], "A")
    small = statements(1000)
    book_days(as_scheduler, scheduler, technician, store, [-4, -3, -2, -1, 0, 0, 1, 1, 2, 3], "B")
    assert statements(1000) == small and len(small) == 2
    paged = statements(5)
    assert len(paged) > 5 and max(paged) <= max(small)


def test_the_days_ahead_start_today_on_the_stores_clock(app: Flask, as_scheduler, scheduler, technician, store):
    """Yesterday's visit is history, today's and the one SYNC_PRIORITY_DAYS - 1 days on are ahead."""
    app.config["SYNC_PAGE_SIZE"] = 2
    visits = book_days(as_scheduler, scheduler, technician, store, [-1, 0, 6, 7], "D")
    first = pull(login(app, technician), uuid.uuid4())
    assert ids(first, "appointments") == {visits[1]["id"], visits[2]["id"]}
    assert date.fromisoformat(day(0)) == datetime.now(ZONE).date()
