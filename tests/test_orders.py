"""Parts orders (Pedidos de peças) and the cost summary of a case, through the API."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select

from server.cases.models import CaseEvent
from server.catalogs.models import CatalogEntry
from server.extensions import db
from server.occurrences.models import OccurrenceItem
from server.orders.models import PartsOrder
from tests.conftest import counting, login, make_case, make_customer, store_version

PROBLEM_JSON = "application/problem+json"
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


# --- helpers ------------------------------------------------------------------------------


def this_year() -> int:
    return datetime.now(SAO_PAULO).year


def entry(store_id: int, kind: str) -> int:
    return db.session.scalars(
        select(CatalogEntry.id)
        .where(CatalogEntry.store_id == store_id, CatalogEntry.kind == kind)
        .order_by(CatalogEntry.position)
    ).first()  # type: ignore[return-value]


def item(
    description: str, quantity: str = "1", supplier: str | None = None, unit_cost: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "description": description,
        "quantity": quantity,
        "action": "replace",
        "supplier": supplier,
        "unit_cost": unit_cost,
        **extra,
    }


def file_occurrence(
    client: Any, case: Any, *items: dict[str, Any], payer: str = "factory", resolved: bool = False
) -> dict[str, Any]:
    """File an occurrence with items through the API; returns its JSON."""
    body: dict[str, Any] = {
        "occurrence_type_id": entry(case.store_id, "occurrence_types"),
        "payer": payer,
        "resolved": resolved,
        "items": list(items),
    }
    if not resolved:
        body["unresolved_reason"] = "Aguardando peças."
    response = client.post(f"/api/cases/{case.id}/occurrences", json=body)
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def generate(client: Any, case_id: int, **body: Any) -> Any:
    return client.post(f"/api/cases/{case_id}/orders", json=body)


def generate_ok(client: Any, case_id: int, **body: Any) -> list[dict[str, Any]]:
    response = generate(client, case_id, **body)
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def item_ids(order: dict[str, Any]) -> set[str]:
    return {line["id"] for line in order["items"]}


def ids_by_description(occurrence: dict[str, Any], *descriptions: str) -> list[str]:
    """The ids of the occurrence's items with these descriptions, in the order asked."""
    by_description = {line["description"]: line["id"] for line in occurrence["items"]}
    return [by_description[description] for description in descriptions]


def all_item_ids(*occurrences: dict[str, Any]) -> set[str]:
    return {line["id"] for occurrence in occurrences for line in occurrence["items"]}


def order_of_items(client: Any, occurrence_id: str) -> dict[str, int | None]:
    """{item id: order_id} as the occurrence shows them."""
    response = client.get(f"/api/occurrences/{occurrence_id}")
    assert response.status_code == 200, response.json
    return {line["id"]: line["order_id"] for line in response.json["items"]}


def count(model: Any) -> int:
    db.session.commit()  # a fresh snapshot: see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def timeline_kinds(client: Any, case_id: int) -> list[str]:
    response = client.get(f"/api/cases/{case_id}/timeline")
    assert response.status_code == 200, response.json
    return [event["kind"] for event in response.json]


def patch_order(client: Any, order_id: int, **body: Any) -> Any:
    return client.patch(f"/api/orders/{order_id}", json=body)


# --- generating ---------------------------------------------------------------------------


