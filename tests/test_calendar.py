"""The technician's calendar feed: revocable secret URLs and the .ics body calendar apps subscribe to."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import select

from server.appointments.models import Appointment, CalendarToken
from server.auth.models import Role, User
from server.cases.models import ServiceCase
from server.database import soft_delete
from server.extensions import db
from server.stores.models import Store
from tests.conftest import CPFS, ApiClient, counting, login, make_case, make_customer, make_store, make_user

PHONE = "11987654321"
EMAIL = "maria.souza@cliente.test"


def soon(days: float = 1, hour: int = 12) -> datetime:
    """A whole-second UTC instant `days` from today (iCalendar keeps no fractions of a second)."""
    today = datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days)


def visit(case: ServiceCase, assignee: User, starts_at: datetime, hours: float = 2, **data: Any) -> Appointment:
    """An appointment written with the ORM (the appointments API is built elsewhere)."""
    appointment = Appointment(
        store_id=case.store_id,
        case_id=case.id,
        assignee_id=assignee.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        status=data.pop("status", "scheduled"),
        subject=data.pop("subject", "Troca de porta"),
        **data,
    )
    db.session.add(appointment)
    db.session.commit()
    return appointment


def feed_url(client: ApiClient, user_id: int | None = None) -> str:
    query = f"?user_id={user_id}" if user_id is not None else ""
    response = client.post(f"/api/calendar/token{query}")
    assert response.status_code == 201, response.json
    url: str = response.json["url"]
    return url.removeprefix("http://localhost")


def events(client: ApiClient, url: str) -> list[Any]:
    response = client.get(url)
    assert response.status_code == 200, response.data
    return list(Calendar.from_ical(response.data).walk("VEVENT"))


def uids(appointments: list[Appointment]) -> set[str]:
    return {f"appointment-{a.id}@assistec" for a in appointments}


@pytest.fixture
def maria(store: Store) -> Any:
    return make_customer(store, name="Maria Souza", document=CPFS[2], phones=[PHONE], email=EMAIL)


@pytest.fixture
def maria_case(scheduler: User, maria: Any, technician: User) -> ServiceCase:
    return make_case(scheduler, maria, assignee_id=technician.id)


# --- tokens -------------------------------------------------------------------------------


def test_a_technician_gets_an_absolute_feed_url_whose_secret_is_stored_hashed(
    as_technician: ApiClient, technician: User
) -> None:
    """POST /api/calendar/token answers 201 with an absolute .ics URL; the row keeps only its SHA-256."""
    response = as_technician.post("/api/calendar/token")
    assert response.status_code == 201, response.json
    token = response.json["token"]
    assert len(token) >= 43
    assert response.json["url"] == f"http://localhost/api/calendar/{token}.ics"
    row = db.session.get(CalendarToken, technician.id)
    assert row is not None
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash


def test_anonymous_cannot_issue_or_revoke_a_token(client: ApiClient) -> None:
    """Token management needs a session: 401 problem+json."""
    for method in ("POST", "DELETE"):
        response = client.open("/api/calendar/token", method=method)
        assert response.status_code == 401, method
        assert response.content_type == "application/problem+json"


def test_a_scheduler_manages_no_feed_tokens(as_scheduler: ApiClient, technician: User) -> None:
    """Schedulers have no agenda of their own and may not issue a technician's URL: 403."""
    assert as_scheduler.post("/api/calendar/token").status_code == 403
    assert as_scheduler.post(f"/api/calendar/token?user_id={technician.id}").status_code == 403
    assert db.session.get(CalendarToken, technician.id) is None


def test_a_technician_cannot_issue_another_technicians_url(as_technician: ApiClient, other_technician: User) -> None:
    """Only an admin names another user: 403, and no token row appears for them."""
    response = as_technician.post(f"/api/calendar/token?user_id={other_technician.id}")
    assert response.status_code == 403
    assert db.session.get(CalendarToken, other_technician.id) is None


def test_an_admin_issues_a_url_for_a_technician_of_their_store_only(
    app: Flask, as_admin: ApiClient, technician: User, scheduler: User, other_store: Store, client: ApiClient
) -> None:
    """Admin + user_id works for a technician of the admin's store; another store's technician,
    a non-technician or an unknown id is 404; an admin without user_id is 422."""
    url = feed_url(as_admin, technician.id)
    assert client.get(url).status_code == 200
    assert db.session.get(CalendarToken, technician.id) is not None

    stranger = make_user(Role.TECHNICIAN, [other_store], "longe@assistec.test")
    for user_id in (stranger.id, scheduler.id, 999_999):
        response = as_admin.post(f"/api/calendar/token?user_id={user_id}")
        assert response.status_code == 404, user_id
        assert response.content_type == "application/problem+json"
    assert db.session.get(CalendarToken, stranger.id) is None

    response = as_admin.post("/api/calendar/token")
    assert response.status_code == 422
    assert "user_id" in response.json["errors"]

    assert as_admin.delete(f"/api/calendar/token?user_id={technician.id}").status_code == 204
    assert client.get(url).status_code == 404


