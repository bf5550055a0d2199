"""E-mailing documents: the job on Huey, .eml files without SMTP, a real SMTP server (aiosmtpd),
retries with backoff, the timeline, and exactly once: a commit that fails after the send is
retried instead of the send, a row left `sending` is never sent again, and the sweep queues again
what a dead worker left behind."""

from __future__ import annotations

import asyncio
import email
import io
import os
import socket
import ssl
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import event, select, update

from server.auth.models import User
from server.cases.models import CaseEvent
from server.database import utcnow
from server.documents import tasks
from server.documents.models import DocumentEmail
from server.documents.tasks import send_document_email
from server.extensions import db
from server.jobs import configure_jobs, huey, use_worker_app
from server.stores.models import Store
from tests.conftest import ApiClient
from tests.test_documents import build_case


@pytest.fixture(autouse=True)
def folders(app: Flask, tmp_path: Path) -> Iterator[None]:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    yield
    app.config["JOBS_IMMEDIATE"] = True
    configure_jobs(app)  # back to immediate mode for the next test
    use_worker_app(None)


@pytest.fixture
def world(store: Store, scheduler: User, technician: User) -> dict[str, Any]:
    return build_case(store, scheduler, technician)


class Inbox:
    """Collects what a real SMTP server (aiosmtpd on 127.0.0.1) receives. While `holding`, its
    answer to the message's final dot waits until `release()`; `received` is set once a message
    has arrived, `answered` once the server has answered it."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.tls: list[bool] = []
        self.holding = False
        self.received = threading.Event()
        self.answered = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        self.holding = False
        self._released.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        self.tls.append(session.ssl is not None)
        self.received.set()
        if self.holding:
            await asyncio.get_running_loop().run_in_executor(None, self._released.wait)
        self.answered.set()
        return "250 OK"


def until_logged(consumer: subprocess.Popen[bytes], *texts: str) -> None:
    """Read the consumer's log as it writes it until a line holds all of `texts`. A watchdog ends a
    consumer that hangs, which closes the pipe and fails the wait."""
    assert consumer.stderr is not None
    watchdog = threading.Timer(120, consumer.kill)
    watchdog.start()
    lines: list[str] = []
    try:
        for raw in consumer.stderr:
            lines.append(raw.decode(errors="replace"))
            if all(text in lines[-1] for text in texts):
                return
    finally:
        watchdog.cancel()
    raise AssertionError("".join(lines)[-2000:])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(app: Flask) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_TIMEOUT=2)
    yield inbox
    inbox.release()  # an answer still held would keep the server from stopping
    controller.stop()


def queued_mode(app: Flask, tmp_path: Path, retries: int = 2, delay: float = 0) -> None:
    """Huey on a real SQLite file: requests only queue, the test (or a consumer) runs the jobs."""
    app.config.update(
        JOBS_IMMEDIATE=False,
        HUEY_SQLITE_PATH=str(tmp_path / "huey.db"),
        EMAIL_RETRIES=retries,
        EMAIL_RETRY_DELAY=delay,
    )
    configure_jobs(app)
    huey.flush()


def run_queue() -> int:
    """Execute what is queued in Huey's storage (retries included) until nothing is left."""
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def timeline(case_id: int) -> list[CaseEvent]:
    db.session.commit()
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    return list(db.session.scalars(stmt))


def email_row(email_id: str) -> DocumentEmail:
    db.session.commit()
    return db.session.scalars(select(DocumentEmail).where(DocumentEmail.id == uuid.UUID(email_id))).one()


def post_email(client: ApiClient, world: dict[str, Any], kind: str = "service_request", **body: Any) -> Any:
    return client.post(f"/api/cases/{world['case']}/documents/{kind}/email", json=body)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- without SMTP: .eml files -------------------------------------------------------------