def test_generate_makes_one_draft_order_per_supplier_and_payer(as_scheduler, scheduler, case):
    """Parts group by (supplier, payer of their occurrence); a part without supplier waits for one."""
    factory = file_occurrence(
        as_scheduler,
        case,
        item("Porta 40x70", "2", "Fábrica Sul", "189.90"),
        item("Lateral 60cm", "1", "Fábrica Sul", "120.00"),
        item("Dobradiça 35mm", "4", "Ferragens Brasil", "12.50"),
        item("Puxador inox", "2"),
        payer="factory",
    )
    store = file_occurrence(as_scheduler, case, item("Tampo 1,20m", "1", "Fábrica Sul", "300.00"), payer="store")

    orders = generate_ok(as_scheduler, case.id)

    by_key = {(order["supplier"], order["payer"]): order for order in orders}
    assert set(by_key) == {
        ("Fábrica Sul", "factory"),
        ("Fábrica Sul", "store"),
        ("Ferragens Brasil", "factory"),
    }
    f_items = {line["description"]: line["id"] for line in factory["items"]}
    assert item_ids(by_key["Fábrica Sul", "factory"]) == {f_items["Porta 40x70"], f_items["Lateral 60cm"]}
    assert item_ids(by_key["Ferragens Brasil", "factory"]) == {f_items["Dobradiça 35mm"]}
    assert f_items["Puxador inox"] not in {line for order in orders for line in item_ids(order)}
    assert item_ids(by_key["Fábrica Sul", "store"]) == all_item_ids(store)
    assert by_key["Fábrica Sul", "store"]["payer_label"] == "Paga pela Loja"
    for order in orders:
        assert order["status"] == "draft" and order["status_label"] == "Rascunho"
        assert order["case"] == {"id": case.id, "number": case.number}
        assert order["created_by_id"] == scheduler.id
        assert order["sent_at"] is None and order["received_at"] is None and order["cancelled_at"] is None
    assert by_key["Fábrica Sul", "factory"]["total"] == "499.80"  # 2 × 189.90 + 120.00
    assert by_key["Ferragens Brasil", "factory"]["items_without_cost"] == 0

    # the occurrences show each item on its order
    shown = order_of_items(as_scheduler, factory["id"]) | order_of_items(as_scheduler, store["id"])
    expected = {line_id: order["id"] for order in orders for line_id in item_ids(order)}
    assert shown == expected | {f_items["Puxador inox"]: None}


def test_supplier_spelled_differently_is_the_same_order(as_scheduler, case):
    """Capitals, accents and spacing do not split a supplier in two orders; orders sort by supplier name."""
    file_occurrence(
        as_scheduler,
        case,
        item("Porta", supplier="Fábrica Sul"),
        item("Gaveta", supplier="fabrica  SUL"),
        item("Trilho", supplier="Ferragens Brasil"),
    )

    fabrica, ferragens = generate_ok(as_scheduler, case.id)

    assert fabrica["supplier"] == "Fábrica Sul"  # the spelling that made the supplier
    assert {line["description"] for line in fabrica["items"]} == {"Porta", "Gaveta"}
    assert ferragens["supplier"] == "Ferragens Brasil"


def test_numbers_are_consecutive_per_store_and_independent_between_stores(
    as_scheduler, scheduler, customer, case, as_outsider, outsider, other_store
):
    """PD-<year>-00001, 00002… in the order generated, across cases of the store; another store starts at 1."""
    file_occurrence(as_scheduler, case, item("A", supplier="Alfa"), item("B", supplier="Beta"))
    other_case = make_case(scheduler, customer)
    file_occurrence(as_scheduler, other_case, item("C", supplier="Gama"))
    year = this_year()

    first = generate_ok(as_scheduler, case.id)
    second = generate_ok(as_scheduler, other_case.id)

    assert [o["number"] for o in first] == [f"PD-{year}-00001", f"PD-{year}-00002"]
    assert [o["supplier"] for o in first] == ["Alfa", "Beta"]
    assert [o["number"] for o in second] == [f"PD-{year}-00003"]

    foreign_case = make_case(outsider, make_customer(other_store))
    file_occurrence(as_outsider, foreign_case, item("D", supplier="Delta"))
    assert [o["number"] for o in generate_ok(as_outsider, foreign_case.id)] == [f"PD-{year}-00001"]


def test_generate_takes_only_items_not_on_a_live_order(as_scheduler, case):
    """A second call orders only the items added since; with nothing left it is a pt-BR 422."""
    occurrence = file_occurrence(as_scheduler, case, item("Porta", supplier="Fábrica Sul"))
    [first] = generate_ok(as_scheduler, case.id)
    added = as_scheduler.post(f"/api/occurrences/{occurrence['id']}/items", json=item("Gaveta", supplier="Fábrica Sul"))
    assert added.status_code == 201, added.json

    [second] = generate_ok(as_scheduler, case.id)
    assert item_ids(second) == {added.json["id"]}
    assert second["id"] != first["id"]

    response = generate(as_scheduler, case.id)
    assert response.status_code == 422
    assert response.content_type == PROBLEM_JSON
    assert response.json["type"].endswith("/nothing-to-order")
    assert "Não há itens para pedir" in response.json["detail"]
    assert count(PartsOrder) == 2


