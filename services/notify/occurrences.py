"""The occurrences of an event snapshot within a window, as reminders and digests key them.

The expansion itself is the calendar core's (``services/calendar/recurrence.py``): bounded, in Warsaw wall-clock
time, with excluded dates left out, and a quarantined rule showing its first date only.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from services.calendar import recurrence

#: At most this many occurrences of one series in one window (a reminder's or a digest's).
MAX_PER_WINDOW = 50


@dataclass(frozen=True)
class Occurrence:
    """One date of an event: the snapshot, and this occurrence's start and end in Warsaw time."""

    event: dict
    starts_at: datetime
    ends_at: datetime
    #: The start the rule gave this date, when it was moved on its own (an override).
    recurrence_id: datetime | None = None

    @property
    def key(self) -> str:
        """The start in UTC ISO 8601: what tells one occurrence's reminder from another's (``Notice.occurrence``)."""
        return self.starts_at.astimezone(UTC).isoformat()

    @property
    def rule_key(self) -> str:
        """The start the rule gives the date, in UTC ISO 8601: what names a date's registrations, and stays the same
        when the date is moved on its own."""
        return (self.recurrence_id or self.starts_at).astimezone(UTC).isoformat()

    def times(self) -> dict:
        """The start and end as a notice's payload carries them (ISO 8601 with the Warsaw offset of their day)."""
        return {"starts_at": self.starts_at.isoformat(), "ends_at": self.ends_at.isoformat()}


def between(event: dict, start: datetime, end: datetime, limit: int = MAX_PER_WINDOW) -> list[Occurrence]:
    """The occurrences of ``event`` (a snapshot) that start in [start, end), soonest first."""
    return [Occurrence(event, found.starts_at, found.ends_at, found.recurrence_id)
            for found in recurrence.occurrences(recurrence.Series.of(event), start, end, limit)]


def next_one(event: dict, after: datetime) -> Occurrence | None:
    """The first occurrence of ``event`` that ends after ``after`` (one going on counts), or None when every date is
    over: where a registration for the whole series made at ``after`` starts."""
    found = recurrence.next_occurrence(recurrence.Series.of(event), after)
    return None if found is None else Occurrence(event, found.starts_at, found.ends_at, found.recurrence_id)
