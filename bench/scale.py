"""Scale benchmark: does each office and phone read cost the same at 1× and 100× the store's history?

Builds two databases on the local PostgreSQL (bench.store_data: 1× ≈ 1,000 cases, 3,000 visits,
500 customers, 20 technicians, over 60 days; 100× the same times 100 over 6,000 days), then times every
measure on both, interleaved (measure by measure, size by size, run by run) so that a busy
machine slows both alike, and prints the median of `--runs` (≥ 20) per measure:

    scale <name>: <a> ms at 1x, <b> ms at 100x, ratio <r>

and the SQL statements of each pull at both sizes. Requests go through the Flask app in-process
(no HTTP server, as after the network). The databases are dropped at the end, even on failure.
Usage: `make bench-scale`, or `python -m bench.scale --factor 10 --runs 20`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bench.common import statements
from bench.store_data import PASSWORD, create_database, drop_database, make_app, seed
from server.appointments.models import Appointment
from server.contracts.models import Contract, ContractItem
from server.customers.models import Customer
from server.extensions import db

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/assistec_bench")
PULL = {"protocol": 1, "schema_version": 1}


def login(app: Flask, email: str) -> tuple[FlaskClient, dict[str, str]]:
    client = app.test_client()
    answer = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return client, {"X-CSRF-Token": (answer.json or {})["csrf_token"]}


def touch_visit(app: Flask, technician_id: int) -> None:
    """An office edit of the technician's latest visit (the ORM write bumps the store's version)."""
    with app.app_context():
        visit = db.session.scalars(
            select(Appointment)
            .where(Appointment.assignee_id == technician_id)
            .order_by(Appointment.starts_at.desc())
            .limit(1)  # without it, the whole history was loaded (15,000 visits at 100×) and then collected
        ).first()
        assert visit is not None
        visit.notes = f"nota {time.perf_counter()}"
        db.session.commit()


def import_file(lines: int) -> bytes:
    """A CSV of the store's latest contract items (as a store re-imports its sales system's export)."""
    rows = db.session.execute(
        select(Customer.document, Customer.name, Contract.number, ContractItem.code, ContractItem.description)
        .join(Contract, Contract.customer_id == Customer.id)
        .join(ContractItem, ContractItem.contract_id == Contract.id)
        .order_by(ContractItem.id.desc())
        .limit(lines)
    ).all()
    text = "CPF/CNPJ;Cliente;Contrato;Código;Descrição;Quantidade\n"
    text += "".join(f"{d};{n};{c};{code};{desc};1\n" for d, n, c, code, desc in rows)
    return text.encode()


class Size:
    """One database and the clients, cursors and ids its measures use."""

    def __init__(self, factor: int, app: Flask, made: dict[str, Any], *, first_pull: bool = True) -> None:
        self.factor, self.app, self.made = factor, app, made
        self.office, self.office_headers = login(app, made["office_email"])
        (self.tech_id, tech_email), (self.other_id, _) = made["technicians"][0], made["technicians"][1]
        self.phone, self.phone_headers = login(app, tech_email)
        self.client_id = str(uuid.uuid4())
        self.cursor = self.pull_all() if first_pull else ""
        self.counts: dict[str, int] = {}
        with app.app_context():
            self.import_file = import_file(200)

    def get(self, client: FlaskClient, url: str) -> Any:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code, answer.get_data()[:300])
        return answer.json

    def pull(self, cursor: str | None) -> dict[str, Any]:
        body = {**PULL, "client_id": self.client_id, "cursor": cursor}
        answer = self.phone.post("/api/sync/pull", json=body, headers=self.phone_headers)
        assert answer.status_code == 200, answer.json
        result: dict[str, Any] = answer.json or {}
        return result

    def pull_all(self) -> str:
        cursor = None
        while True:
            answer = self.pull(cursor)
            cursor = answer["cursor"]
            if not answer["more"]:
                return str(cursor)

    # --- the measures (each returns when its answer is complete) ---

    def calendar_week(self) -> None:
        """The office calendar's week, fetched as the office's client fetches it (every page)."""
        monday = date.today() - timedelta(days=date.today().weekday())
        url = f"/api/appointments?calendar_type=all&from={monday}&to={monday + timedelta(days=6)}&limit=200"
        page = self.get(self.office, url)
        while page.get("next_cursor"):
            page = self.get(self.office, f"{url}&cursor={page['next_cursor']}")

    def search_cpf(self) -> None:
        found = self.get(self.office, f"/api/cases?q={self.made['cpf']}")
        assert found["items"] or True

    def search_phone(self) -> None:
        """A mobile as people type it, "(11) 98765-4321": found by its last 8 digits."""
        phone = self.made["phone"]
        found = self.get(self.office, f"/api/cases?q={quote(f'({phone[:2]}) {phone[2:7]}-{phone[7:]}')}")
        assert found["items"] or True

    def search_name(self) -> None:
        self.get(self.office, f"/api/cases?q={self.made['surname']}")

    def case_list(self) -> None:
        self.get(self.office, "/api/cases?status=open,scheduled,in_service,pending")

    def dashboard(self) -> None:
        self.get(self.office, "/api/dashboard")

    def agenda(self) -> None:
        today = date.today()
        self.get(self.phone, f"/api/appointments?assignee=me&from={today}&to={today + timedelta(days=6)}")

    def case_detail(self) -> None:
        self.get(self.office, f"/api/cases/{self.made['case_id']}")

    def claims_board(self) -> None:
        self.get(self.office, "/api/claims/board")

    def claims_list(self) -> None:
        """The claims screen's list as it opens (only the open ones)."""
        self.get(self.office, "/api/claims?open=true")

    def claims_all(self) -> None:
        """The claims screen with "Só as abertas" unchecked: the first page of every claim."""
        self.get(self.office, "/api/claims")

    def claim_page(self) -> None:
        self.get(self.office, f"/api/claims/{self.made['claim_id']}")

    def customer_list(self) -> None:
        self.get(self.office, "/api/customers?limit=25")

    def customer_search(self) -> None:
        self.get(self.office, f"/api/customers?limit=25&q={self.made['surname']}")

    def customer_first_name(self) -> None:
        """A first name: its customers are one block of the name order, past every name before it."""
        self.get(self.office, "/api/customers?limit=25&q=Gabriela")

    def customer_cpf(self) -> None:
        self.get(self.office, f"/api/customers?limit=25&q={self.made['cpf']}")

    def contract_list(self) -> None:
        self.get(self.office, "/api/contracts?limit=25")

    def contract_search(self) -> None:
        self.get(self.office, f"/api/contracts?limit=25&q={self.made['surname']}")

    def contract_number(self) -> None:
        """An old contract's number: past the latest contracts, found through the numbers' index."""
        self.get(self.office, "/api/contracts?limit=25&q=V-0000012")

    def customer_contracts(self) -> None:
        self.get(self.office, f"/api/contracts?limit=25&customer_id={self.made['contract_customer_id']}")

    def contract_detail(self) -> None:
        self.get(self.office, f"/api/contracts/{self.made['contract_id']}")

    def import_preview(self) -> None:
        """A file of 200 lines re-importing items of contracts the store already has."""
        answer = self.office.post(
            "/api/imports/preview", data=self.import_file, headers={**self.office_headers, "Content-Type": "text/csv"}
        )
        assert answer.status_code == 200 and (answer.json or {})["valid"], answer.get_data()[:300]

    def pull_unchanged(self) -> None:
        self.pull(self.cursor)

    def pull_other_change(self) -> None:
        touch_visit(self.app, self.other_id)
        start = time.perf_counter()
        answer = self.pull(self.cursor)
        self.excluded = time.perf_counter() - start
        self.cursor = answer["cursor"]

    def pull_own_change(self) -> None:
        touch_visit(self.app, self.tech_id)
        start = time.perf_counter()
        answer = self.pull(self.cursor)
        self.excluded = time.perf_counter() - start
        assert answer["changes"]["appointments"]["upsert"], answer
        self.cursor = answer["cursor"]

    def initial_pull(self) -> None:
        self.client_id = str(uuid.uuid4())
        self.cursor = self.pull_all()

    def count_pulls(self) -> None:
        """The SQL statements of each pull (not timed)."""
        with statements(self.app) as seen:
            self.pull(self.cursor)
        self.counts["pull-unchanged"] = len(seen)
        for name, technician in (("pull-other-change", self.other_id), ("pull-own-change", self.tech_id)):
            touch_visit(self.app, technician)
            with statements(self.app) as seen:
                self.cursor = self.pull(self.cursor)["cursor"]
            self.counts[name] = len(seen)
        client_id = self.client_id
        self.client_id = str(uuid.uuid4())
        with statements(self.app) as seen:
            self.cursor = self.pull_all()
        self.counts["initial-pull"] = len(seen)
        self.client_id = client_id


