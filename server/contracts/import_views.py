import uuid
from typing import Any

from flask import request
from flask.typing import ResponseReturnValue
from marshmallow import fields
from werkzeug.exceptions import RequestEntityTooLarge

from server.auth.access import OFFICE, me, pick_store, roles, visible
from server.common.schemas import Id, StoreTime, Strict, Text
from server.contracts import imports
from server.contracts.import_tasks import enqueue_import
from server.contracts.models import ContractImport, ImportStatus
from server.errors import NotFound, problem_response
from server.extensions import db
from server.openapi import Blueprint
from server.transaction import after_commit

blp = Blueprint("imports", __name__, url_prefix="/api/imports", description="Importação de clientes e contratos")
UPLOADS = {"imports.preview_import", "imports.start_import"}
FILE_BODY = {
    "required": True,
    "content": {
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}
        },
    },
}


class ImportArgs(Strict):
    store_id = Id(metadata={"description": "Needed when the user has several stores"})
    filename = Text(200)


class LineError(Strict):
    line = fields.Integer(allow_none=True, metadata={"description": "Line of the file (the titles are line 1)"})
    column = fields.String(allow_none=True)
    message = fields.String()


class ImportCounts(Strict):
    new = fields.Integer()
    updated = fields.Integer()


class PreviewOut(Strict):
    rows = fields.Integer()
    valid = fields.Boolean(metadata={"description": "No line has an error: the import would write everything"})
    errors = fields.List(fields.Nested(LineError), metadata={"description": "At most 500"})
    ignored_columns = fields.List(fields.String())
    customers = fields.Nested(ImportCounts)
    contracts = fields.Nested(ImportCounts)
    items = fields.Integer()
    new_factories = fields.List(fields.String(), metadata={"description": "Made as suppliers (fábrica) on import"})


class ImportOut(Strict):
    id = fields.UUID()
    store_id = Id()
    filename = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "queued, running, done or failed (then nothing was written)"})
    total_rows = fields.Integer()
    processed_rows = fields.Integer()
    summary = fields.Dict(keys=fields.String(), values=fields.Integer())
    errors = fields.List(fields.Nested(LineError))
    created_at = StoreTime()
    finished_at = StoreTime(allow_none=True)


@blp.url_value_preprocessor
def _upload_size_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """The file may be larger than the app's MAX_CONTENT_LENGTH (see the attachments' uploads)."""
    if endpoint in UPLOADS:
        request.max_content_length = imports.max_bytes()


@blp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    return problem_response(imports.too_large())


@blp.post("/preview")
@roles(*OFFICE)
@blp.arguments(ImportArgs, location="query")
@blp.doc(requestBody=FILE_BODY)
@blp.response(200, PreviewOut)
def preview_import(args: dict[str, Any]) -> dict[str, Any]:
    """Check a CSV or XLSX file (the body) line by line and tell what it would do; writes nothing."""
    store = pick_store(me(), args.get("store_id"))
    result = imports.preview(store.id, request.get_data(cache=False))
    db.session.rollback()
    return result


@blp.post("")
@roles(*OFFICE)
@blp.arguments(ImportArgs, location="query")
@blp.doc(requestBody=FILE_BODY)
@blp.response(202, ImportOut)
def start_import(args: dict[str, Any]) -> ContractImport:
    """Import the file (the body) as a job: poll it for progress. Nothing is written if any line
    is bad (the job ends `failed` with the per-line report); importing again updates in place."""
    store = pick_store(me(), args.get("store_id"))
    content = request.get_data(cache=False)
    imports.read(content)  # an unreadable or oversized file is refused now, not in the job
    job = ContractImport(
        store_id=store.id,
        filename=args.get("filename"),
        content=content,
        status=ImportStatus.QUEUED,
        requested_by_id=me().id,
        summary={},
        errors=[],
    )
    db.session.add(job)
    db.session.flush()
    job_id = job.id
    after_commit(lambda: enqueue_import(job_id))
    return _load(job_id)


@blp.get("/<uuid:import_id>")
@roles(*OFFICE)
@blp.response(200, ImportOut)
def get_import(import_id: uuid.UUID) -> ContractImport:
    """The import's progress and, when it failed, its per-line report."""
    return _load(import_id)


def _load(import_id: uuid.UUID) -> ContractImport:
    job = db.session.scalar(
        visible(ContractImport, me()).where(ContractImport.id == import_id).execution_options(populate_existing=True)
    )
    if job is None:
        raise NotFound("Importação não encontrada.")
    return job
