"""Cases (Assistências) through the API: opening, numbers and deadlines, lists, scope, status flow, timeline."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from server.auth.models import Role
from server.cases.models import CaseEvent, ServiceCase
from server.customers.models import Customer
from server.extensions import db
from server.stores.models import Store
from tests.conftest import ADDRESS, CPFS, login, make_case, make_contract, make_customer, make_store, make_user

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
DELIVERY_ADDRESS = {
    "cep": "04538-132",
    "street": "Avenida Brigadeiro Faria Lima",
    "number": "3477",
    "complement": "Torre B",
    "district": "Itaim Bibi",
    "city": "São Paulo",
    "state": "SP",
}
OTHER_ADDRESS = {
    "cep": "20040-002",
    "street": "Rua da Assembleia",
    "number": "10",
    "district": "Centro",
    "city": "Rio de Janeiro",
    "state": "RJ",
}
PROBLEM_JSON = "application/problem+json"


def this_year() -> int:
    return datetime.now(SAO_PAULO).year


def post_case(client: Any, **data: Any) -> Any:
    data.setdefault("reported_issue", "Porta do armário desalinhada.")
    return client.post("/api/cases", json=data)


def open_ok(client: Any, **data: Any) -> dict[str, Any]:
    response = post_case(client, **data)
    assert response.status_code == 201, response.json
    return response.json


def move(client: Any, case_id: int, *statuses: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for status in statuses:
        response = client.patch(f"/api/cases/{case_id}", json={"status": status, "status_reason": f"Motivo: {status}"})
        assert response.status_code == 200, response.json
        body = response.json
    return body


def list_ids(client: Any, query: str = "") -> list[int]:
    response = client.get(f"/api/cases?{query}")
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def count(model: Any) -> int:
    db.session.rollback()  # a fresh snapshot: see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def fresh_store(store_id: int) -> Store:
    db.session.rollback()
    return db.session.get_one(Store, store_id)


def ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


# --- opening a case -----------------------------------------------------------------------


def test_open_case_for_an_existing_customer(as_scheduler, scheduler, customer):
    """A case for an existing customer gets a number, status Aberta, the customer's address and a 30-day deadline."""
    body = open_ok(as_scheduler, customer_id=customer.id, reported_issue="  Gaveta da cozinha não fecha.  ")

    assert re.fullmatch(rf"AT-{this_year()}-\d{{5}}", body["number"])
    assert body["status"] == "open"
    assert body["status_label"] == "Aberta"
    assert body["customer"]["id"] == customer.id
    assert body["customer"]["name"] == "Maria da Silva"
    assert body["reported_issue"] == "Gaveta da cozinha não fecha."  # trimmed
    assert body["contract"] is None
    assert body["assignee"] is None
    assert body["service_address"]["street"] == ADDRESS["street"]
    assert body["service_address"]["city"] == ADDRESS["city"]
    assert body["closed_at"] is None
    assert body["overdue"] is False
    opened, due = datetime.fromisoformat(body["opened_at"]), datetime.fromisoformat(body["due_at"])
    assert abs(opened - datetime.now(UTC)) < timedelta(minutes=1)
    assert due - opened == timedelta(days=30)
    assert as_scheduler.get(f"/api/cases/{body['id']}").json["number"] == body["number"]


def test_open_case_with_an_inline_new_customer_creates_an_assistance_only_customer(as_scheduler, store):
    """`customer: {...}` creates the customer, flagged assistance_only, in the same request as the case."""
    before = count(Customer)
    body = open_ok(
        as_scheduler,
        customer={
            "name": "João Pereira",
            "document": "111.444.777-35",
            "phones": ["(11) 98888-7777"],
            "address": OTHER_ADDRESS,
        },
    )

    assert count(Customer) == before + 1
    customer = as_scheduler.get(f"/api/customers/{body['customer']['id']}")
    assert customer.status_code == 200
    assert customer.json["assistance_only"] is True
    assert customer.json["name"] == "João Pereira"
    assert customer.json["document"] == "11144477735"
    assert customer.json["store_id"] == store.id
    assert body["service_address"]["street"] == OTHER_ADDRESS["street"]
    assert body["store_id"] == store.id


def test_open_case_with_only_a_contract_takes_the_contracts_customer_and_delivery_address(
    as_scheduler, scheduler, customer
):
    """With only contract_id the customer is the contract's, and the service address its delivery address."""
    contract = make_contract(scheduler, customer, "C-2002", delivery_address=DELIVERY_ADDRESS)
    body = open_ok(as_scheduler, contract_id=contract.id)

    assert body["customer"]["id"] == customer.id
    assert body["contract"] == {"id": contract.id, "number": "C-2002"}
    assert body["service_address"]["street"] == DELIVERY_ADDRESS["street"]
    assert body["service_address"]["district"] == DELIVERY_ADDRESS["district"]


def test_service_address_comes_from_the_contract_not_the_customer(as_scheduler, scheduler, customer):
    """When a contract is linked, its delivery address wins over the customer's own address."""
    contract = make_contract(scheduler, customer, "C-2003", delivery_address=DELIVERY_ADDRESS)
    with_contract = open_ok(as_scheduler, customer_id=customer.id, contract_id=contract.id)
    without_contract = open_ok(as_scheduler, customer_id=customer.id)

    assert with_contract["service_address"]["street"] == DELIVERY_ADDRESS["street"]
    assert without_contract["service_address"]["street"] == ADDRESS["street"]


