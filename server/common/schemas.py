"""Schema pieces every domain uses: trimmed text, Brazilian fields, addresses, pages."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from marshmallow import Schema, ValidationError, fields, pre_load, validate
from sqlalchemy.orm import object_session

from server.common import brazil
from server.database import Base


def _validators(given: Any) -> list[Any]:
    if given is None:
        return []
    return [given] if callable(given) else list(given)


# Texts of this length or more are written in a text area (reports, notes, reasons): they may keep
# line breaks and tabs. Shorter ones are a single line. No text keeps other control characters
# (NUL, ESC, DEL, the C1 range…): they are refused, not dropped.
LONG_TEXT = 500
_LINE_BREAKS = frozenset("\n\r\t")


def control_characters_error(text: str, *, multiline: bool) -> str | None:
    """The pt-BR message for a text holding control characters, or None when it holds none."""
    controls = {c for c in text if unicodedata.category(c) == "Cc"}
    if controls - _LINE_BREAKS:
        return "O texto tem caracteres de controle (invisíveis): remova-os."
    if controls and not multiline:
        return "Use uma só linha, sem quebras nem tabulações."
    return None


def no_control_characters(text: str) -> None:
    """A validator for raw multi-line strings (a layout's HTML and CSS)."""
    error = control_characters_error(text, multiline=True)
    if error:
        raise ValidationError(error)


class Text(fields.String):
    """A string trimmed of surrounding blanks, with a maximum length; blank counts as missing.
    Control characters are refused; long texts (LONG_TEXT) may hold line breaks and tabs."""

    def __init__(self, max_length: int = 200, *, min_length: int | None = None, **kwargs: Any):
        validators = _validators(kwargs.pop("validate", None))
        validators.append(validate.Length(min=min_length, max=max_length))
        super().__init__(validate=validators, **kwargs)
        self.multiline = max_length >= LONG_TEXT

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        typed = super()._deserialize(value, attr, data, **kwargs)
        text = typed.strip()
        # Blanks around are trimmed, but a control character there (str.strip takes \x1c…) is not.
        error = control_characters_error(typed, multiline=True) or control_characters_error(
            text, multiline=self.multiline
        )
        if error:
            raise ValidationError(error)
        if not text:
            if self.required:
                raise self.make_error("required")
            return None
        return text

    def _validate(self, value: Any) -> None:
        if value is not None:  # blank became None above: nothing left to check
            super()._validate(value)


# What the OpenAPI document says these fields look like (in and out): the digits with the usual
# punctuation optional. The check digits and the other rules stay in server.common.brazil.
_ALNUM = "[0-9A-Za-z]"
CNPJ_PATTERN = rf"^{_ALNUM}{{2}}\.?{_ALNUM}{{3}}\.?{_ALNUM}{{3}}/?{_ALNUM}{{4}}-?[0-9]{{2}}$"
CPF_PATTERN = r"^[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}$"
DOCUMENT_PATTERN = f"({CPF_PATTERN})|({CNPJ_PATTERN})"
CEP_PATTERN = r"^[0-9]{5}-?[0-9]{3}$"
PHONE_PATTERN = r"^\+?[0-9 ().-]{10,24}$"
_PATTERNS: dict[Callable[[str], str], str] = {
    brazil.normalize_cep: CEP_PATTERN,
    brazil.normalize_cnpj: CNPJ_PATTERN,
    brazil.normalize_phone: PHONE_PATTERN,
}


class Normalized(fields.String):
    """A string validated and normalized by a function that raises ValueError (pt-BR); `pattern`
    (known for the Brazilian normalizers) is what the OpenAPI document shows."""

    def __init__(self, normalize: Callable[[str], str], *, pattern: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.normalize = normalize
        self.pattern = pattern or _PATTERNS.get(normalize)

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
    """CPF or CNPJ: punctuation (. - / ( ) and blanks) in, its characters out; stray ones refused."""
    return Normalized(lambda v: brazil.normalize_document(v)[1], pattern=DOCUMENT_PATTERN, **kwargs)


def cnpj_field(**kwargs: Any) -> fields.Field[Any]:
    """A CNPJ, numeric or alphanumeric: "12.ABC.345/01DE-35" in, "12ABC34501DE35" out."""
    return Normalized(brazil.normalize_cnpj, **kwargs)


# Ids are INTEGER columns (32 bits on PostgreSQL): a larger or negative one names no record, and
# is refused here instead of reaching the database (SQLite raises OverflowError beyond 64 bits).
ID_MAX = 2**31 - 1


class Id(fields.Integer):
    """A record's id: a whole number from 1 to ID_MAX (422 "Identificador inválido." otherwise)."""

    def __init__(self, **kwargs: Any) -> None:
        validators = _validators(kwargs.pop("validate", None))
        validators.append(validate.Range(1, ID_MAX, error="Identificador inválido."))
        super().__init__(validate=validators, **kwargs)


# Any date the application reads lies in this window: a year 1 or 0936 is a typo, and would be
# served with the zone's historical offset (-03:06:28), which RFC 3339 cannot express.
YEARS = (2000, 2100)
YEARS_MESSAGE = "Use uma data entre 2000 e 2100."


class When(fields.DateTime):
    """An instant (ISO 8601) between the years 2000 and 2100."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not YEARS[0] <= moment.year <= YEARS[1]:
            raise ValidationError(YEARS_MESSAGE)
        return moment


class Day(fields.Date):
    """A calendar date (YYYY-MM-DD) between the years 2000 and 2100."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not YEARS[0] <= day.year <= YEARS[1]:
            raise ValidationError(YEARS_MESSAGE)
        return day


_ASSIGNEE = re.compile(r"me|[1-9][0-9]{0,9}")


def _assignee(value: str) -> None:
    if not _ASSIGNEE.fullmatch(value) or (value != "me" and int(value) > ID_MAX):
        raise ValidationError("Use 'me' ou o id do técnico.")


def assignee_filter() -> fields.String:
    """`assignee=me` or a technician's id (a filter of lists)."""
    return fields.String(validate=_assignee, metadata={"description": "'me' or a technician id"})


class Strict(Schema):
    """Unknown fields are rejected (marshmallow's default, stated here on purpose)."""

    class Meta:
        unknown = "raise"


class Exact(fields.Decimal):
    """A decimal sent as a string ("129.90") with at most `places` decimals and at most `maximum`
    in size: more decimals are refused, never rounded in silence (129.9012 is not 129.90)."""

    def __init__(self, places: int, maximum: Decimal, too_precise: str, too_large: str, **kwargs: Any) -> None:
        super().__init__(places=places, as_string=True, **kwargs)
        # In the OpenAPI document: a decimal string; the size limit is told in words (a sum served
        # by the API may exceed what one input may hold).
        self.pattern = rf"^-?[0-9]+(\.[0-9]{{1,{places}}})?$"
        self.maximum = maximum
        self.too_precise = too_precise
        self.too_large = too_large

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            try:
                exact = Decimal(str(value))
            except InvalidOperation:
                exact = None  # not a number: marshmallow's own message
            if exact is not None and exact.is_finite():
                if abs(exact) > self.maximum:
                    raise ValidationError(self.too_large)
                assert self.places is not None
                if exact != exact.quantize(self.places):
                    raise ValidationError(self.too_precise)
        return super()._deserialize(value, attr, data, **kwargs)


# The columns hold Numeric(12, 2) and Numeric(10, 3); the limits are far below, at what a part of
# a piece of furniture can cost or count, so that no sum of them is absurd.
MONEY_MAX = Decimal("999999.99")
QUANTITY_MAX = Decimal("99999.999")


class Money(Exact):
    """R$ as a string exact to the cent: "1234.50"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            2,
            MONEY_MAX,
            "Use no máximo 2 casas decimais (centavos), como 129.90.",
            "Valor acima do máximo (R$ 999.999,99).",
            **kwargs,
        )


class Quantity(Exact):
    """A quantity as a string with up to 3 decimals: "2.5", "0.125"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            3,
            QUANTITY_MAX,
            "Use no máximo 3 casas decimais, como 2.125.",
            "Quantidade acima do máximo (99.999,999).",
            **kwargs,
        )


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
        validate=validate.Range(min=1, max=ID_MAX),
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
            local = value.astimezone(ZoneInfo(_timezone_of(obj)))
            offset = local.utcoffset()
            # A zone's local mean time (-03:06:28 before 1914) is not an RFC 3339 offset: such an
            # instant (only from data older than the 2000..2100 window) is served in UTC.
            value = local if offset is None or offset.seconds % 60 == 0 else value.astimezone(UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def _timezone_of(obj: Any) -> str:
    """The record's store's timezone. Schemas sit below the models, so a record without a `store`
    relationship finds its store in its own session by the table's mapped class (from the
    identity map when loaded: no query per row)."""
    if "store" in type(obj).__dict__ or hasattr(type(obj), "store"):
        return str(obj.store.timezone)
    session = object_session(obj)
    assert session is not None, "a store time of a record outside any session"
    return str(session.get_one(_mapped("stores"), obj.store_id).timezone)


def _mapped(table_name: str) -> type[Any]:
    return next(
        mapper.class_ for mapper in Base.registry.mappers if mapper.persist_selectable.description == table_name
    )


def patch(schema: type[Schema], **kwargs: Any) -> Schema:
    """The PATCH variant of a schema: any top-level field may be left out, but a nested object
    that is sent (an address) must be whole. `partial=True` would reach into it and let half an
    address replace the stored one."""
    required = tuple(name for name, field in schema._declared_fields.items() if field.required)
    return schema(partial=required, **kwargs)
