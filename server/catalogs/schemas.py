from marshmallow import fields, validate

from server.common.schemas import Id, Strict, Text


class CatalogEntryIn(Strict):
    name = Text(80, required=True)
    position = fields.Integer(validate=validate.Range(0, 10_000))
    active = fields.Boolean()
    store_id = Id(load_only=True, metadata={"description": "Needed when the user has several stores"})


class CatalogEntryOut(Strict):
    id = fields.Integer()
    store_id = Id()
    kind = fields.String()
    name = fields.String()
    position = fields.Integer()
    active = fields.Boolean()
    version = fields.Integer()


class CatalogListArgs(Strict):
    store_id = Id()
    include_inactive = fields.Boolean(load_default=False)
