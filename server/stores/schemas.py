from marshmallow import fields, validate

from server.common import brazil
from server.common.schemas import TIMEZONES, AddressSchema, Normalized, Strict, Text, When, cnpj_field


class StoreIn(Strict):
    name = Text(120, required=True)
    cnpj = cnpj_field(allow_none=True)
    phone = Normalized(brazil.normalize_phone, allow_none=True)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    address = fields.Nested(AddressSchema, allow_none=True)
    timezone = fields.String(
        validate=validate.OneOf(sorted(TIMEZONES), error="Fuso horário inválido."),
        metadata={"description": "IANA zone, America/Sao_Paulo by default"},
    )
    repair_deadline_days = fields.Integer(
        validate=validate.Range(7, 180, error="O prazo deve ficar entre 7 e 180 dias (CDC, art. 18)."),
        metadata={"description": "Repair deadline in days (CDC art. 18): 30 unless agreed, 7–180"},
    )
    logo_id = fields.UUID(
        allow_none=True,
        metadata={
            "description": "Logo on the documents: an image uploaded first with "
            "PUT /api/attachments/<uuid>?kind=signature&store_id=<id> (PNG keeps transparency)"
        },
    )


class StoreOut(Strict):
    id = fields.Integer()
    name = fields.String()
    cnpj = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    address = fields.Nested(AddressSchema, allow_none=True)
    timezone = fields.String()
    repair_deadline_days = fields.Integer()
    logo_id = fields.UUID(allow_none=True)
    created_at = When()
