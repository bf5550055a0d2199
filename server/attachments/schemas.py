from marshmallow import Schema, fields, validate

from server.attachments.models import AttachmentKind
from server.common.schemas import Strict, Text

KINDS = [kind.value for kind in AttachmentKind]


class UploadArgs(Schema):
    """Query parameters of an upload; the body is the file's bytes."""

    kind = fields.String(
        load_default=AttachmentKind.PHOTO.value,
        validate=validate.OneOf(KINDS, error="Tipo de anexo inválido: use photo ou signature."),
    )
    occurrence_id = fields.UUID(metadata={"description": "Link to this occurrence right away (its store is used)"})
    store_id = fields.Integer(metadata={"description": "Needed when the user has several stores and no occurrence"})
    signer_name = Text(120, metadata={"description": "Who signed (signatures only)"})


class UploadHeaders(Schema):
    sha256 = fields.String(
        required=True,
        data_key="X-Content-SHA256",
        validate=validate.Regexp(
            r"^[0-9a-fA-F]{64}$", error="Informe o SHA-256 do arquivo em hexadecimal (64 caracteres)."
        ),
        metadata={"description": "SHA-256 of the body, in hex"},
    )


class AttachmentOut(Strict):
    id = fields.UUID()
    store_id = fields.Integer()
    kind = fields.String()
    content_type = fields.String(metadata={"description": "Of the stored, re-encoded file"})
    size = fields.Integer(metadata={"description": "Bytes of the stored file"})
    width = fields.Integer()
    height = fields.Integer()
    sha256 = fields.String(metadata={"description": "Of the bytes as uploaded"})
    occurrence_id = fields.UUID(allow_none=True)
    signer_name = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()
