"""iCalendar rendering for the events service's feeds: pure functions, no database.

Each event's VEVENT is rendered once (:func:`render_vevent`) and stored; a feed joins stored VEVENTs under a header
rendered once per process (:func:`assemble_calendar`).
"""

from services.events.ical.calendar import CalendarMeta, assemble_calendar, calendar_header, warsaw_vtimezone
from services.events.ical.event import CalendarEvent
from services.events.ical.links import subscribe_links
from services.events.ical.render import TIMEZONE, render_vevent

__all__ = ["TIMEZONE", "CalendarEvent", "CalendarMeta", "assemble_calendar", "calendar_header", "render_vevent",
           "subscribe_links", "warsaw_vtimezone"]
