"""The office's Agenda (issue 9, item 4): FullCalendar's week and day views of every technician's
visits. A scheduler books a visit by selecting a slot (the technician's phone has it after a
sync), drags a visit onto another visit of the same technician (the double-booking dialog:
cancel puts it back, confirm books the "encaixe"), and opens a visit to see whether its
technician was notified. Drags use Playwright's mouse (FullCalendar listens to pointer events)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .harness import (
    DIST,
    SCHEDULER,
    STORE_TZ,
    Backend,
    Office,
    Phone,
    hhmm,
    store_today,
)
from .office import DESKTOP, TABLET, api_calls, check, office_login
from .technician import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(browser: Browser, backend: Backend) -> Iterator[Page]:
    """The scheduler's desktop browser, logged in (on the painel). Its clock is Tokyo's, 12 hours
    from the store's: the Agenda must show and send the store's times whatever the browser's zone."""
    page = office_login(browser, backend, SCHEDULER, timezone_id="Asia/Tokyo")
    yield page
    page.context.close()


def open_agenda(desk: Page, query: str = "") -> None:
    desk.get_by_role("link", name="Agenda", exact=True).click()
    expect(desk.get_by_role("heading", name="Agenda", exact=True)).to_be_visible()
    if query:
        desk.goto(f"/escritorio/agenda{query}")
    expect(desk.get_by_test_id("calendar-status")).to_contain_text("neste período")


def lane(desk: Page, at: str) -> Locator:
    """The day view's row for a time of day ("18:00"), scrolled into the calendar's view."""
    row = desk.locator(f'td.fc-timegrid-slot-lane[data-time="{at}:00"]')
    row.scroll_into_view_if_needed()
    return row


def drag(desk: Page, source: Locator, target: Locator, to_end: bool = False) -> None:
    """Press near the top of `source`, move in steps (FullCalendar needs real pointer moves) to the
    top of `target`'s row (or its bottom: `to_end`), release."""
    source.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    assert start is not None and end is not None
    x = start["x"] + start["width"] / 2
    desk.mouse.move(x, start["y"] + 4)
    desk.mouse.down()
    desk.mouse.move(x, start["y"] + 14, steps=4)
    desk.mouse.move(end["x"] + end["width"] / 2, end["y"] + (end["height"] - 4 if to_end else 4), steps=12)
    desk.mouse.up()


def event(desk: Page, visit_id: int) -> Locator:
    return desk.locator(f'[data-testid="visit-event"][data-visit-id="{visit_id}"]')


def open_case_without_visits(office: Office, skip: tuple[int, ...] = ()) -> dict[str, Any]:
    case: dict[str, Any] = next(
        c for c in office.get("/api/cases?status=open&limit=100")["items"] if c["id"] not in skip
    )
    return case


def local(instant: str) -> datetime:
    return datetime.fromisoformat(instant).astimezone(STORE_TZ)