def test_without_smtp_the_message_is_an_eml_file_listed_for_admins(
    app: Flask, as_scheduler: ApiClient, as_admin: ApiClient, world: dict[str, Any], tmp_path: Path
) -> None:
    response = post_email(as_scheduler, world)
    assert response.status_code == 202, response.json
    body = response.json
    assert body["recipients"] == ["maria@example.com"]
    assert body["subject"] == f"Solicitação de Assistência {world['number']} — Loja Centro"
    assert body["status"] == "queued"  # the answer is made before the commit, which starts the job
    assert email_row(body["id"]).status == "sent"  # immediate mode (tests): the job ran after the commit
    [file] = list((tmp_path / "mail").glob("*.eml"))
    message = email.message_from_bytes(file.read_bytes(), policy=default_policy)
    assert message["To"] == "maria@example.com"
    assert "Olá, Maria da Silva." in message.get_body().get_content()  # type: ignore[union-attr]
    [attachment] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_filename() == f"solicitacao-{world['number']}.pdf"
    assert world["number"] in pdf_text(attachment.get_content())
    outbox = as_admin.get("/api/mail/outbox").json
    assert [(entry["to"], entry["subject"]) for entry in outbox] == [(["maria@example.com"], body["subject"])]
    assert outbox[0]["attachments"] == [f"solicitacao-{world['number']}.pdf"]
    kinds = [event.kind for event in timeline(world["case"])]
    assert kinds[-2:] == ["document_email_queued", "document_email_sent"]


def test_recipients_subject_and_message_can_be_changed(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    response = post_email(
        as_scheduler,
        world,
        "parts_order",
        order_id=world["order"],
        recipients=["compras@fornecedor.com.br", "maria@example.com"],
        subject="Pedido de peças",
        message="Segue o pedido.",
    )
    assert response.status_code == 202, response.json
    assert response.json["recipients"] == ["compras@fornecedor.com.br", "maria@example.com"]
    assert response.json["subject"] == "Pedido de peças"


def test_a_customer_without_email_needs_recipients(
    as_scheduler: ApiClient, store: Store, scheduler: User, technician: User
) -> None:
    from tests.conftest import CPFS

    world = build_case(store, scheduler, technician, CPFS[3])
    db.session.commit()
    from server.customers.models import Customer

    for customer in db.session.scalars(select(Customer)):
        customer.email = None
    db.session.commit()
    response = post_email(as_scheduler, world)
    assert response.status_code == 422
    assert "recipients" in response.json["errors"]
    assert post_email(as_scheduler, world, recipients=["não é e-mail"]).status_code == 422


def test_technician_emails_the_report_of_own_visit_only(as_technician: ApiClient, world: dict[str, Any]) -> None:
    assert post_email(as_technician, world).status_code == 403
    response = post_email(as_technician, world, "visit_report", appointment_id=world["visit"])
    assert response.status_code == 202, response.json
    assert email_row(response.json["id"]).status == "sent"


# --- SMTP: a real server on 127.0.0.1 -----------------------------------------------------


def test_smtp_server_receives_the_pdf_and_the_right_recipients(
    as_scheduler: ApiClient, world: dict[str, Any], smtp: Inbox
) -> None:
    response = post_email(
        as_scheduler,
        world,
        "visit_report",
        appointment_id=world["visit"],
        recipients=["a@example.com", "b@example.com"],
    )
    assert response.status_code == 202, response.json
    [(recipients, message)] = smtp.messages
    assert recipients == ["a@example.com", "b@example.com"]
    assert message["Subject"] == f"Relatório de Visita {world['number']} — Loja Centro"
    [attachment] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_content_type() == "application/pdf"
    text = pdf_text(attachment.get_content())
    assert world["number"] in text and "Maria da Silva" in text and "11/03/2030" in text
    assert smtp.tls == [False]  # this server offers no STARTTLS


def self_signed(tmp_path: Path) -> ssl.SSLContext:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def test_starttls_is_used_when_the_server_offers_it(
    app: Flask, as_scheduler: ApiClient, world: dict[str, Any], tmp_path: Path
) -> None:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=self_signed(tmp_path))
    controller.start()
    try:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_TLS_VERIFY=False)
        assert post_email(as_scheduler, world).status_code == 202
    finally:
        controller.stop()
    assert inbox.tls == [True]
    assert [recipients for recipients, _ in inbox.messages] == [["maria@example.com"]]


