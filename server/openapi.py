"""flask-smorest's Api: the OpenAPI document, and every error answered and documented as problem+json.

The document is built here, in one place: every operation's error responses point at one shared
`Problem` schema under `application/problem+json` (what server.errors sends), decimals are strings
with a pattern, and the Brazilian identifiers carry theirs (server.common.schemas).
"""

from __future__ import annotations

import http
from typing import Any

from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask
from flask.typing import ResponseReturnValue
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.spec.plugins import integerconverter2paramschema
from marshmallow import INCLUDE, Schema, fields, validate
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from server.common.schemas import ID_MAX, Exact, Normalized
from server.errors import problem_response

PROBLEM_JSON = "application/problem+json"


class ProblemSchema(Schema):
    """RFC 9457 problem details, as server.errors writes them. A conflict may add members of its
    own (e.g. `retryable`), hence the open object."""

    OPENAPI_NAME = "Problem"

    class Meta:
        unknown = INCLUDE

    type = fields.String(required=True, metadata={"description": "URI naming the kind of problem"})
    title = fields.String(required=True, metadata={"description": "Short pt-BR summary"})
    status = fields.Integer(required=True, validate=validate.Range(400, 599), metadata={"description": "HTTP status"})
    detail = fields.String(required=True, metadata={"description": "pt-BR explanation for the user"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String(), validate=validate.Length(min=1)),
        metadata={"description": "Validation messages (pt-BR) per field path, e.g. address.cep"},
    )


def schema_name(schema: Any) -> str:
    """Class name, with a suffix for partial (PATCH) variants so names stay unique."""
    cls = resolve_schema_cls(schema)
    cls = cls[0] if isinstance(cls, list) else cls
    name: str = getattr(cls, "OPENAPI_NAME", cls.__name__)
    if isinstance(schema, Schema) and schema.partial:
        name += "Patch"
    return name


def _field_pattern(self: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Decimals (sent and served as strings) and Brazilian identifiers: their pattern."""
    if isinstance(field, fields.Decimal) and field.as_string and not isinstance(field, Exact):
        # A plain decimal served as a string (marshmallow documents it as a number).
        nullable = "null" in (ret.get("type") or [])
        return {"type": ["string", "null"] if nullable else "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}
    if not isinstance(field, Exact | Normalized) or not field.pattern:
        return {}
    pattern = field.pattern
    if isinstance(field, Exact) and any(
        isinstance(v, validate.Range) and v.min is not None and v.min >= 0 for v in field.validators
    ):
        pattern = pattern.replace("^-?", "^", 1)  # no sign where negatives are refused
    return {"pattern": pattern}


class OptionalBodyPlugin(BasePlugin):
    """A JSON body whose schema requires no field may be left out: webargs then loads {} (a
    check-in without a location, a PATCH that changes nothing). flask-smorest marks every body
    required; this says what the server does."""

    def init_spec(self, spec: APISpec) -> None:
        self.spec = spec

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            schema = ((body or {}).get("content", {}).get("application/json") or {}).get("schema")
            if not body or not body.get("required") or not isinstance(schema, dict) or "$ref" not in schema:
                continue
            resolved = self.spec.components.schemas.get(schema["$ref"].rsplit("/", 1)[-1])
            if resolved is not None and resolved.get("type") == "object" and not resolved.get("required"):
                body["required"] = False


class IdConverter(IntegerConverter):
    """`<int:…>` in a URL: an id from 1 to ID_MAX, so a huge id never reaches the database
    (SQLite raises OverflowError beyond 64 bits). Any other number is a 404 for every method:
    werkzeug's usual ValidationError would answer 405 to a PATCH when the GET rule's pattern matched."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


class Blueprint(SmorestBlueprint):
    """flask-smorest's Blueprint, with each arguments schema built once: given a class, webargs
    builds an instance for every request, which cost more than parsing the query string."""

    def arguments(self, schema: Any, **kwargs: Any) -> Any:
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)


class AssistecApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def __init__(self) -> None:
        super().__init__(
            spec_kwargs={
                "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name),
                "extra_plugins": [OptionalBodyPlugin()],
            }
        )
        self.register_converter(IdConverter, integerconverter2paramschema)
        self.register_field(Exact, "string", None)

    def init_app(self, app: Flask, *args: Any, **kwargs: Any) -> None:
        app.url_map.converters["int"] = IdConverter
        super().init_app(app, *args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(_field_pattern)

    def _register_responses(self) -> None:
        """flask-smorest's shared responses (one per status, and DEFAULT_ERROR, which every
        operation lists), under the content type the error handler really sends."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["content"] = {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}}
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            self.DEFAULT_ERROR_RESPONSE_NAME,
            {"description": "An error (problem details)", "content": {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}}},
            lazy=True,
        )

    def handle_http_exception(self, error: HTTPException) -> ResponseReturnValue:
        return problem_response(error)
