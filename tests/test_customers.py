"""Customers (/api/customers): validated Brazilian data, search, pagination, scoping, sync versions."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from conftest import ADDRESS, CNPJ, CPFS, login, make_case, make_contract, make_customer, make_user
from sqlalchemy import func, select

from server.auth.models import Role
from server.common.pagination import encode_cursor
from server.customers.models import Customer
from server.customers.service import build_customer
from server.database import soft_delete
from server.extensions import db
from tests.conftest import counting, store_version

URL = "/api/customers"
PROBLEM = "application/problem+json"


# --- helpers ------------------------------------------------------------------------------


def fresh() -> None:
    """End the test's own transaction and expire what it loaded, so the next read sees every commit
    (on SQLite a read transaction keeps its snapshot; requests made from threads don't end it)."""
    db.session.commit()
    db.session.expire_all()


def payload(**overrides: Any) -> dict[str, Any]:
    """A complete, valid customer as the office form sends it (punctuated, as people type)."""
    data: dict[str, Any] = {
        "name": "Maria da Silva",
        "document": "529.982.247-25",
        "phones": ["(11) 98765-4321"],
        "email": "maria@example.com.br",
        "address": dict(ADDRESS),
    }
    data.update(overrides)
    return data


def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem+json body of an error response, after checking its status and media type."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def customers_count() -> int:
    """Rows in the table, tombstones included: a rejected write must not leave one behind."""
    fresh()
    return db.session.scalar(select(func.count()).select_from(Customer)) or 0


def row(customer_id: int) -> Customer:
    """The stored row, tombstone or not (bypasses the API's scoping)."""
    fresh()
    customer = db.session.get(Customer, customer_id)
    assert customer is not None
    return customer


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.json["items"]]


# --- create: documents --------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["529.982.247-25", "52998224725", "529982247-25", " 529 982 247 25 ", "529.982.24725"]
)
def test_cpf_in_any_punctuation_is_stored_as_digits(as_scheduler, store, typed):
    """However the CPF is typed, the customer keeps its 11 digits and is marked as a CPF."""
    response = as_scheduler.post(URL, json=payload(document=typed))
    assert response.status_code == 201, response.json
    assert response.json["document"] == "52998224725"
    assert response.json["document_type"] == "cpf"
    assert response.json["store_id"] == store.id
    stored = row(response.json["id"])
    assert (stored.document, stored.document_type) == ("52998224725", "cpf")


def test_cnpj_is_stored_as_digits_with_its_type(as_scheduler):
    """A company customer is identified by a CNPJ, stored as 14 digits with type cnpj."""
    response = as_scheduler.post(URL, json=payload(name="Móveis Ltda", document="11.222.333/0001-81"))
    assert response.status_code == 201, response.json
    assert response.json["document"] == CNPJ
    assert response.json["document_type"] == "cnpj"
    assert row(response.json["id"]).document_type == "cnpj"


def test_customer_without_document_is_accepted(as_scheduler):
    """A CPF is not required (an assistance may be opened for someone who won't give it)."""
    data = payload()
    del data["document"]
    response = as_scheduler.post(URL, json=data)
    assert response.status_code == 201, response.json
    assert response.json["document"] is None
    assert response.json["document_type"] is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("529.982.247-24", "CPF inválido: confira os dígitos."),
        ("11.222.333/0001-82", "CNPJ inválido: confira os dígitos."),
        ("111.111.111-11", "CPF inválido: confira os dígitos."),  # passes the check digits, never issued
        ("000.000.000-00", "CPF inválido: confira os dígitos."),
        ("00.000.000/0000-00", "CNPJ inválido: confira os dígitos."),
        ("1234567", "Informe um CPF (11 dígitos) ou CNPJ (14 caracteres)."),
        ("abc.def.ghi-jk", "CPF inválido: use só números."),  # letters are refused, not dropped
    ],
)
def test_invalid_document_is_rejected_in_portuguese(as_scheduler, store, document, message):
    """A CPF/CNPJ with wrong check digits (or length) answers 422 naming `document`; nothing is stored."""
    before, version = customers_count(), store_version(store.id)
    body = problem(as_scheduler.post(URL, json=payload(document=document)), 422)
    assert body["type"].endswith("/validation")
    assert body["errors"] == {"document": [message]}
    assert customers_count() == before
    assert store_version(store.id) == version


# --- create: other fields -----------------------------------------------------------------


def test_unknown_field_is_rejected_and_named(as_scheduler):
    """A field the API doesn't know is an error, not silently dropped."""
    body = problem(as_scheduler.post(URL, json=payload(apelido="Mari")), 422)
    assert body["errors"] == {"apelido": ["Campo desconhecido."]}
    assert customers_count() == 0


