"""Attachments (fotos e assinaturas): idempotent upload by the phone's UUID, access, linking.

The phone uploads a file under a UUID it generated, before the mutation that references it
(DESIGN §5), and may repeat the upload any number of times: the same id with the same bytes
answers the stored record, the same id with other bytes is a conflict. Who may see a file:

* while unlinked, only the user who uploaded it;
* once linked to an occurrence, whoever may see that occurrence's case (a technician: the
  cases assigned to them) — in the attachment's store only, like every store record.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.exc import IntegrityError

from server.appointments.models import Appointment
from server.attachments import images, storage
from server.attachments.models import Attachment, AttachmentKind
from server.auth.access import OFFICE, pick_store, visible
from server.auth.models import User
from server.database import bump_store_version, soft_delete
from server.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from server.extensions import db
from server.occurrences.models import Occurrence
from server.occurrences.service import visible_occurrences

HASH_HEADER = "X-Content-SHA256"
NOT_FOUND = "Anexo não encontrado."


def max_upload_bytes() -> int:
    return int(current_app.config["ATTACHMENT_MAX_BYTES"])


def too_large() -> Problem:
    limit = max_upload_bytes()
    megabytes = f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",")
    size = f"{megabytes} MB" if limit >= 100 * 1024 else f"{limit} bytes"
    return Problem(413, f"O arquivo excede o limite de {size} por anexo.", slug="attachment-too-large")


# --- who sees what ------------------------------------------------------------------------


def visible_attachments(user: User) -> Select[Attachment]:
    occurrences = visible_occurrences(user).with_only_columns(Occurrence.id)
    visits = visible(Appointment, user).with_only_columns(Appointment.id)
    unlinked = and_(Attachment.occurrence_id.is_(None), Attachment.appointment_id.is_(None))
    return visible(Attachment, user).where(
        or_(
            and_(unlinked, Attachment.uploaded_by_id == user.id),
            Attachment.occurrence_id.in_(occurrences),
            Attachment.appointment_id.in_(visits),
        )
    )


def get_attachment(user: User, attachment_id: uuid.UUID) -> Attachment:
    attachment: Attachment | None = db.session.scalar(visible_attachments(user).where(Attachment.id == attachment_id))
    if attachment is None:
        raise NotFound(NOT_FOUND)
    return attachment


def stored_file(attachment: Attachment, *, thumbnail: bool = False) -> Path:
    """The path of the attachment's file (or thumbnail); 404 if the file went missing."""
    path = storage.file_path(attachment.store_id, attachment.id, thumbnail=thumbnail)
    if not path.is_file():
        current_app.logger.error("attachment %s: file missing at %s", attachment.id, path)
        raise NotFound("O arquivo deste anexo não está disponível.")
    return path


# --- upload -------------------------------------------------------------------------------


