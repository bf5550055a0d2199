"""Assistec: after-sales technical assistance for planned-furniture stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.typing import ResponseReturnValue
from werkzeug.middleware.proxy_fix import ProxyFix

from server.common.compress import register_compression
from server.common.messages import use_portuguese_messages

use_portuguese_messages()

import server.models  # noqa: E402, F401  (every mapper, before any service builds loader options)
from server.config import embedded_secret, load_settings  # noqa: E402
from server.database import configure_engine  # noqa: E402
from server.errors import register_error_handlers  # noqa: E402
from server.extensions import api, csrf, db, login_manager, migrate  # noqa: E402
from server.jobs import configure_jobs  # noqa: E402
from server.ops import register_ops  # noqa: E402
from server.security import register_security_headers  # noqa: E402
from server.transaction import register_unit_of_work  # noqa: E402


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides settings read from the environment (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.update(load_settings(Path(app.instance_path)))
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # the embedded SQLite database
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = embedded_secret(Path(app.instance_path))
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    _register_auth(app)  # before CSRF: an anonymous write answers 401, not a CSRF error
    csrf.init_app(app)
    api.init_app(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_compression(app)
    _register_blueprints(app)
    configure_jobs(app)
    register_ops(app)
    register_unit_of_work(app)  # after the other after-request hooks: see its docstring

    from server.cli import register_commands

    register_commands(app)
    return app


def _register_auth(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    from server.auth import sessions
    from server.auth.access import require_login
    from server.errors import Problem, problem_response

    login_manager.user_loader(sessions.load)

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> ResponseReturnValue:
        return problem_response(
            Problem(
                400,
                "Token CSRF ausente ou inválido: recarregue a sessão (GET /api/auth/me) e envie-o "
                "no cabeçalho X-CSRF-Token.",
                slug="csrf",
            )
        )

    app.before_request(require_login)


def _register_blueprints(app: Flask) -> None:
    from server.appointments.views import blp as appointments_blp
    from server.attachments.views import blp as attachments_blp
    from server.auth.views import blp as auth_blp
    from server.auth.views import users_blp
    from server.calendar.views import blp as calendar_blp
    from server.cases.views import blp as cases_blp
    from server.catalogs.views import blp as catalogs_blp
    from server.claims.views import blp as claims_blp
    from server.contracts.import_views import blp as imports_blp
    from server.contracts.views import blp as contracts_blp
    from server.customers.views import blp as customers_blp
    from server.dashboard.views import blp as dashboard_blp
    from server.documents.views import blp as documents_blp
    from server.meta.views import blp as meta_blp
    from server.occurrences.views import blp as occurrences_blp
    from server.orders.views import blp as orders_blp
    from server.push.views import blp as push_blp
    from server.stores.views import blp as stores_blp
    from server.suppliers.views import blp as suppliers_blp
    from server.sync.views import blp as sync_blp
    from server.web.docs import blp as docs_blp
    from server.web.views import blp as web_blp

    for blueprint in (
        auth_blp,
        users_blp,
        stores_blp,
        catalogs_blp,
        suppliers_blp,
        customers_blp,
        contracts_blp,
        cases_blp,
        occurrences_blp,
        attachments_blp,
        orders_blp,
        appointments_blp,
        calendar_blp,
        documents_blp,
        sync_blp,
        push_blp,
        dashboard_blp,
        meta_blp,
        claims_blp,
        imports_blp,
    ):
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_blp)
    app.register_blueprint(web_blp)  # the PWA, last: its catch-all never shadows /api
