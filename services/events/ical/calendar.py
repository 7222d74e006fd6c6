"""A whole feed: a header rendered once per process, then the stored VEVENTs joined, which is what makes it fast."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, lru_cache

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard, vDuration, vRecur

from services.ui.naming import feed_name, public_name

TZID = "Europe/Warsaw"
REFRESH = timedelta(hours=1)
FOOTER = "END:VCALENDAR\r\n"


@dataclass(frozen=True)
class CalendarMeta:
    """What a feed says about itself: its name and description, as calendar apps show them, and who made it.

    ``product`` is the installation's public name (``OSL_PUBLIC_NAME``), in the name and the PRODID.
    """

    name: str = field(default_factory=feed_name)
    description: str = "Wydarzenia Ośrodków Społeczności Lokalnych i ich partnerów"
    product: str = field(default_factory=public_name)


@cache
def warsaw_vtimezone() -> str:
    """Europe/Warsaw as a VTIMEZONE with the EU rules (since 1996), so it holds for every future year.

    A rule-based definition, as Google, Outlook and Thunderbird publish it, instead of one line per transition:
    recurring events may run without end. ``tests/events/test_ical_timezone.py`` checks it against tzdata.
    """
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1996, 10, 27, 3, 0))
    standard.add("rrule", vRecur.from_ical("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"))
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    daylight = TimezoneDaylight()
    daylight.add("dtstart", datetime(1996, 3, 31, 2, 0))
    daylight.add("rrule", vRecur.from_ical("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"))
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    timezone = Timezone()
    timezone.add("tzid", TZID)
    timezone.add_component(daylight)
    timezone.add_component(standard)
    return timezone.to_ical().decode()


@lru_cache(maxsize=1024)
def calendar_header(meta: CalendarMeta) -> str:
    """Everything of the feed before its VEVENTs, with the VTIMEZONE they refer to."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", f"-//{meta.product}//OSL events//PL")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", meta.name)
    calendar.add("x-wr-calname", meta.name)
    calendar.add("description", meta.description)
    calendar.add("x-wr-caldesc", meta.description)
    calendar.add("x-wr-timezone", TZID)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    text = calendar.to_ical().decode()
    assert text.endswith(FOOTER)
    return text[: -len(FOOTER)] + warsaw_vtimezone()


def assemble_calendar(meta: CalendarMeta, components) -> bytes:
    """The feed's bytes: the cached header, the given rendered VEVENTs as they are, and the footer."""
    return "".join((calendar_header(meta), *components, FOOTER)).encode()
