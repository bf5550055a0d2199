"""Which occurrences a user may reach: what the occurrences' service and the attachments linked
to them both ask, so it lives below both."""

from __future__ import annotations

from sqlalchemy import Select

from server.auth.access import visible
from server.auth.models import User
from server.cases.models import ServiceCase
from server.occurrences.models import Occurrence


def visible_occurrences(user: User) -> Select[Occurrence]:
    """Occurrences of the cases the user may see (a technician: the cases of their visits)."""
    return visible(Occurrence, user).where(
        Occurrence.case_id.in_(visible(ServiceCase, user).with_only_columns(ServiceCase.id))
    )
