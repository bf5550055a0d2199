"""The case status follows its occurrences and parts orders (docs/architecture.md); closing waits for open orders."""

from __future__ import annotations

from typing import Any

from server.cases.models import ServiceCase
from server.cases.progress import has_open_orders, open_order_numbers
from server.extensions import db
from tests.test_orders import PROBLEM_JSON, file_occurrence, generate_ok, item, patch_order, store_version


def status(client: Any, case_id: int) -> str:
    response = client.get(f"/api/cases/{case_id}")
    assert response.status_code == 200, response.json
    return response.json["status"]  # type: ignore[no-any-return]


def timeline(client: Any, case_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/cases/{case_id}/timeline")
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def followed(client: Any, case_id: int) -> list[tuple[str, str]]:
    """The (from, to) of every status move the work made, oldest first."""
    return [
        (e["changes"]["status"]["from"], e["changes"]["status"]["to"])
        for e in timeline(client, case_id)
        if e["kind"] == "status_followed"
    ]


def resolve(client: Any, occurrence_id: str) -> None:
    response = client.patch(f"/api/occurrences/{occurrence_id}", json={"resolved": True})
    assert response.status_code == 200, response.json


def close(client: Any, case_id: int, **extra: Any) -> Any:
    return client.patch(f"/api/cases/{case_id}", json={"status": "closed", "status_reason": "Tudo certo.", **extra})


def test_an_unresolved_occurrence_makes_the_case_pending(as_scheduler, case):
    file_occurrence(as_scheduler, case, resolved=False)
    assert status(as_scheduler, case.id) == "pending"
    assert followed(as_scheduler, case.id) == [("open", "pending")]


def test_resolving_it_without_open_orders_puts_the_case_back_in_service(as_scheduler, case):
    occurrence = file_occurrence(as_scheduler, case, resolved=False)
    resolve(as_scheduler, occurrence["id"])
    assert status(as_scheduler, case.id) == "in_service"
    assert followed(as_scheduler, case.id) == [("open", "pending"), ("pending", "in_service")]


def test_a_resolved_occurrence_alone_leaves_the_case_in_service(as_scheduler, case):
    file_occurrence(as_scheduler, case, item("Dobradiça"), resolved=True)
    assert status(as_scheduler, case.id) == "in_service"


def test_an_open_order_keeps_the_case_pending_until_it_is_received(as_scheduler, case):
    """Resolved occurrence + draft order → pending; sent → still pending; received → in_service."""
    file_occurrence(as_scheduler, case, item("Porta", supplier="Fábrica Sul"), resolved=True)
    assert status(as_scheduler, case.id) == "in_service"

    [order] = generate_ok(as_scheduler, case.id)
    assert status(as_scheduler, case.id) == "pending"
    assert patch_order(as_scheduler, order["id"], status="sent").status_code == 200
    assert status(as_scheduler, case.id) == "pending"
    assert patch_order(as_scheduler, order["id"], status="received").status_code == 200
    assert status(as_scheduler, case.id) == "in_service"
    assert followed(as_scheduler, case.id) == [
        ("open", "in_service"),
        ("in_service", "pending"),
        ("pending", "in_service"),
    ]


def test_resolving_the_occurrence_while_an_order_is_open_keeps_pending(as_scheduler, case):
    occurrence = file_occurrence(as_scheduler, case, item("Porta", supplier="Fábrica Sul"), resolved=False)
    [order] = generate_ok(as_scheduler, case.id)

    resolve(as_scheduler, occurrence["id"])
    assert status(as_scheduler, case.id) == "pending"

    cancelled = as_scheduler.post(f"/api/orders/{order['id']}/cancel", json={"reason": "Consertado no local."})
    assert cancelled.status_code == 200
    assert status(as_scheduler, case.id) == "in_service"


def test_an_unresolved_occurrence_keeps_pending_after_the_order_is_received(as_scheduler, case):
    file_occurrence(as_scheduler, case, item("Porta", supplier="Fábrica Sul"), resolved=False)
    [order] = generate_ok(as_scheduler, case.id)
    patch_order(as_scheduler, order["id"], status="sent")
    patch_order(as_scheduler, order["id"], status="received")
    assert status(as_scheduler, case.id) == "pending"


def test_one_open_order_of_several_keeps_pending(as_scheduler, case):
    file_occurrence(as_scheduler, case, item("Porta", supplier="Alfa"), item("Gaveta", supplier="Beta"), resolved=True)
    first, second = generate_ok(as_scheduler, case.id)
    patch_order(as_scheduler, first["id"], status="sent")
    patch_order(as_scheduler, first["id"], status="received")
    assert status(as_scheduler, case.id) == "pending"
    as_scheduler.post(f"/api/orders/{second['id']}/cancel", json={"reason": "Não precisa mais."})
    assert status(as_scheduler, case.id) == "in_service"


def test_a_case_with_an_open_order_is_not_closed_without_force(as_scheduler, store, case):
    """409 in pt-BR naming the open orders; the case, its timeline and the store version stay as they were."""
    file_occurrence(as_scheduler, case, item("Porta", supplier="Alfa"), item("Gaveta", supplier="Beta"), resolved=True)
    first, second = generate_ok(as_scheduler, case.id)
    patch_order(as_scheduler, first["id"], status="sent")
    events_before = len(timeline(as_scheduler, case.id))
    version_before = store_version(store.id)

    response = close(as_scheduler, case.id)

    assert response.status_code == 409
    assert response.content_type == PROBLEM_JSON
    assert response.json["type"].endswith("/open-orders")
    assert response.json["title"] == "Conflito"
    assert f"({first['number']}, {second['number']})" in response.json["detail"]
    assert "pedidos de peças em aberto" in response.json["detail"]
    assert status(as_scheduler, case.id) == "pending"
    assert len(timeline(as_scheduler, case.id)) == events_before
    assert store_version(store.id) == version_before
    assert close(as_scheduler, case.id, force=False).status_code == 409


def test_force_closes_with_open_orders_and_the_timeline_says_so(as_scheduler, scheduler, case):
    file_occurrence(as_scheduler, case, item("Porta", supplier="Alfa"), resolved=True)
    [order] = generate_ok(as_scheduler, case.id)

    without_reason = as_scheduler.patch(f"/api/cases/{case.id}", json={"status": "closed", "force": True})
    assert without_reason.status_code == 422
    assert "status_reason" in without_reason.json["errors"]

    response = close(as_scheduler, case.id, force=True, status_reason="Cliente aceitou aguardar a peça fora do prazo.")

    assert response.status_code == 200, response.json
    assert response.json["status"] == "closed"
    assert response.json["closed_at"] is not None
    event = timeline(as_scheduler, case.id)[-1]
    assert event["kind"] == "status_changed"
    assert event["actor"]["id"] == scheduler.id
    assert event["changes"]["status"] == {"from": "pending", "to": "closed"}
    assert event["note"] == f"Finalização forçada com pedidos de peças em aberto: {order['number']}."

    # work on a closed case does not reopen it
    assert patch_order(as_scheduler, order["id"], status="sent").status_code == 200
    assert patch_order(as_scheduler, order["id"], status="received").status_code == 200
    assert status(as_scheduler, case.id) == "closed"


def test_a_case_whose_orders_are_all_received_or_cancelled_closes_normally(as_scheduler, case):
    file_occurrence(as_scheduler, case, item("Porta", supplier="Alfa"), item("Gaveta", supplier="Beta"), resolved=True)
    first, second = generate_ok(as_scheduler, case.id)
    patch_order(as_scheduler, first["id"], status="sent")
    patch_order(as_scheduler, first["id"], status="received")
    as_scheduler.post(f"/api/orders/{second['id']}/cancel", json={"reason": "Peça reaproveitada."})

    response = close(as_scheduler, case.id)

    assert response.status_code == 200, response.json
    assert response.json["status"] == "closed"
    assert timeline(as_scheduler, case.id)[-1]["note"] is None


def test_force_without_open_orders_is_a_plain_close(as_scheduler, case):
    file_occurrence(as_scheduler, case, resolved=True)
    response = close(as_scheduler, case.id, force=True)
    assert response.status_code == 200
    assert timeline(as_scheduler, case.id)[-1]["note"] is None


def test_an_invalid_close_is_refused_as_a_transition_not_for_orders(as_scheduler, case):
    """From `open` a case cannot be closed at all: the invalid-transition 409 wins over the order check."""
    response = close(as_scheduler, case.id)
    assert response.status_code == 409
    assert response.json["type"].endswith("/invalid-transition")


def test_order_events_and_followed_statuses_share_the_timeline(as_scheduler, case):
    file_occurrence(as_scheduler, case, item("Porta", supplier="Alfa"), resolved=True)
    [order] = generate_ok(as_scheduler, case.id)
    patch_order(as_scheduler, order["id"], status="sent")
    patch_order(as_scheduler, order["id"], status="received")

    kinds = [e["kind"] for e in timeline(as_scheduler, case.id)]

    assert kinds == [
        "created",
        "occurrence_created",
        "status_followed",  # the resolved occurrence: open → in_service
        "order_created",
        "status_followed",  # in_service → pending
        "order_sent",
        "order_received",
        "status_followed",  # pending → in_service
    ]


def test_open_order_helpers(as_scheduler, scheduler, case):
    """has_open_orders / open_order_numbers see draft and sent orders only."""
    file_occurrence(as_scheduler, case, item("Porta", supplier="Alfa"), item("Gaveta", supplier="Beta"), resolved=True)
    loaded = db.session.get_one(ServiceCase, case.id)
    assert not has_open_orders(loaded) and open_order_numbers(loaded) == []

    first, second = generate_ok(as_scheduler, case.id)
    db.session.commit()
    assert has_open_orders(loaded)
    assert open_order_numbers(loaded) == [first["number"], second["number"]]

    patch_order(as_scheduler, first["id"], status="sent")
    patch_order(as_scheduler, first["id"], status="received")
    as_scheduler.post(f"/api/orders/{second['id']}/cancel", json={"reason": "Duplicado."})
    db.session.commit()
    assert not has_open_orders(loaded) and open_order_numbers(loaded) == []
