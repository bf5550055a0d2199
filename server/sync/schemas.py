"""The sync protocol's messages (docs/sync.md): the push side. The pull side lives in pull_schemas.py."""

from __future__ import annotations

from marshmallow import fields, validate

from server.common.schemas import Strict

PROTOCOL = 1
MAX_MUTATIONS = 500


class MutationIn(Strict):
    """One entry of the phone's outbox: a named, versioned intent with its arguments."""

    id = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, 2**63 - 1),
        metadata={"description": "Per client: 1, 2, 3… in the order the technician did things"},
    )
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=60),
        metadata={"description": "With its version, e.g. occurrence.create.v1"},
    )
    args = fields.Dict(keys=fields.String(), required=True, metadata={"description": "The mutation's arguments"})
    # Never stored nor served, and a phone whose clock was reset (1970) must still sync its
    # outbox: the 2000..2100 window of other dates would refuse the whole batch.
    client_time = fields.DateTime(required=True, metadata={"description": "When the phone recorded it"})


class PushIn(Strict):
    protocol = fields.Integer(required=True, strict=True, validate=validate.OneOf([PROTOCOL]))
    schema_version = fields.Integer(required=True, strict=True, validate=validate.Range(1, 10_000))
    client_id = fields.UUID(required=True, metadata={"description": "The device; bound to the first user who uses it"})
    mutations = fields.List(fields.Nested(MutationIn), required=True, validate=validate.Length(max=MAX_MUTATIONS))


class MutationResult(Strict):
    id = fields.Integer()
    status = fields.String(validate=validate.OneOf(["applied", "duplicate", "rejected"]))
    code = fields.String(metadata={"description": "Rejected: why, e.g. validation, not-found, invalid-transition"})
    message = fields.String(metadata={"description": "Rejected: pt-BR, shown to the technician"})
    retryable = fields.Boolean(
        metadata={"description": "Rejected: false when no resend can succeed (state moved on, record gone)"}
    )


class Gap(Strict):
    expected = fields.Integer(metadata={"description": "The id the server needs next (last_mutation_id + 1)"})
    got = fields.Integer(metadata={"description": "The id that arrived instead; it and what follows were not applied"})


class PushOut(Strict):
    last_mutation_id = fields.Integer(metadata={"description": "Every mutation up to it is applied or rejected"})
    results = fields.List(fields.Nested(MutationResult))
    stopped_at_gap = fields.Nested(Gap, allow_none=True)
