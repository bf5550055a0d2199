"""The claims screens cost a constant number of SQL statements whatever the number of claims and
items (no N+1), and the board's figures, kept per factory as claims close, equal every sent
claim summed again."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.cases.models import ServiceCase
from server.claims import service
from server.claims.models import WAITING, ZERO, Claim
from server.database import utcnow
from server.extensions import db
from server.occurrences.service import create_occurrence
from server.stores.models import Store
from tests.claims_world import claim_world
from tests.conftest import CPFS, ApiClient, counting, every_page, page_of
from tests.test_documents import first


@pytest.fixture(autouse=True)
def uploads(app: Flask, tmp_path: Path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")


@pytest.fixture
def world(store: Store, scheduler: User, technician: User) -> dict[str, Any]:
    return claim_world(store, scheduler, technician, CPFS[0])


def factory_items(world: dict[str, Any], technician: User, count: int, tag: str, factory: str = "serra") -> list[Any]:
    """`count` factory-paid items of one factory, on one occurrence of the world's case."""
    case = db.session.get_one(ServiceCase, world["case"])
    body = {
        "occurrence_type_id": first(case.store_id, "occurrence_types"),
        "payer": "factory",
        "resolved": False,
        "unresolved_reason": "Aguardando a fábrica.",
        "items": [
            {
                "description": f"Peça {tag}-{n}",
                "code": f"P-{tag}-{n}",
                "quantity": "2",
                "action": "replace",
                "supplier_id": world[factory],
                "unit_cost": f"{10 + n}.25",
            }
            for n in range(count)
        ],
    }
    return [item.id for item in create_occurrence(case, body, technician).items]


def claim(
    user: User,
    world: dict[str, Any],
    items: list[Any],
    steps: int,
    factory: str = "serra",
    sent: tuple[float, float] | None = None,
) -> int:
    """A claim of these items moved `steps` along: 0 draft, 1 sent, 2 accepted (half of the first
    item's amount) and credited in part, 3 closed. `sent`: (days ago, days the answer took)."""
    body = {"supplier_id": world[factory], "items": [{"occurrence_item_id": i, "outcome": "credit"} for i in items]}
    claim_id = service.create_claim(user, body).id
    if steps >= 1:
        service.move(user, service.load_claim(user, claim_id), {"status": "sent"})
    if sent is not None:
        row = db.session.get_one(Claim, claim_id)
        row.sent_at = utcnow() - timedelta(days=sent[0])
    if steps >= 2:
        loaded = service.load_claim(user, claim_id)
        half = (loaded.items[0].amount / 2).quantize(Decimal("0.01"))
        answers = [{"id": loaded.items[0].id, "accepted": True, "accepted_amount": half}]
        answers += [{"id": item.id, "accepted": True} for item in loaded.items[1:]]
        service.answer(user, loaded, {"items": answers})
        service.move(user, service.load_claim(user, claim_id), {"status": "partially_accepted"})
        if sent is not None:
            row = db.session.get_one(Claim, claim_id)
            row.answered_at = row.sent_at + timedelta(days=sent[1])  # type: ignore[operator]
        credit = {"received_on": date(2030, 4, 2), "amount": Decimal("3.00"), "form": "bonus"}
        service.add_credit(user, service.load_claim(user, claim_id), credit)
    if steps >= 3:
        service.move(user, service.load_claim(user, claim_id), {"status": "closed"})
    db.session.commit()
    return claim_id


def grow(world: dict[str, Any], scheduler: User, technician: User, start: int, stop: int) -> None:
    """Claims numbered start..stop-1 of one item each, every fourth one draft, sent, credited, closed."""
    for n, item in enumerate(factory_items(world, technician, stop - start, f"g{start}"), start=start):
        claim(scheduler, world, [item], n % 4)


URLS = {
    "board": lambda world: "/api/claims/board",
    "list": lambda world: "/api/claims",
    "open list": lambda world: "/api/claims?open=true",
    "case's claims": lambda world: f"/api/cases/{world['case']}/claims",
}


@pytest.mark.parametrize("name", list(URLS))
def test_claims_lists_cost_the_same_for_4_and_32_claims(
    as_scheduler: ApiClient, world: dict[str, Any], scheduler: User, technician: User, name: str
) -> None:
    counts, sizes = [], []
    for start, stop in ((0, 4), (4, 32)):
        grow(world, scheduler, technician, start, stop)
        with counting() as statements:
            response = as_scheduler.get(URLS[name](world))
        assert response.status_code == 200, response.json
        counts.append(len(statements))
        body = response.json
        sizes.append(
            body["factories"][0]["open_claims"] if name == "board" else len(body["items"] if "list" in name else body)
        )
    assert sizes[1] >= sizes[0] * 6, sizes  # the answer really grew
    assert counts[0] == counts[1], f"{name}: {counts[0]} statements for {sizes[0]}, {counts[1]} for {sizes[1]}"


def test_the_claims_list_pages_through_every_claim_newest_first(
    as_scheduler: ApiClient, world: dict[str, Any], scheduler: User, technician: User
) -> None:
    """The list is cut in pages (it was the newest 500, whole): each page one query, every
    claim once, and the open ones apart."""
    grow(world, scheduler, technician, 0, 12)
    every = every_page(as_scheduler, "/api/claims?limit=5")
    assert len(every) == 12 and every == sorted(every, reverse=True)
    first, cursor = page_of(as_scheduler, "/api/claims?limit=5")
    assert first == every[:5] and cursor
    open_ones = every_page(as_scheduler, "/api/claims?open=true&limit=2")
    closed = {c["id"] for c in as_scheduler.get("/api/claims?status=closed&limit=200").json["items"]}
    assert open_ones == [claim_id for claim_id in every if claim_id not in closed] and len(closed) == 3


