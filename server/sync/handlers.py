"""The mutations a phone may push, by versioned name (DESIGN §5).

Each handler validates its arguments with a small schema built on the REST endpoint's own, then
calls the same service function as that endpoint: one set of rules. Services commit themselves;
`server.sync.push` arranges for that commit to carry the client's `last_mutation_id` too.
Old versions stay registered while old clients exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, fields

from server.appointments import service as appointments
from server.appointments.models import AppointmentStatus
from server.appointments.schemas import CheckInOut
from server.attachments import service as attachments
from server.attachments.schemas import LinkIn
from server.auth.models import User
from server.cases.service import load_case
from server.common.schemas import Strict, Text
from server.errors import Conflict, Problem, ValidationFailed, flatten_messages
from server.extensions import db
from server.occurrences import service as occurrences
from server.occurrences.models import OccurrenceItem
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
    """Like the REST PATCH schema (any field may be left out), except the fields in `keep`."""
    required = tuple(n for n, f in schema._declared_fields.items() if f.required and n not in keep)
    return schema(partial=required)


# --- appointments -------------------------------------------------------------------------


class VisitArgs(CheckInOut):
    appointment_id = fields.Integer(required=True, strict=True)


class NotesArgs(Strict):
    appointment_id = fields.Integer(required=True, strict=True)
    notes = Text(4000, required=True, allow_none=True, metadata={"description": "Observação; null or blank clears it"})


@mutation("appointment.check_in.v1", VisitArgs())
def check_in(actor: User, data: dict[str, Any]) -> None:
    appointment = appointments.load_appointment(actor, data.pop("appointment_id"))
    appointments.check_in(appointment, data, actor)


@mutation("appointment.check_out.v1", VisitArgs())
def check_out(actor: User, data: dict[str, Any]) -> None:
    appointment = appointments.load_appointment(actor, data.pop("appointment_id"))
    appointments.check_out(appointment, data, actor)


def set_visit_notes(actor: User, appointment_id: int, notes: str | None) -> None:
    """The visit's notes, by its assignee or the office (the REST PATCH is the office's only).

    The visit is found through the appointment visibility rules (a technician: only their own),
    and written by the appointments service, which locks the store and logs the change."""
    appointment = appointments.load_appointment(actor, appointment_id)
    if appointment.status == AppointmentStatus.CANCELLED.value:
        raise Conflict("A visita foi cancelada: as observações não podem mais ser alteradas.", slug="visit-cancelled")
    appointments.update_appointment(appointment, {"notes": notes}, actor)


@mutation("appointment.notes.v1", NotesArgs())
def appointment_notes(actor: User, data: dict[str, Any]) -> None:
    set_visit_notes(actor, data["appointment_id"], data["notes"])


# --- occurrences --------------------------------------------------------------------------


class OccurrenceCreateArgs(OccurrenceIn):
    case_id = fields.Integer(required=True, strict=True)


class OccurrenceUpdateArgs(OccurrenceUpdate):
    class Meta:
        exclude = ("items", "attachment_ids", "appointment_id")

    id = fields.UUID(required=True)


class ItemUpsertArgs(ItemIn):
    occurrence_id = fields.UUID(required=True)
    id = fields.UUID(required=True, metadata={"description": "Generated by the phone"})


class ItemDeleteArgs(Strict):
    occurrence_id = fields.UUID(required=True)
    id = fields.UUID(required=True)


@mutation("occurrence.create.v1", OccurrenceCreateArgs())
def occurrence_create(actor: User, data: dict[str, Any]) -> None:
    case = load_case(actor, data.pop("case_id"))
    occurrences.create_occurrence(case, data, actor)


@mutation("occurrence.update.v1", _partial(OccurrenceUpdateArgs, keep=("id",)))
def occurrence_update(actor: User, data: dict[str, Any]) -> None:
    occurrence = occurrences.load_occurrence(actor, data.pop("id"))
    occurrences.update_occurrence(occurrence, data, actor)


@mutation("occurrence_item.upsert.v1", ItemUpsertArgs())
def item_upsert(actor: User, data: dict[str, Any]) -> None:
    """Add the item if it is new, else update it with the fields sent."""
    occurrence = occurrences.load_occurrence(actor, data.pop("occurrence_id"))
    item = next((i for i in occurrence.items if i.id == data["id"]), None)
    if item is None:
        occurrences.add_item(occurrence, data, actor)
    else:
        del data["id"]
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
