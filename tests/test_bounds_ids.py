"""Ids beyond the database's range, walked over the whole OpenAPI document: every integer path
parameter, query filter and top-level body field gets 2**64 and -1, and must answer a 4xx
problem (404 for a path, 422 naming the field otherwise), never a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask

from server.auth.models import User
from tests.conftest import ApiClient, login

OUT_OF_RANGE = [2**64, -1]
PROBLEM = "application/problem+json"


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    found = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((path, method, operation, shared + operation.get("parameters", [])))
    return found


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _fill(path: str, parameters: list[dict[str, Any]], overrides: dict[str, Any]) -> str:
    for parameter in parameters:
        if parameter["in"] != "path":
            continue
        name = parameter["name"]
        kind = parameter["schema"].get("type")
        value = overrides.get(name, 1 if kind == "integer" else uuid.uuid4() if kind == "string" else "x")
        path = path.replace("{" + name + "}", str(value))
    return path


@pytest.fixture
def clients(app: Flask, admin: User, scheduler: User, technician: User) -> list[ApiClient]:
    return [login(app, admin), login(app, scheduler), login(app, technician)]


def _send(clients: list[ApiClient], method: str, url: str, **kwargs: Any) -> Any:
    """The first answer that is not 403: whichever role may call the operation."""
    for client in clients:
        response = client.open(url, method=method.upper(), **kwargs)
        if response.status_code != 403:
            break
    return response


def _body_kwargs(method: str) -> dict[str, Any]:
    return {"json": {}} if method != "get" else {}


def test_the_walk_covers_the_api(clients: list[ApiClient]) -> None:
    spec = clients[0].get("/api/openapi.json").json
    operations = _operations(spec)
    parameters = [p for *_, params in operations for p in params if p["schema"].get("type") == "integer"]
    path_ids = [p for p in parameters if p["in"] == "path"]
    query_ids = [p for p in parameters if p["in"] == "query"]
    assert len(operations) > 60 and len(path_ids) > 40 and len(query_ids) > 10


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_integer_path_parameters(clients: list[ApiClient], value: int) -> None:
    spec = clients[0].get("/api/openapi.json").json
    for path, method, _, parameters in _operations(spec):
        for parameter in parameters:
            if parameter["in"] != "path" or parameter["schema"]["type"] != "integer":
                continue
            assert parameter["schema"]["minimum"] == 1 and parameter["schema"]["maximum"] == 2**31 - 1
            url = _fill(path, parameters, {parameter["name"]: value})
            response = _send(clients, method, url, **_body_kwargs(method))
            assert response.status_code == 404, (method, url, response.status_code)
            assert response.mimetype == PROBLEM


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_integer_query_parameters(clients: list[ApiClient], value: int) -> None:
    spec = clients[0].get("/api/openapi.json").json
    checked = 0
    for path, method, _, parameters in _operations(spec):
        for parameter in parameters:
            schema = parameter["schema"]
            if parameter["in"] != "query" or schema.get("type") != "integer":
                continue
            assert "maximum" in schema and "minimum" in schema, (path, parameter["name"])
            assert not schema["minimum"] <= value <= schema["maximum"]
            url = _fill(path, parameters, {})
            response = _send(clients, method, url, query_string={parameter["name"]: value}, **_body_kwargs(method))
            assert response.status_code == 422, (method, url, parameter["name"], response.status_code)
            assert response.mimetype == PROBLEM
            assert parameter["name"] in response.json["errors"], (url, response.json)
            checked += 1
    assert checked > 10


def _integer_properties(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for name, prop in _resolve(spec, schema).get("properties", {}).items():
        if prop.get("readOnly"):
            continue
        kinds = prop.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "integer" in kinds:
            found[name] = prop
    return found


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_integer_body_fields(clients: list[ApiClient], value: int) -> None:
    spec = clients[0].get("/api/openapi.json").json
    checked = 0
    for path, method, operation, parameters in _operations(spec):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        for name, prop in _integer_properties(spec, content["application/json"]["schema"]).items():
            if "enum" in prop:
                assert value not in prop["enum"]
            else:
                assert "maximum" in prop and "minimum" in prop, (method, path, name)
                if prop["minimum"] <= value <= prop["maximum"]:
                    continue
            url = _fill(path, parameters, {})
            response = _send(clients, method, url, json={name: value})
            assert response.status_code == 422, (method, url, name, response.status_code)
            assert response.mimetype == PROBLEM
            assert name in response.json["errors"], (method, url, name, response.json)
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("value", [*OUT_OF_RANGE, 0, 2**31])
def test_a_case_for_a_customer_id_out_of_range_names_the_field(as_scheduler: ApiClient, value: int) -> None:
    response = as_scheduler.post("/api/cases", json={"customer_id": value, "reported_issue": "Porta raspando."})
    assert response.status_code == 422
    assert response.json["errors"] == {"customer_id": ["Identificador inválido."]}


def test_a_filter_beyond_64_bits_is_422_and_a_path_id_404(as_scheduler: ApiClient) -> None:
    response = as_scheduler.get("/api/cases", query_string={"store_id": "99999999999999999999"})
    assert (response.status_code, response.json["errors"]) == (422, {"store_id": ["Identificador inválido."]})
    response = as_scheduler.get("/api/cases/99999999999999999999")
    assert (response.status_code, response.mimetype) == (404, PROBLEM)


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_sync_mutation_ids_out_of_range_are_rejected_not_500(as_technician: ApiClient, case: Any, value: int) -> None:
    client_id = str(uuid.uuid4())
    when = "2030-03-10T12:00:00Z"
    mutations = [
        {"id": 1, "name": "appointment.check_in.v1", "args": {"appointment_id": value}, "client_time": when},
        {"id": 2, "name": "occurrence.create.v1", "args": {"case_id": value}, "client_time": when},
    ]
    body = {"protocol": 1, "schema_version": 1, "client_id": client_id, "mutations": mutations}
    response = as_technician.post("/api/sync/push", json=body)
    assert response.status_code == 200, response.json
    assert [(r["status"], r["code"]) for r in response.json["results"]] == [("rejected", "validation")] * 2
    body["mutations"] = [{**mutations[0], "id": 2**64}]
    response = as_technician.post("/api/sync/push", json=body)
    assert response.status_code == 422
    assert "mutations.0.id" in response.json["errors"]


@pytest.mark.parametrize("url", ["/api/cases", "/api/appointments"])
@pytest.mark.parametrize("assignee", ["99999999999999999999", "2147483648", "0", "-1"])
def test_an_assignee_filter_out_of_range_is_422(as_scheduler: ApiClient, url: str, assignee: str) -> None:
    response = as_scheduler.get(url, query_string={"assignee": assignee})
    assert (response.status_code, response.json["errors"]) == (422, {"assignee": ["Use 'me' ou o id do técnico."]})
