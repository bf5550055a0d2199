"""The demo store ("Loja Demo") behind `flask seed-demo`: something realistic to click through.

One store in São Paulo with an admin, a scheduler (Atendimento) and two technicians sharing one
documented password, ~30 customers with valid CPFs/CNPJs, their sales contracts, and ~40
assistências spread over the last two months in every status, some of them overdue.

Everything goes through the domain services, exactly as the API would write it, so case
numbers, timelines and sync versions are real. The data is deterministic (one
`random.Random(42)` drives every made-up digit); only the dates follow today's date, so that
the deadlines stay meaningful whenever the demo is seeded. Seeding again changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from stdnum.br import cnpj, cpf

from server.appointments.service import create_appointment
from server.auth.models import ROLE_LABELS, Role, User
from server.auth.service import create_user
from server.cases.models import CaseStatus, ServiceCase
from server.cases.service import cancel_case, load_case, open_case, update_case
from server.catalogs.models import CatalogEntry, CatalogKind
from server.claims.demo import seed_claims
from server.common.text import clip, fold
from server.contracts.models import Contract
from server.contracts.service import create_contract
from server.customers.models import Customer
from server.customers.service import create_customer
from server.database import utcnow
from server.demo_data import (
    CASES,
    CONTRACT_FIRST_NUMBER,
    CUSTOMERS,
    DELIVERY_DAYS,
    EMAIL_DOMAINS,
    FINDINGS,
    ISSUES,
    ITEMS,
    PASSWORD,
    PATHS,
    REASONS,
    SEED,
    STORE,
    STORE_CNPJ_BASE,
    STORE_NAME,
    SUPPLIERS,
    TIMEZONE,
    USERS,
    VISIT_SLOTS,
    DemoCustomer,
    DemoUser,
)
from server.extensions import db
from server.occurrences.models import ItemAction, Payer
from server.occurrences.service import create_occurrence
from server.orders.service import generate_orders
from server.stores.models import Store
from server.stores.service import create_store
from server.suppliers.models import Supplier
from server.suppliers.service import create_supplier

# --- entry point --------------------------------------------------------------------------


def seed() -> list[str]:
    """Create the demo store and its records once; return the heading and the login lines."""
    if db.session.scalar(select(Store.id).where(Store.name == STORE_NAME)) is not None:
        return [f'A "{STORE_NAME}" já existe; nada foi alterado. Acessos de demonstração:', *login_lines()]

    rng = random.Random(SEED)
    store = create_store({**STORE, "cnpj": with_check_digits(STORE_CNPJ_BASE)})
    users = [create_demo_user(user, store) for user in USERS]
    scheduler = next(user for user in users if user.role == Role.SCHEDULER)
    technicians = [user for user in users if user.role == Role.TECHNICIAN]
    customers = {row.name: create_demo_customer(store, row, rng) for row in CUSTOMERS}
    contracts = create_contracts(store, scheduler, customers, rng)
    cases = create_cases(scheduler, technicians, customers, contracts, rng)
    visits = schedule_visits(store, cases, technicians, scheduler)
    suppliers = create_suppliers(store)
    findings = record_findings(store, cases, scheduler, rng, suppliers)
    seed_claims(store, scheduler)
    heading = (
        f'"{STORE_NAME}" criada com {len(customers)} clientes, {len(contracts)} contratos, '
        f"{len(cases)} assistências, {findings} ocorrências e {visits} visitas agendadas. "
        "Acessos de demonstração:"
    )
    return [heading, *login_lines()]


def login_lines() -> list[str]:
    """One line per demo user: profile, e-mail and the shared password (fixed, so always printable)."""
    return [f"{ROLE_LABELS[user.role]}: {user.email} / {PASSWORD}  ({user.name})" for user in USERS]


# --- documents ----------------------------------------------------------------------------


def with_check_digits(base: str) -> str:
    """A CPF (9 digits given) or CNPJ (12 digits given) completed with its two check digits."""
    if len(base) == 12:
        return base + cnpj.calc_check_digits(base)
    return next(number for number in (f"{base}{digits:02d}" for digits in range(100)) if cpf.is_valid(number))


def random_document(rng: random.Random, company: bool) -> str:
    """A valid CPF, or a CNPJ of a head office (…/0001-…); never one with all digits equal."""
    while True:
        base = "".join(str(rng.randint(0, 9)) for _ in range(8 if company else 9))
        if len(set(base)) > 1:
            return with_check_digits(base + "0001" if company else base)


# --- records ------------------------------------------------------------------------------


def create_demo_user(row: DemoUser, store: Store) -> User:
    data = {"name": row.name, "email": row.email, "password": PASSWORD, "role": row.role.value, "phone": row.phone}
    return create_user(data, stores=[store])


def _mobile(rng: random.Random) -> str:
    return f"119{rng.randint(5000, 9999)}{rng.randint(0, 9999):04d}"


def _email(row: DemoCustomer, rng: random.Random) -> str:
    words = fold(row.name).replace("&", " ").split()
    local = f"contato.{words[0]}{words[1]}" if row.company else f"{words[0]}.{words[-1]}"
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def _address(row: DemoCustomer, rng: random.Random) -> dict[str, Any]:
    complement = None
    if not row.company and rng.random() < 0.6:  # most people here live in apartments
        complement = f"Apto {rng.randint(1, 24)}{rng.randint(1, 4)}" + rng.choice(["", "", " Bloco A", " Bloco B"])
    return {
        "cep": row.cep,
        "street": row.street,
        "number": str(rng.randint(12, 2400)),
        "complement": complement,
        "district": row.district,
        "city": row.city,
        "state": "SP",
    }


def create_demo_customer(store: Store, row: DemoCustomer, rng: random.Random) -> Customer:
    phones = [_mobile(rng)]
    if row.company:  # a landline first for companies
        phones.insert(0, f"11{rng.choice('2345')}{rng.randint(0, 9999999):07d}")
    data = {
        "name": row.name,
        "document": random_document(rng, row.company),
        "phones": phones,
        "email": _email(row, rng),
        "address": _address(row, rng),
        "assistance_only": row.assistance_only,
    }
    return create_customer(store, data)


def catalog_ids(store: Store, kind: CatalogKind) -> dict[str, int]:
    """The store's catalog entries of one kind, by name (the defaults every store is seeded with)."""
    entries = db.session.scalars(
        select(CatalogEntry).where(CatalogEntry.store_id == store.id, CatalogEntry.kind == kind.value)
    )
    return {entry.name: entry.id for entry in entries}