def test_rotating_the_token_makes_the_old_url_404(
    as_technician: ApiClient, client: ApiClient, technician: User
) -> None:
    """A second POST replaces the secret: the old URL is 404 problem+json, the new one 200."""
    old = feed_url(as_technician)
    assert client.get(old).status_code == 200
    new = feed_url(as_technician)
    assert new != old
    response = client.get(old)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert client.get(new).status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(CalendarToken)) == 1


def test_revoking_the_token_makes_the_url_404(as_technician: ApiClient, client: ApiClient) -> None:
    """DELETE answers 204 and the URL stops working; revoking again is still 204."""
    url = feed_url(as_technician)
    assert client.get(url).status_code == 200
    assert as_technician.delete("/api/calendar/token").status_code == 204
    assert client.get(url).status_code == 404
    assert as_technician.delete("/api/calendar/token").status_code == 204


def test_a_deactivated_technicians_feed_is_404(
    as_technician: ApiClient, as_admin: ApiClient, client: ApiClient, technician: User
) -> None:
    """Once the admin deactivates the technician, their feed answers 404."""
    url = feed_url(as_technician)
    assert client.get(url).status_code == 200
    response = as_admin.patch(f"/api/users/{technician.id}", json={"active": False})
    assert response.status_code == 200, response.json
    response = client.get(url)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_reactivating_a_technician_does_not_revive_the_old_url(
    as_technician: ApiClient, as_admin: ApiClient, client: ApiClient, technician: User
) -> None:
    """Deactivation revokes the feed token; after reactivation the old URL stays dead."""
    url = feed_url(as_technician)
    assert as_admin.patch(f"/api/users/{technician.id}", json={"active": False}).status_code == 200
    assert as_admin.patch(f"/api/users/{technician.id}", json={"active": True}).status_code == 200
    assert client.get(url).status_code == 404


def test_a_garbage_token_is_404(client: ApiClient) -> None:
    """Unknown, empty-looking and oversized tokens all answer 404 problem+json."""
    for token in ("nao-existe", "x" * 43, "a" * 500):
        response = client.get(f"/api/calendar/{token}.ics")
        assert response.status_code == 404, token
        assert response.content_type == "application/problem+json"


# --- the feed -----------------------------------------------------------------------------


def test_the_feed_has_one_event_per_upcoming_live_visit_of_the_technician(
    as_technician: ApiClient,
    client: ApiClient,
    technician: User,
    other_technician: User,
    maria_case: ServiceCase,
) -> None:
    """Upcoming scheduled/confirmed/in-progress visits are listed; another technician's, cancelled,
    done, past, far-future, deleted and other calendar types are not."""
    listed = [
        visit(maria_case, technician, soon(1)),
        visit(maria_case, technician, soon(3), status="confirmed"),
        visit(maria_case, technician, soon(0, hour=0), hours=1, status="in_progress"),  # ended hours ago at most
        visit(maria_case, technician, soon(30), status="rescheduled"),
    ]
    visit(maria_case, other_technician, soon(1, hour=15))
    visit(maria_case, technician, soon(2), status="cancelled", cancel_reason="Cliente viajou.")
    visit(maria_case, technician, soon(2, hour=15), status="done")
    visit(maria_case, technician, soon(-3))
    visit(maria_case, technician, soon(120))
    visit(maria_case, technician, soon(4), calendar_type="store_meeting")
    deleted = visit(maria_case, technician, soon(5))
    soft_delete(deleted)
    db.session.commit()

    found = events(client, feed_url(as_technician))
    in_order = sorted(listed, key=lambda a: a.starts_at)
    assert [str(e["uid"]) for e in found] == [f"appointment-{a.id}@assistec" for a in in_order]
    assert {str(e["uid"]) for e in found} == uids(listed)
    assert len(found) == len(listed)
    statuses = {str(e["uid"]): str(e["status"]) for e in found}
    assert statuses[f"appointment-{listed[0].id}@assistec"] == "TENTATIVE"
    assert statuses[f"appointment-{listed[1].id}@assistec"] == "CONFIRMED"


def test_event_times_are_the_stored_utc_instants_written_with_z(app: Flask, scheduler: User, client: ApiClient) -> None:
    """DTSTART/DTEND equal the stored instants, as UTC ('Z'), also for a store in America/Manaus."""
    manaus = make_store("Loja Manaus", cnpj=None, timezone="America/Manaus")
    tech = make_user(Role.TECHNICIAN, [manaus], "manaus@assistec.test", name="Téo Manaus")
    office = make_user(Role.SCHEDULER, [manaus], "of.manaus@assistec.test")
    case = make_case(office, make_customer(manaus, name="Ana Lima"), assignee_id=tech.id)
    starts_at = soon(2, hour=13).replace(minute=30)
    appointment = visit(case, tech, starts_at, hours=1.5)

    response = client.get(feed_url(login(app, tech)))
    assert response.status_code == 200
    [found] = Calendar.from_ical(response.data).walk("VEVENT")
    assert found.decoded("dtstart") == appointment.starts_at
    assert found.decoded("dtend") == appointment.ends_at
    assert found.decoded("dtstart").utcoffset() == timedelta(0)
    body = response.data.decode()
    assert f"DTSTART:{starts_at:%Y%m%dT%H%M%S}Z" in body
    assert f"DTEND:{starts_at + timedelta(hours=1.5):%Y%m%dT%H%M%S}Z" in body


