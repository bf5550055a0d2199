"""Sync benchmark (issue 5): does a pull cost what changed, not what the store holds?

Prints, from one run:
  1. a delta pull with nothing changed, at 1× and at FACTOR× the store's data, and their ratio
     (goal ≤ 1.2), plus the same for a delta in which one visit changed;
  2. the SQL statements of those delta pulls (goal for the unchanged one: ≤ 6);
  3. the initial pull of a technician with ~2,000 records in scope (all pages);
  4. 500 mutations pushed in one batch against 500 single-mutation batches.

Each scale gets a fresh database (SQLite files in a temporary folder, or BENCH_DATABASE_URL's
PostgreSQL server, whose database is emptied first). The store's history is bulk-inserted: at
1×, APPOINTMENTS visits over one month; at FACTOR×, FACTOR times as many over FACTOR months, so
that the visits of the sync window — what a technician's phone holds — stay about the same.
Requests go through the Flask app in-process (no HTTP server), as the phone's would after
the network. Usage: `make bench`, or `python -m bench.sync --appointments 200 --factor 10`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, select, text, update

from bench.common import ADDRESS, statements
from server import create_app
from server.appointments.models import Appointment
from server.auth.models import Role
from server.auth.service import create_user
from server.cases.models import ServiceCase
from server.catalogs.models import CatalogEntry
from server.customers.models import Customer
from server.database import utcnow
from server.extensions import db
from server.occurrences.models import Occurrence
from server.stores.models import Store
from server.stores.service import create_store
from server.sync.prune import prune

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password"
UNCHANGED_RUNS, UNCHANGED_WARMUP = 500, 50  # defaults of --unchanged-runs and its warm-up
TECHNICIANS = 20
CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "bench",
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "RATELIMIT_ENABLED": False,
}


# --- data ---------------------------------------------------------------------------------


def make_app(url: str) -> Flask:
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))
    return app


def seed(appointments: int, months: int, heavy_scope: int) -> dict[str, Any]:
    """A store, 20 technicians and a scheduler, `appointments` visits over `months` months ending
    two weeks ahead, and a technician ("heavy") with `heavy_scope` cases, visits and occurrences."""
    store = create_store({"name": "Loja Bench", "cnpj": "11222333000181", "address": ADDRESS})
    people = [
        create_user(
            {"name": f"Técnico {i}", "email": f"tec{i}@bench.test", "role": Role.TECHNICIAN, "password": PASSWORD},
            stores=[store],
        )
        for i in range(TECHNICIANS + 1)
    ]
    db.session.commit()
    technicians, heavy = people[:TECHNICIANS], people[TECHNICIANS]
    now = utcnow()
    end, span = now + timedelta(days=14), timedelta(days=30 * months)

    version = store.version

    def bulk(model: Any, rows: list[dict[str, Any]]) -> None:
        """Insert as if written over time: each row with a version of its own, as the API would."""
        nonlocal version
        for row in rows:
            version += 1
            row["version"] = version
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[start : start + 5000])

    def dated(at: Any) -> dict[str, Any]:
        written = min(at, now)
        return {"created_at": written, "updated_at": written}

    cases = max(1, appointments // 2)
    customers = max(1, cases // 2)
    common = {"store_id": store.id}
    bulk(
        Customer,
        [
            {
                **common,
                "name": f"Cliente {i}",
                "sort_name": f"cliente {i}",
                "search_text": f"cliente {i}",
                "phones": ["11987654321"],
                "address": ADDRESS,
            }
            for i in range(customers)
        ],
    )
    first_customer = db.session.scalar(select(Customer.id).order_by(Customer.id)) or 1
    bulk(
        ServiceCase,
        [
            {
                **common,
                **dated(end - span * (1 - i / cases)),
                "opened_at": min(end - span * (1 - i / cases), now),
                "number": f"AT-B-{i:07d}",
                "customer_id": first_customer + i % customers,
                "reported_issue": "Porta desalinhada.",
                "service_address": ADDRESS,
                "status": "closed" if i < cases * 0.95 else "scheduled",
                "due_at": end - span * (1 - i / cases) + timedelta(days=30),
                "assignee_id": technicians[i % TECHNICIANS].id,
            }
            for i in range(cases)
        ],
    )
    first_case = db.session.scalar(select(ServiceCase.id).order_by(ServiceCase.id)) or 1
    visits = []
    for i in range(appointments):
        starts = end - span * (1 - i / appointments)
        visits.append(
            {
                **common,
                **dated(starts - timedelta(days=7)),
                "case_id": first_case + (i // 2) % cases,
                "assignee_id": technicians[i % TECHNICIANS].id,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=1),
                "status": "done" if starts < now else "scheduled",
            }
        )
    bulk(Appointment, visits)

    # The heavy technician: cases, visits in the window, customers and occurrences, ~heavy_scope records in all.
    n = heavy_scope // 4
    bulk(
        Customer,
        [
            {
                **common,
                "name": f"Cliente H{i}",
                "sort_name": f"cliente h{i}",
                "search_text": f"cliente h{i}",
                "phones": ["11987654321"],
                "address": ADDRESS,
            }
            for i in range(n)
        ],
    )
    first_heavy_customer = db.session.scalar(select(Customer.id).where(Customer.name == "Cliente H0")) or 1
    bulk(
        ServiceCase,
        [
            {
                **common,
                "number": f"AT-H-{i:07d}",
                "customer_id": first_heavy_customer + i,
                "reported_issue": "Gaveta travando.",
                "service_address": ADDRESS,
                "status": "scheduled",
                "due_at": now,
                "assignee_id": heavy.id,
            }
            for i in range(n)
        ],
    )
    heavy_cases = list(
        db.session.scalars(select(ServiceCase.id).where(ServiceCase.assignee_id == heavy.id).order_by(ServiceCase.id))
    )
    bulk(
        Appointment,
        [
            {
                **common,
                "case_id": case_id,
                "assignee_id": heavy.id,
                "starts_at": now + timedelta(hours=i % 300),
                "ends_at": now + timedelta(hours=i % 300, minutes=45),
                "allow_overlap": True,
            }
            for i, case_id in enumerate(heavy_cases)
        ],
    )
    occurrence_type = db.session.scalar(select(CatalogEntry.id).where(CatalogEntry.kind == "occurrence_types")) or 1
    occurrences = [uuid.uuid4() for _ in heavy_cases]
    bulk(
        Occurrence,
        [
            {
                **common,
                "id": occurrence_id,
                "case_id": case_id,
                "occurrence_type_id": occurrence_type,
                "payer": "store",
                "expected_fix_date": date.today(),
                "request_hash": "bench",
                "author_id": heavy.id,
            }
            for occurrence_id, case_id in zip(occurrences, heavy_cases, strict=True)
        ],
    )
    db.session.execute(update(Store).where(Store.id == store.id).values(version=version))
    db.session.commit()
    return {
        "email": technicians[0].email,
        "technician_id": technicians[0].id,
        "heavy_email": heavy.email,
        "occurrences": occurrences,
        "dialect": db.engine.dialect.name,
    }


# --- measuring ----------------------------------------------------------------------------


class Phone:
    def __init__(self, app: Flask, email: str) -> None:
        self.http = app.test_client()
        answer = self.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        session: dict[str, Any] = answer.json or {}
        assert answer.status_code == 200, session
        self.headers = {"X-CSRF-Token": session["csrf_token"]}
        self.client_id = str(uuid.uuid4())

    def pull(self, cursor: str | None) -> dict[str, Any]:
        body = {"protocol": 1, "schema_version": 1, "client_id": self.client_id, "cursor": cursor}
        answer = self.http.post("/api/sync/pull", json=body, headers=self.headers)
        result: dict[str, Any] = answer.json or {}
        assert answer.status_code == 200, result
        return result

    def pull_all(self, cursor: str | None = None) -> tuple[str, int, int]:
        """Follow `more` to the end: (cursor, records, pages)."""
        records = pages = 0
        while True:
            answer = self.pull(cursor)
            records += sum(len(e["upsert"]) + len(e["delete"]) for e in answer["changes"].values())
            pages, cursor = pages + 1, answer["cursor"]
            if not answer["more"]:
                return cursor, records, pages

    def push(self, mutations: list[dict[str, Any]]) -> None:
        body = {"protocol": 1, "schema_version": 1, "client_id": self.client_id, "mutations": mutations}
        answer = self.http.post("/api/sync/push", json=body, headers=self.headers)
        result: dict[str, Any] = answer.json or {}
        assert answer.status_code == 200 and result["stopped_at_gap"] is None, result
        assert all(r["status"] == "applied" for r in result["results"]), result


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def touch_visit(app: Flask, technician_id: int, note: str) -> None:
    """One office edit in the technician's scope (the ORM write bumps the store's version)."""
    with app.app_context():
        visit = db.session.scalars(
            select(Appointment).where(Appointment.assignee_id == technician_id).order_by(Appointment.starts_at.desc())
        ).first()
        assert visit is not None
        visit.notes = note
        db.session.commit()


def deltas(app: Flask, email: str, technician_id: int, runs: int, unchanged_runs: int) -> dict[str, float]:
    phone = Phone(app, email)
    cursor, _, _ = phone.pull_all()
    # A few milliseconds, the phone's most frequent request: warmed up, then the median of many
    # runs (UNCHANGED_RUNS), so that one run's noise on a shared machine does not make the figure.
    median_ms(lambda: phone.pull(cursor), min(UNCHANGED_WARMUP, unchanged_runs))
    unchanged = median_ms(lambda: phone.pull(cursor), unchanged_runs)
    with statements(app) as seen:
        phone.pull(cursor)
    unchanged_statements = len(seen)

    def one_change() -> float:
        nonlocal cursor
        touch_visit(app, technician_id, f"nota {time.perf_counter()}")
        start = time.perf_counter()
        answer = phone.pull(cursor)
        elapsed = time.perf_counter() - start
        assert len(answer["changes"]["appointments"]["upsert"]) == 1
        cursor = answer["cursor"]
        return elapsed

    changed = statistics.median(one_change() for _ in range(runs)) * 1000
    touch_visit(app, technician_id, "contagem")
    with statements(app) as seen:
        phone.pull(cursor)
    return {"unchanged": unchanged, "changed": changed, "unchanged_sql": unchanged_statements, "changed_sql": len(seen)}


def push_timings(app: Flask, email: str, occurrences: list[uuid.UUID], count: int) -> tuple[float, float]:
    def upserts() -> list[dict[str, Any]]:
        return [
            {
                "id": i + 1,
                "name": "occurrence_item.upsert.v1",
                "client_time": "2030-01-01T12:00:00Z",
                "args": {
                    "occurrence_id": str(occurrences[i % len(occurrences)]),
                    "id": str(uuid.uuid4()),
                    "description": "Dobradiça",
                    "quantity": "1",
                    "action": "replace",
                },
            }
            for i in range(count)
        ]

    batch_phone, single_phone = Phone(app, email), Phone(app, email)
    batch, singles = upserts(), upserts()
    start = time.perf_counter()
    batch_phone.push(batch)
    one_batch = time.perf_counter() - start
    start = time.perf_counter()
    for mutation in singles:
        single_phone.push([mutation])
    return one_batch, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--appointments", type=int, default=1000, help="visits at 1× (default 1000)")
    parser.add_argument(
        "--factor", type=int, default=100, help="the large store is this many times the small (default 100)"
    )
    parser.add_argument(
        "--scope", type=int, default=2000, help="records in the heavy technician's scope (default 2000)"
    )
    parser.add_argument("--push", type=int, default=500, help="mutations pushed (default 500)")
    parser.add_argument("--runs", type=int, default=30, help="pulls timed per measure (median)")
    parser.add_argument(
        "--unchanged-runs", type=int, default=UNCHANGED_RUNS, help="unchanged pulls timed (median; default 500)"
    )
    args = parser.parse_args()
    base_url = os.environ.get("BENCH_DATABASE_URL")
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for factor in (1, args.factor):
            url = base_url or f"sqlite:///{folder}/bench-{factor}.db"
            app = make_app(url)
            # Requests run outside any app context, each in its own, as in production.
            with app.app_context():
                start = time.perf_counter()
                made = seed(args.appointments * factor, factor, args.scope)
                prune()  # the daily housekeeping (on SQLite it refreshes the planner's statistics)
                seeded = time.perf_counter() - start
            results[factor] = deltas(app, made["email"], made["technician_id"], args.runs, args.unchanged_runs)
            visits = args.appointments * factor
            print(f"{factor:>4}×: {visits:,} visits, {TECHNICIANS} technicians", end=" ")
            print(f"({made['dialect']}, seeded in {seeded:.1f} s)")
            if factor == args.factor:
                heavy = Phone(app, made["heavy_email"])
                start = time.perf_counter()
                _, records, pages = heavy.pull_all()
                initial = time.perf_counter() - start
                one_batch, singles = push_timings(app, made["heavy_email"], made["occurrences"], args.push)
            with app.app_context():
                db.engine.dispose()

    small, large, n = results[1], results[args.factor], args.factor
    print()
    measures = (
        ("unchanged", "nothing changed", f" (goal ≤ 1.2; median of {args.unchanged_runs} runs each)"),
        ("changed", "one visit changed", f" (median of {args.runs} runs each)"),
    )
    for key, label, goal in measures:
        ratio = large[key] / small[key]
        print(f"delta pull, {label}: {small[key]:.2f} ms at 1×, {large[key]:.2f} ms at {n}×, ratio {ratio:.2f}{goal}")
    print(
        f"SQL statements of a delta pull: nothing changed {small['unchanged_sql']} at 1× / {large['unchanged_sql']}"
        f" at {n}× (goal ≤ 5); one visit changed {small['changed_sql']} / {large['changed_sql']}"
    )
    print(f"initial pull of a technician with {records:,} records in scope: {initial * 1000:.0f} ms in {pages} page(s)")
    print(
        f"push {args.push} mutations: one batch {one_batch:.2f} s, {args.push} single batches {singles:.2f} s,"
        f" ratio {singles / one_batch:.2f}"
    )


if __name__ == "__main__":
    main()
