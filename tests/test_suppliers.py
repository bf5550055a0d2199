"""Fornecedores through the API, the migration of free-text supplier names, and what a parts order
is: parts with a supplier only, its own items on its PDF, its supplier as the e-mail's recipient."""

from __future__ import annotations

import importlib.util
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from server.common.text import fold
from server.extensions import db
from server.occurrences.models import OccurrenceItem
from server.orders.models import PartsOrder
from server.suppliers.models import Supplier
from tests.conftest import ApiClient, login, make_case, make_customer
from tests.sync.test_pull import ids, pull
from tests.test_orders import entry, file_occurrence, generate, generate_ok, item

VALID_CNPJ = "11.222.333/0001-81"
OTHER_CNPJ = "11444777000161"

FABRICA = {
    "kind": "factory",
    "name": "Fábrica Sul Móveis",
    "cnpj": VALID_CNPJ,
    "order_emails": ["pedidos@fabricasul.com.br"],
    "claim_emails": ["sac@fabricasul.com.br"],
    "phone": "(51) 3222-1100",
    "whatsapp": "(51) 99876-5432",
    "notes": "Prazo médio de 15 dias.",
}


def create(client: ApiClient, **body: Any) -> Any:
    return client.post("/api/suppliers", json={**FABRICA, **body})


def created(client: ApiClient, **body: Any) -> dict[str, Any]:
    response = create(client, **body)
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def pdf_text(response: Any) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


# --- CRUD ---------------------------------------------------------------------------------


def test_a_scheduler_registers_reads_edits_and_lists_a_supplier(as_scheduler: ApiClient) -> None:
    supplier = created(as_scheduler)
    assert supplier["cnpj"] == "11222333000181"  # digits stored
    assert supplier["phone"] == "5132221100" and supplier["whatsapp"] == "51998765432"
    assert supplier["kind_label"] == "Fábrica" and supplier["active"] is True
    assert supplier["order_emails"] == ["pedidos@fabricasul.com.br"]

    patched = as_scheduler.patch(
        f"/api/suppliers/{supplier['id']}", json={"order_emails": ["compras@fabricasul.com.br"]}
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["order_emails"] == ["compras@fabricasul.com.br"] and patched.json["cnpj"] == "11222333000181"

    carrier = created(as_scheduler, kind="carrier", name="Transportes Rápido", cnpj=None, order_emails=[])
    listed = as_scheduler.get("/api/suppliers").json
    assert [s["name"] for s in listed] == ["Fábrica Sul Móveis", "Transportes Rápido"]
    assert [s["id"] for s in as_scheduler.get("/api/suppliers?kind=carrier").json] == [carrier["id"]]


def test_the_alphanumeric_cnpj_is_accepted_and_stored_without_punctuation(as_scheduler: ApiClient) -> None:
    supplier = created(as_scheduler, cnpj="12.ABC.345/01DE-35")
    assert supplier["cnpj"] == "12ABC34501DE35"
    assert as_scheduler.get(f"/api/suppliers/{supplier['id']}").json["cnpj"] == "12ABC34501DE35"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cnpj": "11.222.333/0001-82"}, "cnpj"),  # wrong check digits
        ({"cnpj": "11.111.111/1111-11"}, "cnpj"),  # a repeated digit is never issued
        ({"cnpj": "529.982.247-25"}, "cnpj"),  # a CPF
        ({"cnpj": "12.ABC.345/01DE-36"}, "cnpj"),  # alphanumeric, wrong check digits
        ({"cnpj": "12.ABC.345/01D*-35"}, "cnpj"),  # a stray character
        ({"kind": "amigo"}, "kind"),
        ({"order_emails": ["não é e-mail"]}, "order_emails"),
        ({"name": "  "}, "name"),
        ({"phone": "123"}, "phone"),
    ],
)
def test_invalid_fields_are_named_in_portuguese(as_scheduler: ApiClient, body: dict[str, Any], field: str) -> None:
    response = create(as_scheduler, **body)
    assert response.status_code == 422
    assert any(path == field or path.startswith(f"{field}.") for path in response.json["errors"]), response.json
    assert as_scheduler.get("/api/suppliers").json == []


def test_names_are_unique_per_store_however_typed(as_scheduler: ApiClient, as_outsider: ApiClient) -> None:
    created(as_scheduler)
    again = create(as_scheduler, name="fabrica  SUL moveis", cnpj=OTHER_CNPJ)
    assert again.status_code == 422 and again.json["errors"]["name"] == ["Já existe um fornecedor com este nome."]
    assert create(as_outsider).status_code == 201  # another store may have its own


