"""Gunicorn's settings, read from the working folder by the Procfile's `web` line.

Logs go through the app's own formatter (JSON lines in production), the access log included, with
the request id the app echoed and the path without its query string (a search may be a CPF).
Metrics: each worker writes its counters under PROMETHEUS_MULTIPROC_DIR and any worker answers a
scrape with the sum; the folder is emptied when gunicorn starts and a dead worker's gauges dropped.
"""

import gc
import os
import shutil
import tempfile

_multiproc = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"assistec-metrics-{os.getuid()}")
)

from server.ops.logs import gunicorn_logconfig  # noqa: E402  (after the metrics folder is known)

_production = os.environ.get("ASSISTEC_ENV", "development") == "production"
_log_format = os.environ.get("LOG_FORMAT") or ("json" if _production else "text")

bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
# An idle keep-alive connection stays open longer than a client or a proxy keeps one (aiohttp 15 s,
# a load balancer 60 s): when the server closes first, a request sent on it at that moment is lost
# ("Server disconnected", a 502 at a balancer). gunicorn's default is 2 s; an idle connection
# costs the gthread worker a poller entry, not a thread.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "75"))
# The longest request line gunicorn takes (its default is 4094): a long filtered list's address
# reaches the app, which answers a bad value with a problem+json 422. Beyond this gunicorn itself
# answers 414 in HTML, before the app sees the request.
limit_request_line = 8190
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'
logconfig_dict = gunicorn_logconfig(_log_format, os.environ.get("LOG_LEVEL", "INFO"))


def on_starting(server: object) -> None:
    shutil.rmtree(_multiproc, ignore_errors=True)
    os.makedirs(_multiproc, exist_ok=True)


def child_exit(server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


def post_worker_init(worker: object) -> None:
    """The worker's app is loaded: start its render processes, then move what loading allocated
    (modules, mappers, schemas: long-lived) out of the collector's reach. A full collection then
    looks only at what requests made since: 4–5 ms instead of 80–110 ms, a pause that held every
    thread of the worker (docs/performance.md)."""
    from server.documents.bounded import start_pool

    with worker.wsgi.app_context():  # type: ignore[attr-defined]
        start_pool()
    gc.collect()
    gc.freeze()
