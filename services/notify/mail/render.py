"""Text shown in e-mails: dates in Polish or English, places, and what an update changed."""

from datetime import datetime

from services.calendar.changes import changed_groups
from services.calendar.times import WARSAW

WEEKDAYS = {
    "pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "pl": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
           "października", "listopada", "grudnia"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}
ALL_DAY = {"pl": "cały dzień", "en": "all day"}

def format_day(moment: datetime, language: str) -> str:
    return f"{WEEKDAYS[language][moment.weekday()]}, {moment.day} {MONTHS[language][moment.month - 1]} {moment.year}"


def format_when(event: dict, language: str) -> str:
    start = datetime.fromisoformat(event["starts_at"]).astimezone(WARSAW)
    end = datetime.fromisoformat(event["ends_at"]).astimezone(WARSAW)
    if event["all_day"]:
        return f"{format_day(start, language)} ({ALL_DAY[language]})"
    if start.date() == end.date():
        return f"{format_day(start, language)}, {start:%H:%M}–{end:%H:%M}"
    return f"{format_day(start, language)}, {start:%H:%M} – {format_day(end, language)}, {end:%H:%M}"


def format_place(event: dict) -> str:
    parts = (event.get("location") or event.get("centre_name"), event.get("district_name"))
    return ", ".join(part for part in parts if part)


def describe_changes(previous: dict | None, event: dict, language: str) -> list[dict]:
    """For each significant change, its name and the old and new values as the e-mail shows them."""
    shown = {"title": lambda e: e["title"], "time": lambda e: format_when(e, language), "place": format_place}
    if previous is None:
        return []
    return [{"field": group, "old": shown[group](previous), "new": shown[group](event)}
            for group in changed_groups(previous, event)]
