"""Inputs bounded at the schema: decimals never rounded in silence, documents never cleaned of
stray characters, no control characters, dates within 2000..2100; each refusal names the field
with a pt-BR message, each acceptance stores what was typed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ApiClient
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
