from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.attachments.models import AttachmentKind
from server.common.schemas import Id, StoreTime, Strict, Text

KINDS = [kind.value for kind in AttachmentKind]


class UploadArgs(Schema):
    """Query parameters of an upload; the body is the file's bytes."""

    kind = fields.String(
        load_default=AttachmentKind.PHOTO.value,
        validate=validate.OneOf(KINDS, error="Tipo de anexo inválido: use photo ou signature."),
    )
    occurrence_id = fields.UUID(metadata={"description": "Link to this occurrence right away (its store is used)"})
    store_id = Id(metadata={"description": "Needed when the user has several stores and no occurrence"})
    signer_name = Text(120, metadata={"description": "Who signed (signatures only)"})


class LinkIn(Strict):
    """Link an uploaded file: a photo (or signature) to an occurrence, or a signature to a visit."""

    occurrence_id = fields.UUID()
    appointment_id = Id()
    signer_name = Text(120, metadata={"description": "Who signed; required for a visit's signature"})

    @validates_schema
    def _one_target(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("occurrence_id" in data) == ("appointment_id" in data):
            raise ValidationError("Informe a ocorrência ou a visita.", "occurrence_id")
        if "appointment_id" in data and not data.get("signer_name"):
            raise ValidationError("Informe o nome de quem assinou.", "signer_name")


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
    store_id = Id()
    kind = fields.String()
    content_type = fields.String(metadata={"description": "Of the stored, re-encoded file"})
    size = fields.Integer(metadata={"description": "Bytes of the stored file"})
    width = fields.Integer()
    height = fields.Integer()
    sha256 = fields.String(metadata={"description": "Of the bytes as uploaded"})
    occurrence_id = fields.UUID(allow_none=True)
    appointment_id = Id(allow_none=True, metadata={"description": "The visit a signature closes"})
    signer_name = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = StoreTime()