def test_an_explicit_service_address_wins(as_scheduler, scheduler, customer):
    """A service_address in the request beats both the contract's and the customer's, and is normalized."""
    contract = make_contract(scheduler, customer, "C-2004", delivery_address=DELIVERY_ADDRESS)
    body = open_ok(
        as_scheduler, customer_id=customer.id, contract_id=contract.id, service_address={**OTHER_ADDRESS, "state": "rj"}
    )

    assert body["service_address"]["street"] == OTHER_ADDRESS["street"]
    assert body["service_address"]["cep"] == "20040002"
    assert body["service_address"]["state"] == "RJ"


def test_no_address_anywhere_is_rejected(as_scheduler, store):
    """A customer without address, no contract and no service_address: 422 on service_address, nothing written."""
    homeless = make_customer(store, name="Sem Endereço", address=None, document=CPFS[2])
    response = post_case(as_scheduler, customer_id=homeless.id)

    assert response.status_code == 422
    assert response.content_type == PROBLEM_JSON
    assert response.json["errors"]["service_address"] == ["Informe o endereço do atendimento."]
    assert count(ServiceCase) == 0
    assert fresh_store(store.id).case_number_last == 0


def test_customer_id_and_inline_customer_together_are_rejected(as_scheduler, customer):
    """Either an existing customer or a new one, not both: 422 and no customer created."""
    before = count(Customer)
    response = post_case(as_scheduler, customer_id=customer.id, customer={"name": "Outro Cliente", "address": ADDRESS})

    assert response.status_code == 422
    assert "customer" in response.json["errors"]
    assert count(Customer) == before
    assert count(ServiceCase) == 0


def test_neither_customer_nor_contract_is_rejected(as_scheduler, store):
    """A case needs a customer (or a contract to take it from)."""
    response = post_case(as_scheduler)

    assert response.status_code == 422
    assert response.json["errors"]["customer_id"] == ["Informe o cliente (ou um contrato)."]


def test_a_contract_of_another_customer_is_rejected(as_scheduler, scheduler, store, customer):
    """customer_id A with a contract of customer B: 422 on contract_id."""
    other = make_customer(store, name="Carlos Souza", document=CPFS[1])
    contract = make_contract(scheduler, other, "C-3001")
    response = post_case(as_scheduler, customer_id=customer.id, contract_id=contract.id)

    assert response.status_code == 422
    assert response.json["errors"]["contract_id"] == ["Este contrato é de outro cliente."]
    assert count(ServiceCase) == 0


def test_an_inline_customer_with_an_existing_contract_is_rejected(as_scheduler, contract):
    """A contract always has its own customer, so a new customer cannot be linked to it; nothing is created."""
    before = count(Customer)
    response = post_case(as_scheduler, contract_id=contract.id, customer={"name": "Cliente Novo", "address": ADDRESS})

    assert response.status_code == 422
    assert response.json["errors"]["contract_id"] == ["Este contrato é de outro cliente."]
    assert count(Customer) == before
    assert count(ServiceCase) == 0


def test_a_contract_of_another_store_is_rejected(as_scheduler, outsider, other_store, customer):
    """Another store's contract is 'not found' for this user: 422 on contract_id, its existence not disclosed."""
    foreign_customer = make_customer(other_store, name="Cliente de Fora", document=CPFS[3])
    foreign_contract = make_contract(outsider, foreign_customer, "C-9001")
    only_contract = post_case(as_scheduler, contract_id=foreign_contract.id)
    with_customer = post_case(as_scheduler, customer_id=customer.id, contract_id=foreign_contract.id)

    for response in (only_contract, with_customer):
        assert response.status_code == 422
        assert response.json["errors"]["contract_id"] == ["Contrato não encontrado."]
    assert count(ServiceCase) == 0


def test_a_customer_of_another_store_is_rejected(as_scheduler, other_store):
    """Another store's customer: 422 on customer_id."""
    foreign_customer = make_customer(other_store, name="Cliente de Fora", document=CPFS[3])
    response = post_case(as_scheduler, customer_id=foreign_customer.id)

    assert response.status_code == 422
    assert response.json["errors"]["customer_id"] == ["Cliente não encontrado."]
    assert count(ServiceCase) == 0


@pytest.mark.parametrize("issue", [None, "", "   \n\t "], ids=["missing", "empty", "blank"])
def test_reported_issue_is_required(as_scheduler, customer, issue):
    """The Situação Alegada is required; blank counts as missing; the message is pt-BR."""
    data: dict[str, Any] = {"customer_id": customer.id}
    if issue is not None:
        data["reported_issue"] = issue
    response = as_scheduler.post("/api/cases", json=data)

    assert response.status_code == 422
    assert response.content_type == PROBLEM_JSON
    assert response.json["errors"]["reported_issue"] == ["Campo obrigatório."]
    assert count(ServiceCase) == 0


def test_reported_issue_has_a_maximum_length(as_scheduler, customer):
    """Over 4000 characters is refused with a pt-BR message."""
    response = post_case(as_scheduler, customer_id=customer.id, reported_issue="x" * 4001)

    assert response.status_code == 422
    assert response.json["errors"]["reported_issue"] == ["Use no máximo 4000 caracteres."]


def test_unknown_fields_are_rejected(as_scheduler, customer):
    """Unknown fields, top-level or inside the inline customer, are 422 'Campo desconhecido.'."""
    top = post_case(as_scheduler, customer_id=customer.id, prioridade="alta")
    nested = post_case(as_scheduler, customer={"name": "Novo", "address": ADDRESS, "apelido": "Zé"})

    assert top.status_code == 422
    assert top.json["errors"]["prioridade"] == ["Campo desconhecido."]
    assert nested.status_code == 422
    assert nested.json["errors"]["customer.apelido"] == ["Campo desconhecido."]
    assert count(ServiceCase) == 0


