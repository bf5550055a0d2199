"""The one error contract: problem+json for every failure, including the unexpected ones."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy.exc import IntegrityError

from server.errors import flatten_messages
from tests.conftest import login


def test_an_unexpected_exception_is_a_500_problem_without_internals(
    app: Flask, scheduler: Any, monkeypatch: Any
) -> None:
    client = login(app, scheduler)

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("server.customers.service.list_customers", boom)
    response = client.get("/api/customers")
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert response.json["title"] == "Erro interno"
    assert "secret" not in response.get_data(as_text=True)


def test_a_uniqueness_race_is_a_409_problem(app: Flask, scheduler: Any, monkeypatch: Any) -> None:
    client = login(app, scheduler)

    def race(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("INSERT …", {}, Exception("duplicate key"))

    monkeypatch.setattr("server.customers.service.create_customer", race)
    response = client.post("/api/customers", json={"name": "Maria"})
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert "ao mesmo tempo" in response.json["detail"]


def test_a_body_over_the_limit_is_a_413_problem(app: Flask, scheduler: Any) -> None:
    client = login(app, scheduler)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/api/customers", json={"name": "M", "notes": "x" * 2000})
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"


def test_malformed_json_is_a_problem(app: Flask, scheduler: Any) -> None:
    client = login(app, scheduler)
    response = client.post("/api/customers", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert response.json["errors"] == {"_schema": ["O corpo da requisição não é um JSON válido."]}


def test_nested_messages_are_flattened_to_field_paths() -> None:
    messages = {"address": {"cep": ["CEP inválido."]}, "phones": {0: ["Telefone inválido."]}, "name": ["Obrigatório."]}
    assert flatten_messages(messages) == {
        "address.cep": ["CEP inválido."],
        "phones.0": ["Telefone inválido."],
        "name": ["Obrigatório."],
    }
