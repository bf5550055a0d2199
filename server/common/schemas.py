"""Schema pieces every domain uses: trimmed text, Brazilian fields, addresses, pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from server.common import brazil


class Text(fields.String):
    """A string trimmed of surrounding blanks, with a maximum length; blank counts as missing."""

    def __init__(self, max_length: int = 200, *, min_length: int | None = None, **kwargs: Any):
        validators = list(kwargs.pop("validate", []) or [])
        validators.append(validate.Length(min=min_length, max=max_length))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        text = text.strip()
        if not text:
            if self.required:
                raise self.make_error("required")
            return None
        return text

    def _validate(self, value: Any) -> None:
        if value is not None:  # blank became None above: nothing left to check
            super()._validate(value)


class Normalized(fields.String):
    """A string validated and normalized by a function that raises ValueError (pt-BR)."""

    def __init__(self, normalize: Callable[[str], str], **kwargs: Any):
        super().__init__(**kwargs)
        self.normalize = normalize

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            if self.required:
                raise self.make_error("required")
            return None
        try:
            return self.normalize(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


def document_field(**kwargs: Any) -> fields.Field[Any]:
    """CPF or CNPJ: any punctuation in, digits out."""
    return Normalized(lambda v: brazil.normalize_document(v)[1], **kwargs)


class Strict(Schema):
    """Unknown fields are rejected (marshmallow's default, stated here on purpose)."""

    class Meta:
        unknown = "raise"


class Money(fields.Decimal):
    """R$ as a string exact to the cent: "1234.50"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, as_string=True, **kwargs)


class Ref(Strict):
    """A record named in another: a catalog entry, a user."""

    id = fields.Integer()
    name = fields.String()


class AddressSchema(Strict):
    cep = Normalized(brazil.normalize_cep, required=True)
    street = Text(200, required=True, metadata={"description": "Logradouro"})
    number = Text(20, required=True, metadata={"description": "Número (ou S/N)"})
    complement = Text(100, allow_none=True, metadata={"description": "Complemento"})
    district = Text(100, required=True, metadata={"description": "Bairro"})
    city = Text(100, required=True)
    state = fields.String(
        required=True,
        validate=validate.OneOf(brazil.UFS, error="UF inválida."),
        metadata={"description": "UF, e.g. SP"},
    )

    @pre_load
    def _upper_state(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("state"), str):
            data = {**data, "state": data["state"].strip().upper()}
        return data


TIMEZONES = frozenset(tz for tz in available_timezones() if tz.startswith(("America/", "UTC")))


class PageArgs(Schema):
    """Cursor pagination: pass `next_cursor` from the previous page as `cursor`."""

    cursor = fields.String(load_default=None)
    limit = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "Page size; capped by the server (200)."},
    )


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """The envelope of a list: {items: [...], next_cursor: str | null}."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "next_cursor": fields.String(allow_none=True),
        },
        name=name,
    )


class StoreTime(fields.DateTime):
    """A UTC instant shown with the offset of the record's store (`obj.store`, or the store of
    `obj.store_id` for records without the relationship: one identity-map lookup per store)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is not None:
            value = value.astimezone(ZoneInfo(_store_of(obj).timezone))
        return super()._serialize(value, attr, obj, **kwargs)


def _store_of(obj: Any) -> Any:
    if "store" in type(obj).__dict__ or hasattr(type(obj), "store"):
        return obj.store
    from server.extensions import db  # schemas are imported by the models' packages
    from server.stores.models import Store

    return db.session.get_one(Store, obj.store_id)


def patch(schema: type[Schema], **kwargs: Any) -> Schema:
    """The PATCH variant of a schema: any top-level field may be left out, but a nested object
    that is sent (an address) must be whole. `partial=True` would reach into it and let half an
    address replace the stored one."""
    required = tuple(name for name, field in schema._declared_fields.items() if field.required)
    return schema(partial=required, **kwargs)
