"""The office's painel (`GET /api/dashboard`): counts, today's visits, the month's costs and the
weekly trend, scoped to the user's stores, in a constant number of queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.auth.models import Role
from server.cases.models import ServiceCase
from server.database import utcnow
from server.extensions import db
from tests.conftest import CPFS, counting, login, make_case, make_customer, make_user
from tests.test_appointments import visit
from tests.test_orders import file_occurrence, item

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def local_today() -> date:
    return datetime.now(SAO_PAULO).date()


def set_status(case: ServiceCase, status: str, closed_at: datetime | None = None) -> None:
    """Put a case in a status directly (the status flow has its own tests)."""
    row = db.session.get_one(ServiceCase, case.id)
    row.status = status
    row.closed_at = closed_at
    db.session.commit()


def painel(client: Any, query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/dashboard{query}")
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def test_counts_by_status_overdue_and_due_soon(as_scheduler, scheduler, store, customer):
    now = utcnow()
    make_case(scheduler, customer)  # open, due in 30 days
    late = make_case(scheduler, customer, opened_at=now - timedelta(days=40))  # open, 10 days late
    soon = make_case(scheduler, customer, opened_at=now - timedelta(days=25))  # due in 5 days
    set_status(soon, "scheduled")
    set_status(make_case(scheduler, customer), "in_service")
    set_status(make_case(scheduler, customer), "pending")
    # Finished cases are neither counted nor late, however old.
    set_status(make_case(scheduler, customer, opened_at=now - timedelta(days=90)), "closed", now)
    set_status(make_case(scheduler, customer, opened_at=now - timedelta(days=90)), "cancelled", now)
    assert late.overdue

    data = painel(as_scheduler)

    assert data["counts"] == {
        "open": 2,
        "scheduled": 1,
        "in_service": 1,
        "pending": 1,
        "overdue": 1,
        "due_soon": 1,
    }
    assert data["due_soon_days"] == 7
    assert data["store_ids"] == [store.id]
    assert data["today"] == local_today().isoformat()


def test_another_stores_data_is_never_counted(app, as_scheduler, scheduler, store, other_store, customer):
    other_scheduler = make_user(Role.SCHEDULER, [other_store])
    other_customer = make_customer(other_store, document=CPFS[1])
    for _ in range(3):
        make_case(other_scheduler, other_customer)
    make_case(scheduler, customer)

    assert painel(as_scheduler)["counts"]["open"] == 1
    assert painel(login(app, other_scheduler))["counts"]["open"] == 3
    # A store the user is not in is a 404, as everywhere else.
    response = as_scheduler.get(f"/api/dashboard?store_id={other_store.id}")
    assert response.status_code == 404
    assert painel(as_scheduler, f"?store_id={store.id}")["counts"]["open"] == 1


def test_technicians_may_not_read_the_painel(as_technician):
    response = as_technician.get("/api/dashboard")
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"


def test_todays_visits_are_grouped_per_technician(
    as_scheduler, scheduler, technician, other_technician, store, customer
):
    case = make_case(scheduler, customer)
    today = local_today().isoformat()
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    for assignee, start, end, day in [
        (technician, "14:00", "15:00", today),
        (technician, "09:00", "10:00", today),
        (other_technician, "11:00", "12:00", today),
        (technician, "09:00", "10:00", tomorrow),  # not today
    ]:
        body = visit(case, assignee, start, end, day=day)
        assert as_scheduler.post(f"/api/cases/{case.id}/appointments", json=body).status_code == 201
    cancelled = as_scheduler.post(
        f"/api/cases/{case.id}/appointments", json=visit(case, other_technician, "15:00", "16:00", day=today)
    ).json
    assert (
        as_scheduler.post(f"/api/appointments/{cancelled['id']}/cancel", json={"reason": "Cliente viajou."}).status_code
        == 200
    )

    days = painel(as_scheduler)["visits_today"]

    # Sorted by technician name: Otávio before Tiago; each technician's visits by time.
    assert [d["technician"]["name"] for d in days] == ["Otávio Técnico", "Tiago Técnico"]
    assert [d["total"] for d in days] == [1, 2]
    tiago = days[1]
    assert [v["starts_at"][11:16] for v in tiago["visits"]] == ["09:00", "14:00"]
    assert tiago["visits"][0]["case_number"] == case.number
    assert tiago["visits"][0]["customer_name"] == customer.name
    assert tiago["visits"][0]["starts_at"].endswith("-03:00")  # the store's clock
    assert tiago["done"] == 0


def test_costs_by_payer_this_month_round_each_line_like_the_case(as_scheduler, as_outsider, scheduler, customer):
    case = make_case(scheduler, customer)
    file_occurrence(as_scheduler, case, item("Dobradiça", "1.5", unit_cost="33.33"), payer="factory")  # 49.995 → 50.00
    file_occurrence(
        as_scheduler, case, item("Puxador", "2", unit_cost="10.10"), item("Parafuso", "3"), payer="store"
    )  # 20.20 and one item without cost

    costs = painel(as_scheduler)["costs_month"]

    assert costs["month"] == local_today().strftime("%Y-%m")
    assert costs["by_payer"] == {"store": "20.20", "factory": "50.00", "customer": "0.00", "carrier": "0.00"}
    assert costs["total"] == "70.20"
    assert costs["items_without_cost"] == 1
    assert as_scheduler.get(f"/api/cases/{case.id}/costs").json["by_payer"]["factory"] == "50.00"
    assert painel(as_outsider)["costs_month"]["total"] == "0.00"


def test_weekly_trend_counts_opened_and_closed_per_monday_week(as_scheduler, scheduler, customer):
    now = utcnow()
    make_case(scheduler, customer)  # this week
    make_case(scheduler, customer, opened_at=now - timedelta(days=14))  # two weeks ago
    make_case(scheduler, customer, opened_at=now - timedelta(days=70))  # before the 8 weeks
    set_status(make_case(scheduler, customer, opened_at=now - timedelta(days=25)), "closed", now)
    set_status(make_case(scheduler, customer), "cancelled", now)  # opened this week, not "closed"

    weeks = painel(as_scheduler)["weekly"]

    assert len(weeks) == 8
    starts = [date.fromisoformat(w["week_start"]) for w in weeks]
    assert all(day.weekday() == 0 for day in starts)
    assert starts == sorted(starts) and starts[-1] <= local_today() < starts[-1] + timedelta(days=7)
    assert weeks[-1] == {"week_start": starts[-1].isoformat(), "opened": 2, "closed": 1}
    assert weeks[-3]["opened"] == 1
    assert sum(w["opened"] for w in weeks) == 4  # the 70-day-old case is out of range
    assert sum(w["closed"] for w in weeks) == 1


def test_the_painel_costs_the_same_queries_for_few_and_many_records(
    app, as_scheduler, scheduler, technician, store, customer
):
    def grow(n: int) -> None:
        for i in range(n):
            case = make_case(scheduler, customer, assignee_id=technician.id)
            body = visit(
                case, technician, f"{8 + i % 10:02d}:00", f"{8 + i % 10:02d}:30", day=local_today().isoformat()
            )
            body["allow_overlap"] = True
            assert as_scheduler.post(f"/api/cases/{case.id}/appointments", json=body).status_code == 201
            file_occurrence(as_scheduler, case, item("Dobradiça", "1", unit_cost="5.00"))

    def statements() -> int:
        with counting() as seen:
            painel(as_scheduler)
        return len(seen)

    grow(2)
    few = statements()
    grow(12)
    assert painel(as_scheduler)["visits_today"][0]["total"] == 14
    assert statements() == few
