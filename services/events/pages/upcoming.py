"""Which public events are still to come, each at its next occurrence (a series shows its next date)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, or_, select

from services.calendar import recurrence
from services.calendar.times import local_date, local_midnight
from services.events.models import Event
from services.events.queries import text_matches

#: How many events a page lists; the rest are reached by narrowing the filters.
PAGE_SIZE = 50
#: How many candidate rows are read before the occurrences are worked out.
SCAN_LIMIT = 1000


@dataclass(frozen=True)
class Occurrence:
    event: Event
    starts_at: datetime
    ends_at: datetime

    @property
    def repeats(self) -> bool:
        return self.event.rrule is not None


def next_occurrence(event: Event, after: datetime) -> Occurrence | None:
    """The first occurrence of ``event`` that ends after ``after``, or None. A series' dates are the calendar
    core's, so a first date skipped or moved is not shown as the next one."""
    if event.rrule is None:
        return Occurrence(event, event.starts_at, event.ends_at) if event.ends_at > after else None
    found = recurrence.next_occurrence(event.series, after)
    return None if found is None else Occurrence(event, found.starts_at, found.ends_at)


def upcoming(session, since: datetime, district_id: int | None = None, centre_id: int | None = None,
             organisation_id: int | None = None, audience: str | None = None, category: str | None = None,
             text: str | None = None, until: datetime | None = None, limit: int = PAGE_SIZE) -> list[Occurrence]:
    """Public events with an occurrence ending after ``since`` (and starting before ``until``), soonest first."""
    query = select(Event).where(Event.visibility == "public", or_(Event.ends_at > since, Event.rrule.is_not(None)))
    if until is not None:
        query = query.where(Event.starts_at < until)
    if text:
        query = query.where(text_matches(text))
    for column, value in ((Event.district_id, district_id), (Event.centre_id, centre_id),
                          (Event.organisation_id, organisation_id), (Event.category, category)):
        if value is not None:
            query = query.where(column == value)
    if audience:
        # Audiences come from a fixed list of plain words, so their quoted JSON form is a safe pattern.
        query = query.where(cast(Event.audiences, String).like(f'%"{audience}"%'))
    rows = session.scalars(query.order_by(Event.starts_at, Event.id).limit(SCAN_LIMIT))
    found = [occurrence for event in rows if (occurrence := next_occurrence(event, since))
             and (until is None or occurrence.starts_at < until)]
    return sorted(found, key=lambda o: (o.starts_at, str(o.event.id)))[:limit]


def since(day: date | None, now: datetime) -> datetime:
    """From the start of ``day`` (Europe/Warsaw), but never before ``now``: the pages list what is still to come."""
    return now if day is None else max(now, local_midnight(day))


#: The quick choices of the events pages: from now to the end of Sunday, or Saturday and Sunday.
PERIODS = ("week", "weekend")


def period(name: str, now: datetime) -> tuple[datetime, datetime]:
    """(since, until) of "this week" (now to the end of Sunday) or "this weekend" (Saturday and Sunday; on a
    weekend, the rest of it), in Europe/Warsaw."""
    today = local_date(now)
    monday = today + timedelta(days=7 - today.weekday())
    start = now if name == "week" or today.weekday() >= 5 else local_midnight(monday - timedelta(days=2))
    return start, local_midnight(monday)