def test_roles_admin_and_scheduler_write_technician_reads(
    as_admin: ApiClient, as_scheduler: ApiClient, as_technician: ApiClient
) -> None:
    supplier = created(as_admin)
    assert as_technician.get("/api/suppliers").json[0]["id"] == supplier["id"]
    assert create(as_technician, name="Outra").status_code == 403
    assert as_technician.patch(f"/api/suppliers/{supplier['id']}", json={"notes": "x"}).status_code == 403
    assert as_technician.delete(f"/api/suppliers/{supplier['id']}").status_code == 403
    assert as_scheduler.patch(f"/api/suppliers/{supplier['id']}", json={"notes": "ok"}).status_code == 200


def test_another_stores_supplier_is_404(as_scheduler: ApiClient, as_outsider: ApiClient) -> None:
    supplier = created(as_scheduler)
    url = f"/api/suppliers/{supplier['id']}"
    assert as_outsider.get(url).status_code == 404
    assert as_outsider.patch(url, json={"notes": "x"}).status_code == 404
    assert as_outsider.delete(url).status_code == 404
    assert as_outsider.get("/api/suppliers").json == []
    assert as_scheduler.get(url).json["notes"] == FABRICA["notes"]


def test_a_supplier_in_use_is_deactivated_one_unused_is_deleted(as_scheduler: ApiClient, case: Any) -> None:
    used, unused = created(as_scheduler), created(as_scheduler, name="Sem uso", cnpj=None)
    file_occurrence(as_scheduler, case, item("Porta", supplier_id=used["id"]))
    assert as_scheduler.delete(f"/api/suppliers/{used['id']}").status_code == 204
    assert as_scheduler.delete(f"/api/suppliers/{unused['id']}").status_code == 204
    assert as_scheduler.get(f"/api/suppliers/{used['id']}").json["active"] is False
    assert as_scheduler.get(f"/api/suppliers/{unused['id']}").status_code == 404
    assert [s["name"] for s in as_scheduler.get("/api/suppliers?include_inactive=true").json] == [FABRICA["name"]]


def test_items_name_a_supplier_of_the_store_by_id_or_by_name(
    as_scheduler: ApiClient, as_outsider: ApiClient, case: Any
) -> None:
    mine = created(as_scheduler)
    foreign = created(as_outsider, name="Alheio")
    occurrence = file_occurrence(
        as_scheduler, case, item("Porta", supplier_id=mine["id"]), item("Gaveta", supplier="fábrica sul MOVEIS")
    )
    assert [(line["supplier"], line["supplier_id"]) for line in occurrence["items"]] == [
        (FABRICA["name"], mine["id"]),
        (FABRICA["name"], mine["id"]),  # the typed name is the same supplier
    ]
    body = {"occurrence_type_id": entry(case.store_id, "occurrence_types"), "payer": "factory", "resolved": True}
    refused = as_scheduler.post(
        f"/api/cases/{case.id}/occurrences", json={**body, "items": [item("Porta", supplier_id=foreign["id"])]}
    )
    assert refused.status_code == 422 and "items.0.supplier_id" in refused.json["errors"]


def test_a_carrier_paid_occurrence_names_its_carrier(
    as_scheduler: ApiClient, as_outsider: ApiClient, case: Any
) -> None:
    carrier = created(as_scheduler, kind="carrier", name="Transportes Rápido", cnpj=None)
    body = {
        "occurrence_type_id": entry(case.store_id, "occurrence_types"),
        "payer": "carrier",
        "carrier_id": carrier["id"],
        "resolved": True,
    }
    response = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body)
    assert response.status_code == 201, response.json
    assert response.json["carrier_id"] == carrier["id"]
    foreign = created(as_outsider, kind="carrier", name="Alheia", cnpj=None)
    refused = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json={**body, "carrier_id": foreign["id"]})
    assert refused.status_code == 422 and "carrier_id" in refused.json["errors"]


# --- orders are for parts -----------------------------------------------------------------


def test_generation_skips_labour_and_items_without_supplier(as_scheduler: ApiClient, case: Any) -> None:
    supplier = created(as_scheduler)
    occurrence = file_occurrence(
        as_scheduler,
        case,
        item("Porta 40x70", supplier_id=supplier["id"], unit_cost="189.90"),
        item("Ajustar dobradiças", action="adjust"),  # labour, no supplier, no cost
        item("Regular gaveta", action="adjust", supplier_id=supplier["id"]),  # labour, even with a supplier
        item("Trilho sem fornecedor"),  # a part, but nobody to order it from
        item("Corrediça", action="repair", needs_part=True, supplier_id=supplier["id"]),
    )
    ids = {line["description"]: line["id"] for line in occurrence["items"]}

    [order] = generate_ok(as_scheduler, case.id)

    assert {line["description"] for line in order["items"]} == {"Porta 40x70", "Corrediça"}
    assert order["supplier_id"] == supplier["id"] and order["supplier"] == FABRICA["name"]
    labour = generate(as_scheduler, case.id, item_ids=[ids["Ajustar dobradiças"], ids["Trilho sem fornecedor"]])
    assert labour.status_code == 422
    assert "mão de obra" in labour.json["errors"]["item_ids.0"][0]
    assert labour.json["errors"]["item_ids.1"] == ["Defina o fornecedor do item antes de pedi-lo."]
    nothing = generate(as_scheduler, case.id)
    assert nothing.status_code == 422 and nothing.json["type"].endswith("/nothing-to-order")