def test_a_visit_booked_from_a_slot_reaches_the_technicians_phone(desk: Page, office: Office, phone: Phone) -> None:
    technician = office.technician()
    case = open_case_without_visits(office)
    mobile = phone.launch()
    log_in(mobile)

    # FullCalendar is its own office chunk, fetched when the Agenda opens: not by the painel.
    [calendar_chunk] = [p.name for p in (DIST / "assets").glob("office-*.js") if "fc-timegrid" in p.read_text()]
    loaded = "() => performance.getEntriesByType('resource').map((r) => r.name)"
    assert not [url for url in desk.evaluate(loaded) if calendar_chunk in url]
    calls = api_calls(desk)
    open_agenda(desk)
    assert [url for url in desk.evaluate(loaded) if calendar_chunk in url]
    expect(desk).to_have_url(re.compile(r"/escritorio/agenda\?data=\d{4}-\d{2}-\d{2}$"))
    # The week: the technicians, the types and the visits in one page — nothing per day or visit.
    assert sorted(c.split("?")[0] for c in calls) == [
        "GET /api/appointments",
        "GET /api/catalogs/appointment_types",
        "GET /api/catalogs/rooms",
        "GET /api/users",
    ]
    expect(desk.get_by_test_id("visit-event").first).to_be_visible()
    check(desk, "office-agenda-semana-1280")
    desk.set_viewport_size(TABLET)  # a tablet: the week still fits, no horizontal scrolling
    desk.wait_for_function(  # FullCalendar re-measures on the window's resize event
        "() => document.querySelector('.fc-col-header').getBoundingClientRect().right <= window.innerWidth"
    )
    check(desk, "office-agenda-semana-768")
    desk.set_viewport_size(DESKTOP)

    # The day view of today, only this technician: kept in the URL.
    desk.get_by_label("Técnico", exact=True).select_option(label=technician["name"])
    expect(desk).to_have_url(re.compile(rf"tecnico={technician['id']}"))
    desk.get_by_role("button", name="Dia", exact=True).click()
    expect(desk).to_have_url(re.compile(rf"tecnico={technician['id']}&visao=dia&data={store_today()}$"))
    expect(desk.get_by_test_id("calendar-status")).to_contain_text("neste período")
    check(desk, "office-agenda-dia-1280")

    drag(desk, lane(desk, "18:00"), lane(desk, "18:30"), to_end=True)  # select 18:00–19:00
    dialog = desk.get_by_test_id("new-visit")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Início")).to_have_value(f"{store_today()}T18:00")
    expect(dialog.get_by_label("Fim")).to_have_value(f"{store_today()}T19:00")
    expect(dialog.get_by_label("Técnico")).to_have_value(str(technician["id"]))
    dialog.get_by_role("button", name="Agendar visita").click()  # no case yet
    expect(dialog.locator("#cal-case-search-error")).to_contain_text("Escolha a assistência")
    dialog.get_by_label("Assistência", exact=True).fill(case["number"])
    dialog.get_by_label("Assistência", exact=True).press("Enter")
    dialog.get_by_role("button", name=f"Escolher {case['number']}").click()
    expect(dialog.get_by_test_id("chosen-case")).to_contain_text(case["number"])
    dialog.get_by_label("Tipo de visita").select_option(label="Reparo")
    dialog.get_by_label("Assunto (opcional)").fill("Regular as portas do roupeiro")
    dialog.get_by_role("button", name="Agendar visita").click()
    expect(dialog).to_have_count(0)
    expect(desk.get_by_test_id("calendar-message")).to_contain_text(f"Visita agendada: {case['number']}")

    [visit] = office.get(f"/api/cases/{case['id']}/appointments")
    assert visit["assignee"]["id"] == technician["id"]
    assert visit["appointment_type"]["name"] == "Reparo"
    assert (hhmm(visit["starts_at"]), hhmm(visit["ends_at"])) == ("18:00", "19:00")
    assert local(visit["starts_at"]).date().isoformat() == store_today()
    expect(event(desk, visit["id"])).to_contain_text(case["number"])

    # The technician's phone, another browser: the visit is on the agenda after a sync.
    mobile.get_by_test_id("sync-button").click()
    card = mobile.locator(f'a[href="/visita/{visit["id"]}"]')
    expect(card).to_contain_text("18:00–19:00")
    expect(card).to_contain_text(case["customer"]["name"])

    # The month view, kept in the URL; a day picked there opens the booking form at 08:00.
    desk.get_by_role("button", name="Mês").click()
    expect(desk).to_have_url(re.compile(r"visao=mes"))
    expect(desk.get_by_test_id("calendar-status")).to_contain_text("neste período")
    desk.locator(f'td.fc-daygrid-day[data-date="{store_today()}"] .fc-daygrid-day-top').click()
    dialog = desk.get_by_test_id("new-visit")
    expect(dialog.get_by_label("Início")).to_have_value(f"{store_today()}T08:00")
    expect(dialog.get_by_label("Fim")).to_have_value(f"{store_today()}T09:30")
    dialog.get_by_role("button", name="Fechar").click()
    expect(dialog).to_have_count(0)


