"""The phone holds, read-only, the contract items of its cases' contracts and which of its
occurrence items are under claim; a claim's status move reaches it in the next delta."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from server.auth.models import User
from server.stores.models import Store
from tests.claims_world import claim_world, open_claim_body
from tests.conftest import CPFS, ApiClient, login
from tests.sync.test_pull import pull


@pytest.fixture(autouse=True)
def uploads(app: Flask, tmp_path: Path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")


def rows(answer: dict[str, Any], table: str) -> list[dict[str, Any]]:
    return list(answer["changes"].get(table, {"upsert": []})["upsert"])


def test_technician_pulls_contract_items_and_claim_status(
    app: Flask, as_scheduler: ApiClient, store: Store, scheduler: User, technician: User
) -> None:
    world = claim_world(store, scheduler, technician, CPFS[0])
    claim = as_scheduler.post("/api/claims", json=open_claim_body(world)).json
    phone = login(app, technician)
    device = uuid.uuid4()
    snapshot = pull(phone, device)
    [contract] = rows(snapshot, "contracts")
    assert [i["code"] for i in contract["items"]] == ["AER-80-BR", "GAV-60"]
    assert contract["items"][0]["invoice_number"] == "NF554433"
    # The technician's case only: the second case (not theirs) stays off the phone.
    [under_claim] = rows(snapshot, "claim_items")
    assert under_claim["occurrence_item_id"] == world["door_item"]
    assert (under_claim["claim_number"], under_claim["claim_status_label"]) == (claim["number"], "Rascunho")
    assert "amount" not in under_claim  # money stays in the office

    assert as_scheduler.post(f"/api/claims/{claim['id']}/moves", json={"status": "sent"}).status_code == 200
    delta = pull(phone, device, snapshot["cursor"])
    [moved] = rows(delta, "claim_items")
    assert (moved["id"], moved["claim_status"], moved["claim_status_label"]) == (under_claim["id"], "sent", "Enviada")