def test_unknown_address_field_is_named_with_its_path(as_scheduler):
    """Unknown fields are rejected inside the address too, keyed by their dotted path."""
    body = problem(as_scheduler.post(URL, json=payload(address={**ADDRESS, "country": "BR"})), 422)
    assert body["errors"] == {"address.country": ["Campo desconhecido."]}
    assert customers_count() == 0


def test_name_of_200_characters_is_accepted(as_scheduler):
    """200 characters is the limit, inclusive."""
    response = as_scheduler.post(URL, json=payload(name="A" * 200))
    assert response.status_code == 201, response.json
    assert response.json["name"] == "A" * 200


def test_name_over_200_characters_is_rejected(as_scheduler):
    """A 201-character name answers 422 on `name` with a pt-BR message."""
    body = problem(as_scheduler.post(URL, json=payload(name="A" * 201)), 422)
    assert body["errors"] == {"name": ["Use no máximo 200 caracteres."]}
    assert customers_count() == 0


@pytest.mark.parametrize("name", [None, "", "   "])
def test_name_is_required_and_not_blank(as_scheduler, name):
    """A missing, null or blank name is 'Campo obrigatório.'."""
    data = payload(name=name)
    if name is None:
        del data["name"]
    body = problem(as_scheduler.post(URL, json=data), 422)
    assert body["errors"] == {"name": ["Campo obrigatório."]}
    assert customers_count() == 0


def test_name_is_trimmed(as_scheduler):
    """Surrounding blanks are not part of the name."""
    response = as_scheduler.post(URL, json=payload(name="  Maria da Silva  "))
    assert response.status_code == 201, response.json
    assert response.json["name"] == "Maria da Silva"


def test_address_is_normalized(as_scheduler):
    """The CEP is stored as 8 digits and the UF in capitals."""
    response = as_scheduler.post(URL, json=payload(address={**ADDRESS, "cep": "01310-100", "state": " sp "}))
    assert response.status_code == 201, response.json
    assert response.json["address"]["cep"] == "01310100"
    assert response.json["address"]["state"] == "SP"
    assert row(response.json["id"]).address["cep"] == "01310100"


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"cep": "1310-100"}, "address.cep", "CEP inválido: use 8 dígitos, como 01310-100."),
        ({"cep": "01310-1000"}, "address.cep", "CEP inválido: use 8 dígitos, como 01310-100."),
        ({"cep": "00000-000"}, "address.cep", "CEP inválido: use 8 dígitos, como 01310-100."),
        ({"state": "XX"}, "address.state", "UF inválida."),
        ({"state": "São Paulo"}, "address.state", "UF inválida."),
        ({"street": "R" * 201}, "address.street", "Use no máximo 200 caracteres."),
        ({"street": "  "}, "address.street", "Campo obrigatório."),
    ],
)
def test_invalid_address_is_rejected_by_field(as_scheduler, change, key, message):
    """CEP and UF are validated; each bad address field is reported under `address.<field>`."""
    body = problem(as_scheduler.post(URL, json=payload(address={**ADDRESS, **change})), 422)
    assert body["errors"] == {key: [message]}
    assert customers_count() == 0


def test_incomplete_address_names_each_missing_field(as_scheduler):
    """An address needs CEP, street, number, district, city and UF."""
    body = problem(as_scheduler.post(URL, json=payload(address={"city": "Campinas"})), 422)
    assert set(body["errors"]) == {
        "address.cep",
        "address.street",
        "address.number",
        "address.district",
        "address.state",
    }
    assert all(messages == ["Campo obrigatório."] for messages in body["errors"].values())


def test_phones_are_stored_as_digits(as_scheduler):
    """Mobiles and landlines, with or without +55 and punctuation, are kept as DDD + number digits."""
    response = as_scheduler.post(URL, json=payload(phones=["(11) 98765-4321", "+55 (11) 3456-7890", "21 2345 6789"]))
    assert response.status_code == 201, response.json
    assert response.json["phones"] == ["11987654321", "1134567890", "2123456789"]
    assert row(response.json["id"]).phones == ["11987654321", "1134567890", "2123456789"]


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("123", "Telefone inválido: informe DDD e número, como (11) 98765-4321."),
        ("98765-4321", "Telefone inválido: informe DDD e número, como (11) 98765-4321."),  # no DDD
        ("(01) 98765-4321", "Telefone inválido: informe DDD e número, como (11) 98765-4321."),
        ("(11) 88765-4321", "Celular inválido: o número deve começar com 9 após o DDD."),
    ],
)
def test_invalid_phone_is_keyed_by_its_position(as_scheduler, phone, message):
    """A bad phone answers 422 under `phones.<index>`."""
    body = problem(as_scheduler.post(URL, json=payload(phones=[phone])), 422)
    assert body["errors"] == {"phones.0": [message]}
    assert customers_count() == 0