def two_orders(client: ApiClient, case: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    fabrica = created(client)
    hafele = created(
        client, kind="distributor", name="Häfele Ferragens", cnpj=OTHER_CNPJ, order_emails=["vendas@hafele.test"]
    )
    file_occurrence(client, case, item("Porta Duratex 40x70", supplier_id=fabrica["id"], unit_cost="189.90"))
    file_occurrence(
        client, case, item("Dobradiça Häfele 35mm", supplier_id=hafele["id"], unit_cost="12.50"), payer="store"
    )
    first, second = generate_ok(client, case.id)
    return first, second


def test_each_orders_pdf_has_its_own_items_and_its_suppliers_data(as_scheduler: ApiClient, case: Any) -> None:
    fabrica_order, hafele_order = two_orders(as_scheduler, case)
    assert fabrica_order["supplier"] == FABRICA["name"] and hafele_order["supplier"] == "Häfele Ferragens"

    text = pdf_text(as_scheduler.get(f"/api/cases/{case.id}/documents/parts_order.pdf?order_id={fabrica_order['id']}"))
    assert "Porta Duratex 40x70" in text and "Dobradiça Häfele" not in text
    assert FABRICA["name"] in text and "11.222.333/0001-81" in text and "pedidos@fabricasul.com.br" in text
    assert "Häfele Ferragens" not in text and "vendas@hafele.test" not in text

    text = pdf_text(as_scheduler.get(f"/api/cases/{case.id}/documents/parts_order.pdf?order_id={hafele_order['id']}"))
    assert "Dobradiça Häfele 35mm" in text and "Porta Duratex" not in text and FABRICA["name"] not in text


def test_the_order_email_goes_to_the_supplier_never_to_the_customer(
    as_scheduler: ApiClient, store: Any, scheduler: Any
) -> None:
    customer = make_customer(store, email="cliente@example.com")
    case = make_case(scheduler, customer)
    fabrica_order, hafele_order = two_orders(as_scheduler, case)

    options = as_scheduler.get(f"/api/cases/{case.id}/documents").json
    kind = next(k for k in options["kinds"] if k["kind"] == "parts_order")
    by_order = {target["id"]: target["email"] for target in kind["targets"]}
    assert by_order[fabrica_order["id"]]["recipients"] == ["pedidos@fabricasul.com.br"]
    assert by_order[hafele_order["id"]]["recipients"] == ["vendas@hafele.test"]
    message = by_order[fabrica_order["id"]]["message"]
    assert message.startswith(f"Olá, {FABRICA['name']}.") and case.number in message
    assert "cliente@example.com" not in str(kind)
    service = next(k for k in options["kinds"] if k["kind"] == "service_request")
    assert service["email"]["recipients"] == ["cliente@example.com"]  # other documents still go to the customer

    url = f"/api/cases/{case.id}/documents/parts_order/email"
    sent = as_scheduler.post(url, json={"order_id": fabrica_order["id"]})
    assert sent.status_code == 202, sent.json
    assert sent.json["recipients"] == ["pedidos@fabricasul.com.br"]

    typed = as_scheduler.post(url, json={"order_id": hafele_order["id"], "recipients": ["cliente@example.com"]})
    assert typed.status_code == 202 and typed.json["recipients"] == ["cliente@example.com"]  # only when typed


def test_an_order_whose_supplier_has_no_email_needs_recipients(as_scheduler: ApiClient, case: Any) -> None:
    supplier = created(as_scheduler, order_emails=[])
    file_occurrence(as_scheduler, case, item("Porta", supplier_id=supplier["id"]))
    [order] = generate_ok(as_scheduler, case.id)
    response = as_scheduler.post(f"/api/cases/{case.id}/documents/parts_order/email", json={"order_id": order["id"]})
    assert response.status_code == 422
    assert response.json["errors"]["recipients"] == [
        "O fornecedor não tem e-mail de pedidos cadastrado: informe os destinatários."
    ]


def test_delivery_to_the_customer_is_in_the_message(as_scheduler: ApiClient, case: Any) -> None:
    supplier = created(as_scheduler)
    file_occurrence(as_scheduler, case, item("Porta", supplier_id=supplier["id"]))
    [order] = generate_ok(as_scheduler, case.id, deliver_to_customer=True)
    options = as_scheduler.get(f"/api/cases/{case.id}/documents").json
    kind = next(k for k in options["kinds"] if k["kind"] == "parts_order")
    message = kind["targets"][0]["email"]["message"]
    assert "Entregar no endereço do cliente (Maria da Silva)" in message and order["deliver_to_customer"] is True


# --- the migration of free-text names -----------------------------------------------------


def _migration() -> Any:
    path = next(Path("migrations/versions").glob("e8017f08213b_*.py"))
    spec = importlib.util.spec_from_file_location("suppliers_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_turns_every_free_text_name_into_a_supplier(
    app: Flask, as_scheduler: ApiClient, as_outsider: ApiClient, case: Any, outsider: Any
) -> None:
    names = ["Fábrica Sul", "fabrica  SUL", "Ferragens Brasil", "Marcenaria Zé"]
    file_occurrence(
        as_scheduler, case, *(item(f"Peça {i}", supplier=name) for i, name in enumerate(names)), item("Sem")
    )
    generate_ok(as_scheduler, case.id)
    other_case = make_case(outsider, make_customer(outsider.stores[0]))
    file_occurrence(as_outsider, other_case, item("Alheia", supplier="Fábrica Sul"))
    # back to the state before suppliers existed: names as text only
    db.session.execute(OccurrenceItem.__table__.update().values(supplier_id=None))
    db.session.execute(PartsOrder.__table__.update().values(supplier_id=None))
    db.session.execute(Supplier.__table__.delete())
    db.session.commit()

    with db.engine.begin() as conn:
        _migration().name_suppliers(conn)

    db.session.expire_all()
    items = db.session.scalars(select(OccurrenceItem)).all()
    suppliers = {s.id: s for s in db.session.scalars(select(Supplier))}
    for line in items:  # every item keeps its text and points at the supplier of that name, in its store
        if line.supplier is None:
            assert line.supplier_id is None
        else:
            supplier = suppliers[line.supplier_id]  # type: ignore[index]
            assert supplier.store_id == line.store_id and supplier.sort_name == fold(line.supplier)
    assert sorted((s.store_id, s.name) for s in suppliers.values()) == sorted(
        [
            (case.store_id, "Fábrica Sul"),
            (case.store_id, "Ferragens Brasil"),
            (case.store_id, "Marcenaria Zé"),
            (other_case.store_id, "Fábrica Sul"),
        ]
    )
    assert all(s.kind is None and s.kind_label == "A classificar" and s.active for s in suppliers.values())
    for order in db.session.scalars(select(PartsOrder)):
        assert order.supplier_id is not None and suppliers[order.supplier_id].name == order.supplier


# --- phones: read-only copies -------------------------------------------------------------


def test_phones_get_the_active_suppliers_of_their_stores_and_lose_deactivated_ones(
    app: Flask, as_scheduler: ApiClient, as_outsider: ApiClient, technician: Any, case: Any
) -> None:
    kept, retired = created(as_scheduler), created(as_scheduler, name="Antiga", cnpj=None)
    foreign = created(as_outsider, name="Alheia")
    phone, client_id = login(app, technician), uuid.uuid4()

    first = pull(phone, client_id)
    assert ids(first, "suppliers") == {kept["id"], retired["id"]}  # not the other store's
    assert foreign["id"] not in ids(first, "suppliers")
    row = next(r for r in first["changes"]["suppliers"]["upsert"] if r["id"] == kept["id"])
    assert row["name"] == FABRICA["name"] and row["order_emails"] == FABRICA["order_emails"]

    assert as_scheduler.patch(f"/api/suppliers/{retired['id']}", json={"active": False}).status_code == 200
    assert as_scheduler.patch(f"/api/suppliers/{kept['id']}", json={"notes": "Novo prazo."}).status_code == 200
    delta = pull(phone, client_id, first["cursor"])
    assert ids(delta, "suppliers", "delete") == {retired["id"]}
    assert ids(delta, "suppliers") == {kept["id"]}
    assert as_outsider.patch(f"/api/suppliers/{foreign['id']}", json={"notes": "x"}).status_code == 200
    assert "suppliers" not in pull(phone, client_id, delta["cursor"])["changes"]


def test_a_conflict_names_the_supplier_not_a_catalog_entry_with_its_id(as_scheduler: ApiClient) -> None:
    from server.occurrences.rebase import LABELS, _shown

    supplier = created(as_scheduler)
    assert _shown("supplier_id", supplier["id"]) == FABRICA["name"]
    assert _shown("carrier_id", supplier["id"]) == FABRICA["name"]
    assert LABELS["supplier_id"] == "Fornecedor" and LABELS["carrier_id"] == "Transportadora"