def create_contracts(
    store: Store, scheduler: User, customers: dict[str, Customer], rng: random.Random
) -> dict[str, tuple[Contract, list[str]]]:
    """A contract for every customer who bought something: name -> (contract, rooms sold)."""
    rooms = catalog_ids(store, CatalogKind.ROOMS)
    lines = catalog_ids(store, CatalogKind.PRODUCT_LINES)
    first, last = DELIVERY_DAYS
    contracts = {}
    buyers = [row for row in CUSTOMERS if not row.assistance_only]
    for number, row in enumerate(buyers, start=CONTRACT_FIRST_NUMBER):
        sold = [ITEMS[0], *rng.sample(ITEMS[1:], rng.randint(0, 2))] if rng.random() < 0.7 else rng.sample(ITEMS, 2)
        data = {
            "number": f"CT-2026-{number:04d}",
            "customer_id": customers[row.name].id,
            "delivery_date": first + timedelta(days=rng.randint(0, (last - first).days)),
            "items": [
                {"room_id": rooms[room], "product_line_id": lines[line], "description": description}
                for room, line, description in sold
            ],
        }
        contracts[row.name] = (create_contract(scheduler, data), [room for room, _, _ in sold])
    return contracts


# --- cases --------------------------------------------------------------------------------


def _opened_at(days_ago: int, rng: random.Random) -> datetime:
    """A moment in office hours `days_ago` days back, in the store's timezone (never in the future)."""
    tz = ZoneInfo(TIMEZONE)
    day = utcnow().astimezone(tz).date() - timedelta(days=days_ago)
    moment = datetime.combine(day, time(8, 30), tzinfo=tz) + timedelta(minutes=rng.randint(0, 9 * 60))
    return min(moment, utcnow())


def _pick_issue(rooms: Sequence[str | None], used: set[str], rng: random.Random) -> str:
    """A Situação Alegada about one of the rooms sold, preferring one no other case has told yet."""
    told = [text for room in rooms for text in ISSUES[room]]
    issue = rng.choice([text for text in told if text not in used] or told)
    used.add(issue)
    return issue


def _move_along(case: ServiceCase, status: CaseStatus, scheduler: User, rng: random.Random) -> ServiceCase:
    """Walk a freshly opened case to `status` the way a scheduler would, one allowed move at a time."""
    for step in PATHS[status]:
        reason = rng.choice(REASONS[step])
        if step == CaseStatus.CANCELLED:
            case = cancel_case(case, reason, scheduler)
        else:
            case = update_case(case, {"status": step.value, "status_reason": reason}, scheduler)
    return case


