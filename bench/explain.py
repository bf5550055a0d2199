"""EXPLAIN ANALYZE of what an office or phone read runs, on a store built by bench.store_data.

Each measure of bench.scale is called once through the Flask app (warm-up), then again while an
engine event listener records its SQL statements and their parameters; each SELECT is then run
again under EXPLAIN (ANALYZE, BUFFERS) on the same connection and its plan printed. Statements
that read only the session, the user or the store (the same on every request) are left out.

Usage: `python -m bench.explain --url postgresql+psycopg://…/assistec_100x claims-board customer-search`
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from bench.common import statements as recorded_statements
from bench.scale import Size
from bench.store_data import CONFIG, LAST, TECHNICIANS, user_id
from server import create_app
from server.cases.models import ServiceCase
from server.claims.models import Claim
from server.contracts.models import Contract, ContractItem
from server.customers.models import Customer
from server.extensions import db

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = ("FROM auth_sessions", "FROM users", "FROM stores", "FROM user_stores")


def describe() -> dict[str, Any]:
    """What bench.store_data.seed returned for this store, read back from it."""
    technicians = [(user_id(f"tec{i}@bench.test"), f"tec{i}@bench.test") for i in range(TECHNICIANS)]
    customers = db.session.scalar(select(func.count(Customer.id))) or 0
    return {
        "technicians": technicians,
        "office_email": "escritorio@bench.test",
        "cpf": db.session.scalar(select(Customer.document).where(Customer.id == customers // 2 + 1)),
        "surname": LAST[3],
        "case_id": db.session.scalar(select(func.max(ServiceCase.id)).where(ServiceCase.status != "closed")),
        "claim_id": db.session.scalar(select(func.max(Claim.id)).where(Claim.status != "closed")),
        "contract_id": db.session.scalar(select(func.max(ContractItem.contract_id))),
        "contract_customer_id": db.session.scalar(select(func.min(Contract.customer_id))),
    }


def explain(app: Flask, statements: list[tuple[str, Any]]) -> None:
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")) or any(
                    s in statement for s in SKIPPED
                ):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                print("   ", " ".join(statement.split())[:300])
                for (line,) in cursor.fetchall():
                    print("      ", line)
                print()
        finally:
            connection.rollback()
            connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("names", nargs="+", help="bench.scale measure names")
    args = parser.parse_args()
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": args.url})
    with app.app_context():
        made = describe()
    size = Size(0, app, made, first_pull=False)
    for name in args.names:
        measure = getattr(size, name.replace("-", "_"))
        measure()
        with recorded_statements(app) as statements:
            measure()
        print(f"== {name}: {len(statements)} statements")
        explain(app, statements)


if __name__ == "__main__":
    main()
