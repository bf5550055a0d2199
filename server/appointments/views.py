from typing import Any

from flask import Response

from server.appointments import service
from server.appointments.agenda import agenda_answer
from server.appointments.models import Appointment
from server.appointments.schemas import (
    AgendaArgs,
    AppointmentCancelIn,
    AppointmentIn,
    AppointmentOut,
    AppointmentPage,
    AppointmentUpdate,
    CaseAppointmentsArgs,
    CheckInOut,
)
from server.auth.access import OFFICE, me, roles
from server.cases.service import load_case
from server.common.schemas import patch
from server.openapi import Blueprint

blp = Blueprint("appointments", __name__, url_prefix="/api", description="Agenda: visitas dos técnicos")


@blp.get("/cases/<int:case_id>/appointments")
@blp.arguments(CaseAppointmentsArgs, location="query")
@blp.response(200, AppointmentOut(many=True))
def list_case_appointments(args: dict[str, Any], case_id: int) -> list[Appointment]:
    """The case's visits by start time (technical assistance unless `calendar_type` says otherwise)."""
    return service.list_case_appointments(me(), load_case(me(), case_id), args)


@blp.post("/cases/<int:case_id>/appointments")
@roles(*OFFICE)
@blp.arguments(AppointmentIn)
@blp.response(201, AppointmentOut)
def create_appointment(data: dict[str, Any], case_id: int) -> Appointment:
    """Book a visit; 409 with `conflicts` when the technician has another live visit then,
    unless `allow_overlap` is true. The first visit moves an open case to scheduled."""
    return service.create_appointment(load_case(me(), case_id), data, me())


@blp.get("/appointments")
@blp.arguments(AgendaArgs, location="query")
@blp.response(200, AppointmentPage)
def agenda(args: dict[str, Any]) -> Response:
    """The agenda by start time: every visit that shares time with the period `from`–`to` (a date
    is the store's local day, or a date and time), so a visit across midnight is on both days.
    A technician sees only their own visits."""
    # Already shaped as AppointmentPage and encoded (server.appointments.agenda).
    return agenda_answer(me(), args)


@blp.get("/appointments/<int:appointment_id>")
@blp.response(200, AppointmentOut)
def get_appointment(appointment_id: int) -> Appointment:
    return service.load_appointment(me(), appointment_id)


@blp.patch("/appointments/<int:appointment_id>")
@roles(*OFFICE)
@blp.arguments(patch(AppointmentUpdate))
@blp.response(200, AppointmentOut)
def update_appointment(data: dict[str, Any], appointment_id: int) -> Appointment:
    """Edit a visit: new times reschedule it, a new `assignee_id` reassigns it (both checked for
    overlaps and kept in the case timeline); `status: confirmed` confirms it."""
    return service.update_appointment(service.load_appointment(me(), appointment_id), data, me())


@blp.post("/appointments/<int:appointment_id>/cancel")
@roles(*OFFICE)
@blp.arguments(AppointmentCancelIn)
@blp.response(200, AppointmentOut)
def cancel_appointment(data: dict[str, Any], appointment_id: int) -> Appointment:
    return service.cancel_appointment(service.load_appointment(me(), appointment_id), data["reason"], me())


@blp.post("/appointments/<int:appointment_id>/check-in")
@blp.arguments(CheckInOut)
@blp.response(200, AppointmentOut)
def check_in(data: dict[str, Any], appointment_id: int) -> Appointment:
    """Start the visit (the assignee or the office): in progress; the case moves to in service."""
    return service.check_in(service.load_appointment(me(), appointment_id), data, me())


@blp.post("/appointments/<int:appointment_id>/check-out")
@blp.arguments(CheckInOut)
@blp.response(200, AppointmentOut)
def check_out(data: dict[str, Any], appointment_id: int) -> Appointment:
    """Finish a visit that was checked in: done."""
    return service.check_out(service.load_appointment(me(), appointment_id), data, me())