def test_the_open_list_names_its_statuses_and_limit_in_the_sql(
    app: Flask, as_scheduler: ApiClient, world: dict[str, Any], scheduler: User, technician: User
) -> None:
    """A prepared statement's plan made for any statuses and any limit walked every claim (see
    `server.database.among`): the open list's statement carries both as constants."""
    grow(world, scheduler, technician, 0, 4)
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, sql: str, params: Any, *args: Any) -> None:
        seen.append((sql, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert as_scheduler.get("/api/claims?open=true").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    [(sql, params)] = [(sql, params) for sql, params in seen if sql.startswith("SELECT claims.id")]
    limit = app.config["PAGE_LIMIT_DEFAULT"] + 1  # a page, and one more to know there is another
    assert "'draft'" in sql and "'closed'" not in sql and f"LIMIT {limit}" in sql
    values = list(params.values()) if isinstance(params, dict) else list(params)
    assert "draft" not in values and limit not in values


def test_a_claims_page_costs_the_same_for_3_and_30_items(
    as_scheduler: ApiClient, world: dict[str, Any], scheduler: User, technician: User
) -> None:
    counts = []
    for size in (3, 30):
        claim_id = claim(scheduler, world, factory_items(world, technician, size, f"p{size}"), 3)
        with counting() as statements:
            response = as_scheduler.get(f"/api/claims/{claim_id}")
        assert response.status_code == 200
        assert len(response.json["items"]) == size and len(response.json["credits"]) == 1
        counts.append(len(statements))
    assert counts[0] == counts[1]


def summed_again(store_id: int, now: Any) -> dict[str, dict[str, Any]]:
    """The board's money and rates per factory from every sent claim, as the board computed them
    before it kept the closed claims' totals."""
    sent = db.session.scalars(
        select(Claim)
        .where(Claim.store_id == store_id, Claim.status != "draft", Claim.sent_at.is_not(None))
        .options(selectinload(Claim.supplier))
    )
    by_factory: dict[int, list[Claim]] = defaultdict(list)
    for c in service.with_parts(list(sent)):
        by_factory[c.supplier_id].append(c)
    figures = {}
    for claims in by_factory.values():
        answered = [c for c in claims if c.answered_at is not None]
        days = [Decimal((c.answered_at - c.sent_at).total_seconds()) / 86400 for c in answered]  # type: ignore[operator]
        claimed_answered = sum((c.claimed for c in answered), ZERO)
        accepted_answered = sum((c.accepted for c in answered), ZERO)
        waiting = [c for c in claims if c.status in WAITING]
        figures[claims[0].supplier.name] = {
            "open_claims": sum(1 for c in claims if c.status != "closed"),
            "oldest_waiting_days": int((now - min(c.sent_at for c in waiting)).total_seconds() // 86400)  # type: ignore[type-var,operator]
            if waiting
            else None,
            "mean_days_to_answer": str((sum(days, Decimal(0)) / len(days)).quantize(Decimal("0.1"))) if days else None,
            "acceptance_rate": str((accepted_answered / claimed_answered).quantize(Decimal("0.001")))
            if claimed_answered
            else None,
            "claimed": str(sum((c.claimed for c in claims), ZERO)),
            "accepted": str(sum((c.accepted for c in claims), ZERO)),
            "received": str(sum((c.received for c in claims), ZERO)),
            "outstanding": str(sum((max(c.balance, ZERO) for c in claims), ZERO)),
        }
    return figures


def test_the_board_equals_every_sent_claim_summed_again(
    as_scheduler: ApiClient, world: dict[str, Any], scheduler: User, technician: User, store: Store
) -> None:
    serra = factory_items(world, technician, 8, "s")
    vale = factory_items(world, technician, 3, "v", factory="vale")
    # Sending and answer times spread, so that the mean days to answer is not a round figure.
    made = [claim(scheduler, world, [item], n % 4, sent=(30 - n * 1.7, n * 1.3)) for n, item in enumerate(serra[:6])]
    made.append(claim(scheduler, world, serra[6:8], 3, sent=(12.2, 4.45)))  # two items, closed
    made += [claim(scheduler, world, [item], 3, factory="vale", sent=(9 + n, 2.5 * n)) for n, item in enumerate(vale)]
    # The factory reconsiders a closed claim's credit: removed by mistake, then the money is back.
    closed = service.load_claim(scheduler, made[3])
    service.remove_credit(scheduler, closed, closed.credits[0].id)
    db.session.commit()

    board = as_scheduler.get("/api/claims/board").json
    expected = summed_again(store.id, utcnow())
    got = {
        row["supplier"]["name"]: {key: row[key] for key in next(iter(expected.values()))} for row in board["factories"]
    }
    assert got == expected
    assert got["Vale Planejados"]["open_claims"] == 0 and got["Vale Planejados"]["claimed"] != "0.00"
    assert board["totals"]["claimed"] == str(sum((Decimal(f["claimed"]) for f in expected.values()), ZERO))
