"""What one VEVENT of a feed shows: a plain, frozen value, built from an event row by the feed code."""

from dataclasses import dataclass, field
from datetime import date, datetime

STATUSES = ("CONFIRMED", "CANCELLED")


@dataclass(frozen=True)
class CalendarEvent:
    """One event as calendar apps see it.

    ``start``/``end`` are aware datetimes, or dates for an all-day event (``end`` exclusive, as DTEND;VALUE=DATE).
    ``exdates`` are of the same kind as ``start``. ``rrule`` is the RRULE value without its ``RRULE:`` prefix.
    """

    uid: str
    sequence: int
    created: datetime
    last_modified: datetime
    title: str
    description: str
    url: str
    start: datetime | date
    end: datetime | date
    organiser_name: str
    organiser_email: str | None = None
    organiser_url: str | None = None
    status: str = "CONFIRMED"
    rrule: str | None = None
    exdates: tuple[datetime | date, ...] = ()
    location: str | None = None
    geo: tuple[float, float] | None = None
    categories: tuple[str, ...] = field(default=())

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")
        if self.all_day:
            if any(isinstance(value, datetime) for value in (self.end, *self.exdates)):
                raise ValueError("an all-day event has dates only, in end and exdates too")
        elif not all(_aware(value) for value in (self.start, self.end, *self.exdates)):
            raise ValueError("start, end and exdates must be timezone-aware datetimes (or all dates)")
        if not self.end > self.start:
            raise ValueError("end must be after start")
        if not (_aware(self.created) and _aware(self.last_modified)):
            raise ValueError("created and last_modified must be timezone-aware")

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


def _aware(value) -> bool:
    return isinstance(value, datetime) and value.utcoffset() is not None
