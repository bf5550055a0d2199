"""The committed migrations build exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from server.extensions import db


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
