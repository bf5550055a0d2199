"""The claims board's figures on a seeded set of claims of two factories."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from server.auth.models import User
from server.claims.models import Claim
from server.database import utcnow
from server.extensions import db
from server.stores.models import Store
from tests.claims_world import claim_world
from tests.conftest import CPFS, ApiClient


@pytest.fixture(autouse=True)
def uploads(app: Flask, tmp_path: Path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")


def claim(client: ApiClient, supplier: int, item: str, moves: list[str], answer: dict[str, Any] | None = None) -> int:
    body = {"supplier_id": supplier, "items": [{"occurrence_item_id": item, "outcome": "credit"}]}
    created = client.post("/api/claims", json=body).json
    for status in moves:
        if status in ("accepted", "partially_accepted", "refused") and answer is not None:
            answered = client.post(
                f"/api/claims/{created['id']}/answers", json={"items": [{"id": created["items"][0]["id"], **answer}]}
            )
            assert answered.status_code == 200, answered.json
        response = client.post(f"/api/claims/{created['id']}/moves", json={"status": status})
        assert response.status_code == 200, response.json
    return int(created["id"])


def backdate(claim_id: int, sent_days_ago: int, answered_after: int | None = None) -> None:
    row = db.session.get_one(Claim, claim_id)
    row.sent_at = utcnow() - timedelta(days=sent_days_ago, hours=1)
    row.answered_at = row.sent_at + timedelta(days=answered_after) if answered_after is not None else None
    db.session.commit()


def test_board_figures(as_scheduler: ApiClient, store: Store, scheduler: User, technician: User) -> None:
    world = claim_world(store, scheduler, technician, CPFS[0])
    waiting = claim(as_scheduler, world["serra"], world["door_item"], ["sent", "in_review"])
    partial = claim(
        as_scheduler,
        world["serra"],
        world["hinge_item"],
        ["sent", "partially_accepted"],
        {"accepted": True, "accepted_amount": "30.00"},
    )
    credit = {"received_on": "2030-04-02", "amount": "20.00", "form": "bonus"}
    assert as_scheduler.post(f"/api/claims/{partial}/credits", json=credit).status_code == 201
    refused = claim(
        as_scheduler,
        world["vale"],
        world["drawer_item"],
        ["sent", "refused"],
        {"accepted": False, "refusal_reason": "Mau uso."},
    )
    draft_world = claim_world(store, scheduler, technician, CPFS[1], tag=" 2")
    claim(as_scheduler, draft_world["serra"], draft_world["door_item"], [])  # a draft: not on the board
    backdate(waiting, 20)
    backdate(partial, 10, answered_after=4)
    backdate(refused, 3, answered_after=2)

    board = as_scheduler.get("/api/claims/board").json
    serra, vale = board["factories"]
    assert serra["supplier"]["name"] == "Móveis Serra"
    assert (serra["open_claims"], serra["oldest_waiting_days"], serra["mean_days_to_answer"]) == (2, 20, "4.0")
    assert serra["acceptance_rate"] == "0.607"  # 30,00 of 49,40 answered
    assert (serra["claimed"], serra["accepted"], serra["received"], serra["outstanding"]) == (
        "239.30",
        "30.00",
        "20.00",
        "10.00",
    )
    assert [(o["id"], o["days_waiting"]) for o in serra["overdue"]] == [(waiting, 20)]
    assert serra["claim_answer_days"] == 15
    assert vale["supplier"]["name"] == "Vale Planejados"
    assert (vale["open_claims"], vale["oldest_waiting_days"], vale["mean_days_to_answer"]) == (1, None, "2.0")
    assert vale["acceptance_rate"] == "0.000"
    assert (vale["claimed"], vale["outstanding"], vale["overdue"]) == ("80.00", "0.00", [])
    assert board["totals"] == {"claimed": "319.30", "accepted": "30.00", "received": "20.00", "outstanding": "10.00"}


def test_a_shorter_answer_time_flags_sooner(
    as_scheduler: ApiClient, store: Store, scheduler: User, technician: User
) -> None:
    world = claim_world(store, scheduler, technician, CPFS[0])
    sent = claim(as_scheduler, world["vale"], world["drawer_item"], ["sent"])
    backdate(sent, 3)
    assert as_scheduler.get("/api/claims/board").json["factories"][0]["overdue"] == []
    assert as_scheduler.patch(f"/api/suppliers/{world['vale']}", json={"claim_answer_days": 2}).status_code == 200
    [row] = as_scheduler.get("/api/claims/board").json["factories"]
    assert row["claim_answer_days"] == 2 and [o["id"] for o in row["overdue"]] == [sent]
