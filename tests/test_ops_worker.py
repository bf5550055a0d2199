"""The Procfile's worker stops gracefully on SIGTERM: a job in flight either finishes before the
consumer exits, or (past the grace period) is queued again, and after a restart the e-mail has been
delivered exactly once. A real consumer process, a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from server.jobs import huey
from server.ops.consumer import READY
from tests.conftest import ApiClient
from tests.test_document_email import email_row, folders, free_port, post_email, queued_mode, world

__all__ = ["folders", "world"]  # fixtures used here: the folders (autouse) and the case
ROOT = Path(__file__).resolve().parent.parent


class GatedInbox:
    """Takes the message, then holds its answer to the final dot until the test opens the gate."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.gate = threading.Event()
        self.received = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        self.received.set()
        await asyncio.get_running_loop().run_in_executor(None, self.gate.wait, 120)
        return "250 OK"


@pytest.fixture
def inbox(app: Flask) -> Iterator[GatedInbox]:
    gated = GatedInbox()
    controller = Controller(gated, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    yield gated
    gated.gate.set()
    controller.stop()


class Worker:
    """The Procfile's `worker` line, run by bash as a process manager would, its log lines read as they come."""

    def __init__(self, app: Flask, database_url: str, **settings: str) -> None:
        [line] = [line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("worker:")]
        bin_dir = str(Path(sys.executable).parent)
        env = {
            **os.environ,
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "HUEY_SQLITE_PATH": app.config["HUEY_SQLITE_PATH"],
            "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
            "MAIL_FOLDER": app.config["MAIL_FOLDER"],
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(app.config["SMTP_PORT"]),
            "SMTP_TIMEOUT": "120",
            "HUEY_WORKERS": "1",
            **settings,
        }
        env.pop("JOBS_IMMEDIATE", None)
        self.process = subprocess.Popen(
            ["bash", "-c", "exec " + line.split(":", 1)[1].strip()],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"never logged {text!r}:\n{''.join(self.log)[-3000:]}") from None
            self.log.append(line)
            if text in line:
                return

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(60)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def wait_until_sending(inbox: GatedInbox, email_id: str) -> None:
    assert inbox.received.wait(90), "the consumer never reached the SMTP server"
    deadline = time.monotonic() + 30
    while email_row(email_id).status != "sending":  # recorded right after the server took the envelope
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_sigterm_waits_for_the_email_in_flight_then_exits(
    app: Flask, database_url: str, as_scheduler: ApiClient, world: dict[str, Any], inbox: GatedInbox, tmp_path: Path
) -> None:
    queued_mode(app, tmp_path)
    email_id = post_email(as_scheduler, world).json["id"]
    worker = Worker(app, database_url)
    try:
        wait_until_sending(inbox, email_id)
        worker.process.send_signal(signal.SIGTERM)
        worker.wait_for("Shutting down gracefully")
        assert worker.process.poll() is None  # still there, its job unfinished
        inbox.gate.set()
        assert worker.process.wait(60) == 0
        assert email_row(email_id).status == "sent"
        assert pending_emails() == 0
    finally:
        worker.kill()
    restarted = Worker(app, database_url)
    try:
        restarted.wait_for(READY)
        assert restarted.stop() == 0
    finally:
        restarted.kill()
    assert len(inbox.messages) == 1
    assert email_row(email_id).status == "sent"


def test_past_the_grace_period_the_job_is_queued_again_and_sent_once_after_a_restart(
    app: Flask, database_url: str, as_scheduler: ApiClient, world: dict[str, Any], inbox: GatedInbox, tmp_path: Path
) -> None:
    queued_mode(app, tmp_path, retries=3)
    email_id = post_email(as_scheduler, world).json["id"]
    worker = Worker(app, database_url, WORKER_SHUTDOWN_TIMEOUT="1")
    try:
        wait_until_sending(inbox, email_id)
        assert worker.stop() == 0
        assert any("interrupted by the shutdown: queued again" in line for line in _drain(worker))
    finally:
        worker.kill()
    assert pending_emails() == 1  # the interrupted job, back in the queue
    assert email_row(email_id).status == "sending"
    inbox.gate.set()  # the server answers the dead connection; the message was taken once
    metrics_port = free_port()
    restarted = Worker(app, database_url, WORKER_METRICS_PORT=str(metrics_port))
    try:
        deadline = time.monotonic() + 90
        while email_row(email_id).status != "sent":
            assert time.monotonic() < deadline, "".join(_drain(restarted))[-3000:]
            assert restarted.process.poll() is None
            time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as response:
            exposed = response.read().decode()
        assert 'assistec_jobs_total{outcome="complete",task="send_document_email"} 1.0' in exposed
        assert restarted.stop() == 0
    finally:
        restarted.kill()
    assert len(inbox.messages) == 1
    assert pending_emails() == 0


def pending_emails() -> int:
    """E-mail jobs in the queue (the consumer's scheduler may queue its periodic sweeps beside them)."""
    return sum(1 for task in huey.pending() if task.name == "send_document_email")


def _drain(worker: Worker) -> list[str]:
    """Every line logged so far (all of them once the process has exited)."""
    if worker.process.poll() is not None:
        worker.reader.join(10)
    while True:
        try:
            worker.log.append(worker.lines.get_nowait())
        except queue.Empty:
            return worker.log
