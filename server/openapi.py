"""flask-smorest's Api, documenting and answering errors as problem+json."""

from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask
from flask.typing import ResponseReturnValue
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from server.common.schemas import ID_MAX
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


class AssistecApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def __init__(self) -> None:
        super().__init__(spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})
        self.register_converter(IdConverter, integerconverter2paramschema)

    def init_app(self, app: Flask, *args: Any, **kwargs: Any) -> None:
        app.url_map.converters["int"] = IdConverter
        super().init_app(app, *args, **kwargs)

    def handle_http_exception(self, error: HTTPException) -> ResponseReturnValue:
        return problem_response(error)