def test_only_the_bad_phone_is_reported(as_scheduler):
    """With a good and a bad phone, the error points at the bad one's index."""
    body = problem(as_scheduler.post(URL, json=payload(phones=["11987654321", "123"])), 422)
    assert list(body["errors"]) == ["phones.1"]


def test_blank_phone_is_rejected_not_stored_as_null(as_scheduler):
    """An empty phone entry is an error at its index; the list never holds a null."""
    body = problem(as_scheduler.post(URL, json=payload(phones=["11987654321", "  "])), 422)
    assert body["errors"] == {"phones.1": ["Campo obrigatório."]}
    assert customers_count() == 0


def test_at_most_five_phones(as_scheduler):
    """Six phones are too many."""
    body = problem(as_scheduler.post(URL, json=payload(phones=["11987654321"] * 6)), 422)
    assert body["errors"] == {"phones": ["Informe no máximo 5 telefones."]}
    assert customers_count() == 0


def test_invalid_email_is_rejected(as_scheduler):
    body = problem(as_scheduler.post(URL, json=payload(email="maria@")), 422)
    assert body["errors"] == {"email": ["E-mail inválido."]}
    assert customers_count() == 0


def test_several_bad_fields_are_all_reported(as_scheduler):
    """One response names every bad field, so the form can highlight them all at once."""
    data = payload(name="", document="123.456.789-00", phones=["1"], address={**ADDRESS, "state": "ZZ"})
    body = problem(as_scheduler.post(URL, json=data), 422)
    assert set(body["errors"]) == {"name", "document", "phones.0", "address.state"}
    assert customers_count() == 0


def test_assistance_only_defaults_to_false(as_scheduler):
    """A customer registered at the office is a regular one unless marked assistance-only."""
    regular = as_scheduler.post(URL, json=payload())
    assistance = as_scheduler.post(URL, json=payload(document=CPFS[1], assistance_only=True))
    assert regular.json["assistance_only"] is False
    assert assistance.json["assistance_only"] is True


# --- uniqueness of documents --------------------------------------------------------------


def test_duplicate_document_in_the_same_store_is_rejected(as_scheduler):
    """The same CPF, even typed differently, can't be registered twice in one store."""
    assert as_scheduler.post(URL, json=payload(document="529.982.247-25")).status_code == 201
    body = problem(as_scheduler.post(URL, json=payload(name="Outra Maria", document="52998224725")), 422)
    assert body["errors"] == {"document": ["Já existe um cliente com este CPF/CNPJ nesta loja."]}
    assert customers_count() == 1


def test_same_document_is_allowed_in_another_store(as_scheduler, other_store):
    """Stores are separate tenants: a CPF registered in one store doesn't block another."""
    elsewhere = make_customer(other_store, document=CPFS[0])
    response = as_scheduler.post(URL, json=payload(document=CPFS[0]))
    assert response.status_code == 201, response.json
    assert response.json["id"] != elsewhere.id
    assert response.json["document"] == CPFS[0]


def test_document_is_free_again_after_the_customer_is_deleted(as_scheduler):
    """A deleted customer's tombstone doesn't block registering the document again."""
    first = as_scheduler.post(URL, json=payload())
    assert as_scheduler.delete(f"{URL}/{first.json['id']}").status_code == 204
    again = as_scheduler.post(URL, json=payload())
    assert again.status_code == 201, again.json
    assert again.json["id"] != first.json["id"]
    assert row(first.json["id"]).deleted_at is not None
    assert row(again.json["id"]).deleted_at is None


def test_patch_to_another_customers_document_is_rejected(as_scheduler, store):
    """Changing a document to one already used in the store is refused and changes nothing."""
    make_customer(store, name="Primeira", document=CPFS[0])
    second = make_customer(store, name="Segunda", document=CPFS[1])
    body = problem(as_scheduler.patch(f"{URL}/{second.id}", json={"document": "529.982.247-25"}), 422)
    assert body["errors"] == {"document": ["Já existe um cliente com este CPF/CNPJ nesta loja."]}
    assert row(second.id).document == CPFS[1]


def test_patch_with_the_customers_own_document_is_fine(as_scheduler, customer):
    """Sending back the customer's own document (formatted) is not a duplicate."""
    response = as_scheduler.patch(f"{URL}/{customer.id}", json={"document": "529.982.247-25", "name": "Maria S."})
    assert response.status_code == 200, response.json
    assert response.json["name"] == "Maria S."


