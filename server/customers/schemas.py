from marshmallow import fields, validate

from server.common import brazil
from server.common.schemas import (
    AddressSchema,
    Id,
    Normalized,
    PageArgs,
    StoreTime,
    Strict,
    Text,
    document_field,
    page_schema,
)


class CustomerIn(Strict):
    name = Text(200, required=True)
    document = document_field(allow_none=True, metadata={"description": "CPF or CNPJ; stored as digits"})
    phones = fields.List(
        Normalized(brazil.normalize_phone, required=True),  # a blank entry is an error, not a null
        validate=validate.Length(max=5, error="Informe no máximo 5 telefones."),
        metadata={"description": "With area code; stored as digits"},
    )
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    address = fields.Nested(AddressSchema, allow_none=True)
    notes = Text(2000, allow_none=True)
    assistance_only = fields.Boolean(metadata={"description": "Created just for an assistance"})


class NewCustomerIn(CustomerIn):
    store_id = Id(metadata={"description": "Needed when the user has several stores"})


class CustomerOut(Strict):
    id = fields.Integer()
    store_id = Id()
    name = fields.String()
    document_type = fields.String(allow_none=True)
    document = fields.String(allow_none=True)
    phones = fields.List(fields.String())
    email = fields.String(allow_none=True)
    address = fields.Nested(AddressSchema, allow_none=True)
    notes = fields.String(allow_none=True)
    assistance_only = fields.Boolean()
    version = fields.Integer()
    created_at = StoreTime()
    updated_at = StoreTime()


class CustomerListArgs(PageArgs):
    q = Text(100, metadata={"description": "Name, CPF/CNPJ, phone or e-mail"})  # blank: no filter
    store_id = Id()
    assistance_only = fields.Boolean()


CustomerPage = page_schema(CustomerOut, "CustomerPage")