def test_an_invalid_inline_customer_document_is_named_under_customer(as_scheduler, customer):
    """A bad CPF and a CPF already used in the store are both reported as customer.document."""
    before = count(Customer)
    bad = post_case(as_scheduler, customer={"name": "Novo", "document": "123.456.789-00", "address": ADDRESS})
    taken = post_case(as_scheduler, customer={"name": "Novo", "document": CPFS[0], "address": ADDRESS})

    assert bad.status_code == 422
    assert "customer.document" in bad.json["errors"]
    assert taken.status_code == 422
    assert taken.json["errors"] == {"customer.document": ["Já existe um cliente com este CPF/CNPJ nesta loja."]}
    assert count(Customer) == before


def test_an_opening_time_in_the_future_is_rejected(as_scheduler, customer):
    """opened_at cannot be in the future."""
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    response = post_case(as_scheduler, customer_id=customer.id, opened_at=tomorrow.isoformat())

    assert response.status_code == 422
    assert response.json["errors"]["opened_at"] == ["A data de abertura não pode estar no futuro."]


def test_the_assignee_is_a_technician_of_the_store(as_scheduler, customer, technician):
    """A valid technician becomes the Responsável of the case."""
    body = open_ok(as_scheduler, customer_id=customer.id, assignee_id=technician.id)

    assert body["assignee"] == {"id": technician.id, "name": "Tiago Técnico"}


@pytest.mark.parametrize("who", ["scheduler", "admin", "other_store_technician", "inactive_technician", "nobody"])
def test_the_assignee_must_be_an_active_technician_of_the_store(
    as_scheduler, scheduler, admin, store, other_store, customer, who
):
    """An office user, another store's technician, an inactive technician or an unknown id: 422 on assignee_id."""
    assignee_id = {
        "scheduler": lambda: scheduler.id,
        "admin": lambda: admin.id,
        "other_store_technician": lambda: make_user(Role.TECHNICIAN, [other_store]).id,
        "inactive_technician": lambda: make_user(Role.TECHNICIAN, [store], active=False).id,
        "nobody": lambda: 999_999,
    }[who]()
    response = post_case(as_scheduler, customer_id=customer.id, assignee_id=assignee_id)

    assert response.status_code == 422
    assert response.json["errors"]["assignee_id"] == ["Técnico não encontrado nesta loja."]
    assert count(ServiceCase) == 0


@pytest.mark.parametrize(
    "extra",
    [{"assignee_id": "SCHEDULER"}, {}, {"opened_at": "2999-01-01T10:00:00"}],
    ids=["bad-assignee", "no-address", "future-opening"],
)
def test_a_rejected_case_leaves_no_inline_customer_behind(as_scheduler, scheduler, store, extra):
    """The inline customer is written in the case's transaction: when the case is refused, so is the customer."""
    customer: dict[str, Any] = {"name": "Cliente Fantasma", "document": CPFS[4]}
    if extra:
        customer["address"] = ADDRESS
    data = {k: (scheduler.id if v == "SCHEDULER" else v) for k, v in extra.items()}
    customers_before, version_before = count(Customer), fresh_store(store.id).version

    response = post_case(as_scheduler, customer=customer, **data)

    assert response.status_code == 422, response.json
    assert count(Customer) == customers_before
    assert count(ServiceCase) == 0
    assert fresh_store(store.id).version == version_before  # not even the sync counter moved
    # The same document is still free: the ghost customer does not exist.
    assert post_case(as_scheduler, customer={**customer, "address": ADDRESS}).status_code == 201
    assert count(Customer) == customers_before + 1


# --- numbers, deadlines, times ------------------------------------------------------------


def test_numbers_are_consecutive_per_store_and_independent_between_stores(
    as_scheduler, as_outsider, customer, other_store
):
    """Each store has its own gap-free sequence AT-<year>-00001, 00002…"""
    foreign_customer = make_customer(other_store, name="Cliente de Fora", document=CPFS[3])
    year = this_year()
    ours = [open_ok(as_scheduler, customer_id=customer.id)["number"] for _ in range(3)]
    theirs = [open_ok(as_outsider, customer_id=foreign_customer.id)["number"] for _ in range(2)]
    ours.append(open_ok(as_scheduler, customer_id=customer.id)["number"])

    assert ours == [f"AT-{year}-{n:05d}" for n in (1, 2, 3, 4)]
    assert theirs == [f"AT-{year}-00001", f"AT-{year}-00002"]


def test_the_deadline_follows_the_stores_repair_deadline(as_admin, as_scheduler, store, customer):
    """due_at = opened_at + the store's deadline; a new deadline (45 days) applies to cases opened afterwards."""
    before = open_ok(as_scheduler, customer_id=customer.id)
    changed = as_admin.patch(f"/api/stores/{store.id}", json={"repair_deadline_days": 45})
    assert changed.status_code == 200, changed.json
    after = open_ok(as_scheduler, customer_id=customer.id)

    def deadline(body: dict[str, Any]) -> timedelta:
        return datetime.fromisoformat(body["due_at"]) - datetime.fromisoformat(body["opened_at"])

    assert deadline(after) == timedelta(days=45)
    assert deadline(before) == timedelta(days=30)
    assert deadline(as_scheduler.get(f"/api/cases/{before['id']}").json) == timedelta(days=30)


