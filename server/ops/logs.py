"""One logging setup for the web and the worker, with the request id on every line.

Production writes JSON lines (one object per line, for a log collector), development readable
lines (`LOG_FORMAT` picks either). The request id comes from the `X-Request-ID` header when it
looks like an id, else it is generated; it is echoed on the response, stamped on every log record
made while the request runs (a record factory, so every handler sees it) and carried into the jobs
the request queues (server.ops.jobs). Log messages carry ids, never personal data: no query strings
(a search may be a CPF or a phone), no bodies.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, request
from flask.wrappers import Response

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Personal data that slips into a message (a database error quoting a duplicate CPF, an address in
# an SMTP error) is masked: runs of 10 to 14 digits (CPF, CNPJ, phones), punctuated CPF/CNPJ, e-mails.
_PERSONAL = re.compile(
    r"(?<![\w.-])(?:\d{10,14}|\d{3}\.\d{3}\.\d{3}-\d{2}|\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2})(?![\w-])"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
_factory_installed = False


def current_request_id() -> str | None:
    return request_id_var.get()


def bind_request_id(value: str | None) -> Token[str | None]:
    return request_id_var.set(value)


def reset_request_id(token: Token[str | None]) -> None:
    request_id_var.reset(token)


def redact(message: str) -> str:
    return _PERSONAL.sub("[redacted]", message)


def accepted_request_id(value: str | None) -> str:
    """The client's id when it is a plain token of sane length, else a new one (never echo junk)."""
    if value and _ACCEPTED_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object per line; gunicorn's access records become fields, not a sentence."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(_access_fields(record.args))
        else:
            entry["message"] = redact(record.getMessage())
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def _access_fields(atoms: dict[str, Any]) -> dict[str, Any]:
    """Gunicorn's access atoms: the path without its query string, which may carry personal data."""
    request_id = atoms.get("{x-request-id}o")
    return {
        "message": "request",
        "request_id": request_id if request_id not in (None, "-") else None,
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "status": _int(atoms.get("s")),
        "duration_ms": _int(atoms.get("M")),
        "bytes": _int(atoms.get("B")),
        "remote_addr": atoms.get("h"),
    }


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            record.request_id = record.args.get("{x-request-id}o") or "-"
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        return redact(super().format(record))


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is now (a test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def install_record_factory() -> None:
    """Stamp the current request id on every record, whoever logs it and wherever it goes."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = request_id_var.get()
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def formatter(kind: str) -> logging.Formatter:
    return JsonFormatter() if kind == "json" else TextFormatter()


def configure_logging(kind: str, level: str) -> None:
    """The root logger's one handler (to stderr), set again on every call rather than added twice."""
    install_record_factory()
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _CurrentStderr)), None)
    if handler is None:
        handler = _CurrentStderr()
        root.addHandler(handler)
    handler.setFormatter(formatter(kind))
    root.setLevel(level.upper())


def gunicorn_logconfig(kind: str, level: str) -> dict[str, Any]:
    """`logconfig_dict` for gunicorn.conf.py: its error and access logs through the same formatter."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"app": {"()": f"{__name__}.{'JsonFormatter' if kind == 'json' else 'TextFormatter'}"}},
        "handlers": {"stderr": {"class": f"{__name__}._CurrentStderr", "formatter": "app"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
        },
    }


def init_app(app: Flask) -> None:
    install_record_factory()
    if not app.config.get("TESTING") or app.config.get("LOG_FORMAT_SET"):
        configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])

    def take_request_id() -> None:
        request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
        g.request_id = request_id
        g.request_id_token = bind_request_id(request_id)

    # First of all, so that a request refused by an earlier hook (401, CSRF) is logged with its id.
    app.before_request_funcs.setdefault(None, []).insert(0, take_request_id)

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        return response

    @app.teardown_request
    def forget_request_id(error: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            try:
                reset_request_id(token)
            except ValueError:  # set in another context (a streamed response): clear it instead
                request_id_var.set(None)
