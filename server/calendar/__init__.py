"""A technician's agenda as an iCalendar feed, for Google Calendar or Outlook to subscribe to."""