def test_a_naive_opening_time_is_read_in_the_store_timezone(as_scheduler, customer):
    """'10:00' without offset is 10:00 in São Paulo (13:00 UTC) and comes back with -03:00."""
    day = (datetime.now(SAO_PAULO) - timedelta(days=3)).date()
    body = open_ok(as_scheduler, customer_id=customer.id, opened_at=f"{day.isoformat()}T10:00:00")

    assert body["opened_at"] == f"{day.isoformat()}T10:00:00-03:00"
    opened = datetime.fromisoformat(body["opened_at"])
    assert opened.astimezone(UTC) == datetime(day.year, day.month, day.day, 13, 0, tzinfo=UTC)
    assert body["due_at"] == f"{(day + timedelta(days=30)).isoformat()}T10:00:00-03:00"


def test_times_are_returned_with_the_store_offset(as_scheduler, customer):
    """An instant given in UTC is returned as the same instant with the store's offset (-03:00)."""
    instant = (datetime.now(UTC) - timedelta(days=2)).replace(hour=12, minute=0, second=0, microsecond=0)
    body = open_ok(as_scheduler, customer_id=customer.id, opened_at=instant.isoformat().replace("+00:00", "Z"))

    for field in ("opened_at", "due_at", "created_at", "updated_at"):
        assert body[field].endswith("-03:00"), (field, body[field])
    assert body["opened_at"] == instant.astimezone(SAO_PAULO).isoformat()
    assert body["opened_at"].endswith("T09:00:00-03:00")


def test_times_use_the_offset_of_the_cases_own_store(app):
    """A store in Manaus shows its cases at -04:00: the offset is the store's, not a constant."""
    manaus = make_store("Loja Manaus", cnpj=None, timezone="America/Manaus")
    scheduler = make_user(Role.SCHEDULER, [manaus])
    customer = make_customer(manaus, document=CPFS[1])
    client = login(app, scheduler)
    body = open_ok(client, customer_id=customer.id, opened_at="2026-01-15T08:30:00")

    assert body["opened_at"] == "2026-01-15T08:30:00-04:00"
    assert body["due_at"] == "2026-02-14T08:30:00-04:00"


# --- lists --------------------------------------------------------------------------------


def test_list_is_newest_first_with_cursor_pagination(as_scheduler, customer):
    """limit=2 walks every case exactly once, newest first, and the last page has no next_cursor."""
    ids = [open_ok(as_scheduler, customer_id=customer.id)["id"] for _ in range(5)]
    pages, cursor = [], None
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        response = as_scheduler.get(f"/api/cases?{query}")
        assert response.status_code == 200
        pages.append([item["id"] for item in response.json["items"]])
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
        assert len(pages) < 10, "pagination does not end"

    assert pages == [ids[4:2:-1], ids[2:0:-1], ids[0:1]]


def test_list_limit_is_capped(app, as_scheduler, customer):
    """A limit above the server's cap returns at most the cap."""
    for _ in range(3):
        open_ok(as_scheduler, customer_id=customer.id)
    app.config["PAGE_LIMIT_MAX"] = 2
    response = as_scheduler.get("/api/cases?limit=100")

    assert response.status_code == 200
    assert len(response.json["items"]) == 2
    assert response.json["next_cursor"] is not None


def test_a_garbled_cursor_is_rejected(as_scheduler, case):
    """A cursor the server did not issue is a 422 on cursor, not a 500."""
    response = as_scheduler.get("/api/cases?cursor=not-a-cursor")

    assert response.status_code == 422
    assert "cursor" in response.json["errors"]


def test_list_filters_by_status_comma_separated(as_scheduler, customer):
    """status=open,pending returns exactly the open and pending cases."""
    opened = open_ok(as_scheduler, customer_id=customer.id)["id"]
    scheduled = open_ok(as_scheduler, customer_id=customer.id)["id"]
    pending = open_ok(as_scheduler, customer_id=customer.id)["id"]
    cancelled = open_ok(as_scheduler, customer_id=customer.id)["id"]
    move(as_scheduler, scheduled, "scheduled")
    move(as_scheduler, pending, "scheduled", "in_service", "pending")
    move(as_scheduler, cancelled, "cancelled")

    assert sorted(list_ids(as_scheduler, "status=open,pending")) == sorted([opened, pending])
    assert list_ids(as_scheduler, "status=scheduled") == [scheduled]
    assert list_ids(as_scheduler, "status=cancelled") == [cancelled]
    assert len(list_ids(as_scheduler)) == 4


def test_an_unknown_status_filter_is_rejected(as_scheduler, case):
    """status=aberta (not a status code) is a 422."""
    response = as_scheduler.get("/api/cases?status=open,aberta")

    assert response.status_code == 422
    assert any(key.startswith("status") for key in response.json["errors"])


def test_list_filters_by_customer(as_scheduler, store, customer):
    """customer_id keeps only that customer's cases."""
    other = make_customer(store, name="Carlos Souza", document=CPFS[1])
    mine = open_ok(as_scheduler, customer_id=customer.id)["id"]
    open_ok(as_scheduler, customer_id=other.id)

    assert list_ids(as_scheduler, f"customer_id={customer.id}") == [mine]


def test_list_filters_by_contract_number(as_scheduler, scheduler, customer):
    """contract_number keeps only the cases linked to that contract."""
    first = make_contract(scheduler, customer, "C-5001")
    second = make_contract(scheduler, customer, "C-5002")
    linked = open_ok(as_scheduler, contract_id=first.id)["id"]
    open_ok(as_scheduler, contract_id=second.id)
    open_ok(as_scheduler, customer_id=customer.id)

    assert list_ids(as_scheduler, "contract_number=C-5001") == [linked]
    assert list_ids(as_scheduler, "contract_number=C-0000") == []


