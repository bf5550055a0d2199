"""The sync pull's messages (docs/sync.md); the push side's are in schemas.py."""

from __future__ import annotations

from marshmallow import fields, validate

from server.common.schemas import Strict
from server.sync.cursor import PROTOCOL, SCHEMA_VERSION
from server.sync.scope import TABLES


class PullIn(Strict):
    protocol = fields.Integer(required=True, strict=True, validate=validate.OneOf([PROTOCOL]))
    schema_version = fields.Integer(required=True, strict=True, validate=validate.OneOf([SCHEMA_VERSION]))
    client_id = fields.UUID(required=True, metadata={"description": "The device; bound to the first user who uses it"})
    cursor = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=4000),
        metadata={"description": "Opaque: the last answer's cursor; null (or an unreadable one) asks for a snapshot"},
    )


class TableChanges(Strict):
    upsert = fields.List(fields.Dict(), metadata={"description": "Whole rows, as the REST endpoints show them"})
    delete = fields.List(fields.Raw(), metadata={"description": "Ids (integers, or UUIDs as text) to drop"})


class RejectionOut(Strict):
    mutation_id = fields.Integer()
    name = fields.String()
    args = fields.Dict(metadata={"description": "The mutation's arguments, as the phone sent them"})
    code = fields.String()
    message = fields.String(metadata={"description": "pt-BR, shown to the technician"})
    errors = fields.Dict(allow_none=True, metadata={"description": "Field messages, when validation failed"})
    retryable = fields.Boolean(
        metadata={"description": "False: no resend can succeed (state moved on, record gone); shown as information"}
    )


class ProgressOut(Strict):
    visits_sent = fields.Integer(metadata={"description": "Visits of the scope the phone holds after this page"})
    visits_total = fields.Integer(metadata={"description": "The visits in the user's scope"})


class PullOut(Strict):
    cursor = fields.String(metadata={"description": "Send it back on the next pull"})
    last_mutation_id = fields.Integer(metadata={"description": "Outbox entries up to this id are applied"})
    reset = fields.Boolean(metadata={"description": "A full snapshot: replace the local data"})
    more = fields.Boolean(metadata={"description": "A paged snapshot: pull again with this cursor at once"})
    changes = fields.Dict(
        keys=fields.String(validate=validate.OneOf(TABLES)),
        values=fields.Nested(TableChanges),
        metadata={"description": f"Per table ({', '.join(TABLES)}); tables without changes are left out"},
    )
    rejections = fields.List(fields.Nested(RejectionOut), metadata={"description": "Shown once"})
    progress = fields.Nested(
        ProgressOut,
        allow_none=True,
        metadata={
            "description": "A snapshot's pages only (null on a delta): how far the first sync is, "
            "for the phone to show (the days ahead come first)"
        },
    )
