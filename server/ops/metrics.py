"""Prometheus metrics at `/api/metrics`, for whoever holds `METRICS_TOKEN` (404 when it is unset).

Under gunicorn every worker is its own process: with `PROMETHEUS_MULTIPROC_DIR` set (gunicorn.conf.py
sets it) each one writes its counters to files there and a scrape, answered by any worker, adds
them all up. The queue's depth and the age of its oldest job are read from the queue when scraped, and the
e-mails and push deliveries by status from the database (what every worker and host recorded).
Labels are endpoint names and statuses, never paths (an id in a path would make a series per record).
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, g, request
from huey import signals  # type: ignore[import-untyped]
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from server.documents.models import DocumentEmail
from server.errors import Problem
from server.extensions import db
from server.jobs import huey
from server.ops.health import blp
from server.ops.jobs import ENQUEUED_AT_KEY
from server.push.models import PushDelivery

REQUESTS = Counter("assistec_http_requests", "HTTP requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "assistec_http_request_duration_seconds",
    "Time to answer a request",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOBS = Counter("assistec_jobs", "Background jobs finished, by task and outcome", ["task", "outcome"])
SYNC_REJECTIONS = Counter("assistec_sync_rejections", "Offline-sync mutations the server refused")
QUEUE_PEEK = 200  # jobs looked at to find the oldest one


def init_app(app: Flask) -> None:

    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    app.before_request_funcs.setdefault(None, []).insert(0, start_timer)

    @app.after_request
    def count(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        endpoint = request.endpoint or "unmatched"
        if started is not None and endpoint != "ops.metrics":
            REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
            LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - started)
            if endpoint == "sync.push" and response.is_json:
                SYNC_REJECTIONS.inc(_rejections(response))
        return response

    if not getattr(huey, "_assistec_metrics", False):
        for signal, outcome in (
            (signals.SIGNAL_COMPLETE, "complete"),
            (signals.SIGNAL_ERROR, "error"),
            (signals.SIGNAL_RETRYING, "retrying"),
            (signals.SIGNAL_INTERRUPTED, "interrupted"),
        ):
            huey.signal(signal)(_job_counter(outcome))
        huey._assistec_metrics = True


@blp.get("/metrics")
@blp.doc(
    summary="Prometheus metrics",
    description="Text exposition format; `Authorization: Bearer <METRICS_TOKEN>`. 404 when unset.",
    security=[],
    responses={
        "200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}
    },
)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
def metrics() -> Response:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        raise Problem(404)
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(offered.encode(), str(token).encode()):
        raise Problem(401, "Informe o token de métricas no cabeçalho Authorization.", slug="metrics-token")
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


metrics.public = True


def _job_counter(outcome: str) -> Any:
    def count(signal: str, task: Any, *args: Any) -> None:
        JOBS.labels(task.name, outcome).inc()

    return count


def _rejections(response: Response) -> int:
    body = response.get_json(silent=True)
    if not isinstance(body, dict):
        return 0
    results = body.get("results") or body.get("mutations") or []
    return sum(1 for item in results if isinstance(item, dict) and item.get("status") == "rejected")


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        from prometheus_client import REGISTRY

        registry = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(QueueCollector())
    return registry


class QueueCollector(Collector):
    """The job queue, read when scraped: how many wait, and for how long the oldest has."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("assistec_job_queue_depth", "Jobs waiting in the queue")
        age = GaugeMetricFamily("assistec_job_queue_oldest_age_seconds", "Age of the oldest waiting job")
        if huey.immediate:
            depth.add_metric([], 0)
            age.add_metric([], 0)
        else:
            depth.add_metric([], huey.storage.queue_size())
            age.add_metric([], _oldest_age())
        yield depth
        yield age
        yield from _outcomes()


def _outcomes() -> Iterator[GaugeMetricFamily]:
    """E-mails and push deliveries by status, as recorded (every worker's and host's), read when scraped."""
    for name, help_text, model in (
        ("assistec_emails", "Document e-mails by status (queued, sending, sent, failed)", DocumentEmail),
        ("assistec_push_deliveries", "Push deliveries to devices by status", PushDelivery),
    ):
        family = GaugeMetricFamily(name, help_text, labels=["status"])
        try:
            rows = db.session.execute(select(model.status, func.count()).group_by(model.status)).all()
        except Exception:  # the database is down: the scrape still answers, without these
            db.session.rollback()
            continue
        db.session.rollback()
        for status, count in rows:
            family.add_metric([status], count)
        yield family


def _oldest_age() -> float:
    oldest: float | None = None
    for data in huey.storage.enqueued_items(QUEUE_PEEK):
        try:
            stamp = huey.deserialize_task(data).kwargs.get(ENQUEUED_AT_KEY)
        except Exception:  # a task this code does not know (an older deploy's)
            continue
        if isinstance(stamp, int | float):
            oldest = stamp if oldest is None else min(oldest, stamp)
    return max(time.time() - oldest, 0.0) if oldest is not None else 0.0