def test_list_filters_by_assignee(app, as_scheduler, customer, technician, other_technician):
    """assignee=<id> for the office; assignee=me for the technician."""
    mine = open_ok(as_scheduler, customer_id=customer.id, assignee_id=technician.id)["id"]
    theirs = open_ok(as_scheduler, customer_id=customer.id, assignee_id=other_technician.id)["id"]
    open_ok(as_scheduler, customer_id=customer.id)

    assert list_ids(as_scheduler, f"assignee={technician.id}") == [mine]
    assert list_ids(as_scheduler, f"assignee={other_technician.id}") == [theirs]
    assert list_ids(login(app, technician), "assignee=me") == [mine]
    assert list_ids(as_scheduler, "assignee=me") == []  # nothing is assigned to the scheduler
    assert as_scheduler.get("/api/cases?assignee=ninguem").status_code == 422


def test_list_filters_overdue(as_scheduler, scheduler, customer):
    """A case past due and not finished is overdue; closed or cancelled cases never are."""
    late = make_case(scheduler, customer, opened_at=ago(40))
    late_closed = make_case(scheduler, customer, opened_at=ago(40))
    late_cancelled = make_case(scheduler, customer, opened_at=ago(40))
    recent = make_case(scheduler, customer, opened_at=ago(1))
    move(as_scheduler, late_closed.id, "in_service", "closed")
    move(as_scheduler, late_cancelled.id, "cancelled")

    assert list_ids(as_scheduler, "overdue=true") == [late.id]
    assert sorted(list_ids(as_scheduler, "overdue=false")) == sorted([late_closed.id, late_cancelled.id, recent.id])
    flags = {item["id"]: item["overdue"] for item in as_scheduler.get("/api/cases").json["items"]}
    assert flags == {late.id: True, late_closed.id: False, late_cancelled.id: False, recent.id: False}


def test_list_filters_due_within_days(as_scheduler, scheduler, customer):
    """due_within_days=N: not yet late, not finished, due in the next N days."""
    due_in_5 = make_case(scheduler, customer, opened_at=ago(25))
    due_in_29 = make_case(scheduler, customer, opened_at=ago(1))
    make_case(scheduler, customer, opened_at=ago(40))  # already late
    finished = make_case(scheduler, customer, opened_at=ago(25))
    move(as_scheduler, finished.id, "cancelled")

    assert list_ids(as_scheduler, "due_within_days=7") == [due_in_5.id]
    assert sorted(list_ids(as_scheduler, "due_within_days=30")) == sorted([due_in_5.id, due_in_29.id])
    assert list_ids(as_scheduler, "due_within_days=2") == []


def test_search_by_number(as_scheduler, customer):
    """q finds a case by its number, with or without the dashes' year prefix."""
    first = open_ok(as_scheduler, customer_id=customer.id)
    second = open_ok(as_scheduler, customer_id=customer.id)

    assert list_ids(as_scheduler, f"q={second['number']}") == [second["id"]]
    assert list_ids(as_scheduler, f"q={first['number'].lower()}") == [first["id"]]
    assert list_ids(as_scheduler, "q=00002") == [second["id"]]


def test_search_by_reported_issue_ignores_accents_and_case(as_scheduler, customer):
    """q finds words of the Situação Alegada whatever the accents and capitals on either side."""
    door = open_ok(as_scheduler, customer_id=customer.id, reported_issue="Porta do armário desalinhada.")["id"]
    drawer = open_ok(as_scheduler, customer_id=customer.id, reported_issue="Gavetão com corrediça quebrada.")["id"]

    assert list_ids(as_scheduler, "q=ARMARIO") == [door]
    assert list_ids(as_scheduler, "q=armário desalinhada") == [door]
    assert list_ids(as_scheduler, "q=gavetao") == [drawer]
    assert list_ids(as_scheduler, "q=CORREDIÇA") == [drawer]
    assert list_ids(as_scheduler, "q=dobradiça") == []


def test_search_by_customer_name(as_scheduler, store, customer):
    """q finds cases by the customer's name, accent-insensitively."""
    joao = make_customer(store, name="João Araújo", document=CPFS[1])
    his = open_ok(as_scheduler, customer_id=joao.id)["id"]
    open_ok(as_scheduler, customer_id=customer.id)

    assert list_ids(as_scheduler, "q=joao araujo") == [his]
    assert list_ids(as_scheduler, "q=ARAÚJO") == [his]


def test_list_filters_by_opening_dates_in_the_store_timezone(as_scheduler, customer):
    """opened_from/opened_to are whole days in the store's timezone (23:30 in São Paulo is 02:30 UTC next day)."""
    day = (datetime.now(SAO_PAULO) - timedelta(days=5)).date()
    next_day = day + timedelta(days=1)
    late_evening = open_ok(as_scheduler, customer_id=customer.id, opened_at=f"{day}T23:30:00")["id"]
    early_morning = open_ok(as_scheduler, customer_id=customer.id, opened_at=f"{next_day}T00:30:00")["id"]
    open_ok(as_scheduler, customer_id=customer.id, opened_at=f"{day - timedelta(days=3)}T12:00:00")

    assert list_ids(as_scheduler, f"opened_from={day}&opened_to={day}") == [late_evening]
    assert list_ids(as_scheduler, f"opened_from={next_day}&opened_to={next_day}") == [early_morning]
    assert list_ids(as_scheduler, f"opened_from={day}") == [early_morning, late_evening]
    assert len(list_ids(as_scheduler, f"opened_to={day}")) == 2


def test_list_sorted_by_deadline(as_scheduler, scheduler, customer):
    """sort=due_at puts the soonest deadline first; the default stays newest first."""
    due_30 = make_case(scheduler, customer, opened_at=ago(0))
    due_10 = make_case(scheduler, customer, opened_at=ago(20))
    due_20 = make_case(scheduler, customer, opened_at=ago(10))

    assert list_ids(as_scheduler, "sort=due_at") == [due_10.id, due_20.id, due_30.id]
    assert list_ids(as_scheduler) == [due_20.id, due_10.id, due_30.id]
    assert as_scheduler.get("/api/cases?sort=prazo").status_code == 422


