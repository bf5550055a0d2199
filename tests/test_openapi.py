"""The OpenAPI document is valid, and says what the API really sends: decimals as strings, errors as
problem+json with one Problem schema, patterns for the Brazilian identifiers. /api/docs runs
without inline scripts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from server.common import brazil

PROBLEM_JSON = "application/problem+json"
METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture
def spec(client: Any) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json  # type: ignore[no-any-return]


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    paths = spec["paths"].items()
    return [(path, method, item[method]) for path, item in paths for method in METHODS if method in item]


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        node = spec["components"][kind][name]
    return node


def test_the_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    validate(spec)  # raises on the first error
    assert spec["openapi"] == "3.1.0"
    assert len(operations(spec)) > 80


def test_every_error_response_is_problem_json_with_the_shared_schema(spec: dict[str, Any]) -> None:
    """Each operation documents its errors (the shared default, and 422 where it reads input) as
    application/problem+json, pointing at components/schemas/Problem."""
    for path, method, operation in operations(spec):
        responses = operation["responses"]
        assert "default" in responses, (method, path)
        for status, response in responses.items():
            if status != "default" and int(status) < 400:
                continue
            content = resolve(spec, response)["content"]
            assert list(content) == [PROBLEM_JSON], (method, path, status)
            assert content[PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_the_problem_schema_matches_what_the_error_handler_sends(as_admin: Any, spec: dict[str, Any]) -> None:
    """A real 422 with field errors, a 404 and a 405 validate against the documented schema."""
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    validator = Draft202012Validator(problem)
    invalid = as_admin.post("/api/customers", json={"name": "", "address": {"cep": "1"}})
    missing = as_admin.get("/api/cases/2147483647")
    not_allowed = as_admin.put("/api/cases")
    for response, status in ((invalid, 422), (missing, 404), (not_allowed, 405)):
        assert response.status_code == status
        assert response.mimetype == PROBLEM_JSON
        validator.validate(response.json)
    assert "address.cep" in invalid.json["errors"]


def _properties(spec: dict[str, Any], schema: str) -> dict[str, Any]:
    return spec["components"]["schemas"][schema]["properties"]  # type: ignore[no-any-return]


def test_money_and_quantities_are_decimal_strings_with_a_pattern(spec: dict[str, Any]) -> None:
    item = _properties(spec, "ItemIn")
    quantity, unit_cost = item["quantity"], item["unit_cost"]
    assert quantity["type"] == "string"
    assert unit_cost["type"] == ["string", "null"]
    assert re.fullmatch(quantity["pattern"][1:-1], "2.125")
    assert not re.fullmatch(quantity["pattern"][1:-1], "2.1255")
    assert re.fullmatch(unit_cost["pattern"][1:-1], "129.90")
    assert not re.fullmatch(unit_cost["pattern"][1:-1], "129.901")
    assert not re.fullmatch(unit_cost["pattern"][1:-1], "-1.00")  # refused by its range
    for schema in spec["components"]["schemas"].values():
        for name, field in schema.get("properties", {}).items():
            assert "number" not in field.get("type", []) or name in {"lat", "lng", "accuracy"}, name


def test_served_decimals_match_the_documented_pattern(as_admin: Any, spec: dict[str, Any]) -> None:
    """The pattern documents what is served: "1234.50", not 1234.5."""
    pattern = _properties(spec, "ItemIn")["unit_cost"]["pattern"]
    for served in ("1234.50", "0.00", "999999.99"):
        assert re.search(pattern, served)
    assert not re.search(pattern, "1234.5e0")


@pytest.mark.parametrize(
    ("schema", "field", "good", "bad"),
    [
        ("AddressSchema", "cep", ["04094-050", "04094050"], ["4094-050", "04094-0500", "ABCDE-FGH"]),
        ("SupplierIn", "cnpj", ["12.ABC.345/01DE-35", "12ABC34501DE35", "11.222.333/0001-81"], ["12.ABC.345/01DE-3X"]),
        ("CustomerIn", "document", ["529.982.247-25", "52998224725", "12ABC34501DE35"], ["529.982.247", "5299822472A"]),
    ],
)
def test_brazilian_identifiers_have_patterns(
    spec: dict[str, Any], schema: str, field: str, good: list[str], bad: list[str]
) -> None:
    pattern = _properties(spec, schema)[field]["pattern"]
    for value in good:
        assert re.search(pattern, value), value
    for value in bad:
        assert not re.search(pattern, value), value
    assert brazil.normalize_document("12.ABC.345/01DE-35") == ("cnpj", "12ABC34501DE35")


def test_the_docs_page_has_no_inline_script_and_a_strict_policy(client: Any) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, html
    for attributes, body in scripts:
        assert 'src="/api/docs/assets/' in attributes
        assert body.strip() == ""
    assert "onload=" not in html
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";") if part.strip()
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe" not in policy["script-src"] and "unsafe" not in policy["default-src"]
    init = client.get("/api/docs/assets/init.js")
    assert init.status_code == 200
    assert "javascript" in init.mimetype
    assert "SwaggerUIBundle(" in init.get_data(as_text=True)
    assert "/api/openapi.json" in html  # the page names the document init.js loads


def test_every_pdf_route_documents_its_pdf(spec: dict[str, Any]) -> None:
    """A route that answers a PDF says so (the fuzz step found the claim dossier undocumented)."""
    pdf_paths = [path for path in spec["paths"] if path.endswith(".pdf")]
    assert "/api/claims/{claim_id}/dossier.pdf" in pdf_paths
    for path in pdf_paths:
        for method, operation in spec["paths"][path].items():
            if method not in {"get", "post"}:
                continue
            content = operation["responses"]["200"]["content"]
            assert list(content) == ["application/pdf"], (method, path)
