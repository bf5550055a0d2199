"""A read request (GET, HEAD, OPTIONS) writes nothing (server.transaction), and on PostgreSQL its
statements run without a transaction around them (server.database): no BEGIN, no ROLLBACK."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from psycopg.pq import TransactionStatus
from sqlalchemy import select, update

from server.extensions import db
from server.stores.models import Store
from server.suppliers.models import Supplier
from server.transaction import write_in_read
from tests.conftest import counting


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_write_in_a_read_request_is_refused_before_it_reaches_the_database(
    app: Flask, store: Store, method: str
) -> None:
    db.session.commit()
    with app.test_request_context("/api/suppliers", method=method):
        db.session.add(Supplier(store_id=store.id, name="Fábrica Escondida", sort_name="fabrica escondida"))
        with pytest.raises(RuntimeError, match="must not write"):
            db.session.flush()
        db.session.rollback()
        store.name = "Loja Renomeada"
        with pytest.raises(RuntimeError, match="must not write"):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(RuntimeError, match="must not write"):
            db.session.execute(update(Store).values(name="Loja Renomeada"))
        db.session.rollback()
    assert db.session.scalars(select(Supplier.name)).all() == []
    assert db.session.scalar(select(Store.name)) != "Loja Renomeada"


def test_a_read_request_may_make_the_one_write_it_declares(app: Flask, store: Store) -> None:
    db.session.commit()
    with app.test_request_context("/api/auth/me", method="GET"):
        store_id = store.id  # loaded before the block, and still loaded after it
        with write_in_read():
            db.session.execute(update(Store).where(Store.id == store_id).values(name="Loja Renovada"))
            if db.engine.dialect.name == "postgresql":  # a transaction of its own, not autocommit
                driver = db.session.connection().connection.driver_connection
                assert driver.info.transaction_status == TransactionStatus.INTRANS
        with counting() as after:
            assert store.id == store_id and store.name
        db.session.rollback()  # the request's end: the write was committed on its own
    assert after == []
    assert db.session.scalar(select(Store.name)) == "Loja Renovada"


def test_a_failed_declared_write_leaves_nothing(app: Flask, store: Store) -> None:
    db.session.commit()
    with app.test_request_context("/api/auth/me", method="GET"), pytest.raises(ZeroDivisionError), write_in_read():
        db.session.execute(update(Store).where(Store.id == store.id).values(name="Loja Renovada"))
        print(1 / 0)
    assert db.session.scalar(select(Store.name)) != "Loja Renovada"


def test_a_write_request_is_not_held_back(app: Flask, store: Store) -> None:
    db.session.commit()
    with app.test_request_context("/api/suppliers", method="POST"):
        db.session.add(Supplier(store_id=store.id, name="Fábrica Nova", sort_name="fabrica nova"))
        db.session.commit()
    assert db.session.scalars(select(Supplier.name)).all() == ["Fábrica Nova"]


def _driver_status(method: str, app: Flask) -> tuple[Any, bool]:
    """The connection's transaction status after a SELECT in a request of `method`, and its
    autocommit, as psycopg sees them."""
    with app.test_request_context("/api/cases", method=method):
        db.session.execute(select(Store.id)).all()
        driver = db.session.connection().connection.driver_connection
        status, autocommit = driver.info.transaction_status, driver.autocommit
        db.session.rollback()
        db.session.close()  # the connection goes back to the pool
    return status, autocommit


def test_on_postgresql_a_read_request_opens_no_transaction_and_leaves_none_behind(app: Flask, store: Store) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the transactions of PostgreSQL; SQLite begins a DEFERRED one for a read")
    db.session.commit()
    db.session.close()
    assert _driver_status("GET", app) == (TransactionStatus.IDLE, True)
    for _ in range(3):  # each pooled connection a GET used is back to transactions for the next write
        assert _driver_status("POST", app) == (TransactionStatus.INTRANS, False)
        assert _driver_status("GET", app) == (TransactionStatus.IDLE, True)