# --- search -------------------------------------------------------------------------------


@pytest.fixture
def people(store):
    """A few customers with accents, documents and phones to search for."""
    return {
        "jose": make_customer(store, name="José Conceição", document=CPFS[1], phones=["21987001122"]),
        "maria": make_customer(store, name="Maria da Silva", document=CPFS[0], phones=["11987654321"]),
        "joao": make_customer(store, name="JOÃO Conceito", document=None, phones=["1134567890"]),
        "empresa": make_customer(store, name="Móveis Planejados Ltda", document=CNPJ, phones=[]),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("jose conceicao", ["jose"]),
        ("CONCEIÇÃO", ["jose"]),
        ("José", ["jose"]),
        ("  jOsÉ   cOnCeIçÃo ", ["jose"]),
        ("conce", ["joao", "jose"]),
        ("joão", ["joao"]),
        ("moveis", ["empresa"]),
        ("xavier", []),
    ],
)
def test_search_by_name_ignores_accents_and_case(as_scheduler, people, q, expected):
    """`q` matches names whatever the accents and capitals on either side."""
    found = ids(as_scheduler.get(URL, query_string={"q": q}))
    assert found == [people[key].id for key in expected]


@pytest.mark.parametrize("q", ["390.533.447-05", "39053344705", "0533447", "390.533"])
def test_search_by_cpf_with_or_without_punctuation(as_scheduler, people, store, q):
    """A CPF (or part of it) finds its customer whether typed with dots and dash or not."""
    target = make_customer(store, name="Carla Dias", document=CPFS[2])
    assert ids(as_scheduler.get(URL, query_string={"q": q})) == [target.id]


def test_search_by_cnpj_formatted(as_scheduler, people):
    assert ids(as_scheduler.get(URL, query_string={"q": "11.222.333/0001-81"})) == [people["empresa"].id]


@pytest.mark.parametrize(
    ("q", "key"),
    [("21987001122", "jose"), ("(21) 98700-1122", "jose"), ("98700-1122", "jose"), ("3456-7890", "joao")],
)
def test_search_by_phone_digits(as_scheduler, people, q, key):
    """Phones are found by their digits, however they are punctuated in the query."""
    assert ids(as_scheduler.get(URL, query_string={"q": q})) == [people[key].id]


@pytest.mark.parametrize("q", ["%", "_", "\\"])
def test_search_wildcards_are_literal(as_scheduler, people, q):
    """LIKE's wildcards in `q` are matched literally, not as 'anything'."""
    assert ids(as_scheduler.get(URL, query_string={"q": q})) == []


@pytest.mark.filterwarnings("error::sqlalchemy.exc.SADeprecationWarning")
@pytest.mark.parametrize("q", ["", "   "])
def test_blank_search_lists_everyone(as_scheduler, people, q):
    """A blank `q` (an emptied search box) is no filter at all."""
    assert sorted(ids(as_scheduler.get(URL, query_string={"q": q}))) == sorted(c.id for c in people.values())


def test_search_term_over_100_characters_is_rejected(as_scheduler):
    body = problem(as_scheduler.get(URL, query_string={"q": "a" * 101}), 422)
    assert set(body["errors"]) == {"q"}


def test_search_follows_a_renamed_customer(as_scheduler, customer):
    """After a rename the search finds the new name and no longer the old one."""
    assert as_scheduler.patch(f"{URL}/{customer.id}", json={"name": "Conceição Araújo"}).status_code == 200
    assert ids(as_scheduler.get(URL, query_string={"q": "araujo"})) == [customer.id]
    assert ids(as_scheduler.get(URL, query_string={"q": "silva"})) == []


def test_assistance_only_filter(as_scheduler, store):
    """`assistance_only=true|false` narrows the list; without it, everyone is listed."""
    regular = make_customer(store, name="Ana Regular")
    walk_in = make_customer(store, name="Bia Avulsa", assistance_only=True)
    assert ids(as_scheduler.get(URL, query_string={"assistance_only": "true"})) == [walk_in.id]
    assert ids(as_scheduler.get(URL, query_string={"assistance_only": "false"})) == [regular.id]
    assert ids(as_scheduler.get(URL)) == [regular.id, walk_in.id]


# --- pagination ---------------------------------------------------------------------------