MEASURES = [
    "calendar-week",
    "search-cpf",
    "search-phone",
    "search-name",
    "case-list",
    "dashboard",
    "agenda",
    "case-detail",
    "claims-board",
    "claims-list",
    "claims-all",
    "claim-page",
    "customer-list",
    "customer-search",
    "customer-first-name",
    "customer-cpf",
    "contract-list",
    "contract-search",
    "contract-number",
    "customer-contracts",
    "contract-detail",
    "import-preview",
    "pull-unchanged",
    "pull-other-change",
    "pull-own-change",
    "initial-pull",
]
# Measures that write first (an office edit): only the pull after it is timed.
TIMED_INSIDE = {"pull-other-change", "pull-own-change"}


def time_once(size: Size, name: str) -> float:
    measure: Callable[[], None] = getattr(size, name.replace("-", "_"))
    start = time.perf_counter()
    measure()
    elapsed = time.perf_counter() - start
    return size.excluded if name in TIMED_INSIDE else elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--factor", type=int, default=100, help="the large store is this many times the small")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per measure and size (median; ≥ 20)")
    parser.add_argument("--only", nargs="*", help="measure names to run (default: all)")
    args = parser.parse_args()
    factors = (1, args.factor)
    urls = {f: f"{BASE_URL}_{f}x" for f in factors}
    sizes: dict[int, Size] = {}
    try:
        for factor in factors:
            start = time.perf_counter()
            create_database(urls[factor])
            app = make_app(urls[factor], str(ROOT))
            with app.app_context():
                made = seed(urls[factor], factor)
            sizes[factor] = Size(factor, app, made)
            print(
                f"{factor}x: {made['cases']:,} cases, {made['visits']:,} visits, {made['customers']:,} customers,"
                f" {made['contracts']:,} contracts, {made['claims']:,} claims ({made['open_claims']} open),"
                f" built in {time.perf_counter() - start:.1f} s",
                flush=True,
            )
        names = args.only or MEASURES
        for name in names:
            for size in sizes.values():
                time_once(size, name)  # warm the caches and the plans
            times: dict[int, list[float]] = {f: [] for f in factors}
            for _ in range(args.runs):
                for factor in factors:
                    times[factor].append(time_once(sizes[factor], name))
            small, large = (statistics.median(times[f]) * 1000 for f in factors)
            print(
                f"scale {name}: {small:.1f} ms at 1x, {large:.1f} ms at {args.factor}x, ratio {large / small:.2f}",
                flush=True,
            )
        for size in sizes.values():
            size.count_pulls()
        for name in ("pull-unchanged", "pull-other-change", "pull-own-change", "initial-pull"):
            counts = [sizes[f].counts[name] for f in factors]
            print(f"statements {name}: {counts[0]} at 1x, {counts[1]} at {args.factor}x")
    finally:
        for size in sizes.values():
            with size.app.app_context():
                db.session.remove()
                db.engine.dispose()
        for url in urls.values():
            drop_database(url)


if __name__ == "__main__":
    main()
