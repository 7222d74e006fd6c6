"""The events service's feeds as calendars: their names and the links that subscribe to them. The VEVENT renderer
and the VTIMEZONE are the calendar core's (``services/calendar/ical.py``)."""

from services.events.ical.calendar import CalendarMeta, assemble_calendar, calendar_header
from services.events.ical.links import subscribe_links

__all__ = ["CalendarMeta", "assemble_calendar", "calendar_header", "subscribe_links"]
