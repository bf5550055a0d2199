"""The `flask create-user` command."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db


def test_create_user_makes_a_user_who_can_log_in(app: Flask, runner: Any, store: Any) -> None:
    result = runner.invoke(
        args=[
            "create-user",
            "--name",
            "Rita Montadora",
            "--email",
            "Rita@Loja.com.br",
            "--role",
            "technician",
            "--store",
            str(store.id),
            "--password",
            "montagem-segura",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "technician rita@loja.com.br" in result.output
    user = db.session.scalar(select(User).where(User.email == "rita@loja.com.br"))
    assert user is not None and user.store_ids == [store.id]
    response = app.test_client().post(
        "/api/auth/login", json={"email": "rita@loja.com.br", "password": "montagem-segura"}
    )
    assert response.status_code == 200


def test_create_user_refuses_an_unknown_store_and_a_taken_email(
    app: Flask, runner: Any, store: Any, admin: Any
) -> None:
    base = ["create-user", "--name", "X", "--role", "scheduler", "--password", "segredo-bom-1"]
    unknown = runner.invoke(args=[*base, "--email", "novo@loja.com.br", "--store", "9999"])
    assert unknown.exit_code != 0
    assert "unknown store" in unknown.output
    taken = runner.invoke(args=[*base, "--email", admin.email, "--store", str(store.id)])
    assert taken.exit_code != 0
    assert "e-mail" in taken.output
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1