def test_cursor_pagination_walks_every_customer_once_in_name_order(as_scheduler, store):
    """limit=3 pages through 7 customers by name (accents ignored, ties by id), each seen once."""
    by_name = {
        name: make_customer(store, name=name).id
        for name in ["Fábio", "carla", "Ágata", "Eduardo", "Carla", "Ana", "Davi"]
    }
    seen: list[int] = []
    pages = []
    cursor = None
    for _ in range(10):
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        response = as_scheduler.get(URL, query_string=query)
        assert response.status_code == 200, response.json
        pages.append(len(response.json["items"]))
        seen += [item["id"] for item in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
    assert pages == [3, 3, 1]
    assert len(seen) == len(set(seen)) == len(by_name)
    # "Ágata" sorts as "agata" (not after "Z"); "carla" and "Carla" tie on the folded name and
    # follow their ids, across the boundary between the first and the second page.
    order = ["Ágata", "Ana", "carla", "Carla", "Davi", "Eduardo", "Fábio"]
    assert seen == [by_name[name] for name in order]


def test_pagination_is_stable_when_customers_are_added_meanwhile(as_scheduler, store):
    """A customer created before the cursor position doesn't shift the next page."""
    for name in ("Bruno", "Carla", "Davi", "Eduardo"):
        make_customer(store, name=name)
    first = as_scheduler.get(URL, query_string={"limit": 2})
    make_customer(store, name="Aaron")  # sorts before everything already seen
    second = as_scheduler.get(URL, query_string={"limit": 2, "cursor": first.json["next_cursor"]})
    assert [c["name"] for c in first.json["items"]] == ["Bruno", "Carla"]
    assert [c["name"] for c in second.json["items"]] == ["Davi", "Eduardo"]
    assert second.json["next_cursor"] is None


def test_limit_defaults_to_50_and_is_capped_at_200(as_scheduler, store):
    """Without `limit` a page has 50 rows; a larger `limit` than 200 is clamped to 200."""
    for n in range(201):
        build_customer(store, {"name": f"Cliente {n:03d}", "phones": []})
    db.session.commit()
    default = as_scheduler.get(URL)
    assert len(default.json["items"]) == 50
    assert default.json["next_cursor"] is not None
    capped = as_scheduler.get(URL, query_string={"limit": 5000})
    assert capped.status_code == 200
    assert len(capped.json["items"]) == 200
    assert capped.json["next_cursor"] is not None
    rest = as_scheduler.get(URL, query_string={"limit": 5000, "cursor": capped.json["next_cursor"]})
    assert [c["name"] for c in rest.json["items"]] == ["Cliente 200"]
    assert rest.json["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["isto-não-é-um-cursor", "%%%", encode_cursor(["maria"]), encode_cursor({"a": 1})])
def test_garbage_cursor_is_rejected(as_scheduler, customer, cursor):
    """A cursor the server didn't make answers 422 on `cursor`, not 500."""
    body = problem(as_scheduler.get(URL, query_string={"cursor": cursor}), 422)
    assert body["errors"] == {"cursor": ["Cursor inválido: recomece a listagem."]}


FORGED = [encode_cursor(values) for values in (["maria", "x"], [1, 2], [None, None], [{"a": 1}, [1]], ["maria", True])]
SHORT_FORGED = [encode_cursor(values) for values in (["x"], [None], [{"a": 1}], [True], [1.5])]


@pytest.mark.parametrize(
    ("url", "cursors"),
    [
        ("/api/customers?q=gabriela", FORGED),  # the word's lists
        ("/api/customers?q=gabriela%20maria", FORGED),  # the window in name order
        ("/api/customers?q=529.982.247-25", FORGED),  # every match gathered
        ("/api/customers?q=", FORGED),
        ("/api/cases?q=porta", SHORT_FORGED),  # the latest cases first
        ("/api/contracts?q=maria", SHORT_FORGED),  # the latest contracts first
        ("/api/contracts?q=", SHORT_FORGED),
    ],
)
def test_a_cursor_of_the_right_shape_and_wrong_types_is_refused(as_scheduler, customer, url, cursors):
    """A cursor with the right number of values of the wrong type (made by hand) answers 422 on
    `cursor` on every path a list may take, not a database error."""
    for cursor in cursors:
        body = problem(as_scheduler.get(f"{url}&cursor={cursor}"), 422)
        assert body["errors"] == {"cursor": ["Cursor inválido: recomece a listagem."]}, cursor


@pytest.mark.parametrize("limit", ["0", "-1", "dez"])
def test_bad_limit_is_rejected(as_scheduler, limit):
    body = problem(as_scheduler.get(URL, query_string={"limit": limit}), 422)
    assert set(body["errors"]) == {"limit"}


def test_list_costs_the_same_queries_for_10_and_100_customers(app, as_scheduler, store):
    """No N+1: listing 100 customers runs as many SQL statements as listing 10."""

    def statements() -> int:
        with counting() as run:
            response = as_scheduler.get(URL, query_string={"limit": 200})
        assert response.status_code == 200
        return len(run)

    for n in range(10):
        build_customer(store, {"name": f"Cliente {n:03d}", "phones": ["11987654321"]})
    db.session.commit()
    ten = statements()
    for n in range(10, 100):
        build_customer(store, {"name": f"Cliente {n:03d}", "phones": ["11987654321"]})
    db.session.commit()
    assert len(as_scheduler.get(URL, query_string={"limit": 200}).json["items"]) == 100
    assert statements() == ten


# --- read and update ----------------------------------------------------------------------


def test_get_returns_the_customer(as_scheduler, customer, store):
    response = as_scheduler.get(f"{URL}/{customer.id}")
    assert response.status_code == 200, response.json
    assert response.json["id"] == customer.id
    assert response.json["name"] == "Maria da Silva"
    assert response.json["document"] == CPFS[0]
    assert response.json["store_id"] == store.id
    assert response.json["version"] == customer.version


def test_get_unknown_customer_is_404(as_scheduler):
    body = problem(as_scheduler.get(f"{URL}/999999"), 404)
    assert body["detail"] == "Cliente não encontrado."


def test_patch_changes_only_the_fields_sent(as_scheduler):
    """PATCH is partial: the fields left out keep their values."""
    created = as_scheduler.post(URL, json=payload(notes="Prefere contato à tarde.")).json
    response = as_scheduler.patch(f"{URL}/{created['id']}", json={"name": "Maria Souza"})
    assert response.status_code == 200, response.json
    updated = response.json
    assert updated["name"] == "Maria Souza"
    for field in ("document", "document_type", "phones", "email", "address", "notes", "assistance_only"):
        assert updated[field] == created[field], field
    assert row(created["id"]).name == "Maria Souza"


def test_patch_normalizes_like_create(as_scheduler, customer):
    """Phones and documents sent in a PATCH are validated and normalized as on create."""
    response = as_scheduler.patch(
        f"{URL}/{customer.id}", json={"phones": ["(21) 3456-7890"], "document": "11.222.333/0001-81"}
    )
    assert response.status_code == 200, response.json
    assert response.json["phones"] == ["2134567890"]
    assert (response.json["document"], response.json["document_type"]) == (CNPJ, "cnpj")


def test_patch_clearing_the_document_clears_its_type(as_scheduler, customer):
    response = as_scheduler.patch(f"{URL}/{customer.id}", json={"document": None})
    assert response.status_code == 200, response.json
    assert (response.json["document"], response.json["document_type"]) == (None, None)
    assert row(customer.id).document_type is None


def test_patch_replaces_the_whole_address(as_scheduler, customer):
    """A new address replaces the old one as a whole."""
    new_address = {
        "cep": "13010-000",
        "street": "Rua Barão de Jaguara",
        "number": "S/N",
        "district": "Centro",
        "city": "Campinas",
        "state": "sp",
    }
    response = as_scheduler.patch(f"{URL}/{customer.id}", json={"address": new_address})
    assert response.status_code == 200, response.json
    address = response.json["address"]
    assert address.pop("complement", None) is None  # the old "Apto 42" is gone with the old address
    assert address == {**new_address, "cep": "13010000", "state": "SP"}
    assert row(customer.id).address.get("complement") is None
    assert row(customer.id).address["city"] == "Campinas"


def test_patch_with_an_incomplete_address_is_rejected(as_scheduler):
    """PATCH is partial at the top level only: an address must still be complete, or the stored one
    would be replaced by a fragment."""
    created = as_scheduler.post(URL, json=payload()).json
    body = problem(as_scheduler.patch(f"{URL}/{created['id']}", json={"address": {"city": "Campinas"}}), 422)
    assert {"address.cep", "address.street", "address.number", "address.district", "address.state"} <= set(
        body["errors"]
    )
    assert row(created["id"]).address == created["address"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"name": None}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"document": "529.982.247-00"}, "document"),
        ({"phones": ["99"]}, "phones.0"),
        ({"address": {**ADDRESS, "state": "XX"}}, "address.state"),
        ({"apelido": "Mari"}, "apelido"),
        ({"store_id": 2}, "store_id"),
    ],
)
def test_rejected_patch_changes_nothing(as_scheduler, customer, store, change, key):
    """A bad PATCH answers 422 on the bad field and leaves the row and the store version alone."""
    version = store_version(store.id)
    before = (customer.name, customer.document, list(customer.phones), dict(customer.address), customer.version)
    body = problem(as_scheduler.patch(f"{URL}/{customer.id}", json=change), 422)
    assert list(body["errors"]) == [key]
    stored = row(customer.id)
    assert (stored.name, stored.document, stored.phones, stored.address, stored.version) == before
    assert store_version(store.id) == version