def create_cases(
    scheduler: User,
    technicians: list[User],
    customers: dict[str, Customer],
    contracts: dict[str, tuple[Contract, list[str]]],
    rng: random.Random,
) -> list[ServiceCase]:
    """Open the planned cases oldest first (so their numbers follow the dates) and move them on."""
    cases: list[ServiceCase] = []
    used: set[str] = set()
    for plan in sorted(CASES, key=lambda plan: -plan.days_ago):
        contract, rooms = contracts.get(plan.customer, (None, [None]))
        data = {
            "customer_id": customers[plan.customer].id,
            "contract_id": contract.id if contract else None,
            "reported_issue": _pick_issue(rooms, used, rng),
            "assignee_id": technicians[plan.technician - 1].id if plan.technician else None,
            "opened_at": _opened_at(plan.days_ago, rng),
        }
        case = open_case(data, scheduler)
        cases.append(_move_along(case, plan.status, scheduler, rng))
    return cases


# --- the technicians' agenda --------------------------------------------------------------


def schedule_visits(store: Store, cases: list[ServiceCase], technicians: list[User], scheduler: User) -> int:
    """A visit for every scheduled case, today (so the agenda a technician opens is not empty, even
    on a weekend) and in the coming working days, without double-booking anyone."""
    vistoria = catalog_ids(store, CatalogKind.APPOINTMENT_TYPES)["Vistoria"]
    today = utcnow().astimezone(ZoneInfo(TIMEZONE)).date()
    days = [today] + [today + timedelta(days=n) for n in range(1, 15) if (today + timedelta(days=n)).weekday() < 5]
    slots = iter([(day, slot) for day in days for slot in VISIT_SLOTS])
    scheduled = [case for case in cases if case.status == CaseStatus.SCHEDULED.value]
    for index, case in enumerate(scheduled):
        day, slot = next(slots)
        technician_id = case.assignee_id or technicians[index % len(technicians)].id
        starts = datetime.combine(day, slot)  # naive: read in the store's timezone
        create_appointment(
            load_case(scheduler, case.id),
            {
                "appointment_type_id": vistoria,
                "assignee_id": technician_id,
                "starts_at": starts,
                "ends_at": starts + timedelta(minutes=90),
                "subject": f"Vistoria — {clip(case.reported_issue, 60)}",
            },
            scheduler,
        )
    return len(scheduled)


# --- suppliers ----------------------------------------------------------------------------


def create_suppliers(store: Store) -> dict[str, Supplier]:
    return {
        name: create_supplier(
            store,
            {
                "kind": kind.value,
                "name": name,
                "cnpj": with_check_digits(base),
                "order_emails": [orders],
                "claim_emails": [claims],
                "phone": phone,
                "notes": notes,
            },
        )
        for kind, name, base, orders, claims, phone, notes in SUPPLIERS
    }


# --- what the technicians found ----------------------------------------------------------


def record_findings(
    store: Store, cases: list[ServiceCase], scheduler: User, rng: random.Random, suppliers: dict[str, Supplier]
) -> int:
    """An unresolved occurrence with items and costs on each pending case (what it is waiting for),
    by its technician, and the parts ordered: the painel's costs by payer, the Ocorrências and
    Pedidos tabs and the documents all have something to show."""
    types = catalog_ids(store, CatalogKind.OCCURRENCE_TYPES)
    pending = [case for case in cases if case.status == CaseStatus.PENDING.value]
    today = utcnow().astimezone(ZoneInfo(TIMEZONE)).date()
    for index, case in enumerate(pending):
        kind, payer, report, reason, items = FINDINGS[index % len(FINDINGS)]
        author = db.session.get(User, case.assignee_id) if case.assignee_id else scheduler
        data = {
            "occurrence_type_id": types[kind],
            "payer": payer.value,
            "report": report,
            "resolved": False,
            "unresolved_reason": reason,
            "expected_fix_date": today + timedelta(days=rng.randint(5, 20)),
            "items": [
                {
                    "description": d,
                    "quantity": q,
                    "action": a.value,
                    "unit_cost": cost,
                    "supplier_id": suppliers[supplier].id if supplier else None,
                    "needs_part": a == ItemAction.REPAIR,
                }
                for d, q, a, cost, supplier in items
            ],
        }
        if payer == Payer.CARRIER:
            data["carrier_id"] = suppliers["Transportes Rápido Sul"].id
        create_occurrence(load_case(scheduler, case.id), data, author or scheduler)
        generate_orders(load_case(scheduler, case.id), {}, scheduler)
    return len(pending)
