from marshmallow import fields

from server.common.schemas import Day, Id, Ref, Strict, When
from server.orders.schemas import CostSummaryOut


class DashboardArgs(Strict):
    store_id = Id(metadata={"description": "One of the user's stores; default: all of them"})


class Counts(Strict):
    open = fields.Integer(metadata={"description": "Aberta"})
    scheduled = fields.Integer(metadata={"description": "Agendada"})
    in_service = fields.Integer(metadata={"description": "Em atendimento"})
    pending = fields.Integer(metadata={"description": "Com pendências"})
    overdue = fields.Integer(metadata={"description": "Past due_at and not closed or cancelled"})
    due_soon = fields.Integer(metadata={"description": "Not finished, due within due_soon_days"})


class VisitToday(Strict):
    id = fields.Integer()
    case_id = Id()
    case_number = fields.String()
    customer_name = fields.String()
    starts_at = When()
    ends_at = When()
    status = fields.String()
    status_label = fields.String()


class TechnicianDay(Strict):
    technician = fields.Nested(Ref)
    total = fields.Integer()
    done = fields.Integer()
    visits = fields.List(fields.Nested(VisitToday))


class MonthCosts(CostSummaryOut):
    month = fields.String(metadata={"description": "YYYY-MM, the store's calendar"})


class Week(Strict):
    week_start = Day(metadata={"description": "Monday"})
    opened = fields.Integer()
    closed = fields.Integer(metadata={"description": "Finalizadas (cancelled ones are not counted)"})


class DashboardOut(Strict):
    store_ids = fields.List(fields.Integer())
    timezone = fields.String()
    today = Day()
    due_soon_days = fields.Integer()
    counts = fields.Nested(Counts)
    visits_today = fields.List(fields.Nested(TechnicianDay))
    costs_month = fields.Nested(MonthCosts)
    weekly = fields.List(fields.Nested(Week), metadata={"description": "The last 8 weeks, oldest first"})
