"""Text shown in e-mails: dates in Polish or English, places, and what an update changed."""

from datetime import datetime

from services.calendar.changes import changed_groups
from services.calendar.ical import place_words
from services.calendar.recurrence import Series
from services.ui import dates
from services.ui.series import describe


def format_when(event: dict, language: str, genitive: bool = False) -> str:
    """One date of the event (its first, or the occurrence the snapshot is set to), always with the year;
    ``genitive`` where the mail says "from" ("od wtorku, …")."""
    start, end = datetime.fromisoformat(event["starts_at"]), datetime.fromisoformat(event["ends_at"])
    return dates.when(start, end, event["all_day"], language, with_year=True, genitive=genitive)


def format_series(event: dict, language: str) -> str:
    """A series in words ("W każdy wtorek, 17:00–19:00, od 2 marca do 27 kwietnia 2027, bez 16 marca"); for a
    single event, its date."""
    if not event.get("rrule"):
        return format_when(event, language)
    shown = Series.of(event)
    return describe(shown, language, dates.hours(shown.starts_at, shown.ends_at, language))


def format_place(event: dict) -> str:
    """Where an event (or a partner meeting) is, in the words of its feed's LOCATION and its public page: its centre,
    then its room and address (``ical.place_words``); its district while it has no place."""
    return place_words(event.get("centre_name"), event.get("location")) or event.get("district_name") or ""


#: What each group of significant changes is called in an e-mail.
LABELS = {"pl": {"title": "tytuł", "time": "termin", "place": "miejsce", "dates": "zmienione terminy"},
          "en": {"title": "title", "time": "time", "place": "place", "dates": "changed dates"}}
CANCELLED = {"pl": "odwołane", "en": "cancelled"}
MOVED = {"pl": "przeniesione na", "en": "moved to"}


def format_overrides(event: dict, language: str) -> str:
    """The dates of a series changed on their own: "16 marca: przeniesione na czwartek, 18 marca 2027, 17:00–19:00"."""
    lines = []
    for override in event.get("overrides") or []:
        original = datetime.fromisoformat(override["recurrence_id"])
        said = dates.day(original, language, with_year=False)
        if override["status"] == "cancelled":
            lines.append(f"{said}: {CANCELLED[language]}")
        else:
            starts, ends = (datetime.fromisoformat(override[name]) for name in ("starts_at", "ends_at"))
            moved = dates.when(starts, ends, False, language, with_year=True)
            place = f" ({override['location']})" if override.get("location") else ""
            lines.append(f"{said}: {MOVED[language]} {moved}{place}")
    return "; ".join(lines)


def describe_changes(previous: dict | None, event: dict, language: str) -> list[dict]:
    """For each significant change, its name and the old and new values as the e-mail shows them."""
    shown = {"title": lambda e: e["title"], "time": lambda e: format_series(e, language), "place": format_place,
             "dates": lambda e: format_overrides(e, language)}
    if previous is None:
        return []
    return [{"field": group, "label": LABELS[language][group], "old": shown[group](previous),
             "new": shown[group](event)} for group in changed_groups(previous, event)]
