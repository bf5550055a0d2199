"""A store's history at a chosen size, bulk-loaded into PostgreSQL (shared by bench.scale and bench.load).

At 1×: 500 customers (CPF, phones and their search keys), 1,000 cases and 3,000 visits over
`DAYS_PER_FACTOR` days, 20 technicians. At F×: F times as many over F times as long (16 years at
100×), so that what a week, a technician's phone or a live-case list holds is the same while the
history grows. The 1× history is longer than a phone's window (`SYNC_WINDOW_DAYS` back, two weeks
ahead): were it shorter, the phone's scope at 1× would start where the store began and hold less
than at 100×, and the pull would seem to grow with the history when it grew with the scope.
Rows are valid as the API would write them: each with its own store version, case numbers
AT-<year>-<seq> per year, statuses that follow the dates, folded search columns.

The few rows with rules of their own (the store, its catalogs and layouts, the users) go through
the services; the bulk goes through COPY, built in Python (valid CPF check digits are easier there).
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any

import psycopg
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Table, select, update
from sqlalchemy.engine import make_url

from bench import store_claims
from bench.common import ADDRESS
from server import create_app
from server.appointments.models import Appointment
from server.auth.models import Role, User
from server.auth.service import create_user
from server.cases.models import ServiceCase
from server.catalogs.models import CatalogEntry, CatalogKind
from server.claims.models import Claim, ClaimCredit, ClaimItem
from server.common.text import digits, fold, search_blob
from server.contracts.models import Contract, ContractItem
from server.customers.models import PHONE_TAIL, Customer, CustomerPhone, phone_keys
from server.customers.words import CustomerVocabulary, CustomerWord, letter_words
from server.database import utcnow
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.stores.models import Store
from server.stores.service import create_store
from server.suppliers.service import create_supplier

PASSWORD = "bench-password"
TECHNICIANS = 20
CUSTOMERS, CASES, VISITS_PER_CASE = 500, 1000, 3
DAYS_PER_FACTOR = 60  # the 1× history (see the docstring)
CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "bench",
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "RATELIMIT_ENABLED": False,
}
FIRST = ["Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabriela", "Heitor", "Íris", "João", "Luíza", "Márcio"]
LAST = [
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
    "Vieira",
    "Barbosa",
]
FACTORIES = ["Móveis Serra", "Vale Planejados", "Linha Sul Móveis", "Fábrica Horizonte"]
# In COPY order (foreign keys first); ids given in Python for all but the claims' items and credits.
MODELS: list[Any] = [
    Customer,
    CustomerPhone,
    CustomerVocabulary,
    CustomerWord,
    Contract,
    ContractItem,
    ServiceCase,
    Appointment,
    Occurrence,
    OccurrenceItem,
    Claim,
    ClaimItem,
    ClaimCredit,
]
NUMBERED = ("customers", "customer_phones", "contracts", "contract_items", "cases", "appointments", "claims")
ISSUES = ["Porta desalinhada.", "Gaveta travando.", "Dobradiça solta.", "Tampo riscado.", "Puxador quebrado."]


def cpf(n: int) -> str:
    """A valid CPF from a number (its check digits computed)."""
    base = [int(c) for c in f"{n % 10**9:09d}"]
    for size in (9, 10):
        total = sum(d * w for d, w in zip(base, range(size + 1, 1, -1), strict=False))
        base.append(0 if total % 11 < 2 else 11 - total % 11)
    return "".join(map(str, base))


def admin_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False).replace("+psycopg", "")


def plain_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=False).replace("+psycopg", "")


def create_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(url: str, root: str) -> Flask:
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=f"{root}/migrations")
    return app


def _copy(conn: psycopg.Connection[Any], table: Table, rows: list[dict[str, Any]]) -> None:
    """COPY rows into a table, filling the columns' scalar Python defaults the ORM would have set."""
    if not rows:
        return
    names = [c.name for c in table.columns if c.name in rows[0] or (c.default is not None and c.default.is_scalar)]
    defaults = {c.name: c.default.arg for c in table.columns if c.default is not None and c.default.is_scalar}  # type: ignore[attr-defined]
    columns = ", ".join(f'"{n}"' for n in names)
    with conn.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for name in names:
                value = row.get(name, defaults.get(name))
                values.append(json.dumps(value) if isinstance(value, dict | list) else value)
            copy.write_row(values)


