"""Jinja filters: dates in the reader's language in Europe/Warsaw, and plain text shown safely.

``when`` gives "sobota, 14 marca, 10:00–12:00" in Polish and "Saturday, 14 March, 10:00–12:00" in English.
Babel's skeleton matching picks the short weekday ("sob."), which seniors read less easily, so the pattern is
spelled out.
"""

import re
from datetime import date, datetime
from urllib.parse import urlsplit

from babel.dates import format_date
from babel.numbers import format_percent
from markupsafe import Markup, escape

from services.calendar.times import local_date
from services.ui import dates, series
from services.ui.i18n import page_language

#: A time range with the comma, colon or semicolon right after it, kept in its span: text split at tags (a reader,
#: a screen reader's) must not see "10:30–12:00 , od".
_TIME_RANGE = re.compile(r"(\d{1,2}:\d{2}–\d{1,2}:\d{2}[,:;]?)")


def day(value: date | datetime, genitive: bool = False) -> str:
    """The weekday and date, with the year only when it is not this year; ``genitive`` after "od" or "do"."""
    return dates.day(value, page_language(), genitive=genitive)


def clock(value: datetime) -> str:
    return dates.clock(value, page_language())


def when(starts_at: datetime, ends_at: datetime, all_day: bool = False, genitive: bool = False) -> str:
    """A time span as a person says it: one day with its hours, or first and last day; ``genitive`` after "od"."""
    return dates.when(starts_at, ends_at, all_day, page_language(), genitive=genitive)


def series_words(event) -> str:
    """A repeating event (anything with ``series``) in words: "W każdy wtorek, 17:00–19:00, od …"; "" for one date."""
    shown = event.series
    return series.describe(shown, page_language(), dates.hours(shown.starts_at, shown.ends_at, page_language()))


def unbroken_times(text: str) -> Markup:
    """``text`` escaped, each "10:00–12:00" kept on one line: a range split over two lines is easily misread."""
    return Markup(_TIME_RANGE.sub(r'<span class="nowrap">\1</span>', str(escape(text))))


def long_date(value: date | datetime | str | None) -> str:
    """"2 kwietnia 2018" (a datetime: its day in Warsaw); a string is an ISO date, such as a consent text's version."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    if isinstance(value, datetime):
        value = local_date(value)
    return format_date(value, "d MMMM y", locale=page_language()) if value else ""


def percent(share: float) -> str:
    """A share as a percentage with one decimal, as the page's language writes it: "1,8%" in Polish, "1.8%" in
    English."""
    return format_percent(share, "#,##0.0%", locale=page_language())


def plain_text(text: str | None) -> Markup:
    """Plain text as HTML: everything escaped (a ``<script>`` shows as text), line breaks kept."""
    lines = escape(text or "").split("\n")
    return Markup("<br>\n").join(line.rstrip("\r") for line in lines)


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address, else None: a ``javascript:`` link never reaches a page."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme in ("http", "https") else None


def tel_url(phone: str) -> str:
    """A ``tel:`` link a phone can dial: "34 123 45 67 w. 12" → "tel:341234567"; a leading + is kept."""
    number = phone.split("w.")[0].split("wew")[0]
    digits = "".join(char for char in number if char.isdigit())
    return f"tel:{'+' if number.strip().startswith('+') else ''}{digits}"


FILTERS = {"when": when, "series_words": series_words, "unbroken_times": unbroken_times, "day": day, "clock": clock,
           "long_date": long_date, "percent": percent, "plain_text": plain_text, "web_url": web_url, "tel_url": tel_url}