# --- delete -------------------------------------------------------------------------------


def test_delete_is_soft(as_scheduler, customer):
    """DELETE answers 204; the customer disappears from the API but stays as a tombstone."""
    response = as_scheduler.delete(f"{URL}/{customer.id}")
    assert response.status_code == 204
    assert response.get_data() == b""
    problem(as_scheduler.get(f"{URL}/{customer.id}"), 404)
    assert customer.id not in ids(as_scheduler.get(URL))
    assert customer.id not in ids(as_scheduler.get(URL, query_string={"q": CPFS[0]}))
    stored = row(customer.id)
    assert stored.deleted_at is not None
    assert stored.name == "Maria da Silva"
    assert customers_count() == 1


def test_deleted_customer_cannot_be_deleted_or_edited_again(as_scheduler, customer):
    assert as_scheduler.delete(f"{URL}/{customer.id}").status_code == 204
    problem(as_scheduler.delete(f"{URL}/{customer.id}"), 404)
    problem(as_scheduler.patch(f"{URL}/{customer.id}", json={"name": "Zumbi"}), 404)
    assert row(customer.id).name == "Maria da Silva"


def test_delete_of_a_customer_with_a_contract_is_a_conflict(as_scheduler, scheduler, customer, store):
    """A customer referenced by a contract can't be deleted: 409 problem+json, row untouched."""
    make_contract(scheduler, customer)
    version = store_version(store.id)
    body = problem(as_scheduler.delete(f"{URL}/{customer.id}"), 409)
    assert body["type"].endswith("/in-use")
    assert body["detail"] == "Este cliente tem contratos ou assistências e não pode ser excluído."
    assert row(customer.id).deleted_at is None
    assert store_version(store.id) == version
    assert as_scheduler.get(f"{URL}/{customer.id}").status_code == 200


