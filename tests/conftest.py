"""Fixtures: an app on a fresh database per test, clients logged in per role, record factories.

The schema is built once per run by the real migrations (`flask db upgrade`), on SQLite by
default or on PostgreSQL when TEST_DATABASE_URL is set; after each test every table is emptied,
so each test starts from nothing and may commit, use threads and several connections.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
from flask import Flask, has_app_context
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from server import create_app
from server.auth.models import Role, User
from server.auth.service import create_user
from server.cases.models import ServiceCase
from server.cases.service import open_case
from server.contracts.models import Contract
from server.contracts.service import create_contract
from server.customers.models import Customer
from server.customers.service import create_customer
from server.database import Base
from server.extensions import db
from server.jobs import configure_jobs
from server.stores.models import Store
from server.stores.service import create_store

PASSWORD = "senha-segura-123"
# Valid check digits (python-stdnum), used across the suite.
CPFS = ["52998224725", "11144477735", "39053344705", "98765432100", "12345678909"]
CNPJ = "11222333000181"
ADDRESS = {
    "cep": "01310-100",
    "street": "Avenida Paulista",
    "number": "1000",
    "complement": "Apto 42",
    "district": "Bela Vista",
    "city": "São Paulo",
    "state": "SP",
}


class ApiClient(FlaskClient):
    """A test client that sends the CSRF token it got at login on every write.

    Each request runs in an application context of its own, as in production, instead of
    reusing the test's: no `g` or database session leaks from the test into a request. The
    test's own session ends its transaction first, so it holds no snapshot across the request
    and reads fresh rows afterwards.
    """

    csrf_token: str | None = None

    def open(self, *args: Any, **kwargs: Any) -> Any:
        method = kwargs.get("method", "GET")
        if self.csrf_token and method not in ("GET", "HEAD", "OPTIONS"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRF-Token", self.csrf_token)
            kwargs["headers"] = headers
        if has_app_context():
            db.session.commit()
        token = _cv_app.set(None)  # type: ignore[arg-type]
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast hashes; the real default is scrypt
}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = _database_url(tmp_path_factory)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # a clean schema: leftovers of an earlier run
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory="migrations")
        db.engine.dispose()
    yield url


def _empty_tables() -> None:
    """Delete every row, children first, and restart PostgreSQL's id sequences. Plain DELETEs on
    these few rows take milliseconds; TRUNCATE of every table took half a second per test."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        for name in tables:
            conn.execute(text(f"DELETE FROM {name}"))
        if conn.dialect.name == "postgresql":
            conn.execute(text(RESTART_SEQUENCES))
        else:  # statistics an ANALYZE took of a test's few rows (the prune job runs one) mislead the next plans
            conn.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))


RESTART_SEQUENCES = """
SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND n.nspname = current_schema()
"""


@pytest.fixture(scope="session")
def built_app(database_url: str) -> Flask:
    """The app, built once per run: building one costs about 0.2 s (mostly the OpenAPI document of
    every view), which a thousand tests would pay again and again for the same result."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    app.test_client_class = ApiClient
    return app


@pytest.fixture
def app(built_app: Flask, tmp_path: Any) -> Iterator[Flask]:
    """The app on an empty database, with the settings it was built with: what a test changes in
    `app.config` is undone afterwards, and the job queue is set up again (another test may have
    built an app of its own that switched it)."""
    app = built_app
    settings = dict(app.config)
    app.instance_path = str(tmp_path)
    configure_jobs(app)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
    app.config.clear()
    app.config.update(settings)


@pytest.fixture
def client(app: Flask) -> ApiClient:
    """An anonymous client."""
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


# --- records ------------------------------------------------------------------------------


def page_of(client: Any, url: str, field: str = "id") -> tuple[list[Any], str | None]:
    """One page of a list: each item's `field`, and the next page's cursor."""
    response = client.get(url)
    assert response.status_code == 200, response.json
    return [item[field] for item in response.json["items"]], response.json["next_cursor"]


def every_page(client: Any, url: str, field: str = "id") -> list[Any]:
    """Each item's `field` over every page of a list, following its cursors."""
    found, cursor = page_of(client, url, field)
    while cursor:
        more, cursor = page_of(client, f"{url}&cursor={cursor}", field)
        found += more
    return found