def test_list_sorted_by_deadline_pages_through_every_case(as_scheduler, scheduler, customer):
    """sort=due_at with limit=2 walks every case once, soonest deadline first."""
    made = [make_case(scheduler, customer, opened_at=ago(days)) for days in (0, 20, 10, 15, 5)]
    expected = [case.id for case in sorted(made, key=lambda c: c.due_at)]
    seen, cursor = [], None
    for _ in range(5):
        query = "sort=due_at&limit=2" + (f"&cursor={cursor}" if cursor else "")
        response = as_scheduler.get(f"/api/cases?{query}")
        assert response.status_code == 200, response.json
        seen += [item["id"] for item in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            break

    assert seen == expected


# --- who sees what ------------------------------------------------------------------------


def test_a_technician_sees_only_the_cases_assigned_to_them(
    as_technician, scheduler, customer, technician, other_technician
):
    """The list and the detail show a technician their own cases; another technician's case is 404."""
    mine = make_case(scheduler, customer, assignee_id=technician.id)
    theirs = make_case(scheduler, customer, assignee_id=other_technician.id)
    unassigned = make_case(scheduler, customer)

    assert list_ids(as_technician) == [mine.id]
    assert list_ids(as_technician, f"assignee={other_technician.id}") == []
    assert as_technician.get(f"/api/cases/{mine.id}").status_code == 200
    for hidden in (theirs, unassigned):
        response = as_technician.get(f"/api/cases/{hidden.id}")
        assert response.status_code == 404
        assert response.content_type == PROBLEM_JSON
        assert as_technician.get(f"/api/cases/{hidden.id}/timeline").status_code == 404


def test_a_technician_cannot_open_edit_or_cancel_cases(as_technician, case, customer):
    """Technicians get 403 on POST, PATCH and cancel, even on their own case, and nothing changes."""
    created = post_case(as_technician, customer_id=customer.id)
    edited = as_technician.patch(f"/api/cases/{case.id}", json={"reported_issue": "Outra coisa."})
    moved = as_technician.patch(f"/api/cases/{case.id}", json={"status": "scheduled", "status_reason": "Agendei."})
    cancelled = as_technician.post(f"/api/cases/{case.id}/cancel", json={"reason": "Cliente desistiu."})

    for response in (created, edited, moved, cancelled):
        assert response.status_code == 403
        assert response.content_type == PROBLEM_JSON
    body = as_technician.get(f"/api/cases/{case.id}").json
    assert body["status"] == "open"
    assert body["reported_issue"] == "Porta do armário desalinhada."
    assert count(ServiceCase) == 1


def test_another_stores_case_is_not_found(as_outsider, case):
    """A scheduler of another store gets 404 on every path of the case and does not list it."""
    assert list_ids(as_outsider) == []
    assert as_outsider.get(f"/api/cases/{case.id}").status_code == 404
    assert as_outsider.get(f"/api/cases/{case.id}/timeline").status_code == 404
    assert as_outsider.patch(f"/api/cases/{case.id}", json={"reported_issue": "Invasão."}).status_code == 404
    assert as_outsider.post(f"/api/cases/{case.id}/cancel", json={"reason": "Invasão."}).status_code == 404
    assert count(CaseEvent) == 1  # only the "created" event


def test_anonymous_requests_are_refused(client, case):
    """Without a session every case endpoint answers 401."""
    assert client.get("/api/cases").status_code == 401
    assert client.get(f"/api/cases/{case.id}").status_code == 401
    assert client.post("/api/cases", json={"customer_id": 1, "reported_issue": "x"}).status_code == 401


# --- status flow --------------------------------------------------------------------------


def test_status_flow_from_open_to_closed(as_scheduler, case):
    """open → scheduled → in_service → pending → closed, each with its reason; closed_at only when closed."""
    labels = {
        "scheduled": "Agendada",
        "in_service": "Em atendimento",
        "pending": "Com pendências",
        "closed": "Finalizada",
    }
    for status, label in labels.items():
        body = move(as_scheduler, case.id, status)
        assert body["status"] == status
        assert body["status_label"] == label
        assert body["status_reason"] == f"Motivo: {status}"
        if status != "closed":
            assert body["closed_at"] is None

    closed_at = datetime.fromisoformat(body["closed_at"])
    assert abs(closed_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert body["closed_at"].endswith("-03:00")
    assert body["overdue"] is False


def test_a_status_change_needs_a_reason(as_scheduler, case):
    """Changing the status without status_reason is 422 and leaves the status as it was."""
    response = as_scheduler.patch(f"/api/cases/{case.id}", json={"status": "scheduled"})

    assert response.status_code == 422
    assert response.json["errors"]["status_reason"] == ["Informe o motivo da mudança de situação."]
    assert as_scheduler.get(f"/api/cases/{case.id}").json["status"] == "open"


def test_a_blank_status_reason_counts_as_missing(as_scheduler, case):
    """A status_reason of blanks is no reason: 422 on status_reason, not a server error."""
    response = as_scheduler.patch(f"/api/cases/{case.id}", json={"status": "scheduled", "status_reason": "  "})

    assert response.status_code == 422, response.json
    assert response.json["errors"]["status_reason"] == ["Informe o motivo da mudança de situação."]


def test_a_blank_address_complement_is_accepted_as_none(as_scheduler, customer):
    """An empty-looking complement in the service address is stored as no complement."""
    body = open_ok(as_scheduler, customer_id=customer.id, service_address={**OTHER_ADDRESS, "complement": "   "})

    assert body["service_address"]["complement"] is None


def test_a_reason_without_a_status_is_rejected(as_scheduler, case):
    """status_reason alone is a 422 on status."""
    response = as_scheduler.patch(f"/api/cases/{case.id}", json={"status_reason": "Só o motivo."})

    assert response.status_code == 422
    assert response.json["errors"]["status"] == ["Informe a nova situação."]


def test_an_unknown_status_is_rejected(as_scheduler, case):
    """A status outside the flow's codes is 422 'Situação inválida.'."""
    response = as_scheduler.patch(f"/api/cases/{case.id}", json={"status": "finalizada", "status_reason": "x"})

    assert response.status_code == 422
    assert response.json["errors"]["status"] == ["Situação inválida."]


def test_an_invalid_transition_is_a_conflict_in_portuguese(as_scheduler, case):
    """open → closed skips the service: 409 problem+json naming both statuses in pt-BR; nothing changes."""
    response = as_scheduler.patch(f"/api/cases/{case.id}", json={"status": "closed", "status_reason": "Resolvido."})

    assert response.status_code == 409
    assert response.content_type == PROBLEM_JSON
    assert response.json["status"] == 409
    assert response.json["type"].endswith("/invalid-transition")
    assert "Aberta" in response.json["detail"]
    assert "Finalizada" in response.json["detail"]
    body = as_scheduler.get(f"/api/cases/{case.id}").json
    assert body["status"] == "open"
    assert body["closed_at"] is None


def test_a_cancelled_case_cannot_be_closed(as_scheduler, case):
    """cancelled → closed is refused with both labels in the message."""
    as_scheduler.post(f"/api/cases/{case.id}/cancel", json={"reason": "Cliente desistiu."})
    response = as_scheduler.patch(f"/api/cases/{case.id}", json={"status": "closed", "status_reason": "Fechar."})

    assert response.status_code == 409
    assert "Cancelada" in response.json["detail"]
    assert "Finalizada" in response.json["detail"]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}], ids=["missing", "empty", "blank"])
