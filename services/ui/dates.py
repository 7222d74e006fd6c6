"""Dates and times as a person reads them, in Polish or English, in Warsaw time: one way for pages and e-mails.

Pure (Babel only, the language given). Babel's skeleton matching would pick the short weekday ("sob."), which seniors
read less easily, so the patterns are spelled out. Pages leave out this year; e-mails, read later, always say it.
"""

from datetime import date, datetime, timedelta

from babel.dates import format_date, format_time

from services.calendar.times import local, local_date, today

ALL_DAY = {"pl": "{day}, cały dzień", "en": "{day}, all day"}
#: Polish weekdays in the genitive, Monday first, as said after "do" and "od" ("do czwartku, 3 grudnia"): Babel
#: has only the nominative ("czwartek").
GENITIVE_WEEKDAYS = ("poniedziałku", "wtorku", "środy", "czwartku", "piątku", "soboty", "niedzieli")


def day(value: date | datetime, language: str, with_year: bool | None = None, genitive: bool = False) -> str:
    """The weekday and date: "sobota, 14 marca 2026"; by default with the year only when it is not this year.
    ``genitive``: the weekday as it follows "do" or "od" ("do soboty, 14 marca"); the same words in English."""
    if isinstance(value, datetime):
        value = local_date(value)
    if with_year is None:
        with_year = value.year != today().year
    pattern = "d MMMM y" if with_year else "d MMMM"
    if genitive and language == "pl":
        return f"{GENITIVE_WEEKDAYS[value.weekday()]}, {format_date(value, pattern, locale=language)}"
    return format_date(value, f"EEEE, {pattern}", locale=language)


def clock(value: datetime, language: str) -> str:
    return format_time(local(value), "HH:mm", locale=language)


def moment(value: datetime, language: str, genitive: bool = False) -> str:
    """A moment with its year, as an e-mail says until or since when: "czwartek, 3 grudnia 2026, 17:30";
    ``genitive`` after "do" or "od" ("do czwartku, 3 grudnia 2026, 17:30")."""
    return f"{day(value, language, True, genitive=genitive)}, {clock(value, language)}"


def hours(starts_at: datetime, ends_at: datetime, language: str) -> str:
    """"17:00–19:00"."""
    return f"{clock(starts_at, language)}–{clock(ends_at, language)}"


def when(starts_at: datetime, ends_at: datetime, all_day: bool, language: str, with_year: bool | None = None,
         genitive: bool = False) -> str:
    """A time span as a person says it: one day with its hours, or first and last day (``ends_at`` of an all-day
    event is the midnight after its last day). ``genitive``: its first day as it follows "od" ("od wtorku, …")."""
    first_day = day(starts_at, language, with_year, genitive)
    if all_day:
        last = local_date(ends_at - timedelta(days=1))
        if last <= local_date(starts_at):
            return ALL_DAY[language].format(day=first_day)
        return f"{first_day} – {day(last, language, with_year)}"
    if local_date(starts_at) == local_date(ends_at):
        return f"{first_day}, {hours(starts_at, ends_at, language)}"
    return (f"{first_day}, {clock(starts_at, language)} – "
            f"{day(ends_at, language, with_year)}, {clock(ends_at, language)}")