@contextmanager
def counting() -> Iterator[list[str]]:
    """The SQL statements run inside the block (to show a list costs the same for 10 and 100 rows)."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@contextmanager
def reads_of(*tables: str) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT statements (with their parameters) run inside the block that name any of `tables`."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if any(name in statement for name in tables) and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def index_plan(statement: str, parameters: Any) -> str:
    """The statement's plan, with sequential scans priced out on PostgreSQL: on a test's few rows a
    scan is cheapest, so what this shows is that an index path exists for each table."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
            rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
            return "\n".join(row[0] for row in rows)
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        return "\n".join(str(row[-1]) for row in rows)


def store_version(store_id: int) -> int:
    """The store's committed version, read in a new transaction (SQLite keeps a snapshot per
    transaction, so a test that read earlier would otherwise see an old value)."""
    db.session.commit()
    return db.session.get_one(Store, store_id, populate_existing=True).version


T = TypeVar("T")


def committed(record: T) -> T:
    """A factory is a unit of work of its own, as a request is: what it made is committed."""
    db.session.commit()
    return record


def make_store(name: str = "Loja Centro", **data: Any) -> Store:
    return committed(create_store({"name": name, "cnpj": CNPJ, "address": ADDRESS, **data}))


def make_user(role: Role, stores: list[Store], email: str | None = None, **data: Any) -> User:
    email = email or f"{role.value}.{len(stores)}.{os.urandom(3).hex()}@assistec.test"
    user = create_user(
        {
            "name": data.pop("name", f"{role.value.title()} Teste"),
            "email": email,
            "password": PASSWORD,
            "role": role.value,
            **data,
        },
        stores=stores,
    )
    return committed(user)


def make_customer(store: Store, **data: Any) -> Customer:
    return committed(
        create_customer(store, {"name": "Maria da Silva", "phones": ["11987654321"], "address": ADDRESS, **data})
    )


def make_contract(user: User, customer: Customer, number: str = "C-1001", **data: Any) -> Contract:
    return committed(create_contract(user, {"number": number, "customer_id": customer.id, **data}))


def make_case(user: User, customer: Customer, **data: Any) -> ServiceCase:
    return committed(
        open_case({"customer_id": customer.id, "reported_issue": "Porta do armário desalinhada.", **data}, user)
    )


@pytest.fixture
def store(app: Flask) -> Store:
    return make_store()


@pytest.fixture
def other_store(app: Flask) -> Store:
    return make_store("Loja Outra", cnpj=None)


@pytest.fixture
def admin(store: Store) -> User:
    return make_user(Role.ADMIN, [store], "admin@assistec.test", name="Ana Admin")


@pytest.fixture
def scheduler(store: Store) -> User:
    return make_user(Role.SCHEDULER, [store], "atendimento@assistec.test", name="Sofia Atendimento")


@pytest.fixture
def technician(store: Store) -> User:
    return make_user(Role.TECHNICIAN, [store], "tecnico@assistec.test", name="Tiago Técnico")


@pytest.fixture
def other_technician(store: Store) -> User:
    return make_user(Role.TECHNICIAN, [store], "tecnico2@assistec.test", name="Otávio Técnico")


@pytest.fixture
def outsider(other_store: Store) -> User:
    """A scheduler of another store."""
    return make_user(Role.SCHEDULER, [other_store], "fora@assistec.test", name="Fora da Loja")


def login(app: Flask, user: User) -> ApiClient:
    client: ApiClient = app.test_client()  # type: ignore[assignment]
    response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.json
    client.csrf_token = response.json["csrf_token"]
    return client


@pytest.fixture
def as_admin(app: Flask, admin: User) -> ApiClient:
    return login(app, admin)


@pytest.fixture
def as_scheduler(app: Flask, scheduler: User) -> ApiClient:
    return login(app, scheduler)


@pytest.fixture
def as_technician(app: Flask, technician: User) -> ApiClient:
    return login(app, technician)


@pytest.fixture
def as_outsider(app: Flask, outsider: User) -> ApiClient:
    return login(app, outsider)


@pytest.fixture
def customer(store: Store) -> Customer:
    return make_customer(store, document=CPFS[0])


@pytest.fixture
def contract(scheduler: User, customer: Customer) -> Contract:
    return make_contract(scheduler, customer)


@pytest.fixture
def case(scheduler: User, customer: Customer, technician: User) -> ServiceCase:
    return make_case(scheduler, customer, assignee_id=technician.id)
