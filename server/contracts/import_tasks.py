"""The import as a background job: the file is checked whole (nothing written if a line is bad),
then written in chunks, each committed with the progress the office polls."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app

from server.contracts import imports
from server.contracts.models import ContractImport, ImportStatus
from server.database import utcnow
from server.errors import Problem
from server.extensions import db
from server.jobs import huey, job_context


def enqueue_import(import_id: uuid.UUID) -> None:
    huey.enqueue(run_import.s(str(import_id)))


@huey.task()
def run_import(import_id: str) -> None:
    with job_context():
        process(uuid.UUID(import_id))


def process(import_id: uuid.UUID) -> None:
    job = db.session.get(ContractImport, import_id)
    if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING) or job.content is None:
        return
    job.status = ImportStatus.RUNNING
    db.session.commit()
    try:
        plan = imports.check(job.store_id, job.content)
    except Problem as problem:
        _fail(job, [{"line": None, "column": None, "message": _message(problem)}])
        return
    job.total_rows = len(plan.lines)
    if plan.errors:
        _fail(job, sorted(plan.errors, key=lambda e: e["line"]))
        return
    db.session.commit()

    def progress(done: int) -> None:
        job.processed_rows = done
        db.session.commit()

    try:
        counts = imports.write(job.store_id, plan, progress)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("import %s failed while writing", import_id)
        _fail(
            db.session.get_one(ContractImport, import_id),
            [{"line": None, "column": None, "message": "Falha ao gravar: importe o arquivo de novo (nada duplica)."}],
        )
        return
    job.processed_rows = job.total_rows
    job.summary = counts
    job.status = ImportStatus.DONE
    job.content = None
    job.finished_at = utcnow()
    db.session.commit()


def _message(problem: Problem) -> str:
    errors: Any = getattr(problem, "errors", None)
    if errors:
        return "; ".join(m for messages in errors.values() for m in messages)
    return str(problem.description)


def _fail(job: ContractImport, errors: list[dict[str, Any]]) -> None:
    job.status = ImportStatus.FAILED
    job.errors = errors
    job.content = None
    job.finished_at = utcnow()
    db.session.commit()