def test_cancelling_requires_a_reason(as_scheduler, case, body):
    """POST /cancel without a reason is 422 on reason and the case stays open."""
    response = as_scheduler.post(f"/api/cases/{case.id}/cancel", json=body)

    assert response.status_code == 422
    assert response.json["errors"]["reason"] == ["Campo obrigatório."]
    assert as_scheduler.get(f"/api/cases/{case.id}").json["status"] == "open"


def test_cancelling_with_a_reason(as_scheduler, case):
    """POST /cancel with a reason sets status cancelled and keeps the reason."""
    response = as_scheduler.post(f"/api/cases/{case.id}/cancel", json={"reason": "Cliente desistiu do reparo."})

    assert response.status_code == 200, response.json
    assert response.json["status"] == "cancelled"
    assert response.json["status_label"] == "Cancelada"
    assert response.json["status_reason"] == "Cliente desistiu do reparo."
    assert list_ids(as_scheduler, "status=cancelled") == [case.id]


def test_reopening_a_closed_case_clears_closed_at(as_scheduler, case):
    """closed → pending (a defect came back) reopens the case: closed_at is cleared."""
    closed = move(as_scheduler, case.id, "in_service", "closed")
    assert closed["closed_at"] is not None

    reopened = move(as_scheduler, case.id, "pending")

    assert reopened["status"] == "pending"
    assert reopened["closed_at"] is None
    assert as_scheduler.get(f"/api/cases/{case.id}").json["closed_at"] is None


def test_patch_edits_the_case(as_scheduler, scheduler, case, customer, technician, other_technician):
    """PATCH changes the Situação Alegada, the address, the contract and the assignee."""
    contract = make_contract(scheduler, customer, "C-7001")
    version_before = case.version
    response = as_scheduler.patch(
        f"/api/cases/{case.id}",
        json={
            "reported_issue": "Dobradiça solta.",
            "service_address": OTHER_ADDRESS,
            "contract_id": contract.id,
            "assignee_id": other_technician.id,
        },
    )

    assert response.status_code == 200, response.json
    assert response.json["reported_issue"] == "Dobradiça solta."
    assert response.json["service_address"]["street"] == OTHER_ADDRESS["street"]
    assert response.json["contract"]["number"] == "C-7001"
    assert response.json["assignee"]["id"] == other_technician.id
    assert response.json["version"] > version_before


def test_patch_rejects_bad_references(as_scheduler, scheduler, store, other_store, outsider, case):
    """PATCH with another customer's or store's contract, or a non-technician assignee, is 422; nothing changes."""
    other = make_customer(store, name="Carlos Souza", document=CPFS[1])
    others_contract = make_contract(scheduler, other, "C-8001")
    foreign_contract = make_contract(outsider, make_customer(other_store, document=CPFS[3]), "C-8002")
    attempts = [
        ({"contract_id": others_contract.id}, "contract_id"),
        ({"contract_id": foreign_contract.id}, "contract_id"),
        ({"assignee_id": scheduler.id}, "assignee_id"),
        ({"reported_issue": "  "}, "reported_issue"),
    ]
    for data, field in attempts:
        response = as_scheduler.patch(f"/api/cases/{case.id}", json=data)
        assert response.status_code == 422, data
        assert field in response.json["errors"], data

    body = as_scheduler.get(f"/api/cases/{case.id}").json
    assert body["contract"] is None
    assert body["assignee"]["name"] == "Tiago Técnico"
    assert count(CaseEvent) == 1