def start_consumer(app: Flask, database_url: str, **settings: str) -> subprocess.Popen[bytes]:
    """The Procfile's worker, in a process of its own, on the test's database and queue."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "HUEY_SQLITE_PATH": app.config["HUEY_SQLITE_PATH"],
        "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "MAIL_FOLDER": app.config["MAIL_FOLDER"],
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(app.config["SMTP_PORT"]),
        **settings,
    }
    env.pop("JOBS_IMMEDIATE", None)
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "huey_consumer"), "server.worker.huey", "-w", "1", "-k", "thread"],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_real_consumer_sends_the_queued_message(
    app: Flask, database_url: str, as_scheduler: ApiClient, world: dict[str, Any], smtp: Inbox, tmp_path: Path
) -> None:
    """The request only queues (Huey on SQLite); the Procfile's consumer, in its own process, sends."""
    queued_mode(app, tmp_path)
    response = post_email(as_scheduler, world)
    assert response.status_code == 202 and response.json["status"] == "queued"
    assert smtp.messages == []
    consumer = start_consumer(app, database_url)
    try:
        until_logged(consumer, "send_document_email", "executed in")  # the job finished: its commit is done
    finally:
        consumer.terminate()
        consumer.wait(10)
    assert email_row(response.json["id"]).status == "sent"
    [(recipients, message)] = smtp.messages
    assert recipients == ["maria@example.com"]
    assert [part.get_content_type() for part in message.iter_attachments()] == ["application/pdf"]  # type: ignore[attr-defined]


def test_with_the_server_down_the_job_retries_then_the_timeline_records_the_failure(
    app: Flask, as_scheduler: ApiClient, world: dict[str, Any], tmp_path: Path
) -> None:
    queued_mode(app, tmp_path, retries=2, delay=0)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TIMEOUT=2)  # nothing listens there
    response = post_email(as_scheduler, world)
    assert response.status_code == 202 and response.json["status"] == "queued"
    assert run_queue() == 3  # the first try and two retries, read back from Huey's SQLite storage
    row = email_row(response.json["id"])
    assert row.status == "failed" and row.attempts == 3
    assert "ConnectionRefusedError" in (row.last_error or "")
    last = timeline(world["case"])[-1]
    assert last.kind == "document_email_failed"
    assert "após 3 tentativa(s)" in (last.note or "")
    assert "ConnectionRefusedError" in last.changes["reason"]
    state = as_scheduler.get(f"/api/cases/{world['case']}/documents/emails/{row.id}").json
    assert state["status"] == "failed" and state["attempts"] == 3


def test_retries_back_off(app: Flask, as_scheduler: ApiClient, world: dict[str, Any], tmp_path: Path) -> None:
    queued_mode(app, tmp_path, retries=3, delay=10)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TIMEOUT=2)
    post_email(as_scheduler, world)
    waits = []
    task = huey.dequeue()
    when = huey._get_timestamp()
    for _ in range(3):
        before = huey._get_timestamp()
        huey.execute(task, timestamp=when)
        [scheduled] = huey.scheduled()
        waits.append((scheduled.eta - before).total_seconds())
        when = scheduled.eta
        [task] = huey.read_schedule(when)  # due now: taken off the schedule, as the consumer does
    huey.execute(task, timestamp=when)
    assert waits == pytest.approx([10, 20, 40], abs=3)
    assert huey.scheduled() == []
    assert timeline(world["case"])[-1].kind == "document_email_failed"


def test_the_server_recovers_before_the_retries_run_out(
    app: Flask, as_scheduler: ApiClient, world: dict[str, Any], tmp_path: Path
) -> None:
    queued_mode(app, tmp_path, retries=3)
    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=2)
    response = post_email(as_scheduler, world)
    huey.execute(huey.dequeue())  # refused: nobody listens yet
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        run_queue()
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    row = email_row(response.json["id"])
    assert row.status == "sent" and row.attempts == 2
    assert [e.kind for e in timeline(world["case"])][-2:] == ["document_email_queued", "document_email_sent"]


def test_nothing_is_sent_twice(
    app: Flask, as_scheduler: ApiClient, world: dict[str, Any], smtp: Inbox, tmp_path: Path
) -> None:
    """A retry after a success (the job ran again: a worker died before acknowledging) and a
    success whose answer timed out on our side both leave exactly one message."""
    queued_mode(app, tmp_path, retries=3)
    response = post_email(as_scheduler, world)
    run_queue()
    send_document_email.call_local(response.json["id"])  # the same job again
    huey.enqueue(send_document_email.s(response.json["id"]))
    run_queue()
    assert len(smtp.messages) == 1

    smtp.holding = True  # the server accepts, but answers only after our SMTP_TIMEOUT (2 s) ran out
    second = post_email(as_scheduler, world, recipients=["outro@example.com"])
    assert run_queue() == 1  # no retry of a message that left whole
    smtp.release()
    assert smtp.answered.wait(timeout=30)
    assert [recipients for recipients, _ in smtp.messages] == [["maria@example.com"], ["outro@example.com"]]
    row = email_row(second.json["id"])
    assert row.status == "sent" and row.attempts == 1
    assert "Sem confirmação" in (row.last_error or "")
    assert "não será reenviado" in (timeline(world["case"])[-1].note or "")


