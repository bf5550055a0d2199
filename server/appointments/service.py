"""Appointments (Agenda): technicians' visits to a case — booking without double-booking,
rescheduling, reassignment, cancelling, and the check-in/check-out of the visit.

    scheduled | confirmed | rescheduled → in_progress (check-in) → done (check-out)
    scheduled | rescheduled             → confirmed
    scheduled | confirmed | rescheduled → rescheduled (its times changed)
    any live status                     → cancelled (reason required)

Times are stored in UTC; a naive time from a request is the store's wall clock. Every write takes
the store's row lock (`bump_store_version`) *before* it reads what it checks, so two requests
booking one technician's slot queue and the second sees the first one's visit.

A visit that leaves a technician's scope (reassigned away, cancelled) leaves an `AppointmentExit`
for that technician, which the sync pull turns into a delete on their phone. Booking, moving,
reassigning and cancelling also leave push notices (`server.push`) for the technicians affected,
sent after the commit. The case follows its
visits: the first live visit moves an open case to scheduled, a check-in moves it to in service,
and cancelling the last live visit of a scheduled case moves it back to open.

The parts live in their own modules (rules, lookup, booking, status, visits); this module is
what the views and the sync handlers call.
"""

from __future__ import annotations

from server.appointments.booking import create_appointment, update_appointment
from server.appointments.lookup import LOAD, agenda, list_case_appointments, load_appointment, visible_appointments
from server.appointments.rules import CLOCK_SKEW, EDITABLE, MOVABLE, TRANSITIONS, S
from server.appointments.status import cancel_appointment, cancel_coming_visits, follow_visits
from server.appointments.visits import check_in, check_out

__all__ = [
    "CLOCK_SKEW",
    "EDITABLE",
    "LOAD",
    "MOVABLE",
    "TRANSITIONS",
    "S",
    "agenda",
    "cancel_appointment",
    "cancel_coming_visits",
    "check_in",
    "check_out",
    "create_appointment",
    "follow_visits",
    "list_case_appointments",
    "load_appointment",
    "update_appointment",
    "visible_appointments",
]
