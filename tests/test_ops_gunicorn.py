"""The Procfile's web server for real: gunicorn with gunicorn.conf.py, two worker processes. Its
access log is JSON with the request id, and a scrape adds up the counters of every worker."""

from __future__ import annotations

import gc
import json
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from server.documents import pool as render_pool

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_gunicorn_logs_json_access_lines_and_serves_summed_metrics(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "LOG_FORMAT": "json",
        "METRICS_TOKEN": "s3cret",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "HUEY_SQLITE_PATH": str(tmp_path / "huey.db"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    env.pop("JOBS_IMMEDIATE", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "server:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, served = time.monotonic() + 60, 0
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-3000:]  # type: ignore[union-attr]
            try:
                if get(f"{base}/api/health")[0] == 200:
                    served += 1
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn never answered"
            time.sleep(0.2)
        for number in range(12):
            assert get(f"{base}/api/health", {"X-Request-ID": f"probe-{number}"})[0] == 200
        assert get(f"{base}/api/metrics")[0] == 401
        status, body = get(f"{base}/api/metrics", {"Authorization": "Bearer s3cret"})
        assert status == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    samples = {
        (sample.name, sample.labels.get("endpoint"), sample.labels.get("status")): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }
    assert samples[("assistec_http_requests_total", "ops.health", "200")] == served + 12
    lines = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access" and line["request_id"] == "probe-7"]
    assert len(access) == 1
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == ("GET", "/api/health", 200)
    pids = {line.get("message", "") for line in lines if line["logger"] == "gunicorn.error"}
    assert sum("Booting worker" in message for message in pids) == 2


def test_a_worker_starts_its_render_processes_then_freezes_what_loading_allocated(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a worker's app is loaded (gunicorn.conf.py, post_worker_init): its render processes
    run before any request asks for a PDF, and the app's long-lived objects leave the collector's
    generations, so a full collection during requests does not walk them."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # the settings set it when unset
    monkeypatch.setattr(render_pool, "_pool", None)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        settings["post_worker_init"](SimpleNamespace(wsgi=app))
        assert gc.get_freeze_count() > 10_000
        started = render_pool._pool
        assert started is not None and render_pool._pool_pid == os.getpid()
        assert started._idle.qsize() == started.settings.workers
        assert all(child.process.is_alive() for child in started._children)
    finally:
        gc.unfreeze()
        if render_pool._pool is not None:
            render_pool._pool.close()