def test_dragging_onto_another_visit_asks_cancel_reverts_confirm_books_the_overlap(desk: Page, office: Office) -> None:
    technician = office.technician()
    first_case = open_case_without_visits(office)
    second_case = open_case_without_visits(office, skip=(first_case["id"],))
    day = (date.fromisoformat(store_today()) + timedelta(days=21)).isoformat()  # past the demo's visits
    vistoria = next(t for t in office.get("/api/catalogs/appointment_types") if t["name"] == "Vistoria")

    def book(case: dict[str, Any], start: str, end: str) -> dict[str, Any]:
        visit: dict[str, Any] = office.post(
            f"/api/cases/{case['id']}/appointments",
            {
                "appointment_type_id": vistoria["id"],
                "assignee_id": technician["id"],
                "starts_at": f"{day}T{start}:00",
                "ends_at": f"{day}T{end}:00",
            },
        )
        return visit

    staying = book(first_case, "09:00", "10:30")
    moving = book(second_case, "11:00", "12:00")
    open_agenda(desk, f"?visao=dia&data={day}")
    expect(desk.get_by_test_id("visit-event")).to_have_count(2)

    # Onto 09:30: the technician is at the other visit then.
    drag(desk, event(desk, moving["id"]), lane(desk, "09:30"))
    conflict = desk.get_by_test_id("conflict-dialog")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(f"{technician['name']} já tem compromisso neste horário")
    expect(conflict.get_by_test_id("conflict-list")).to_contain_text(
        f"{first_case['number']}, {day[8:10]}/{day[5:7]}/{day[:4]} das 09:00 às 10:30"
    )
    # The case number is never split at its hyphens (it sits in an unbreakable span).
    expect(conflict.get_by_role("alert").locator(".nowrap", has_text=first_case["number"])).to_have_count(1)
    check(desk, "office-agenda-conflito-1280", moderate=True)
    conflict.get_by_role("button", name="Cancelar").click()
    expect(conflict).to_have_count(0)
    expect(desk.get_by_test_id("calendar-message")).to_contain_text("mantida como estava")
    expect(event(desk, moving["id"])).to_contain_text("11:00")
    unchanged = office.get(f"/api/appointments/{moving['id']}")
    assert (hhmm(unchanged["starts_at"]), unchanged["status"]) == ("11:00", "scheduled")

    # Again, and confirm the "encaixe".
    drag(desk, event(desk, moving["id"]), lane(desk, "09:30"))
    expect(conflict).to_be_visible()
    conflict.get_by_role("button", name="Agendar mesmo assim (encaixe)").click()
    expect(desk.get_by_test_id("calendar-message")).to_contain_text("(encaixe)")
    expect(event(desk, moving["id"])).to_contain_text("09:30")
    moved = office.get(f"/api/appointments/{moving['id']}")
    assert (hhmm(moved["starts_at"]), hhmm(moved["ends_at"])) == ("09:30", "10:30")
    assert local(moved["starts_at"]).date().isoformat() == day
    assert moved["allow_overlap"] is True
    assert moved["status"] == "rescheduled"
    assert office.get(f"/api/appointments/{staying['id']}")["starts_at"] == staying["starts_at"]

    # Dropped on another technician's chip in the legend: the visit is theirs now, same time.
    other = next(t for t in office.get("/api/users?role=technician") if t["id"] != technician["id"])
    desk.evaluate("() => window.scrollTo(0, 0)")
    drag(desk, event(desk, moving["id"]), desk.locator(f'.cal-chip[data-technician-id="{other["id"]}"]'))
    expect(desk.get_by_test_id("calendar-message")).to_contain_text(f"transferida: {other['name']}")
    transferred = office.get(f"/api/appointments/{moving['id']}")
    assert transferred["assignee"]["id"] == other["id"]
    assert transferred["starts_at"] == moved["starts_at"]


def test_a_visit_shows_whether_its_technician_was_notified_and_can_be_cancelled(desk: Page, office: Office) -> None:
    technician = office.technician()
    case = open_case_without_visits(office)
    today = store_today()
    vistoria = next(t for t in office.get("/api/catalogs/appointment_types") if t["name"] == "Vistoria")
    visit = office.post(
        f"/api/cases/{case['id']}/appointments",
        {
            "appointment_type_id": vistoria["id"],
            "assignee_id": technician["id"],
            "starts_at": f"{today}T19:00:00",
            "ends_at": f"{today}T20:00:00",
            "allow_overlap": True,
        },
    )
    # What the server recorded: the technician has not turned notifications on.
    notices = office.get(f"/api/appointments/{visit['id']}/notifications")
    assert [(n["kind"], n["status"], n["recipient"]["id"]) for n in notices] == [
        ("assigned", "no_devices", technician["id"])
    ]

    calls = api_calls(desk)
    open_agenda(desk, f"?visao=dia&data={today}")
    expect(event(desk, visit["id"])).to_be_visible()
    assert [c for c in calls if "/notifications" in c] == []  # not asked per visit
    event(desk, visit["id"]).click()
    detail = desk.get_by_test_id("visit-detail")
    expect(detail).to_be_visible()
    expect(detail.get_by_test_id("notice-summary")).to_contain_text("Técnico sem notificações ativadas")
    expect(detail.get_by_test_id("visit-status")).to_contain_text("Agendado")
    expect(detail.get_by_test_id("visit-district")).to_contain_text(case["service_address"]["district"])
    expect(detail.get_by_test_id("visit-calendar-type")).to_have_text("Assistência Técnica")
    expect(detail.get_by_role("link", name=f"Abrir a assistência {case['number']}")).to_have_attribute(
        "href", f"/escritorio/assistencias/{case['id']}"
    )
    assert [c for c in calls if "/notifications" in c] == [f"GET /api/appointments/{visit['id']}/notifications"]
    check(desk, "office-agenda-visita-1280")

    # From the keyboard: "Transferir para…" another technician; the detail shows the new notice.
    other = next(t for t in office.get("/api/users?role=technician") if t["id"] != technician["id"])
    detail.get_by_label("Transferir para…").select_option(label=other["name"])
    detail.get_by_role("button", name="Transferir").press("Enter")
    expect(desk.get_by_test_id("calendar-message")).to_contain_text(f"Visita {case['number']} alterada")
    assert office.get(f"/api/appointments/{visit['id']}")["assignee"]["id"] == other["id"]
    expect(detail.get_by_test_id("notice-summary")).to_contain_text("Técnico sem notificações ativadas")
    expect(detail).to_contain_text(other["name"])

    # Cancelled with a reason: the visit leaves the calendar (cancelled ones are hidden by default).
    detail.get_by_label("Motivo do cancelamento").fill("Cliente viajou")
    detail.get_by_role("button", name="Cancelar visita").click()
    expect(detail.get_by_test_id("visit-status")).to_contain_text("Cancelad")
    cancelled = office.get(f"/api/appointments/{visit['id']}")
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "Cliente viajou")
    expect(detail.get_by_role("button", name="Cancelar visita")).to_have_count(0)
    expect(event(desk, visit["id"])).to_have_count(0)

    detail.get_by_role("link", name=f"Abrir a assistência {case['number']}").click()
    expect(desk).to_have_url(re.compile(rf"/escritorio/assistencias/{case['id']}$"))