def test_event_text_names_case_customer_address_and_subject(
    as_technician: ApiClient, client: ApiClient, technician: User, maria_case: ServiceCase
) -> None:
    """SUMMARY is "<case number> — <customer>", LOCATION the service address in one line,
    DESCRIPTION the subject and case number; the calendar is named after the technician."""
    visit(maria_case, technician, soon(1), subject="Troca de porta")
    response = client.get(feed_url(as_technician))
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["x-wr-calname"]) == "Assistec — Tiago Técnico"
    assert str(calendar["version"]) == "2.0"
    assert "Assistec" in str(calendar["prodid"])
    [found] = calendar.walk("VEVENT")
    assert str(found["summary"]) == f"{maria_case.number} — Maria Souza"
    assert maria_case.number.startswith("AT-")
    assert str(found["location"]) == "Avenida Paulista, 1000, Apto 42 — Bela Vista, São Paulo/SP"
    description = str(found["description"])
    assert "Troca de porta" in description
    assert maria_case.number in description


def test_the_feed_reveals_no_cpf_phone_email_or_notes(
    as_technician: ApiClient, client: ApiClient, technician: User, maria_case: ServiceCase
) -> None:
    """No more personal data than needed: the customer's CPF, phone and e-mail and the visit's
    notes appear nowhere in the body, in any common formatting."""
    visit(maria_case, technician, soon(1), notes="Portão com código 4321; cliente só à tarde.")
    body = client.get(feed_url(as_technician)).data.decode()
    assert "Maria Souza" in body  # the body is really the one with the visit
    cpf = CPFS[2]
    for secret in (
        cpf,
        f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}",
        PHONE,
        PHONE[2:],
        "98765-4321",
        EMAIL,
        "Portão com código",
        "4321",
        technician.email,
    ):
        assert secret not in body, secret
    assert "Porta do armário desalinhada" not in body  # the complaint stays in the app too


def test_an_edited_visit_keeps_its_uid_and_gets_a_higher_sequence(
    as_technician: ApiClient, client: ApiClient, technician: User, maria_case: ServiceCase
) -> None:
    """Moving a visit keeps its UID, updates DTSTART and raises SEQUENCE so calendar apps update it."""
    appointment = visit(maria_case, technician, soon(1))
    url = feed_url(as_technician)
    [before] = events(client, url)
    moved = soon(2)
    appointment.starts_at = moved
    appointment.ends_at = moved + timedelta(hours=1)
    db.session.commit()
    [after] = events(client, url)
    assert str(after["uid"]) == str(before["uid"])
    assert after.decoded("dtstart") == moved
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("last-modified") >= before.decoded("last-modified")


def test_visits_in_each_of_the_technicians_stores_are_listed(
    app: Flask, technician: User, maria_case: ServiceCase, client: ApiClient
) -> None:
    """A technician of two stores sees both stores' visits in one feed."""
    branch = make_store("Loja Filial", cnpj=None)
    technician.stores = [*technician.stores, branch]
    db.session.commit()
    office = make_user(Role.SCHEDULER, [branch], "filial@assistec.test")
    branch_case = make_case(office, make_customer(branch, name="João Pereira"), assignee_id=technician.id)
    listed = [visit(maria_case, technician, soon(1)), visit(branch_case, technician, soon(2))]
    found = events(client, feed_url(login(app, technician)))
    assert {str(e["uid"]) for e in found} == uids(listed)
    assert {str(e["summary"]) for e in found} == {
        f"{maria_case.number} — Maria Souza",
        f"{branch_case.number} — João Pereira",
    }


def test_the_feed_is_text_calendar_and_not_for_shared_caches(
    as_technician: ApiClient, client: ApiClient, technician: User, maria_case: ServiceCase
) -> None:
    """text/calendar; charset=utf-8, Cache-Control private (never public), no cookie set;
    a repeat with the ETag is a 304."""
    visit(maria_case, technician, soon(1))
    url = feed_url(as_technician)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    cache_control = response.headers["Cache-Control"]
    assert "private" in cache_control or "no-store" in cache_control
    assert "public" not in cache_control
    assert "Set-Cookie" not in response.headers
    assert response.headers["ETag"]
    repeat = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert repeat.status_code == 304
    assert repeat.data == b""


def test_the_feed_runs_a_constant_number_of_queries(
    app: Flask, as_technician: ApiClient, client: ApiClient, scheduler: User, technician: User, store: Store
) -> None:
    """One visit or eight (each on its own case and customer): the same number of SQL statements."""
    url = feed_url(as_technician)

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            customer = make_customer(store, name=f"Cliente {i:02d}")
            visit(make_case(scheduler, customer, assignee_id=technician.id), technician, soon(1 + i))

    grow(0, 1)
    with counting() as few:
        assert len(events(client, url)) == 1
    grow(1, 8)
    with counting() as many:
        assert len(events(client, url)) == 8
    assert len(many) == len(few), many