def upload_attachment(
    actor: User,
    attachment_id: uuid.UUID,
    data: bytes,
    sha256: str,
    *,
    kind: str = AttachmentKind.PHOTO.value,
    occurrence_id: uuid.UUID | None = None,
    store_id: int | None = None,
    signer_name: str | None = None,
) -> Attachment:
    """Store an uploaded image under `attachment_id`, or answer the record already stored.

    `sha256` is the hex digest the client computed; it must match `data`. The same id with the
    same hash returns the existing record (no second file or row); with another hash, 409.
    With `occurrence_id` the new attachment is linked right away and goes to that occurrence's
    store; else to `store_id` or the user's only store.

    The image is decoded and re-encoded outside any transaction (on SQLite an open write
    transaction would hold the database's lock meanwhile). Then the store's row lock is taken
    before the second look for the id, so that parallel uploads of one id store one file and
    one row: the later ones wait, then find the first one's record. The row is inserted (and
    holds the id) before the files are written, and the files are removed if the commit fails.
    """
    if len(data) > max_upload_bytes():
        raise too_large()
    digest = hashlib.sha256(data).hexdigest()
    if not hmac.compare_digest(digest, sha256.lower()):
        raise ValidationFailed(
            {HASH_HEADER: ["O SHA-256 informado não confere com o arquivo recebido. Envie o arquivo novamente."]}
        )
    if signer_name is not None and kind != AttachmentKind.SIGNATURE:
        raise ValidationFailed({"signer_name": ["Informe o nome de quem assinou apenas em assinaturas."]})

    existing = db.session.get(Attachment, attachment_id)
    if existing is not None:
        return _repeated(existing, actor, digest, kind, occurrence_id, signer_name)
    target_store = _target_store(actor, occurrence_id, store_id)
    uploader_id = actor.id
    db.session.rollback()  # nothing written yet: release the transaction while Pillow works

    encoded = images.reencode(data, kind)

    bump_store_version(db.session, target_store)  # the store's lock, held until commit
    existing = db.session.get(Attachment, attachment_id, populate_existing=True)
    if existing is not None:  # a parallel upload of the same id got there first
        db.session.rollback()
        return _repeated(_reload(attachment_id), actor, digest, kind, occurrence_id, signer_name)
    if occurrence_id is not None:
        _target_store(actor, occurrence_id, store_id)  # still there and visible, under the lock

    attachment = Attachment(
        id=attachment_id,
        store_id=target_store,
        kind=kind,
        sha256=digest,
        content_type=encoded.content_type,
        size=len(encoded.data),
        width=encoded.width,
        height=encoded.height,
        uploaded_by_id=uploader_id,
        occurrence_id=occurrence_id,
        signer_name=signer_name,
    )
    db.session.add(attachment)
    try:
        # The row first: whoever holds the id writes the files. Another store's upload of the
        # same id (we do not hold its lock) fails here, before touching any file.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.get(Attachment, attachment_id, populate_existing=True)
        if existing is None:  # not the id after all
            raise
        return _repeated(existing, actor, digest, kind, occurrence_id, signer_name)
    paths = [
        storage.file_path(target_store, attachment_id),
        storage.file_path(target_store, attachment_id, thumbnail=True),
    ]
    try:
        storage.write_atomic(paths[0], encoded.data)
        storage.write_atomic(paths[1], encoded.thumbnail)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.remove(paths)
        raise
    return attachment


def _reload(attachment_id: uuid.UUID) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id, populate_existing=True)
    if attachment is None:  # cannot happen: rows are never removed
        raise RuntimeError(f"attachment {attachment_id} vanished")
    return attachment


def _repeated(
    existing: Attachment,
    actor: User,
    digest: str,
    kind: str,
    occurrence_id: uuid.UUID | None,
    signer_name: str | None,
) -> Attachment:
    """A second upload of an id: the stored record if it is the same file, else 409."""
    mine = db.session.scalar(visible_attachments(actor).where(Attachment.id == existing.id))
    if mine is None:  # another user's, another store's, or deleted: disclose nothing of it
        raise Conflict(
            "Este identificador já pertence a outro anexo. Gere um novo identificador e envie de novo.",
            slug="attachment-id-taken",
        )
    if not hmac.compare_digest(existing.sha256, digest):
        raise Conflict(
            "Já existe um anexo com este identificador e outro conteúdo. Gere um novo identificador "
            "para enviar outro arquivo.",
            slug="attachment-conflict",
        )
    if existing.kind != kind:
        raise Conflict("Este arquivo já foi enviado com outro tipo de anexo.", slug="attachment-conflict")
    if occurrence_id is not None and existing.occurrence_id != occurrence_id:
        link_attachment(existing.id, occurrence_id, actor, signer_name)
        db.session.commit()
    return existing


def _target_store(actor: User, occurrence_id: uuid.UUID | None, store_id: int | None) -> int:
    if occurrence_id is None:
        return pick_store(actor, store_id).id
    occurrence = _find_occurrence(actor, occurrence_id)
    if store_id is not None and store_id != occurrence.store_id:
        raise ValidationFailed({"store_id": ["A loja informada não é a da ocorrência."]})
    return occurrence.store_id


def _find_occurrence(actor: User, occurrence_id: uuid.UUID) -> Occurrence:
    occurrence: Occurrence | None = db.session.scalar(visible_occurrences(actor).where(Occurrence.id == occurrence_id))
    if occurrence is None:
        raise ValidationFailed({"occurrence_id": ["Ocorrência não encontrada."]})
    return occurrence


# --- linking and deleting -----------------------------------------------------------------