def test_a_case_without_items_has_nothing_to_order(as_scheduler, case):
    response = generate(as_scheduler, case.id)
    assert response.status_code == 422
    assert response.json["detail"].startswith("Não há itens para pedir")
    assert count(PartsOrder) == 0


def test_generate_only_the_given_items(as_scheduler, case):
    """`item_ids` picks items; the others stay free for a later order."""
    occurrence = file_occurrence(
        as_scheduler,
        case,
        item("Porta", supplier="Alfa"),
        item("Gaveta", supplier="Alfa"),
        item("Trilho", supplier="Beta"),
    )
    porta, gaveta, trilho = ids_by_description(occurrence, "Porta", "Gaveta", "Trilho")

    [order] = generate_ok(as_scheduler, case.id, item_ids=[gaveta, gaveta], notes="Urgente: cliente idoso.")

    assert item_ids(order) == {gaveta}
    assert order["notes"] == "Urgente: cliente idoso."
    rest = generate_ok(as_scheduler, case.id)
    assert set().union(*(item_ids(o) for o in rest)) == {porta, trilho}


def test_given_items_must_be_free_items_of_this_case(as_scheduler, scheduler, customer, case):
    """Each bad id is named as item_ids.N: on an order already, of another case, unknown; nothing is created."""
    occurrence = file_occurrence(as_scheduler, case, item("Porta", supplier="Alfa"), item("Gaveta", supplier="Alfa"))
    porta, gaveta = ids_by_description(occurrence, "Porta", "Gaveta")
    [first] = generate_ok(as_scheduler, case.id, item_ids=[porta])
    other_case = make_case(scheduler, customer)
    foreign = file_occurrence(as_scheduler, other_case, item("Tampo"))["items"][0]["id"]

    response = generate(as_scheduler, case.id, item_ids=[gaveta, porta, foreign, str(uuid.uuid4())])

    assert response.status_code == 422
    assert response.content_type == PROBLEM_JSON
    assert response.json["errors"] == {
        "item_ids.1": [f"O item já está no pedido {first['number']}."],
        "item_ids.2": ["Item não encontrado nesta assistência."],
        "item_ids.3": ["Item não encontrado nesta assistência."],
    }
    assert count(PartsOrder) == 1
    assert order_of_items(as_scheduler, occurrence["id"])[gaveta] is None


def test_a_malformed_item_id_or_unknown_field_is_rejected(as_scheduler, case):
    file_occurrence(as_scheduler, case, item("Porta"))
    bad_id = generate(as_scheduler, case.id, item_ids=["not-a-uuid"])
    unknown = generate(as_scheduler, case.id, supplier="Alfa")
    assert bad_id.status_code == 422 and "item_ids.0" in bad_id.json["errors"]
    assert unknown.status_code == 422 and "supplier" in unknown.json["errors"]
    assert count(PartsOrder) == 0


def test_deleted_items_are_not_ordered(as_scheduler, case):
    occurrence = file_occurrence(as_scheduler, case, item("Porta", supplier="Alfa"), item("Gaveta", supplier="Alfa"))
    porta, gaveta = ids_by_description(occurrence, "Porta", "Gaveta")
    assert as_scheduler.delete(f"/api/occurrences/{occurrence['id']}/items/{porta}").status_code == 204

    [order] = generate_ok(as_scheduler, case.id)
    assert item_ids(order) == {gaveta}


def test_a_finished_case_gets_no_new_orders(as_scheduler, case):
    file_occurrence(as_scheduler, case, item("Porta"))
    assert as_scheduler.post(f"/api/cases/{case.id}/cancel", json={"reason": "Cliente desistiu."}).status_code == 200

    response = generate(as_scheduler, case.id)

    assert response.status_code == 409
    assert response.json["type"].endswith("/case-finished")
    assert count(PartsOrder) == 0


# --- never on two orders ------------------------------------------------------------------