def test_delete_of_a_customer_with_a_case_is_a_conflict(as_scheduler, scheduler, customer):
    make_case(scheduler, customer)
    body = problem(as_scheduler.delete(f"{URL}/{customer.id}"), 409)
    assert body["type"].endswith("/in-use")
    assert row(customer.id).deleted_at is None


def test_a_deleted_contract_no_longer_blocks_deleting_its_customer(as_scheduler, scheduler, customer):
    """Only live references count: once the contract is deleted, the customer can be."""
    contract = make_contract(scheduler, customer)
    soft_delete(contract)
    db.session.commit()
    assert as_scheduler.delete(f"{URL}/{customer.id}").status_code == 204
    assert row(customer.id).deleted_at is not None


# --- scoping and roles --------------------------------------------------------------------


@pytest.fixture
def foreign_customer(other_store):
    return make_customer(other_store, name="Cliente da Outra Loja", document=CPFS[3])


def test_another_stores_customer_is_not_found(as_scheduler, foreign_customer):
    """GET, PATCH and DELETE of another store's customer answer 404 and change nothing."""
    url = f"{URL}/{foreign_customer.id}"
    version = foreign_customer.version
    assert problem(as_scheduler.get(url), 404)["detail"] == "Cliente não encontrado."
    problem(as_scheduler.patch(url, json={"name": "Invadido"}), 404)
    problem(as_scheduler.delete(url), 404)
    stored = row(foreign_customer.id)
    assert (stored.name, stored.deleted_at, stored.version) == ("Cliente da Outra Loja", None, version)


def test_list_and_search_show_only_the_users_stores(as_scheduler, as_outsider, customer, foreign_customer):
    """Each store's users list and find only their own store's customers."""
    assert ids(as_scheduler.get(URL)) == [customer.id]
    assert ids(as_outsider.get(URL)) == [foreign_customer.id]
    assert ids(as_scheduler.get(URL, query_string={"q": CPFS[3]})) == []
    assert ids(as_outsider.get(URL, query_string={"q": "maria"})) == []


def test_user_of_several_stores_chooses_the_store(app, store, other_store):
    """With two stores the new customer needs `store_id`, and only one of the user's stores."""
    user = make_user(Role.SCHEDULER, [store, other_store], "duas.lojas@assistec.test")
    client = login(app, user)
    body = problem(client.post(URL, json=payload()), 422)
    assert body["errors"] == {"store_id": ["Informe a loja."]}
    created = client.post(URL, json=payload(store_id=other_store.id))
    assert created.status_code == 201, created.json
    assert created.json["store_id"] == other_store.id
    stranger = make_user(Role.SCHEDULER, [other_store], "so.outra@assistec.test")
    body = problem(login(app, stranger).post(URL, json=payload(store_id=store.id)), 422)
    assert body["errors"] == {"store_id": ["Loja não encontrada."]}
    assert customers_count() == 1
    assert client.get(URL, query_string={"store_id": store.id}).json["items"] == []