def link_attachment(
    attachment_id: uuid.UUID, occurrence_id: uuid.UUID, actor: User, signer_name: str | None = None
) -> Attachment:
    """Link an uploaded photo or signature to an occurrence of its store.

    For the occurrences service and the sync mutation `attachment.link.v1`: the change is left
    in the session and the caller commits (with the rest of its transaction). Linking again to
    the same occurrence changes nothing; errors are 422 with pt-BR messages per argument.
    """
    attachment: Attachment | None = db.session.scalar(visible_attachments(actor).where(Attachment.id == attachment_id))
    if attachment is None:
        raise ValidationFailed({"attachment_id": ["Anexo não encontrado: envie o arquivo antes de vinculá-lo."]})
    occurrence = _find_occurrence(actor, occurrence_id)
    if occurrence.store_id != attachment.store_id:
        raise ValidationFailed({"attachment_id": ["O anexo pertence a outra loja que não a da ocorrência."]})
    if attachment.occurrence_id is not None and attachment.occurrence_id != occurrence.id:
        raise ValidationFailed({"attachment_id": ["Este anexo já está vinculado a outra ocorrência."]})
    if signer_name is not None:
        if attachment.kind != AttachmentKind.SIGNATURE:
            raise ValidationFailed({"signer_name": ["Informe o nome de quem assinou apenas em assinaturas."]})
        attachment.signer_name = signer_name
    attachment.occurrence_id = occurrence.id
    return attachment


def link_signature_to_visit(attachment_id: uuid.UUID, appointment_id: int, actor: User, signer_name: str) -> Attachment:
    """Link the customer's signature (with who signed) to the visit it closes; the caller commits."""
    attachment: Attachment | None = db.session.scalar(visible_attachments(actor).where(Attachment.id == attachment_id))
    if attachment is None:
        raise ValidationFailed({"attachment_id": ["Anexo não encontrado: envie o arquivo antes de vinculá-lo."]})
    if attachment.kind != AttachmentKind.SIGNATURE:
        raise ValidationFailed({"attachment_id": ["Só assinaturas podem ser vinculadas à visita."]})
    visit = db.session.scalar(visible(Appointment, actor).where(Appointment.id == appointment_id))
    if visit is None or visit.store_id != attachment.store_id:
        raise ValidationFailed({"appointment_id": ["Visita não encontrada."]})
    if attachment.appointment_id not in (None, visit.id) or attachment.occurrence_id is not None:
        raise ValidationFailed({"attachment_id": ["Esta assinatura já está vinculada a outro registro."]})
    attachment.appointment_id = visit.id
    attachment.signer_name = signer_name
    return attachment


def link(actor: User, attachment_id: uuid.UUID, data: dict[str, Any]) -> Attachment:
    """The REST link (and later the sync mutation `attachment.link.v1`): to an occurrence or a visit."""
    get_attachment(actor, attachment_id)  # the path's record: 404 when it is not the actor's to see
    if "appointment_id" in data:
        attachment = link_signature_to_visit(attachment_id, data["appointment_id"], actor, data["signer_name"])
    else:
        attachment = link_attachment(attachment_id, data["occurrence_id"], actor, data.get("signer_name"))
    db.session.commit()
    return attachment


def attachments_of(occurrence_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Attachment]]:
    """Live attachments per occurrence, oldest first, in one query (for lists of occurrences)."""
    result: dict[uuid.UUID, list[Attachment]] = {occurrence_id: [] for occurrence_id in occurrence_ids}
    if not occurrence_ids:
        return result
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.occurrence_id.in_(occurrence_ids), Attachment.deleted_at.is_(None))
        .order_by(Attachment.created_at, Attachment.id)
    )
    for attachment in rows:
        if attachment.occurrence_id is not None:
            result[attachment.occurrence_id].append(attachment)
    return result


def delete_attachment(attachment: Attachment, actor: User) -> None:
    """Soft-delete (a tombstone for the phones) and remove the files once committed."""
    if attachment.uploaded_by_id != actor.id and not actor.has_role(*OFFICE):
        raise Forbidden("Só quem enviou o anexo ou o escritório pode excluí-lo.")
    paths = [
        storage.file_path(attachment.store_id, attachment.id),
        storage.file_path(attachment.store_id, attachment.id, thumbnail=True),
    ]
    soft_delete(attachment)
    db.session.commit()
    storage.remove(paths)
