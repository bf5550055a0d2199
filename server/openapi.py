"""flask-smorest's Api, documenting and answering errors as problem+json."""

from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask.typing import ResponseReturnValue
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from server.errors import problem_response


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(metadata={"description": "URI naming the kind of problem"})
    title = fields.String(metadata={"description": "Short pt-BR summary"})
    status = fields.Integer()
    detail = fields.String(metadata={"description": "pt-BR explanation for the user"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Validation messages per field path, e.g. address.cep"},
    )


def schema_name(schema: Any) -> str:
    """Class name, with a suffix for partial (PATCH) variants so names stay unique."""
    cls = resolve_schema_cls(schema)
    name: str = (cls[0] if isinstance(cls, list) else cls).__name__
    if isinstance(schema, Schema) and schema.partial:
        name += "Patch"
    return name


class AssistecApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def __init__(self) -> None:
        super().__init__(spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})

    def handle_http_exception(self, error: HTTPException) -> ResponseReturnValue:
        return problem_response(error)
