"""`flask seed-demo`: the demo store is complete, consistent, usable through the API, and seeded once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import func, select
from stdnum.br import cnpj, cpf

from server.auth.models import User
from server.cases.models import FINISHED, CaseEvent, CaseStatus, ServiceCase
from server.contracts.models import Contract, ContractItem
from server.customers.models import Customer
from server.database import utcnow
from server.demo import PASSWORD
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.orders.models import PartsOrder
from server.stores.models import Store

LOGINS = {
    "Administrador": "admin@demo.assistec.com.br",
    "Atendimento": "atendimento@demo.assistec.com.br",
    "Técnico": "tecnico1@demo.assistec.com.br",
}
SECOND_TECHNICIAN = "tecnico2@demo.assistec.com.br"


def seed_demo(runner: Any) -> str:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, (result.output, result.exception)
    output: str = result.output
    return output


def counts() -> dict[str, int]:
    models = {
        "stores": Store,
        "users": User,
        "customers": Customer,
        "contracts": Contract,
        "contract_items": ContractItem,
        "cases": ServiceCase,
        "case_events": CaseEvent,
    }
    return {name: db.session.scalar(select(func.count()).select_from(model)) or 0 for name, model in models.items()}


def test_seed_demo_prints_the_logins(runner: Any) -> None:
    output = seed_demo(runner)
    for role, email in LOGINS.items():
        assert f"{role}: {email} / {PASSWORD}" in output
    assert f"Técnico: {SECOND_TECHNICIAN} / {PASSWORD}" in output
    assert "Loja Demo" in output.splitlines()[0]


def test_seed_demo_creates_a_realistic_store(runner: Any) -> None:
    seed_demo(runner)

    store = db.session.scalars(select(Store)).one()
    assert store.name == "Loja Demo"
    assert store.cnpj is not None
    assert cnpj.is_valid(store.cnpj)
    assert store.timezone == "America/Sao_Paulo"
    assert store.repair_deadline_days == 30
    users = db.session.scalars(select(User)).all()
    assert sorted(user.role for user in users) == ["admin", "scheduler", "technician", "technician"]
    assert all(user.store_ids == [store.id] for user in users)

    customers = db.session.scalars(select(Customer)).all()
    assert len(customers) >= 30
    documents = [c.document for c in customers]
    assert len(set(documents)) == len(documents)
    for customer in customers:
        assert customer.document is not None
        valid = cpf.is_valid if customer.document_type == "cpf" else cnpj.is_valid
        assert valid(customer.document), customer.document
        assert len(set(customer.document)) > 1
        assert customer.address is not None
        assert customer.address["state"] == "SP"
        assert len(customer.address["cep"]) == 8
        assert customer.address["cep"].isdigit()
        assert any(phone.startswith("119") and len(phone) == 11 for phone in customer.phones)
    assert {c.document_type for c in customers} == {"cpf", "cnpj"}
    assert any(c.assistance_only for c in customers)

    contracts = db.session.scalars(select(Contract)).all()
    assert len(contracts) > len(customers) / 2
    assert all(c.number.startswith("CT-2026-") and c.delivery_date and c.delivery_date.year == 2026 for c in contracts)
    items = db.session.scalars(select(ContractItem)).all()
    assert items
    assert all(item.room_id is not None and item.product_line_id is not None for item in items)


def test_seed_demo_covers_every_status_and_some_overdue_cases(runner: Any) -> None:
    seed_demo(runner)

    cases = db.session.scalars(select(ServiceCase)).all()
    assert len(cases) >= 40
    assert {case.status for case in cases} == {status.value for status in CaseStatus}
    now = utcnow()
    overdue = [c for c in cases if c.status not in FINISHED and c.due_at < now]
    assert overdue
    assert any(c.status not in FINISHED and c.due_at >= now for c in cases)
    assert all(c.opened_at <= now for c in cases)
    assert min(c.opened_at for c in cases) < now - timedelta(days=50)  # spread over two months
    assert any(c.assignee_id is not None for c in cases)
    assert any(c.contract_id is not None for c in cases)
    assert all(c.status_reason for c in cases if c.status != CaseStatus.OPEN.value)
    # Every case has its timeline, and the numbers are gap-free in opening order.
    assert db.session.scalar(select(func.count(func.distinct(CaseEvent.case_id)))) == len(cases)
    by_opening = sorted(cases, key=lambda c: c.opened_at)
    assert [c.number for c in by_opening] == sorted(c.number for c in cases)


def test_the_printed_scheduler_logs_in_and_opens_a_case(app: Flask, runner: Any) -> None:
    seed_demo(runner)
    customer_id = db.session.scalar(select(Customer.id).order_by(Customer.id).limit(1))

    client = app.test_client()
    login = client.post("/api/auth/login", json={"email": LOGINS["Atendimento"], "password": PASSWORD})
    assert login.status_code == 200, login.json
    assert login.json is not None
    response = client.post(
        "/api/cases",
        json={"customer_id": customer_id, "reported_issue": "Puxador solto na porta do armário."},
        headers={"X-CSRF-Token": login.json["csrf_token"]},
    )
    assert response.status_code == 201, response.json


def test_seeding_twice_changes_nothing(runner: Any) -> None:
    first = seed_demo(runner)
    before = counts()
    second = seed_demo(runner)

    assert counts() == before
    assert first.splitlines()[1:] == second.splitlines()[1:]  # the same logins, printed again
    assert "já existe" in second.splitlines()[0]


def test_each_scheduled_case_has_an_upcoming_visit_on_a_technicians_agenda(app: Flask, runner: Any) -> None:
    """The technicians open the app to a filled agenda: a visit per scheduled case, from today on,
    and each technician has visits today."""
    from server.appointments.models import Appointment

    seed_demo(runner)
    scheduled = set(db.session.scalars(select(ServiceCase.id).where(ServiceCase.status == CaseStatus.SCHEDULED)))
    visits = db.session.scalars(select(Appointment)).all()
    assert scheduled and {visit.case_id for visit in visits} == scheduled
    local = ZoneInfo("America/Sao_Paulo")
    today = utcnow().astimezone(local).date()
    assert all(visit.starts_at.astimezone(local).date() >= today for visit in visits)
    on_today = {visit.assignee_id for visit in visits if visit.starts_at.astimezone(local).date() == today}
    technicians = db.session.scalars(select(User.id).where(User.role == "technician")).all()
    assert on_today == set(technicians)
    client = app.test_client()
    login = client.post("/api/auth/login", json={"email": "tecnico1@demo.assistec.com.br", "password": PASSWORD})
    assert login.status_code == 200
    agenda = client.get("/api/appointments?assignee=me")
    assert agenda.status_code == 200 and len(agenda.json["items"]) > 0
    # Subjects are whole words: a long reported issue ends with "…", never mid-word.
    for visit in visits:
        issue = db.session.get_one(ServiceCase, visit.case_id).reported_issue
        shown = (visit.subject or "").removeprefix("Vistoria — ")
        assert shown == issue or (shown.endswith("…") and issue.startswith(shown[:-1])), (shown, issue)
        if shown != issue:
            assert issue[len(shown) - 1] in " ,;:.", (shown, issue)


def test_pending_cases_show_what_they_wait_for_with_costs_and_orders(app: Flask, runner: Any) -> None:
    """Each pending case has an unresolved occurrence with priced items, and its parts are on
    orders: the painel's costs of the month are not all zero, and more than one payer bears them."""
    seed_demo(runner)
    pending = db.session.scalars(select(ServiceCase).where(ServiceCase.status == CaseStatus.PENDING.value)).all()
    assert pending
    for case in pending:
        occurrences = db.session.scalars(select(Occurrence).where(Occurrence.case_id == case.id)).all()
        assert [o.resolved for o in occurrences] == [False]
        assert db.session.scalar(select(func.count()).select_from(PartsOrder).where(PartsOrder.case_id == case.id))

    scheduler = db.session.scalars(select(User).where(User.role == "scheduler")).one()
    client = app.test_client()
    client.post("/api/auth/login", json={"email": scheduler.email, "password": PASSWORD})
    costs = client.get("/api/dashboard").json["costs_month"]
    paying = [payer for payer, total in costs["by_payer"].items() if Decimal(total) > 0]
    assert len(paying) >= 2, costs
    suppliers = client.get("/api/suppliers").json
    assert len(suppliers) >= 3 and all(s["order_emails"] and s["kind"] for s in suppliers)
    labour = db.session.scalars(select(OccurrenceItem).where(OccurrenceItem.action == "adjust")).all()
    assert labour and all(item.order_id is None for item in labour)  # labour never goes on an order
    on_orders = db.session.scalars(select(PartsOrder)).all()
    assert all(order.supplier_id is not None for order in on_orders)


def test_the_demo_board_has_two_factories_with_claims_in_several_states(app: Flask, runner: Any) -> None:
    from server.claims.models import Claim

    seed_demo(runner)
    statuses = set(db.session.scalars(select(Claim.status)))
    assert {"draft", "sent", "partially_accepted", "credited", "closed"} <= statuses
    scheduler = db.session.scalars(select(User).where(User.role == "scheduler")).one()
    client = app.test_client()
    client.post("/api/auth/login", json={"email": scheduler.email, "password": PASSWORD})
    board = client.get("/api/claims/board").json
    assert len(board["factories"]) == 2
    assert any(row["overdue"] for row in board["factories"])
    assert Decimal(board["totals"]["received"]) > 0 and Decimal(board["totals"]["outstanding"]) > 0
    # Answered after 6 days; after 9 and 11 (one of them closed: its part kept in the factory's totals).
    assert sorted(row["mean_days_to_answer"] for row in board["factories"]) == ["10.0", "6.0"]