# --- the case's list of e-mails -------------------------------------------------------------


def test_the_case_lists_its_emails_newest_first_with_their_status(
    as_scheduler: ApiClient, as_technician: ApiClient, world: dict[str, Any]
) -> None:
    first = post_email(as_scheduler, world).json
    second = post_email(as_scheduler, world, recipients=["outro@example.com"], subject="Segunda via").json
    response = as_scheduler.get(f"/api/cases/{world['case']}/documents/emails")
    assert response.status_code == 200
    assert [row["id"] for row in response.json] == [second["id"], first["id"]]
    assert response.json[0]["recipients"] == ["outro@example.com"]
    assert response.json[0]["subject"] == "Segunda via"
    assert {row["status"] for row in response.json} == {"sent"}  # jobs run in the request in these tests
    assert as_technician.get(f"/api/cases/{world['case']}/documents/emails").status_code == 403


def test_the_case_email_list_costs_constant_queries(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    from tests.conftest import counting

    counts = []
    for sends in (1, 6):
        for _ in range(sends):
            assert post_email(as_scheduler, world).status_code == 202
        with counting() as statements:
            response = as_scheduler.get(f"/api/cases/{world['case']}/documents/emails")
        assert response.status_code == 200
        counts.append(len(statements))
    assert len(response.json) == 7
    assert counts[0] == counts[1]


# --- exactly once: failed commits, dead workers, the sweep --------------------------------


@pytest.fixture
def failing_commits(app: Flask) -> Iterator[list[int]]:
    """Makes the next UPDATE that marks an e-mail `sent` fail as a busy SQLite does ("database is
    locked"), as many times as the test puts in the list's first element."""
    left = [0]
    dbapi = db.engine.dialect.dbapi

    def fail(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        values = parameters.values() if isinstance(parameters, dict) else parameters
        if statement.startswith("UPDATE document_emails") and "sent" in list(values) and left[0] > 0:
            left[0] -= 1
            raise dbapi.OperationalError("database is locked")  # type: ignore[union-attr]

    event.listen(db.engine, "before_cursor_execute", fail)
    yield left
    event.remove(db.engine, "before_cursor_execute", fail)


def test_a_commit_failing_after_the_send_is_retried_not_the_send(
    app: Flask, as_scheduler: Any, world: dict[str, Any], smtp: Inbox, tmp_path: Path, failing_commits: list[int]
) -> None:
    queued_mode(app, tmp_path, retries=3)
    failing_commits[0] = 2
    response = post_email(as_scheduler, world)
    assert run_queue() == 1  # the job itself never failed: its commit was tried again
    assert failing_commits[0] == 0
    assert len(smtp.messages) == 1
    row = email_row(response.json["id"])
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert timeline(world["case"])[-1].kind == "document_email_sent"


def test_commits_failing_for_good_after_the_send_never_send_again(
    app: Flask,
    as_scheduler: Any,
    world: dict[str, Any],
    smtp: Inbox,
    tmp_path: Path,
    failing_commits: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The job gives up on its commits and fails; Huey's retries find the row `sending`."""
    monkeypatch.setattr(tasks, "COMMIT_TRIES", 2)
    queued_mode(app, tmp_path, retries=3)
    failing_commits[0] = 2
    response = post_email(as_scheduler, world)
    assert email_row(response.json["id"]).status == "queued"
    assert run_queue() == 2  # the job, which failed, and one retry, which sent nothing
    assert len(smtp.messages) == 1
    [(_, message)] = smtp.messages
    row = email_row(response.json["id"])
    assert message["Message-ID"] == row.message_id
    assert (row.status, row.attempts) == ("sent", 1)
    assert "não será reenviado" in (row.last_error or "")
    assert [e.kind for e in timeline(world["case"])][-2:] == ["document_email_queued", "document_email_sent"]


def age(email_id: str, by: timedelta) -> None:
    db.session.execute(
        update(DocumentEmail).where(DocumentEmail.id == uuid.UUID(email_id)).values(updated_at=utcnow() - by)
    )
    db.session.commit()


def test_a_killed_jobs_email_is_queued_again_by_the_sweep_and_sent_once(
    app: Flask, as_scheduler: Any, world: dict[str, Any], smtp: Inbox, tmp_path: Path
) -> None:
    queued_mode(app, tmp_path, retries=3)
    response = post_email(as_scheduler, world)
    assert huey.dequeue() is not None  # a worker took the job off the queue, then died
    assert run_queue() == 0 and smtp.messages == []
    tasks.sweep_stale_emails.call_local()
    assert run_queue() == 0  # not stale yet: a job may still be on it
    age(response.json["id"], tasks.stale_after() + timedelta(minutes=1))
    tasks.sweep_stale_emails.call_local()
    assert run_queue() == 1
    assert len(smtp.messages) == 1
    assert email_row(response.json["id"]).status == "sent"
    age(response.json["id"], tasks.stale_after() + timedelta(minutes=1))
    tasks.sweep_stale_emails.call_local()
    assert run_queue() == 0  # a sent e-mail is never swept
    assert len(smtp.messages) == 1


def test_a_row_left_sending_by_a_dead_worker_is_swept_and_not_sent_again(
    app: Flask, as_scheduler: Any, world: dict[str, Any], smtp: Inbox, tmp_path: Path
) -> None:
    queued_mode(app, tmp_path, retries=3)
    response = post_email(as_scheduler, world)
    huey.dequeue()  # the worker died between "sending" and "sent": the message may have left
    db.session.execute(
        update(DocumentEmail)
        .where(DocumentEmail.id == uuid.UUID(response.json["id"]))
        .values(status="sending", attempts=1, updated_at=utcnow() - tasks.stale_after() - timedelta(minutes=1))
    )
    db.session.commit()
    tasks.sweep_stale_emails.call_local()
    assert run_queue() == 1
    assert smtp.messages == []
    row = email_row(response.json["id"])
    assert row.status == "sent" and "interrompido" in (row.last_error or "")


def test_a_job_whose_claim_was_overtaken_does_not_send(
    app: Flask, as_scheduler: Any, world: dict[str, Any], smtp: Inbox, tmp_path: Path
) -> None:
    """The sweep's copy and a Huey retry at once: only the latest claim may mark the row sending."""
    queued_mode(app, tmp_path, retries=3)
    email_id = uuid.UUID(post_email(as_scheduler, world).json["id"])
    first = tasks._claim(email_id)
    second = tasks._claim(email_id)
    assert (first, second) == (1, 2)
    with pytest.raises(tasks.Superseded):
        tasks._mark_sending(email_id, 1)
    tasks._mark_sending(email_id, 2)
    assert email_row(str(email_id)).status == "sending"


def test_without_smtp_a_row_left_sending_is_written_again_under_the_same_name(
    app: Flask, as_scheduler: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    queued_mode(app, tmp_path, retries=3)
    email_id = post_email(as_scheduler, world).json["id"]
    db.session.execute(update(DocumentEmail).where(DocumentEmail.id == uuid.UUID(email_id)).values(status="sending"))
    db.session.commit()
    assert run_queue() == 1
    assert [p.name for p in Path(app.config["MAIL_FOLDER"]).glob("*.eml")] == [f"{email_id}.eml"]
    assert email_row(email_id).status == "sent"


def test_a_worker_killed_while_sending_leaves_one_message_after_the_sweep(
    app: Flask, database_url: str, as_scheduler: ApiClient, world: dict[str, Any], smtp: Inbox, tmp_path: Path
) -> None:
    """A real consumer is killed (SIGKILL) after the server took the message and before it answered:
    the row stays `sending`; the sweep queues it again and the retry sends nothing more."""
    queued_mode(app, tmp_path, retries=3)
    smtp.holding = True  # the server holds its answer to the final dot: the worker waits in `sending`
    response = post_email(as_scheduler, world)
    consumer = start_consumer(app, database_url, SMTP_TIMEOUT="120")
    try:
        assert smtp.received.wait(timeout=90), consumer.poll()  # the worker marked the row, then sent
        assert email_row(response.json["id"]).status == "sending"
    finally:
        consumer.kill()
        consumer.wait(10)
    smtp.release()
    huey.flush()  # what the dead consumer's scheduler may have queued (its periodic sweeps, at :00, :05…)
    age(response.json["id"], tasks.stale_after() + timedelta(minutes=1))
    tasks.sweep_stale_emails.call_local()
    assert run_queue() == 1
    assert len(smtp.messages) == 1
    row = email_row(response.json["id"])
    assert (row.status, row.attempts) == ("sent", 1)