def _run_at_once(clients: list[Any], request: Any) -> list[Any]:
    """Call request(client, i) from one thread per client, released together by a barrier."""
    barrier = threading.Barrier(len(clients))
    results: list[Any] = [None] * len(clients)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = request(clients[i], i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_generate_calls_put_every_item_on_exactly_one_order(app: Flask, as_scheduler, scheduler, case):
    """Four generate calls at once on one case: one creates the orders, the others find nothing left."""
    factory = file_occurrence(
        as_scheduler, case, *(item(f"Peça {i}", supplier=f"Fornecedor {i % 3}") for i in range(6)), payer="factory"
    )
    store = file_occurrence(as_scheduler, case, item("Tampo", supplier="Fornecedor 0"), payer="store")
    everything = all_item_ids(factory, store)
    clients = [login(app, scheduler) for _ in range(4)]  # logged in beforehand: only the generate calls race
    case_id = case.id  # read here: the threads have no application context

    results = _run_at_once(clients, lambda client, i: generate(client, case_id))

    assert sorted(r.status_code for r in results) == [201, 422, 422, 422], [r.json for r in results]
    ordered = Counter(line for r in results if r.status_code == 201 for o in r.json for line in item_ids(o))
    assert set(ordered) == everything
    assert set(ordered.values()) == {1}
    db.session.commit()
    rows = db.session.execute(select(OccurrenceItem.id, OccurrenceItem.order_id)).all()
    live = set(db.session.scalars(select(PartsOrder.id)))
    assert len(live) == 4  # 3 suppliers for the factory + 1 for the store
    assert all(order_id in live for _, order_id in rows)
    numbers = sorted(db.session.scalars(select(PartsOrder.number)))
    assert numbers == [f"PD-{this_year()}-{n:05d}" for n in range(1, 5)]


def test_concurrent_generate_calls_with_overlapping_items_never_share_one(app: Flask, as_scheduler, scheduler, case):
    """Calls asking for overlapping item sets: each item lands on at most one order, all or nothing per call."""
    occurrence = file_occurrence(as_scheduler, case, *(item(f"Peça {i}", supplier="Alfa") for i in range(4)))
    ids = [line["id"] for line in occurrence["items"]]
    wanted = [[ids[i], ids[(i + 1) % 4]] for i in range(4)]
    clients = [login(app, scheduler) for _ in range(4)]
    case_id = case.id

    results = _run_at_once(clients, lambda client, i: generate(client, case_id, item_ids=wanted[i]))

    ordered: Counter[str] = Counter()
    for i, response in enumerate(results):
        assert response.status_code in (201, 422), response.json
        if response.status_code == 201:
            [order] = response.json
            assert item_ids(order) == set(wanted[i])
            ordered.update(item_ids(order))
    assert ordered and set(ordered.values()) == {1}
    shown = order_of_items(as_scheduler, occurrence["id"])
    assert {line for line, order_id in shown.items() if order_id is not None} == set(ordered)
    assert count(PartsOrder) == sum(r.status_code == 201 for r in results)


# --- status flow --------------------------------------------------------------------------


def one_order(client: Any, case: Any, supplier: str | None = "Fábrica Sul", **extra: Any) -> dict[str, Any]:
    occurrence = file_occurrence(client, case, item("Porta", supplier=supplier, unit_cost="100.00"), **extra)
    [order] = generate_ok(client, case.id, item_ids=[occurrence["items"][0]["id"]])
    order["occurrence_id"] = occurrence["id"]
    return order


def test_status_flow_draft_sent_received(as_scheduler, case):
    """draft → sent sets sent_at, sent → received sets received_at, with pt-BR labels and store offsets."""
    order = one_order(as_scheduler, case)

    sent = patch_order(as_scheduler, order["id"], status="sent")
    assert sent.status_code == 200, sent.json
    assert sent.json["status"] == "sent" and sent.json["status_label"] == "Enviado"
    assert abs(datetime.fromisoformat(sent.json["sent_at"]) - datetime.now(UTC)) < timedelta(minutes=1)
    assert sent.json["sent_at"].endswith("-03:00")
    assert sent.json["received_at"] is None

    received = patch_order(as_scheduler, order["id"], status="received")
    assert received.status_code == 200, received.json
    assert received.json["status"] == "received" and received.json["status_label"] == "Recebido"
    assert received.json["received_at"] is not None
    assert received.json["sent_at"] == sent.json["sent_at"]
    assert item_ids(received.json) == item_ids(order)  # a received order keeps its items

    got = as_scheduler.get(f"/api/orders/{order['id']}")
    assert got.status_code == 200 and got.json == received.json


@pytest.mark.parametrize(
    ("path", "target", "labels"),
    [
        ([], "received", ("Rascunho", "Recebido")),
        (["sent"], "draft", ("Enviado", "Rascunho")),
        (["sent", "received"], "cancelled", ("Recebido", "Cancelado")),
        (["sent", "received"], "sent", ("Recebido", "Enviado")),
        (["cancelled"], "sent", ("Cancelado", "Enviado")),
        (["cancelled"], "draft", ("Cancelado", "Rascunho")),
    ],
)
def test_invalid_moves_are_a_409_in_portuguese(as_scheduler, case, path, target, labels):
    order = one_order(as_scheduler, case)
    for status in path:
        body = {"status": status} | ({"cancel_reason": "Peça errada."} if status == "cancelled" else {})
        assert patch_order(as_scheduler, order["id"], **body).status_code == 200
    before = as_scheduler.get(f"/api/orders/{order['id']}").json

    body = {"status": target} | ({"cancel_reason": "Peça errada."} if target == "cancelled" else {})
    response = patch_order(as_scheduler, order["id"], **body)

    assert response.status_code == 409
    assert response.content_type == PROBLEM_JSON
    assert response.json["type"].endswith("/invalid-transition")
    assert response.json["detail"] == (
        f"Não é possível mudar o pedido {order['number']} de {labels[0]} para {labels[1]}."
    )
    assert as_scheduler.get(f"/api/orders/{order['id']}").json == before


def test_moving_to_the_same_status_changes_nothing(as_scheduler, store, case):
    order = one_order(as_scheduler, case)
    before = store_version(store.id)
    response = patch_order(as_scheduler, order["id"], status="draft")
    assert response.status_code == 200
    assert response.json["version"] == order["version"]
    assert store_version(store.id) == before


def test_sending_needs_a_supplier_and_setting_it_updates_the_items(app: Flask, as_scheduler, case):
    """An order without supplier (made before suppliers existed) is not sent; the supplier set on the
    draft, by a typed name, is the store's supplier of that name and goes to its items."""
    order = one_order(as_scheduler, case)
    db.session.execute(
        PartsOrder.__table__.update().where(PartsOrder.id == order["id"]).values(supplier=None, supplier_id=None)
    )
    db.session.commit()

    refused = patch_order(as_scheduler, order["id"], status="sent")
    assert refused.status_code == 409
    assert refused.json["type"].endswith("/supplier-missing")
    assert "Defina o fornecedor" in refused.json["detail"]

    named = patch_order(as_scheduler, order["id"], supplier="  Marcenaria Boa Vista ", status="sent")
    assert named.status_code == 200, named.json
    assert named.json["supplier"] == "Marcenaria Boa Vista"
    assert named.json["status"] == "sent"
    assert [line["supplier"] for line in named.json["items"]] == ["Marcenaria Boa Vista"]
    supplier_id = named.json["supplier_id"]
    assert [line["supplier_id"] for line in named.json["items"]] == [supplier_id]
    assert as_scheduler.get(f"/api/suppliers/{supplier_id}").json["name"] == "Marcenaria Boa Vista"


def test_supplier_changes_only_while_draft_notes_always(as_scheduler, case):
    order = one_order(as_scheduler, case)
    assert patch_order(as_scheduler, order["id"], status="sent").status_code == 200

    supplier = patch_order(as_scheduler, order["id"], supplier="Outra Fábrica")
    notes = patch_order(as_scheduler, order["id"], notes="Prazo de entrega: 10 dias.")

    assert supplier.status_code == 409
    assert supplier.json["type"].endswith("/order-not-draft")
    assert notes.status_code == 200
    assert notes.json["notes"] == "Prazo de entrega: 10 dias."
    assert notes.json["supplier"] == "Fábrica Sul"


def test_cancel_frees_the_items_and_they_can_be_ordered_again(as_scheduler, case):
    """A cancelled order keeps its reason and time; its items are free and go on a new order."""
    order = one_order(as_scheduler, case)
    assert patch_order(as_scheduler, order["id"], status="sent").status_code == 200

    cancelled = as_scheduler.post(f"/api/orders/{order['id']}/cancel", json={"reason": "Fornecedor sem estoque."})

    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["status"] == "cancelled" and cancelled.json["status_label"] == "Cancelado"
    assert cancelled.json["cancel_reason"] == "Fornecedor sem estoque."
    assert cancelled.json["cancelled_at"] is not None
    assert cancelled.json["items"] == []
    assert set(order_of_items(as_scheduler, order["occurrence_id"]).values()) == {None}

    [again] = generate_ok(as_scheduler, case.id)
    assert item_ids(again) == item_ids(order)
    assert again["number"] != order["number"]
    assert set(order_of_items(as_scheduler, order["occurrence_id"]).values()) == {again["id"]}


def test_cancel_through_patch_needs_a_reason(as_scheduler, case):
    order = one_order(as_scheduler, case)

    missing = patch_order(as_scheduler, order["id"], status="cancelled")
    blank = as_scheduler.post(f"/api/orders/{order['id']}/cancel", json={"reason": "  "})
    stray = patch_order(as_scheduler, order["id"], status="sent", cancel_reason="Por quê?")

    assert missing.status_code == 422 and missing.json["errors"] == {
        "cancel_reason": ["Informe o motivo do cancelamento."]
    }
    assert blank.status_code == 422 and "reason" in blank.json["errors"]
    assert stray.status_code == 422 and "cancel_reason" in stray.json["errors"]
    assert as_scheduler.get(f"/api/orders/{order['id']}").json["status"] == "draft"

    done = patch_order(as_scheduler, order["id"], status="cancelled", cancel_reason="Pedido em duplicidade.")
    assert done.status_code == 200 and done.json["cancel_reason"] == "Pedido em duplicidade."


def test_an_unknown_status_is_rejected(as_scheduler, case):
    order = one_order(as_scheduler, case)
    response = patch_order(as_scheduler, order["id"], status="shipped")
    assert response.status_code == 422
    assert response.json["errors"] == {"status": ["Situação inválida."]}


# --- items on an order (rules of the occurrences service) ---------------------------------


def test_an_item_on_an_order_cannot_be_removed_nor_change_quantity(as_scheduler, case):
    """DELETE and a quantity change are 409 while the item is on an order; other fields may change."""
    order = one_order(as_scheduler, case)
    [line] = order["items"]
    path = f"/api/occurrences/{order['occurrence_id']}/items/{line['id']}"

    removed = as_scheduler.delete(path)
    requantified = as_scheduler.patch(path, json={"quantity": "3"})
    described = as_scheduler.patch(path, json={"description": "Porta 40x70 branco TX"})

    assert removed.status_code == 409 and removed.content_type == PROBLEM_JSON
    assert requantified.status_code == 409 and requantified.content_type == PROBLEM_JSON
    assert described.status_code == 200
    shown = as_scheduler.get(f"/api/orders/{order['id']}").json["items"]
    assert [(x["id"], x["quantity"], x["description"]) for x in shown] == [
        (line["id"], "1.000", "Porta 40x70 branco TX")
    ]

    assert as_scheduler.post(f"/api/orders/{order['id']}/cancel", json={"reason": "Refazer."}).status_code == 200
    assert as_scheduler.patch(path, json={"quantity": "3"}).status_code == 200
    assert as_scheduler.delete(path).status_code == 204


# --- costs --------------------------------------------------------------------------------


def test_costs_by_payer_are_exact_to_the_cent(as_scheduler, case):
    """Decimal, half up per item, then summed: 3 × 0.10 + 0.20 = 0.50; 1.5 × 33.33 = 49.995 → 50.00."""
    file_occurrence(
        as_scheduler,
        case,
        item("Cavilha", "3", unit_cost="0.10"),
        item("Parafuso", "1", unit_cost="0.20"),
        item("Sem custo ainda", "2"),
        payer="factory",
    )
    file_occurrence(as_scheduler, case, item("Fita de borda (m)", "1.5", unit_cost="33.33"), payer="store")
    customer = file_occurrence(
        as_scheduler,
        case,
        item("Arruela", "0.5", unit_cost="0.25"),  # 0.125 → 0.13 (half up, not half even)
        item("Removida", "1", unit_cost="999.99"),
        payer="customer",
    )
    [removed] = ids_by_description(customer, "Removida")
    assert as_scheduler.delete(f"/api/occurrences/{customer['id']}/items/{removed}").status_code == 204

    response = as_scheduler.get(f"/api/cases/{case.id}/costs")

    assert response.status_code == 200, response.json
    assert response.json == {
        "by_payer": {"store": "50.00", "factory": "0.50", "customer": "0.13", "carrier": "0.00"},
        "total": "50.63",
        "items_without_cost": 1,
    }


def test_costs_of_a_case_without_items_are_zero(as_scheduler, case):
    response = as_scheduler.get(f"/api/cases/{case.id}/costs")
    assert response.json == {
        "by_payer": {"store": "0.00", "factory": "0.00", "customer": "0.00", "carrier": "0.00"},
        "total": "0.00",
        "items_without_cost": 0,
    }


def test_order_lines_and_totals_use_the_same_rounding(as_scheduler, case):
    file_occurrence(
        as_scheduler,
        case,
        item("Fita de borda (m)", "1.5", "Alfa", "33.33"),
        item("Cavilha", "3", "Alfa", "0.10"),
        item("Puxador", "1", "Alfa"),
    )
    [order] = generate_ok(as_scheduler, case.id)
    totals = {line["description"]: line["total"] for line in order["items"]}
    assert totals == {"Fita de borda (m)": "50.00", "Cavilha": "0.30", "Puxador": None}
    assert order["total"] == "50.30"
    assert order["items_without_cost"] == 1


# --- lists, timeline, versions ------------------------------------------------------------


def test_list_of_a_case_is_oldest_first_in_a_constant_number_of_queries(app: Flask, as_scheduler, case):
    def orders_after(n: int) -> tuple[list[dict[str, Any]], int]:
        file_occurrence(as_scheduler, case, *(item(f"Peça {n}.{i}", supplier=f"F{n}.{i}") for i in range(n)))
        generate_ok(as_scheduler, case.id)
        with counting() as statements:
            response = as_scheduler.get(f"/api/cases/{case.id}/orders")
        assert response.status_code == 200
        return response.json, len(statements)

    few, few_queries = orders_after(1)
    many, many_queries = orders_after(6)

    assert len(few) == 1 and len(many) == 7
    assert [o["id"] for o in many] == sorted(o["id"] for o in many)
    assert all(len(o["items"]) == 1 for o in many)
    assert many_queries == few_queries


def test_every_order_change_lands_in_the_case_timeline(as_scheduler, scheduler, case):
    order = one_order(as_scheduler, case)
    patch_order(as_scheduler, order["id"], notes="Ligar antes.")
    patch_order(as_scheduler, order["id"], status="sent")
    patch_order(as_scheduler, order["id"], status="received")
    other = one_order(as_scheduler, case)
    as_scheduler.post(f"/api/orders/{other['id']}/cancel", json={"reason": "Duplicado."})

    response = as_scheduler.get(f"/api/cases/{case.id}/timeline")
    events = [e for e in response.json if e["kind"].startswith("order_")]

    assert [(e["kind"], e["changes"]["number"]) for e in events] == [
        ("order_created", order["number"]),
        ("order_updated", order["number"]),
        ("order_sent", order["number"]),
        ("order_received", order["number"]),
        ("order_created", other["number"]),
        ("order_cancelled", other["number"]),
    ]
    assert all(e["actor"]["id"] == scheduler.id for e in events)
    assert events[1]["changes"]["notes"] == {"from": None, "to": "Ligar antes."}
    assert events[2]["changes"]["status"] == {"from": "draft", "to": "sent"}
    assert events[0]["changes"]["item_ids"] == [line["id"] for line in order["items"]]
    assert events[5]["changes"]["items_freed"] == [line["id"] for line in other["items"]]
    assert "Duplicado." in events[5]["note"]
    assert events[0]["changes"]["supplier"] == "Fábrica Sul" and events[0]["changes"]["payer"] == "factory"


def test_each_write_request_bumps_the_store_version_once(as_scheduler, store, case):
    """Generating (orders, items, events, case status) is one version; so is each move; a refused one is none."""
    occurrence = file_occurrence(as_scheduler, case, item("Porta", supplier="Alfa"), item("Dobradiça", supplier="Beta"))
    before = store_version(store.id)

    orders = generate_ok(as_scheduler, case.id)

    after = store_version(store.id)
    assert after == before + 1
    assert {o["version"] for o in orders} == {after}
    shown = as_scheduler.get(f"/api/occurrences/{occurrence['id']}").json
    assert {line["version"] for line in shown["items"]} == {after}
    db.session.commit()
    assert set(db.session.scalars(select(CaseEvent.version).where(CaseEvent.kind == "order_created"))) == {after}

    sent = patch_order(as_scheduler, orders[0]["id"], status="sent")
    assert sent.json["version"] == store_version(store.id) == after + 1
    assert patch_order(as_scheduler, orders[0]["id"], status="draft").status_code == 409
    assert store_version(store.id) == after + 1
    cancelled = as_scheduler.post(f"/api/orders/{orders[1]['id']}/cancel", json={"reason": "Não precisa."})
    assert cancelled.json["version"] == store_version(store.id) == after + 2
    freed = as_scheduler.get(f"/api/occurrences/{occurrence['id']}").json["items"]
    assert {line["version"] for line in freed if line["order_id"] is None} == {after + 2}


# --- who may do what ----------------------------------------------------------------------


def test_anonymous_requests_are_refused(client, as_scheduler, case):
    order = one_order(as_scheduler, case)
    for response in (
        client.get(f"/api/cases/{case.id}/orders"),
        client.post(f"/api/cases/{case.id}/orders", json={}),
        client.get(f"/api/cases/{case.id}/costs"),
        client.get(f"/api/orders/{order['id']}"),
        client.patch(f"/api/orders/{order['id']}", json={"status": "sent"}),
        client.post(f"/api/orders/{order['id']}/cancel", json={"reason": "x"}),
    ):
        assert response.status_code == 401
        assert response.content_type == PROBLEM_JSON


def test_a_technician_reads_orders_of_their_cases_but_does_not_write(as_technician, as_scheduler, case):
    order = one_order(as_scheduler, case)
    file_occurrence(as_scheduler, case, item("Gaveta"))

    assert as_technician.get(f"/api/cases/{case.id}/orders").status_code == 200
    assert as_technician.get(f"/api/orders/{order['id']}").status_code == 200
    assert as_technician.get(f"/api/cases/{case.id}/costs").status_code == 200
    for response in (
        generate(as_technician, case.id),
        patch_order(as_technician, order["id"], status="sent"),
        patch_order(as_technician, order["id"], notes="Eu mesmo."),
        as_technician.post(f"/api/orders/{order['id']}/cancel", json={"reason": "Quero."}),
    ):
        assert response.status_code == 403
        assert response.content_type == PROBLEM_JSON
    assert count(PartsOrder) == 1
    assert as_scheduler.get(f"/api/orders/{order['id']}").json == as_technician.get(f"/api/orders/{order['id']}").json


def test_a_technician_does_not_see_orders_of_other_cases(app: Flask, as_scheduler, case, other_technician):
    order = one_order(as_scheduler, case)
    as_other = login(app, other_technician)
    assert as_other.get(f"/api/cases/{case.id}/orders").status_code == 404
    assert as_other.get(f"/api/cases/{case.id}/costs").status_code == 404
    assert as_other.get(f"/api/orders/{order['id']}").status_code == 404


def test_another_store_gets_404_everywhere(as_outsider, as_scheduler, case):
    order = one_order(as_scheduler, case)
    file_occurrence(as_scheduler, case, item("Gaveta"))
    for response in (
        as_outsider.get(f"/api/cases/{case.id}/orders"),
        generate(as_outsider, case.id),
        as_outsider.get(f"/api/cases/{case.id}/costs"),
        as_outsider.get(f"/api/orders/{order['id']}"),
        patch_order(as_outsider, order["id"], status="sent"),
        as_outsider.post(f"/api/orders/{order['id']}/cancel", json={"reason": "Invasão."}),
    ):
        assert response.status_code == 404
        assert response.content_type == PROBLEM_JSON
    assert count(PartsOrder) == 1
    assert as_scheduler.get(f"/api/orders/{order['id']}").json["status"] == "draft"


def test_an_unknown_order_is_404(as_scheduler):
    response = as_scheduler.get("/api/orders/999999")
    assert response.status_code == 404
    assert response.json["detail"] == "Pedido não encontrado."