# --- timeline -----------------------------------------------------------------------------


def test_the_timeline_starts_with_the_created_event(as_scheduler, customer):
    """Opening a case records a 'created' event by its author with the number and deadline."""
    body = open_ok(as_scheduler, customer_id=customer.id)
    events = as_scheduler.get(f"/api/cases/{body['id']}/timeline").json

    assert len(events) == 1
    assert events[0]["kind"] == "created"
    assert events[0]["actor"]["name"] == "Sofia Atendimento"
    assert events[0]["changes"]["number"] == body["number"]
    assert datetime.fromisoformat(events[0]["changes"]["due_at"]) == datetime.fromisoformat(body["due_at"])


def test_each_patch_adds_an_event_with_actor_and_changes(
    as_admin, as_scheduler, admin, scheduler, case, other_technician, technician
):
    """Every change is recorded oldest first: who did it, and each field's from and to."""
    as_scheduler.patch(
        f"/api/cases/{case.id}", json={"reported_issue": "Dobradiça solta.", "assignee_id": other_technician.id}
    )
    move(as_admin, case.id, "scheduled")
    as_scheduler.post(f"/api/cases/{case.id}/cancel", json={"reason": "Cliente desistiu."})
    events = as_scheduler.get(f"/api/cases/{case.id}/timeline").json

    assert [event["kind"] for event in events] == ["created", "updated", "status_changed", "status_changed"]
    edit, schedule, cancel = events[1:]
    assert edit["actor"] == {"id": scheduler.id, "name": "Sofia Atendimento"}
    assert edit["changes"] == {
        "reported_issue": {"from": "Porta do armário desalinhada.", "to": "Dobradiça solta."},
        "assignee_id": {"from": technician.id, "to": other_technician.id},
    }
    assert schedule["actor"] == {"id": admin.id, "name": "Ana Admin"}
    assert schedule["changes"] == {
        "status": {"from": "open", "to": "scheduled"},
        "status_reason": {"from": None, "to": "Motivo: scheduled"},
    }
    assert cancel["changes"]["status"] == {"from": "scheduled", "to": "cancelled"}
    assert cancel["changes"]["status_reason"]["to"] == "Cliente desistiu."
    times = [datetime.fromisoformat(event["at"]) for event in events]
    assert times == sorted(times)


def test_an_address_change_is_recorded_whole(as_scheduler, case):
    """The service address is recorded from the old address to the new one."""
    as_scheduler.patch(f"/api/cases/{case.id}", json={"service_address": OTHER_ADDRESS})
    change = as_scheduler.get(f"/api/cases/{case.id}/timeline").json[-1]["changes"]

    assert list(change) == ["service_address"]
    assert change["service_address"]["from"]["street"] == ADDRESS["street"]
    assert change["service_address"]["to"]["street"] == OTHER_ADDRESS["street"]


def test_a_patch_that_changes_nothing_adds_no_event(as_scheduler, case):
    """Sending the current values back is a no-op: no timeline entry and no new version."""
    before = as_scheduler.get(f"/api/cases/{case.id}").json
    response = as_scheduler.patch(
        f"/api/cases/{case.id}",
        json={"reported_issue": before["reported_issue"], "assignee_id": before["assignee"]["id"], "status": "open"},
    )

    assert response.status_code == 200, response.json
    assert response.json["version"] == before["version"]
    assert response.json["updated_at"] == before["updated_at"]
    assert [event["kind"] for event in as_scheduler.get(f"/api/cases/{case.id}/timeline").json] == ["created"]


def test_case_dates_in_list_match_detail(as_scheduler, case):
    """The list and the detail serialize a case the same way."""
    listed = as_scheduler.get("/api/cases").json["items"][0]
    detail = as_scheduler.get(f"/api/cases/{case.id}").json

    assert listed == detail
    assert date.fromisoformat(detail["due_at"][:10]) > date.fromisoformat(detail["opened_at"][:10])


def test_patch_with_half_an_address_is_refused(as_scheduler, case):
    """A PATCH may leave fields out, but an address it sends must be whole (not merged, not half-stored)."""
    response = as_scheduler.patch(f"/api/cases/{case.id}", json={"service_address": {"city": "Campinas"}})
    assert response.status_code == 422
    assert {"service_address.cep", "service_address.street", "service_address.state"} <= set(response.json["errors"])
    assert as_scheduler.get(f"/api/cases/{case.id}").json["service_address"]["city"] == "São Paulo"


def test_access_notes_are_kept_as_typed_recorded_and_cleared(as_scheduler, customer):
    """Instruções de acesso: set at Incluir, edited and cleared with PATCH, each change on the timeline."""
    notes = "Portaria: avisar o síndico.\nVaga 12 no subsolo."
    created = open_ok(as_scheduler, customer_id=customer.id, access_notes=notes)
    assert created["access_notes"] == notes

    edited = as_scheduler.patch(f"/api/cases/{created['id']}", json={"access_notes": "Entrar pela rua de trás."})
    assert edited.status_code == 200, edited.json
    assert edited.json["access_notes"] == "Entrar pela rua de trás."
    assert as_scheduler.patch(f"/api/cases/{created['id']}", json={"access_notes": None}).json["access_notes"] is None

    too_long = as_scheduler.patch(f"/api/cases/{created['id']}", json={"access_notes": "x" * 1001})
    assert too_long.status_code == 422 and "access_notes" in too_long.json["errors"]
    changes = [
        event["changes"]["access_notes"]
        for event in as_scheduler.get(f"/api/cases/{created['id']}/timeline").json
        if "access_notes" in (event.get("changes") or {})
    ]
    assert len(changes) == 2