def test_admin_manages_customers(as_admin, customer):
    assert as_admin.get(f"{URL}/{customer.id}").status_code == 200
    assert as_admin.patch(f"{URL}/{customer.id}", json={"notes": "ok"}).status_code == 200


ENDPOINTS = [("get", ""), ("post", ""), ("get", "/{id}"), ("patch", "/{id}"), ("delete", "/{id}")]


def _call(client: Any, method: str, path: str, customer_id: int) -> Any:
    body = {"post": payload(document=CPFS[1]), "patch": {"name": "X"}}.get(method)
    return getattr(client, method)(URL + path.format(id=customer_id), json=body)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_technician_is_forbidden(as_technician, customer, method, path):
    """Technicians don't manage customers: 403 on every customer endpoint, nothing changes."""
    problem(_call(as_technician, method, path, customer.id), 403)
    assert customers_count() == 1
    assert row(customer.id).name == "Maria da Silva"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_gets_401(client, customer, method, path):
    """Without a session every customer endpoint answers 401 and nothing changes."""
    problem(_call(client, method, path, customer.id), 401)
    assert customers_count() == 1


def test_write_without_csrf_token_is_refused(app, scheduler, customer):
    """A logged-in write without the CSRF header is refused with problem+json and writes nothing."""
    client = login(app, scheduler)
    client.csrf_token = None
    body = problem(client.post(URL, json=payload(document=CPFS[1])), 400)
    assert body["type"].endswith("/csrf")
    problem(client.patch(f"{URL}/{customer.id}", json={"name": "X"}), 400)
    problem(client.delete(f"{URL}/{customer.id}"), 400)
    assert customers_count() == 1
    assert row(customer.id).deleted_at is None


# --- sync bookkeeping ---------------------------------------------------------------------


def test_every_write_bumps_the_row_and_the_store_version_once(as_scheduler, store):
    """Create, update and delete each raise the store's version by exactly 1 and stamp it on the row."""
    start = store_version(store.id)

    created = as_scheduler.post(URL, json=payload())
    assert created.status_code == 201
    assert store_version(store.id) == start + 1
    assert created.json["version"] == start + 1

    updated = as_scheduler.patch(f"{URL}/{created.json['id']}", json={"phones": ["11912345678"]})
    assert updated.status_code == 200
    assert store_version(store.id) == start + 2
    assert updated.json["version"] == start + 2 > created.json["version"]

    assert as_scheduler.delete(f"{URL}/{created.json['id']}").status_code == 204
    assert store_version(store.id) == start + 3
    tombstone = row(created.json["id"])
    assert tombstone.version == start + 3
    assert tombstone.deleted_at is not None


def test_writes_to_one_store_leave_the_other_stores_version(as_scheduler, store, other_store):
    other = store_version(other_store.id)
    assert as_scheduler.post(URL, json=payload()).status_code == 201
    assert store_version(other_store.id) == other


def test_reads_and_rejected_writes_do_not_bump_the_store_version(as_scheduler, customer, store):
    version, row_version = store_version(store.id), customer.version
    as_scheduler.get(URL)
    as_scheduler.get(f"{URL}/{customer.id}")
    problem(as_scheduler.post(URL, json=payload(document="123")), 422)
    problem(as_scheduler.post(URL, json=payload(document=CPFS[0])), 422)  # duplicate: fails after the query
    assert store_version(store.id) == version
    assert row(customer.id).version == row_version


def test_double_submit_of_the_same_document_gives_one_customer_and_a_422(app, scheduler, store, monkeypatch):
    """Two requests with the same new CPF at once (a double click): one 201, one 422 — never a 500.

    Both requests are held just after their duplicate check, so each has seen the document free
    before either writes; the database must still let only one through, answered as a validation error.
    """
    from server.customers import service

    clients = [login(app, scheduler) for _ in range(2)]
    barrier = threading.Barrier(2)
    check = service._check_document_free

    def held_check(*args: Any, **kwargs: Any) -> None:
        check(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):  # SQLite queues whole write requests
            barrier.wait(timeout=2)

    monkeypatch.setattr(service, "_check_document_free", held_check)
    results: list[Any] = [None, None]

    def create(index: int) -> None:
        results[index] = clients[index].post(URL, json=payload(name=f"Maria {index}"))

    threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201, 422], [r.get_json() for r in results]
    rejected = next(r for r in results if r.status_code == 422)
    assert rejected.mimetype == PROBLEM
    assert rejected.json["errors"] == {"document": ["Já existe um cliente com este CPF/CNPJ nesta loja."]}
    assert customers_count() == 1