def test_nova_visita_books_a_confirmed_visit_across_midnight_with_notes_and_room(desk: Page, office: Office) -> None:
    """From the calendar's "Nova visita": 22:00 to 01:00 the next day, Situação Confirmado, an
    Observação and an Ambiente; the Tipo de Agenda starts as Assistência Técnica."""
    technician = office.technician()
    case = open_case_without_visits(office)
    day = date.fromisoformat(store_today()) + timedelta(days=30)  # clear of the demo's visits
    following = day + timedelta(days=1)
    open_agenda(desk, f"?visao=dia&data={day.isoformat()}")
    desk.get_by_role("button", name="Nova visita").click()
    dialog = desk.get_by_test_id("new-visit")
    expect(dialog.get_by_label("Tipo de Agenda")).to_have_value("technical_assistance")
    dialog.get_by_label("Assistência", exact=True).fill(case["number"])
    dialog.get_by_label("Assistência", exact=True).press("Enter")
    dialog.get_by_role("button", name=f"Escolher {case['number']}").click()
    dialog.get_by_label("Situação").select_option(label="Confirmado")
    dialog.get_by_label("Técnico").select_option(str(technician["id"]))
    dialog.get_by_label("Início").fill(f"{day.isoformat()}T22:00")
    dialog.get_by_label("Fim").fill(f"{day.isoformat()}T21:00")
    dialog.get_by_role("button", name="Agendar visita").click()
    expect(dialog.locator("#f-ends_at")).to_have_attribute("aria-invalid", "true")
    dialog.get_by_label("Fim").fill(f"{following.isoformat()}T01:00")
    expect(dialog.locator("#f-ends_at")).not_to_have_attribute("aria-invalid", "true")  # cleared once changed
    dialog.get_by_label("Ambiente").select_option(label="Cozinha")
    dialog.get_by_label("Observação").fill("Cliente só está em casa à noite; portaria avisada.")
    check(desk, "office-agenda-nova-visita-1280", moderate=True)
    dialog.get_by_role("button", name="Agendar visita").click()
    expect(dialog).to_have_count(0)
    expect(desk.get_by_test_id("calendar-message")).to_contain_text(f"Visita agendada: {case['number']}")

    [visit] = office.get(f"/api/cases/{case['id']}/appointments")
    assert visit["status"] == "confirmed" and visit["calendar_type"] == "technical_assistance"
    assert local(visit["starts_at"]).replace(tzinfo=None) == datetime.combine(day, datetime.min.time()).replace(hour=22)
    assert local(visit["ends_at"]).replace(tzinfo=None) == datetime.combine(following, datetime.min.time()).replace(
        hour=1
    )
    assert visit["room"]["name"] == "Cozinha"
    assert visit["notes"] == "Cliente só está em casa à noite; portaria avisada."
    # On the grid too, on both sides of midnight: the day view spans the whole day.
    for shown in (day, following):
        desk.goto(f"/escritorio/agenda?visao=dia&data={shown.isoformat()}")
        expect(desk.get_by_test_id("calendar-status")).to_contain_text("neste período")
        block = event(desk, visit["id"])
        block.scroll_into_view_if_needed()
        expect(block).to_be_visible()
