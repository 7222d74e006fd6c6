"""Text shown in e-mails: dates in Polish or English, places, and what an update changed."""

from datetime import datetime

from services.calendar.changes import changed_groups
from services.calendar.recurrence import Series
from services.ui import dates
from services.ui.series import describe


def format_when(event: dict, language: str) -> str:
    """One date of the event (its first, or the occurrence the snapshot is set to), always with the year."""
    start, end = datetime.fromisoformat(event["starts_at"]), datetime.fromisoformat(event["ends_at"])
    return dates.when(start, end, event["all_day"], language, with_year=True)


def format_series(event: dict, language: str) -> str:
    """A series in words ("W każdy wtorek, 17:00–19:00, od 2 marca do 27 kwietnia 2027, bez 16 marca"); for a
    single event, its date."""
    if not event.get("rrule"):
        return format_when(event, language)
    shown = Series.of(event)
    return describe(shown, language, dates.hours(shown.starts_at, shown.ends_at, language))


def format_place(event: dict) -> str:
    parts = (event.get("location") or event.get("centre_name"), event.get("district_name"))
    return ", ".join(part for part in parts if part)


def describe_changes(previous: dict | None, event: dict, language: str) -> list[dict]:
    """For each significant change, its name and the old and new values as the e-mail shows them."""
    shown = {"title": lambda e: e["title"], "time": lambda e: format_series(e, language), "place": format_place}
    if previous is None:
        return []
    return [{"field": group, "old": shown[group](previous), "new": shown[group](event)}
            for group in changed_groups(previous, event)]