def seed(url: str, factor: int, *, seed_value: int = 7) -> dict[str, Any]:
    """The store at `factor`× (inside an app context); what the measures need to know of it."""
    rng = random.Random(seed_value)
    store = create_store({"name": "Loja Escala", "cnpj": "11222333000181", "address": ADDRESS})
    technicians = [
        create_user(
            {"name": f"Técnico {i:02d}", "email": f"tec{i}@bench.test", "role": Role.TECHNICIAN, "password": PASSWORD},
            stores=[store],
        )
        for i in range(TECHNICIANS)
    ]
    office = create_user(
        {"name": "Escritório", "email": "escritorio@bench.test", "role": Role.SCHEDULER, "password": PASSWORD},
        stores=[store],
    )
    factories = [create_supplier(store, {"kind": "factory", "name": name}) for name in FACTORIES]
    db.session.commit()
    now = utcnow()
    end = now + timedelta(days=14)
    span = timedelta(days=DAYS_PER_FACTOR * factor)
    version = store.version
    stamp: dict[str, Any] = {"store_id": store.id, "deleted_at": None}

    def versioned(at: datetime) -> dict[str, Any]:
        nonlocal version
        version += 1
        written = min(at, now)
        return {**stamp, "version": version, "created_at": written, "updated_at": written}

    customers: list[dict[str, Any]] = []
    phone_rows: list[dict[str, Any]] = []
    word_rows: list[dict[str, Any]] = []
    first_customer = 1
    for i in range(CUSTOMERS * factor):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {LAST[rng.randrange(len(LAST))]} {i}"
        document = cpf(100_000_000 + i * 7919)
        phones = [f"119{rng.randrange(10**8):08d}"]
        customers.append(
            {
                **versioned(end - span),
                "id": first_customer + i,
                "name": name,
                "document_type": "cpf",
                "document": document,
                "phones": phones,
                "email": None,
                "address": ADDRESS,
                "notes": None,
                "assistance_only": False,
                "sort_name": fold(name),
                "search_text": search_blob(name, document, *phones, None, digits(None)),
            }
        )
        phone_rows += [
            {"store_id": store.id, "customer_id": first_customer + i, "digits": number, "tail": number[-PHONE_TAIL:]}
            for number in phone_keys(phones)
        ]
        word_rows += [
            {
                "customer_id": first_customer + i,
                "word": word,
                "store_id": store.id,
                "sort_name": customers[-1]["sort_name"],
            }
            for word in letter_words(customers[-1]["search_text"])
        ]
    catalog: dict[str, list[int]] = {}
    for entry in db.session.scalars(select(CatalogEntry).where(CatalogEntry.store_id == store.id)):
        catalog.setdefault(entry.kind, []).append(entry.id)
    extra = store_claims.Store(
        store_id=store.id,
        now=now,
        office_id=office.id,
        versioned=versioned,
        rooms=catalog[CatalogKind.ROOMS.value],
        product_lines=catalog[CatalogKind.PRODUCT_LINES.value],
        occurrence_type=catalog[CatalogKind.OCCURRENCE_TYPES.value][0],
        factories=[(f.id, f.name) for f in factories],
        rng=random.Random(seed_value + 1),  # its own, so the cases are the same as without it
    )
    contract_of = store_claims.contracts(extra, customers, end - span, span)
    cases, visits = [], []
    per_year: dict[int, int] = {}
    total = CASES * factor
    visit_id = 1
    for i in range(total):
        opened = end - span * (1 - i / total) - timedelta(days=10)
        year = opened.year
        per_year[year] = per_year.get(year, 0) + 1
        number = f"AT-{year}-{per_year[year]:05d}"
        assignee = technicians[i % TECHNICIANS].id
        starts = [opened + timedelta(days=2 + 3 * k, hours=9 + i % 8) for k in range(VISITS_PER_CASE)]
        last_end = starts[-1] + timedelta(hours=1)
        finished = last_end < now
        closed_at = last_end + timedelta(hours=2) if finished else None
        status = "closed" if finished else "scheduled"
        issue = ISSUES[i % len(ISSUES)]
        cases.append(
            {
                **versioned(closed_at or opened),
                "id": i + 1,
                "number": number,
                "customer_id": first_customer + rng.randrange(CUSTOMERS * factor),
                "contract_id": None,
                "assignee_id": assignee,
                "assignee_chosen": True,
                "created_by_id": office.id,
                "reported_issue": issue,
                "service_address": ADDRESS,
                "status": status,
                "status_reason": None,
                "opened_at": min(opened, now),
                "due_at": opened + timedelta(days=30),
                "closed_at": closed_at,
                "search_text": search_blob(number, number.replace("-", ""), issue),
            }
        )
        for start in starts:
            visits.append(
                {
                    **versioned(min(start - timedelta(days=1), now)),
                    "id": visit_id,
                    "case_id": i + 1,
                    "assignee_id": assignee,
                    "created_by_id": office.id,
                    "starts_at": start,
                    "ends_at": start + timedelta(hours=1),
                    "status": "done" if start + timedelta(hours=1) < now else "scheduled",
                    "checked_in_at": start if start + timedelta(hours=1) < now else None,
                    "checked_out_at": start + timedelta(hours=1) if start + timedelta(hours=1) < now else None,
                    "allow_overlap": True,
                }
            )
            visit_id += 1
    for case in cases:
        case["contract_id"] = contract_of.get(case["customer_id"])
    store_claims.claims(extra, cases, visits)
    vocabulary = [{"store_id": store.id, "word": word} for word in sorted({row["word"] for row in word_rows})]
    rows = {
        "customers": customers,
        "customer_phones": phone_rows,
        "customer_vocabulary": vocabulary,
        "customer_words": word_rows,
        "cases": cases,
        "appointments": visits,
        **extra.rows,
    }
    db.session.commit()
    with psycopg.connect(plain_url(url)) as conn:
        for model in MODELS:
            _copy(conn, model.__table__, rows.get(model.__tablename__, []))
        for name in NUMBERED:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
        conn.execute(store_claims.CLAIM_TOTALS)
        this_year = now.year
        conn.execute(
            "UPDATE stores SET version = %s, case_number_year = %s, case_number_last = %s WHERE id = %s",
            (version, this_year, per_year.get(this_year, 0), store.id),
        )
        # The visits went in by COPY, past the listener that keeps the store's longest visit.
        conn.execute(
            "UPDATE stores SET longest_visit_minutes = (SELECT COALESCE(MAX(CEIL("
            "EXTRACT(EPOCH FROM ends_at - starts_at) / 60)), 0) FROM appointments WHERE store_id = %s) WHERE id = %s",
            (store.id, store.id),
        )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    db.session.expire_all()
    db.session.execute(update(Store).where(Store.id == store.id).values(version=version))
    db.session.commit()
    sample = customers[len(customers) // 2]
    live_case = db.session.scalar(
        select(ServiceCase.id).where(ServiceCase.status != "closed").order_by(ServiceCase.id.desc())
    )
    return {
        "store_id": store.id,
        "technicians": [(t.id, t.email) for t in technicians],
        "office_email": office.email,
        "cpf": sample["document"],
        "phone": sample["phones"][0],
        "surname": LAST[3],
        "case_id": live_case,
        "cases": total,
        "visits": len(visits),
        "customers": len(customers),
        "contracts": len(extra.rows.get("contracts", [])),
        "claims": len(extra.rows.get("claims", [])),
        "claim_id": max((c["id"] for c in extra.rows.get("claims", []) if c["status"] != "closed"), default=None),
        "contract_id": extra.rows["contract_items"][-1]["contract_id"] if extra.rows.get("contract_items") else None,
        "contract_customer_id": next(iter(contract_of), None),
        "open_claims": sum(1 for c in extra.rows.get("claims", []) if c["status"] != "closed"),
    }


def user_id(email: str) -> int:
    found = db.session.scalar(select(User.id).where(User.email == email))
    assert found is not None
    return found
