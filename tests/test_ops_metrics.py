"""Prometheus metrics: refused without the token, counting requests by endpoint and status, the
job queue's depth and age, and job outcomes."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from server.auth.models import User
from server.jobs import configure_jobs, huey
from server.stores.models import Store
from tests.conftest import ApiClient
from tests.test_documents import build_case


def scrape(client: FlaskClient, token: str = "s3cret") -> dict[str, float]:
    response = client.get("/api/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.data
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


def test_without_a_token_configured_there_are_no_metrics(app: Flask, client: FlaskClient) -> None:
    app.config["METRICS_TOKEN"] = None
    assert client.get("/api/metrics").status_code == 404


def test_the_metrics_refuse_a_missing_or_wrong_token(app: Flask, client: FlaskClient) -> None:
    app.config["METRICS_TOKEN"] = "s3cret"
    assert client.get("/api/metrics").status_code == 401
    response = client.get("/api/metrics", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_a_request_is_counted_by_endpoint_method_and_status(app: Flask, client: FlaskClient) -> None:
    app.config["METRICS_TOKEN"] = "s3cret"
    health = "assistec_http_requests_total{endpoint=ops.health,method=GET,status=200}"
    unauthenticated = "assistec_http_requests_total{endpoint=cases.list_cases,method=GET,status=401}"
    before = scrape(client)
    client.get("/api/health")
    client.get("/api/health")
    client.get("/api/cases")
    after = scrape(client)
    assert after[health] - before.get(health, 0) == 2
    assert after[unauthenticated] - before.get(unauthenticated, 0) == 1
    latency = "assistec_http_request_duration_seconds_count{endpoint=ops.health,method=GET}"
    assert after[latency] - before.get(latency, 0) == 2


def test_queue_depth_age_and_job_outcomes(app: Flask, client: FlaskClient, admin: User, tmp_path: Path) -> None:
    app.config.update(
        METRICS_TOKEN="s3cret",
        JOBS_IMMEDIATE=False,
        HUEY_SQLITE_PATH=str(tmp_path / "huey.db"),
        MAIL_FOLDER=str(tmp_path),
    )
    configure_jobs(app)
    huey.flush()
    try:
        queued_at = time.time()
        for _ in range(2):
            assert client.post("/api/auth/password-reset", json={"email": admin.email}).status_code == 202
        metrics = scrape(client)
        assert metrics["assistec_job_queue_depth{}"] == 2
        assert 0 <= metrics["assistec_job_queue_oldest_age_seconds{}"] <= time.time() - queued_at + 1
        complete = "assistec_jobs_total{outcome=complete,task=send_password_reset}"
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
        after = scrape(client)
        assert after["assistec_job_queue_depth{}"] == 0
        assert after[complete] - metrics.get(complete, 0) == 2
    finally:
        app.config["JOBS_IMMEDIATE"] = True
        configure_jobs(app)


def test_emails_by_status_come_from_the_database(
    app: Flask, as_scheduler: ApiClient, store: Store, scheduler: User, technician: User, tmp_path: Path
) -> None:
    app.config.update(METRICS_TOKEN="s3cret", MAIL_FOLDER=str(tmp_path / "mail"), UPLOAD_FOLDER=str(tmp_path / "up"))
    world = build_case(store, scheduler, technician)
    response = as_scheduler.post(f"/api/cases/{world['case']}/documents/service_request/email", json={})
    assert response.status_code == 202
    metrics = scrape(as_scheduler)
    assert metrics["assistec_emails{status=sent}"] == 1
    assert "assistec_emails{status=failed}" not in metrics
