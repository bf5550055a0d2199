from datetime import date, datetime
from typing import Any

from marshmallow import ValidationError, fields, validate
from webargs.fields import DelimitedList

from server.appointments.models import TECHNICAL_ASSISTANCE, AppointmentStatus
from server.common.schemas import (
    YEARS,
    YEARS_MESSAGE,
    AddressSchema,
    Id,
    PageArgs,
    Ref,
    StoreTime,
    Strict,
    Text,
    When,
    assignee_filter,
    page_schema,
)

STATUSES = [status.value for status in AppointmentStatus]
BOOKABLE = [AppointmentStatus.SCHEDULED.value, AppointmentStatus.CONFIRMED.value]


def calendar_type_field(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Regexp(r"^[a-z][a-z_]{0,29}$", error="Tipo de agenda inválido."),
        metadata={"description": "Tipo de Agenda; the case screens and the agenda show technical_assistance"},
        **kwargs,
    )


class DayOrTime(fields.Field[date]):
    """A date (a whole local day of the store) or a date and time (naive = the store's clock)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "example": "2026-03-10", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        text = value.strip() if isinstance(value, str) else ""
        try:
            when = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError("Informe uma data (AAAA-MM-DD) ou data e hora ISO 8601.") from None
        if not YEARS[0] <= when.year <= YEARS[1]:
            raise ValidationError(YEARS_MESSAGE)
        return when


class LocationIn(Strict):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), metadata={"description": "Latitude"})
    lng = fields.Float(required=True, validate=validate.Range(-180, 180), metadata={"description": "Longitude"})
    accuracy = fields.Float(
        allow_none=True, validate=validate.Range(0, 100_000), metadata={"description": "Meters, as the phone reports"}
    )


class AppointmentIn(Strict):
    calendar_type = calendar_type_field(load_default=TECHNICAL_ASSISTANCE)
    appointment_type_id = Id(required=True, metadata={"description": "Tipo de Compromisso (catalog)"})
    assignee_id = Id(required=True, metadata={"description": "Responsável: a technician of the store"})
    starts_at = When(
        required=True, metadata={"description": "Data/Hora Inicial; a naive time is read in the store's timezone"}
    )
    ends_at = When(required=True, metadata={"description": "Data/Hora Final; after starts_at"})
    subject = Text(200, allow_none=True, metadata={"description": "Assunto"})
    notes = Text(4000, allow_none=True, metadata={"description": "Observação"})
    room_id = Id(allow_none=True, metadata={"description": "Ambiente (catalog)"})
    status = fields.String(
        load_default=AppointmentStatus.SCHEDULED.value,
        validate=validate.OneOf(BOOKABLE, error="Uma visita nova é agendada ou confirmada."),
        metadata={"description": "Situação: scheduled (default) or confirmed"},
    )
    allow_overlap = fields.Boolean(
        load_default=False,
        metadata={"description": "Book even when the technician has another live visit then (kept on the record)"},
    )


class AppointmentUpdate(Strict):
    calendar_type = calendar_type_field()
    appointment_type_id = Id(required=True)
    assignee_id = Id(required=True, metadata={"description": "Reassign the visit to another technician"})
    starts_at = When(required=True, metadata={"description": "Changing the times reschedules the visit"})
    ends_at = When(required=True)
    subject = Text(200, allow_none=True)
    notes = Text(4000, allow_none=True)
    room_id = Id(allow_none=True)
    allow_overlap = fields.Boolean(metadata={"description": "Move even onto another live visit of the technician"})
    status = fields.String(
        validate=validate.OneOf(STATUSES, error="Situação inválida."),
        metadata={"description": "confirmed; check-in, check-out and cancel have their own endpoints"},
    )


class AppointmentCancelIn(Strict):
    reason = Text(500, required=True, metadata={"description": "Motivo do cancelamento"})


class CheckInOut(Strict):
    at = When(metadata={"description": "When it happened (defaults to now; naive = the store's clock)"})
    location = fields.Nested(LocationIn, allow_none=True, metadata={"description": "Where the phone was"})


class AgendaArgs(PageArgs):
    assignee = assignee_filter()
    from_ = DayOrTime(
        data_key="from",
        metadata={"description": "Visits that end after the start of this day (the store's local day) or instant"},
    )
    to = DayOrTime(
        metadata={"description": "Visits starting before the end of this day (inclusive) or before this instant"}
    )
    status = DelimitedList(fields.String(validate=validate.OneOf(STATUSES, error="Situação inválida.")))
    calendar_type = calendar_type_field(load_default=TECHNICAL_ASSISTANCE)  # 'all': every Tipo de Agenda
    store_id = Id()


class CaseAppointmentsArgs(Strict):
    calendar_type = calendar_type_field(load_default=TECHNICAL_ASSISTANCE)


class VisitCustomer(Strict):
    id = fields.Integer()
    name = fields.String()
    phones = fields.List(fields.String())


class VisitCase(Strict):
    id = fields.Integer()
    number = fields.String()
    status = fields.String()
    customer = fields.Nested(VisitCustomer)
    service_address = fields.Nested(AddressSchema)


class LocationOut(Strict):
    lat = fields.Float()
    lng = fields.Float()
    accuracy = fields.Float(allow_none=True)


class AppointmentOut(Strict):
    id = fields.Integer()
    store_id = Id()
    case_id = Id()
    case = fields.Nested(VisitCase)
    calendar_type = fields.String()
    appointment_type = fields.Nested(Ref, allow_none=True)
    assignee = fields.Nested(Ref)
    starts_at = StoreTime()
    ends_at = StoreTime()
    status = fields.String()
    status_label = fields.String()
    subject = fields.String(allow_none=True)
    notes = fields.String(
        allow_none=True, metadata={"description": "Observação do escritório (read-only on the phone)"}
    )
    technician_notes = fields.String(
        allow_none=True, metadata={"description": "The technician's own note, written from the phone"}
    )
    technician_notes_at = StoreTime(allow_none=True)
    room = fields.Nested(Ref, allow_none=True)
    allow_overlap = fields.Boolean()
    cancel_reason = fields.String(allow_none=True)
    checked_in_at = StoreTime(allow_none=True)
    checked_out_at = StoreTime(allow_none=True)
    check_in_location = fields.Nested(LocationOut, allow_none=True)
    check_out_location = fields.Nested(LocationOut, allow_none=True)
    version = fields.Integer()
    created_at = StoreTime()
    updated_at = StoreTime()


AppointmentPage = page_schema(AppointmentOut, "AppointmentPage")
