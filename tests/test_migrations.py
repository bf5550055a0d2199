"""The committed migrations build exactly the schema the models describe."""

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, insert, select

from server import create_app
from server.auth.models import User
from server.claims.board import board
from server.claims.models import ClaimTotals
from server.customers.models import Customer, CustomerPhone, phone_keys
from server.customers.service import create_customer
from server.customers.words import CustomerVocabulary, CustomerWord, word_rows
from server.database import utcnow
from server.extensions import db
from server.stores.models import Store
from tests.conftest import TEST_CONFIG

BEFORE_PHONE_KEYS = "c2a8e4f61d07"
BEFORE_CLAIM_TOTALS = "d7f3a9b2c418"
BEFORE_WORD_LISTS = "3e8a6d1f0c27"


# SQLite cannot reflect an index on an expression (ix_contracts_number_trgm): only PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_models_and_migrations_agree(app: Flask) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_connections_are_set_up_for_concurrent_writers(app: Flask) -> None:
    """SQLite: WAL, foreign keys, a busy timeout. PostgreSQL: READ COMMITTED, which the
    store-version UPDATE relies on to re-read the counter after waiting for the row lock."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"
            return
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == app.config["SQLITE_BUSY_TIMEOUT_MS"]


def test_phone_keys_are_back_filled_as_the_app_writes_them(app: Flask, store: Store) -> None:
    """The migration's SQL (per database) makes the keys `phone_keys` makes: live customers only,
    digits only, a phone shorter than a line's 8 digits left out, a repeated phone once."""
    phones = {
        "Duas linhas": ["11987654321", "1133334444"],
        "Pontuado": ["(21) 99876-5432"],
        "Repetido": ["11912345678", "11912345678"],
        "Curto": ["1234"],
        "Sem telefone": [],
        "Excluído": ["31999998888"],
    }
    store_id = store.id
    db.session.commit()  # and no read until the upgrade: SQLite would keep reading the schema it saw then
    downgrade(directory="migrations", revision=BEFORE_PHONE_KEYS)
    try:
        now = utcnow()
        with db.engine.begin() as conn:
            for name, numbers in phones.items():
                conn.execute(
                    insert(Customer.__table__).values(
                        name=name,
                        phones=numbers,
                        assistance_only=False,
                        sort_name=name.lower(),
                        search_text=name.lower(),
                        store_id=store_id,
                        version=1,
                        created_at=now,
                        updated_at=now,
                        deleted_at=now if name == "Excluído" else None,
                    )
                )
    finally:
        upgrade(directory="migrations")
    ids = {row.name: row.id for row in db.session.execute(select(Customer.name, Customer.id))}
    stored = db.session.execute(select(CustomerPhone.customer_id, CustomerPhone.digits, CustomerPhone.tail))
    expected = {
        (ids[name], number, number[-8:])
        for name, numbers in phones.items()
        if name != "Excluído"
        for number in phone_keys(numbers)
    }
    assert len(expected) == 4
    assert {tuple(row) for row in stored} == expected
    assert db.session.scalar(select(func.count(CustomerPhone.id))) == len(expected)


def test_word_lists_are_back_filled_as_the_app_writes_them(app: Flask, store: Store, other_store: Store) -> None:
    """The migration lists each live customer under the words `word_rows` gives, and each store's
    words once; a tombstone is in no list."""
    names = {"Zélia Prado": store, "Ana Zélia 12": store, "Ana Lima": other_store, "Excluída Prado": store}
    for name, owner in names.items():
        customer = create_customer(owner, {"name": name, "email": "ana.b@x.com", "address": None})
        if name.startswith("Excluída"):
            customer.deleted_at = utcnow()
    db.session.commit()
    written = {tuple(row) for row in db.session.execute(select(CustomerWord.customer_id, CustomerWord.word))}
    expected = {
        (row["customer_id"], row["word"])
        for customer in db.session.scalars(select(Customer).where(Customer.deleted_at.is_(None)))
        for row in word_rows(customer)
    }
    stored_vocabulary = set(db.session.execute(select(CustomerVocabulary.store_id, CustomerVocabulary.word)))
    assert written == expected and len(expected) == 16
    db.session.commit()  # and no read until the upgrade: SQLite would keep reading the schema it saw then
    downgrade(directory="migrations", revision=BEFORE_WORD_LISTS)
    upgrade(directory="migrations")
    rows = db.session.execute(select(CustomerWord.customer_id, CustomerWord.word, CustomerWord.sort_name)).all()
    sort_names = {row.id: row.sort_name for row in db.session.execute(select(Customer.id, Customer.sort_name))}
    assert {(row.customer_id, row.word) for row in rows} == expected
    assert all(row.sort_name == sort_names[row.customer_id] for row in rows)
    # the deleted customer's "excluida" was a word of the store once; the back-fill knows only live ones
    assert set(
        db.session.execute(select(CustomerVocabulary.store_id, CustomerVocabulary.word))
    ) == stored_vocabulary - {(store.id, "excluida")}


def test_the_closed_claims_totals_are_filled_from_the_claims_already_closed(tmp_path: Path) -> None:
    """Upgrading a store that already has closed claims (the demo's) gives the board the same
    figures the claims service keeps as each claim closes."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'claims.db'}"})
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade(directory="migrations")
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    now = utcnow()

    def figures() -> dict[str, Any]:
        user = db.session.scalars(select(User).where(User.role == "scheduler")).one()
        answer = board(user, None, now)
        db.session.remove()
        return answer

    with app.app_context():
        kept = figures()
        assert db.session.scalar(select(func.count()).select_from(ClaimTotals)) == 1
        db.session.remove()
        downgrade(directory="migrations", revision=BEFORE_CLAIM_TOTALS)
        upgrade(directory="migrations")
        assert figures() == kept
        db.engine.dispose()
