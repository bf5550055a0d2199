from marshmallow import fields, validate

from server.common import brazil
from server.common.schemas import Id, Normalized, Strict, Text, cnpj_field
from server.suppliers.models import SupplierKind

KINDS = [kind.value for kind in SupplierKind]


def _emails() -> fields.List[str]:
    return fields.List(
        fields.Email(validate=validate.Length(max=254)),
        validate=validate.Length(max=5, error="Informe no máximo 5 e-mails."),
    )


class SupplierIn(Strict):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS, error="Tipo inválido."),
        metadata={"description": "factory (fábrica), distributor, carrier (transportadora), service (prestador)"},
    )
    name = Text(120, required=True)
    cnpj = cnpj_field(allow_none=True, metadata={"description": "Numeric or alphanumeric; any punctuation in"})
    order_emails = _emails()
    claim_emails = _emails()
    phone = Normalized(brazil.normalize_phone, allow_none=True)
    whatsapp = Normalized(brazil.normalize_phone, allow_none=True)
    notes = Text(2000, allow_none=True)
    active = fields.Boolean()
    claim_answer_days = fields.Integer(
        validate=validate.Range(min=1, max=365, error="Informe de 1 a 365 dias."),
        metadata={"description": "Days the factory takes to answer a claim (default 15)"},
    )
    store_id = Id(load_only=True, metadata={"description": "Needed when the user has several stores"})


class SupplierOut(Strict):
    id = fields.Integer()
    store_id = fields.Integer()
    kind = fields.String(allow_none=True, metadata={"description": "Null: made from a typed name, to classify"})
    kind_label = fields.String()
    name = fields.String()
    cnpj = fields.String(allow_none=True)
    order_emails = fields.List(fields.String())
    claim_emails = fields.List(fields.String())
    phone = fields.String(allow_none=True)
    whatsapp = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    active = fields.Boolean()
    claim_answer_days = fields.Integer()
    version = fields.Integer()


class SupplierRef(Strict):
    id = fields.Integer()
    name = fields.String()


class SupplierListArgs(Strict):
    store_id = Id()
    kind = fields.String(validate=validate.OneOf(KINDS, error="Tipo inválido."))
    include_inactive = fields.Boolean(load_default=False)
