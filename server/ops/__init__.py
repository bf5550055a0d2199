"""What an operator needs around the app: probes, logs with a request id, metrics, storage, backups."""

from __future__ import annotations

from flask import Flask


def register_ops(app: Flask) -> None:
    """Health and readiness probes, request ids on logs and responses, job hooks, metrics."""
    from server.extensions import api
    from server.ops import jobs, logs, metrics
    from server.ops.health import blp
    from server.ops.settings import apply_ops_settings

    apply_ops_settings(app.config)
    logs.init_app(app)
    jobs.install()
    metrics.init_app(app)
    api.register_blueprint(blp)
