"""The mutations a phone may push, by versioned name.

Each handler validates its arguments with a small schema built on the REST endpoint's own, then
calls the same service function as that endpoint: one set of rules. Services only flush;
`server.sync.push` commits the handler's writes with the client's `last_mutation_id`, once.
Old versions stay registered while old clients exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, fields

from server.appointments import service as appointments
from server.appointments.models import AppointmentStatus
from server.appointments.notes import UNKNOWN, set_technician_notes
from server.appointments.schemas import CheckInOut
from server.attachments import service as attachments
from server.attachments.schemas import LinkIn
from server.auth.models import Role, User
from server.cases.service import load_case
from server.common.schemas import Id, Strict, Text
from server.errors import Conflict, Problem, ValidationFailed, flatten_messages
from server.extensions import db
from server.occurrences import service as occurrences
from server.occurrences.models import OccurrenceItem
from server.occurrences.rebase import rebase
from server.occurrences.schemas import ItemIn, OccurrenceIn, OccurrenceUpdate

Handler = Callable[[User, dict[str, Any]], None]

HANDLERS: dict[str, Handler] = {}


def mutation(name: str, schema: Schema) -> Callable[[Callable[[User, dict[str, Any]], Any]], Handler]:
    """Register `fn` under `name`; the arguments reach it validated by `schema` (422 otherwise)."""

    def decorator(fn: Callable[[User, dict[str, Any]], Any]) -> Handler:
        def handler(actor: User, args: dict[str, Any]) -> None:
            try:
                data = schema.load(args)
            except ValidationError as error:
                raise ValidationFailed(flatten_messages(error.messages)) from None
            fn(actor, data)

        handler.__name__ = fn.__name__
        handler.__doc__ = fn.__doc__
        HANDLERS[name] = handler
        return handler

    return decorator


def unknown_mutation(name: str) -> Problem:
    return Problem(
        422,
        f"Ação desconhecida pelo servidor ({name[:60]}). Atualize o aplicativo e tente de novo.",
        slug="unknown-mutation",
    )


def run(actor: User, name: str, args: dict[str, Any]) -> None:
    handler = HANDLERS.get(name)
    if handler is None:
        raise unknown_mutation(name)
    handler(actor, args)


def _partial(schema: type[Schema], keep: tuple[str, ...]) -> Schema:
    """Like the REST PATCH schema: any field but those in `keep` may be left out, and one left out
    gets no default either (a correction sends only the fields it changed)."""
    return schema(partial=tuple(n for n in schema._declared_fields if n not in keep))


# --- appointments -------------------------------------------------------------------------


class VisitArgs(CheckInOut):
    appointment_id = Id(required=True, strict=True)


class NotesArgs(Strict):
    appointment_id = Id(required=True, strict=True)
    notes = Text(4000, required=True, allow_none=True, metadata={"description": "Observação; null or blank clears it"})


class TechnicianNotesArgs(NotesArgs):
    base = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The technician's note as the phone last saw it; another text there is merged"},
    )


@mutation("appointment.check_in.v1", VisitArgs())
def check_in(actor: User, data: dict[str, Any]) -> None:
    """Already in progress by the same technician (a second phone): applied, nothing changes."""
    appointment = appointments.load_appointment(actor, data.pop("appointment_id"))
    appointments.check_in(appointment, data, actor)


@mutation("appointment.check_out.v1", VisitArgs())
def check_out(actor: User, data: dict[str, Any]) -> None:
    appointment = appointments.load_appointment(actor, data.pop("appointment_id"))
    appointments.check_out(appointment, data, actor)


@mutation("appointment.notes.v1", NotesArgs())
def appointment_notes(actor: User, data: dict[str, Any]) -> None:
    """Old phones (before the technician's own note): the office's text showed as editable there.

    A technician's text now goes to the technician's note, merged with any text already there
    (no base was sent), so it never overwrites the office's instructions."""
    if actor.role == Role.TECHNICIAN:
        set_technician_notes(actor, data["appointment_id"], data["notes"], UNKNOWN)
        return
    appointment = appointments.load_appointment(actor, data["appointment_id"])
    if appointment.status == AppointmentStatus.CANCELLED.value:
        raise Conflict("A visita foi cancelada: as observações não podem mais ser alteradas.", slug="visit-cancelled")
    appointments.update_appointment(appointment, {"notes": data["notes"]}, actor)


@mutation("appointment.technician_notes.v1", TechnicianNotesArgs())
def technician_notes(actor: User, data: dict[str, Any]) -> None:
    set_technician_notes(actor, data["appointment_id"], data["notes"], data["base"])


# --- occurrences --------------------------------------------------------------------------


class OccurrenceCreateArgs(OccurrenceIn):
    case_id = Id(required=True, strict=True)


class OccurrenceUpdateArgs(OccurrenceUpdate):
    class Meta:
        exclude = ("items", "attachment_ids", "appointment_id")

    id = fields.UUID(required=True)


BASE_HELP = "The values the phone edited from, as sent; a field the office changed since is not overwritten"
OCCURRENCE_BASE = OccurrenceUpdate(partial=True)
ITEM_BASE = ItemIn(partial=True)


def _base(schema: Schema, data: dict[str, Any]) -> dict[str, Any] | None:
    """`base`, read like the fields it is the old value of (None: an old phone sent none)."""
    raw = data.pop("base", None)
    if raw is None:
        return None
    try:
        return dict(schema.load(raw))
    except ValidationError as error:
        raise ValidationFailed(flatten_messages(error.messages, "base")) from None


class OccurrenceCorrectionArgs(OccurrenceUpdateArgs):
    base = fields.Dict(keys=fields.String(), metadata={"description": BASE_HELP})


class ItemUpsertArgs(ItemIn):
    occurrence_id = fields.UUID(required=True)
    id = fields.UUID(required=True, metadata={"description": "Generated by the phone"})
    base = fields.Dict(keys=fields.String(), metadata={"description": BASE_HELP})


class ItemDeleteArgs(Strict):
    occurrence_id = fields.UUID(required=True)
    id = fields.UUID(required=True)


@mutation("occurrence.create.v1", OccurrenceCreateArgs())
def occurrence_create(actor: User, data: dict[str, Any]) -> None:
    case = load_case(actor, data.pop("case_id"))
    occurrences.create_occurrence(case, data, actor)


@mutation("occurrence.update.v1", _partial(OccurrenceCorrectionArgs, keep=("id",)))
def occurrence_update(actor: User, data: dict[str, Any]) -> None:
    """The fields the phone changed; with `base`, a correction of a synced one (see rebase.py)."""
    occurrence = occurrences.load_occurrence(actor, data.pop("id"))
    base = _base(OCCURRENCE_BASE, data)
    if base is not None:
        data = rebase(occurrence, occurrence, data, base, actor)
    occurrences.update_occurrence(occurrence, data, actor)


@mutation("occurrence_item.upsert.v1", ItemUpsertArgs())
def item_upsert(actor: User, data: dict[str, Any]) -> None:
    """Add the item if it is new, else update it with the fields sent (rebased on `base`)."""
    occurrence = occurrences.load_occurrence(actor, data.pop("occurrence_id"))
    base = _base(ITEM_BASE, data)
    item = next((i for i in occurrence.items if i.id == data["id"]), None)
    if item is None:
        gone = db.session.get(OccurrenceItem, data["id"])
        if gone is not None and gone.occurrence_id == occurrence.id and gone.deleted_at is not None:
            raise Conflict(
                f"O item “{gone.description}” foi removido desta ocorrência pelo escritório; a correção não foi "
                "aplicada. Se ele ainda for necessário, adicione-o de novo.",
                slug="item-removed",
            )
        occurrences.add_item(occurrence, data, actor)
    else:
        del data["id"]
        if base is not None:
            data = rebase(item, occurrence, data, base, actor)
        occurrences.update_item(occurrence, item, data, actor)


@mutation("occurrence_item.delete.v1", ItemDeleteArgs())
def item_delete(actor: User, data: dict[str, Any]) -> None:
    """Remove the item; an item of this occurrence that is already removed is left as it is."""
    occurrence = occurrences.load_occurrence(actor, data["occurrence_id"])
    gone = db.session.get(OccurrenceItem, data["id"])
    if gone is not None and gone.occurrence_id == occurrence.id and gone.deleted_at is not None:
        return
    occurrences.remove_item(occurrence, occurrences.get_item(occurrence, data["id"]), actor)


# --- attachments --------------------------------------------------------------------------


class LinkArgs(LinkIn):
    attachment_id = fields.UUID(required=True)


@mutation("attachment.link.v1", LinkArgs())
def attachment_link(actor: User, data: dict[str, Any]) -> None:
    """A photo to an occurrence, or a signature (with who signed) to the visit it closes."""
    attachments.link(actor, data.pop("attachment_id"), data)
