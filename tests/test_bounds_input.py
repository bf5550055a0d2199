"""Inputs bounded at the schema: decimals never rounded in silence, documents never cleaned of
stray characters, no control characters, dates within 2000..2100; each refusal names the field
with a pt-BR message, each acceptance stores what was typed."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from server.common import brazil
from server.common.schemas import StoreTime
from tests.conftest import ADDRESS, ApiClient
from tests.test_occurrences import body

ITEM = {"description": "Dobradiça 35 mm", "quantity": "2", "action": "replace", "unit_cost": "10.00"}


def file_item(client: ApiClient, case: Any, **item: Any) -> Any:
    payload = body(case.store_id, items=[{**ITEM, **item}])
    return client.post(f"/api/cases/{case.id}/occurrences", json=payload)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("unit_cost", "129.9012345678", "Use no máximo 2 casas decimais (centavos), como 129.90."),
        ("unit_cost", 129.901, "Use no máximo 2 casas decimais (centavos), como 129.90."),
        ("unit_cost", "1E-10", "Use no máximo 2 casas decimais (centavos), como 129.90."),
        ("unit_cost", "1E+18", "Valor acima do máximo (R$ 999.999,99)."),
        ("unit_cost", "1000000.00", "Valor acima do máximo (R$ 999.999,99)."),
        ("unit_cost", "-1E+999999", "Valor acima do máximo (R$ 999.999,99)."),
        ("quantity", "1.0001", "Use no máximo 3 casas decimais, como 2.125."),
        ("quantity", "1E-10", "Use no máximo 3 casas decimais, como 2.125."),
        ("quantity", "100000", "Quantidade acima do máximo (99.999,999)."),
        ("quantity", "NaN", "Informe um número válido."),
        ("quantity", "Infinity", "Informe um número válido."),
    ],
)
def test_decimals_beyond_the_fields_places_or_bounds_are_refused(
    as_scheduler: ApiClient, case: Any, field: str, value: Any, message: str
) -> None:
    response = file_item(as_scheduler, case, **{field: value})
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {f"items.0.{field}": [message]}


@pytest.mark.parametrize(
    ("quantity", "unit_cost", "stored"),
    [
        ("2.125", "129.90", ("2.125", "129.90")),
        ("99999.999", "999999.99", ("99999.999", "999999.99")),
        ("1.500", "129.900", ("1.500", "129.90")),
        (3, 12.5, ("3.000", "12.50")),
    ],
)
def test_decimals_within_places_and_bounds_are_kept_exactly(
    as_scheduler: ApiClient, case: Any, quantity: Any, unit_cost: Any, stored: tuple[str, str]
) -> None:
    response = file_item(as_scheduler, case, quantity=quantity, unit_cost=unit_cost)
    assert response.status_code == 201, response.json
    [item] = response.json["items"]
    assert (item["quantity"], item["unit_cost"]) == stored


# --- documents ------------------------------------------------------------------------------


def cnpj_check_digits(base: str) -> str:
    """The Receita Federal rule, written here apart from the server's: value = ASCII − 48, weights
    2..9 from the right, digit = 0 when the remainder is below 2, else 11 − remainder."""
    digits = ""
    for _ in range(2):
        text = base + digits
        weights = [(i % 8) + 2 for i in range(len(text))][::-1]
        remainder = sum((ord(c) - 48) * w for c, w in zip(text, weights, strict=True)) % 11
        digits += "0" if remainder < 2 else str(11 - remainder)
    return digits


def test_the_rule_gives_the_receitas_published_example() -> None:
    assert cnpj_check_digits("12ABC34501DE") == "35"
    assert cnpj_check_digits("112223330001") == "81"


ALPHANUMERIC = ["12ABC34501DE", "A1B2C3D4E5F6", "ZZZZZZZZ0001", "00ABCDEF0001"]


@pytest.mark.parametrize("base", ALPHANUMERIC)
def test_an_alphanumeric_cnpj_is_a_customers_document(as_scheduler: ApiClient, store: Any, base: str) -> None:
    number = base + cnpj_check_digits(base)
    typed = f"{number[:2]}.{number[2:5]}.{number[5:8]}/{number[8:12]}-{number[12:]}".lower()
    response = as_scheduler.post("/api/customers", json={**CUSTOMER, "document": typed})
    assert response.status_code == 201, response.json
    assert (response.json["document"], response.json["document_type"]) == (number, "cnpj")
    wrong = number[:12] + str((int(number[12]) + 1) % 10) + number[13]
    response = as_scheduler.post("/api/customers", json={**CUSTOMER, "document": wrong})
    assert response.json["errors"] == {"document": ["CNPJ inválido: confira os dígitos."]}


def test_an_alphanumeric_cnpj_is_a_stores_and_prints_with_its_letters(as_admin: ApiClient, store: Any) -> None:
    response = as_admin.patch(f"/api/stores/{store.id}", json={"cnpj": "12.ABC.345/01DE-35"})
    assert response.status_code == 200, response.json
    assert response.json["cnpj"] == "12ABC34501DE35"
    assert brazil.format_document("12ABC34501DE35") == "12.ABC.345/01DE-35"
    response = as_admin.patch(f"/api/stores/{store.id}", json={"cnpj": "12.ABC.345/01DE-3A"})
    assert response.json["errors"] == {
        "cnpj": ["CNPJ inválido: letras só nas 12 primeiras posições; os 2 últimos são dígitos."]
    }


CUSTOMER = {"name": "Marcenaria Alfa", "phones": ["(11) 98765-4321"], "address": ADDRESS}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("document", "529.982.247-2A", "CPF inválido: use só números."),
        ("document", "529.982.247-25x", "Informe um CPF (11 dígitos) ou CNPJ (14 caracteres)."),
        ("document", "529,982,247-25", "Use só números e a pontuação . - / ( )."),
        ("document", "529.982.247_25", "Use só números e a pontuação . - / ( )."),
        ("phones", ["(11) 9876a-4321"], "Telefone inválido: use só números, como (11) 98765-4321."),
        ("phones", ["11 98765-4321 ramal"], "Telefone inválido: use só números, como (11) 98765-4321."),
        ("address", {**ADDRESS, "cep": "01310-10O"}, "CEP inválido: use 8 dígitos, como 01310-100."),
        ("address", {**ADDRESS, "cep": "01310#100"}, "Use só números e a pontuação . - / ( )."),
    ],
)
def test_documents_with_stray_characters_are_refused_not_cleaned(
    as_scheduler: ApiClient, store: Any, field: str, value: Any, message: str
) -> None:
    response = as_scheduler.post("/api/customers", json={**CUSTOMER, field: value})
    assert response.status_code == 422
    [(path, messages)] = response.json["errors"].items()
    assert path.startswith(field) and messages == [message]


def test_punctuation_people_type_is_still_accepted(as_scheduler: ApiClient, store: Any) -> None:
    address = {**ADDRESS, "cep": "01310 100"}
    data = {**CUSTOMER, "document": " 529.982.247/25 ", "phones": ["+55 (11) 98765-4321", "11.3333.4444"]}
    response = as_scheduler.post("/api/customers", json={**data, "address": address})
    assert response.status_code == 201, response.json
    assert response.json["document"] == "52998224725"
    assert response.json["phones"] == ["11987654321", "1133334444"]
    assert response.json["address"]["cep"] == "01310100"


# --- control characters ---------------------------------------------------------------------

CONTROL = "O texto tem caracteres de controle (invisíveis): remova-os."
ONE_LINE = "Use uma só linha, sem quebras nem tabulações."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Maria\x00 da Silva", CONTROL),
        ("Maria \x1b[31mda Silva", CONTROL),
        ("Maria da Silva\x7f", CONTROL),
        ("Maria\x85da Silva", CONTROL),
        ("Maria da Silva\x1f", CONTROL),  # at the end, where str.strip would have taken it
        ("Maria\nda Silva", ONE_LINE),
        ("Maria\tda Silva", ONE_LINE),
    ],
)
def test_a_single_line_text_with_control_characters_is_refused(
    as_scheduler: ApiClient, store: Any, name: str, message: str
) -> None:
    response = as_scheduler.post("/api/customers", json={**CUSTOMER, "name": name})
    assert response.status_code == 422
    assert response.json["errors"] == {"name": [message]}


def test_a_long_text_keeps_line_breaks_and_tabs_but_no_other_control(as_scheduler: ApiClient, customer: Any) -> None:
    issue = "Porta raspando:\n\t- no piso\r\n\t- na lateral"
    response = as_scheduler.post("/api/cases", json={"customer_id": customer.id, "reported_issue": issue})
    assert response.status_code == 201, response.json
    assert response.json["reported_issue"] == issue
    response = as_scheduler.post("/api/cases", json={"customer_id": customer.id, "reported_issue": "Porta\x00"})
    assert response.json["errors"] == {"reported_issue": [CONTROL]}


def test_a_layouts_html_with_a_control_character_is_refused(as_admin: ApiClient, store: Any) -> None:
    layout = {"store_id": store.id, "kind": "service_request", "name": "Meu", "html": "<p>\x00</p>", "css": "p {\x08}"}
    response = as_admin.post("/api/layouts", json=layout)
    assert response.status_code == 422
    assert response.json["errors"] == {"html": [CONTROL], "css": [CONTROL]}


# --- dates ----------------------------------------------------------------------------------

YEARS = "Use uma data entre 2000 e 2100."
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.mark.parametrize("opened_at", ["0001-01-01T10:00:00-03:00", "0936-05-01T10:00:00", "1999-12-31T23:00:00Z"])
def test_a_case_opened_outside_the_window_is_refused(as_scheduler: ApiClient, customer: Any, opened_at: str) -> None:
    data = {"customer_id": customer.id, "reported_issue": "Porta raspando.", "opened_at": opened_at}
    response = as_scheduler.post("/api/cases", json=data)
    assert response.status_code == 422
    assert response.json["errors"] == {"opened_at": [YEARS]}


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/cases", {"opened_from": "0936-01-01"}),
        ("/api/cases", {"opened_to": "2101-01-01"}),
        ("/api/appointments", {"from": "0001-01-01"}),
        ("/api/appointments", {"to": "9999-12-31T10:00:00"}),
    ],
)
def test_date_filters_outside_the_window_are_refused(as_scheduler: ApiClient, url: str, query: dict[str, str]) -> None:
    response = as_scheduler.get(url, query_string=query)
    assert response.status_code == 422
    assert response.json["errors"] == {next(iter(query)): [YEARS]}


def test_a_fix_date_outside_the_window_is_refused(as_scheduler: ApiClient, case: Any) -> None:
    response = as_scheduler.post(
        f"/api/cases/{case.id}/occurrences", json=body(case.store_id, expected_fix_date="0936-05-01")
    )
    assert response.json["errors"] == {"expected_fix_date": [YEARS]}


def test_the_earliest_case_is_served_with_whole_minute_offsets(as_scheduler: ApiClient, customer: Any) -> None:
    data = {"customer_id": customer.id, "reported_issue": "Porta raspando.", "opened_at": "2000-01-01T00:00:00"}
    response = as_scheduler.post("/api/cases", json=data)
    assert response.status_code == 201, response.json
    served = as_scheduler.get(f"/api/cases/{response.json['id']}").json
    times = [served[key] for key in ("opened_at", "due_at", "created_at", "updated_at")]
    assert served["opened_at"] == "2000-01-01T00:00:00-02:00"  # São Paulo's summer time then
    assert all(RFC3339.match(t) for t in times), times


def test_a_historical_instant_is_served_in_utc_not_with_local_mean_time(case: Any) -> None:
    case.opened_at = datetime(1900, 1, 1, 12, tzinfo=UTC)
    assert StoreTime()._serialize(case.opened_at, "opened_at", case) == "1900-01-01T12:00:00+00:00"
    case.opened_at = datetime(2030, 1, 1, 12, tzinfo=UTC)
    assert StoreTime()._serialize(case.opened_at, "opened_at", case) == "2030-01-01T09:00:00-03:00"


def test_a_customer_is_found_by_the_alphanumeric_cnpj_as_printed(as_scheduler: ApiClient, store: Any) -> None:
    created = as_scheduler.post("/api/customers", json={**CUSTOMER, "document": "12ABC34501DE35"})
    assert created.status_code == 201, created.json
    for q in ("12.ABC.345/01DE-35", "12abc34501de35", "Alfa"):
        found = as_scheduler.get("/api/customers", query_string={"q": q}).json["items"]
        assert [c["id"] for c in found] == [created.json["id"]], q
    assert as_scheduler.get("/api/customers", query_string={"q": "12.ABC.345/01DE-36"}).json["items"] == []


def test_a_phone_whose_clock_was_reset_still_pushes_its_outbox(as_technician: ApiClient, case: Any) -> None:
    """client_time is the phone's clock, never stored: 1970 must not refuse the whole batch."""
    mutation = {"id": 1, "name": "nothing.v1", "args": {}, "client_time": "1970-01-01T00:00:00Z"}
    body = {"protocol": 1, "schema_version": 1, "client_id": str(uuid.uuid4()), "mutations": [mutation]}
    response = as_technician.post("/api/sync/push", json=body)
    assert response.status_code == 200, response.json
    assert [r["id"] for r in response.json["results"]] == [1]


def test_search_filters_refuse_control_characters(as_scheduler: ApiClient, store: Any) -> None:
    response = as_scheduler.get("/api/cases", query_string={"q": "porta\x00", "contract_number": "C-1\x1b"})
    assert response.json["errors"] == {"q": [CONTROL], "contract_number": [CONTROL]}
    assert as_scheduler.get("/api/cases", query_string={"q": "  ", "contract_number": " C-1 "}).status_code == 200
