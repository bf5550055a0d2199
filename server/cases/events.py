"""What a case announces to the domains built on it.

Visits belong to a case, so the cases' service cannot call theirs: it sends these signals, and
the appointments' service (imported with every app) connects the receivers. Receivers run
inside the sender's transaction; a problem one raises fails the whole unit of work.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the case, whose assignee was set back to "the visits' technician"
assignee_released = _signals.signal("case-assignee-released")
# sender: the case, just finished (done or cancelled); `actor`: who finished it
case_finished = _signals.signal("case-finished")
