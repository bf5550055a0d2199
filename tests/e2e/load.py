"""A technician with hundreds of visits: made through the real services (as the office would book
them) in a copy of the e2e template database, for the first-sync test and the bench.

`seeded_template(template, work, visits)` copies the template and runs this module on the copy
(`python -m tests.e2e.load <database> <visits>`) with the e2e settings.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .harness import BIN, ROOT, SCHEDULER, TECHNICIAN, flask_env

AHEAD = 21  # of them today and in the six days after (3 a day), booked last: the highest ids
HISTORY_DAYS = 29  # the others spread over the sync window's past days


def seeded_template(template: Path, work: Path, visits: int) -> Path:
    database = work / f"template-{visits}-visits.db"
    shutil.copyfile(template, database)
    done = subprocess.run(
        [str(BIN / "python"), "-m", "tests.e2e.load", str(database), str(visits)],
        cwd=ROOT,
        env=flask_env(database, work / "uploads-load"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seeding {visits} visits failed:\n{done.stdout}\n{done.stderr}")
    return database


def seed(visits: int) -> None:
    """`visits` visits for the demo technician, each on a case of its own customer."""
    from sqlalchemy import select

    from server.appointments.service import create_appointment
    from server.auth.models import User
    from server.cases.service import load_case, open_case
    from server.catalogs.models import CatalogKind
    from server.customers.service import create_customer
    from server.database import utcnow
    from server.demo import catalog_ids, random_document
    from server.extensions import db

    scheduler = db.session.scalars(select(User).where(User.email == SCHEDULER)).one()
    technician = db.session.scalars(select(User).where(User.email == TECHNICIAN)).one()
    store = scheduler.stores[0]
    zone = ZoneInfo(store.timezone)
    vistoria = catalog_ids(store, CatalogKind.APPOINTMENT_TYPES)["Vistoria"]
    today = utcnow().astimezone(zone).date()
    rng = random.Random(14)
    for n in range(visits):
        ahead = n >= visits - AHEAD
        offset = (n - (visits - AHEAD)) // 3 if ahead else -1 - n % HISTORY_DAYS
        customer = create_customer(
            store,
            {
                "name": f"Cliente Carga {n:03d}",
                "document": random_document(rng, company=False),
                "phones": [f"119{rng.randint(10000000, 99999999)}"],
                "address": {
                    "cep": "01310100",
                    "street": "Av. Paulista",
                    "number": str(100 + n),
                    "district": "Bela Vista",
                    "city": "São Paulo",
                    "state": "SP",
                },
            },
        )
        case = open_case(
            {"customer_id": customer.id, "reported_issue": "Porta do roupeiro desalinhada; dobradiça com folga."},
            scheduler,
        )
        starts = datetime.combine(today + timedelta(days=offset), time(8 + n % 9, 0))
        create_appointment(
            load_case(scheduler, case.id),
            {
                "appointment_type_id": vistoria,
                "assignee_id": technician.id,
                "starts_at": starts,
                "ends_at": starts + timedelta(minutes=60),
                "subject": "Vistoria — porta do roupeiro",
                "allow_overlap": True,
            },
            scheduler,
        )
    db.session.commit()


def main() -> None:
    from server import create_app

    app = create_app()
    with app.app_context():
        seed(int(sys.argv[2]))


if __name__ == "__main__":
    main()
