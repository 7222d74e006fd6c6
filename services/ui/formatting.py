"""Jinja filters: dates in the reader's language in Europe/Warsaw, and plain text shown safely.

``when`` gives "sobota, 14 marca, 10:00–12:00" in Polish and "Saturday, 14 March, 10:00–12:00" in English.
Babel's skeleton matching picks the short weekday ("sob."), which seniors read less easily, so the pattern is
spelled out.
"""

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

WARSAW = ZoneInfo("Europe/Warsaw")
_TIME_RANGE = re.compile(r"(\d{1,2}:\d{2}–\d{1,2}:\d{2})")


def _locale() -> str:
    return str(get_locale() or "pl")


def day(value: date | datetime) -> str:
    """The weekday and date, with the year only when it is not this year."""
    if isinstance(value, datetime):
        value = value.astimezone(WARSAW).date()
    pattern = "EEEE, d MMMM" if value.year == datetime.now(WARSAW).year else "EEEE, d MMMM y"
    return format_date(value, pattern, locale=_locale())


def clock(value: datetime) -> str:
    return format_time(value.astimezone(WARSAW), "HH:mm", locale=_locale())


def when(starts_at: datetime, ends_at: datetime, all_day: bool = False) -> str:
    """A time span as a person says it: one day with its hours, or first and last day."""
    if all_day:
        last = (ends_at.astimezone(WARSAW) - timedelta(days=1)).date()
        first = starts_at.astimezone(WARSAW).date()
        if last <= first:
            return gettext("%(day)s, all day", day=day(first))
        return f"{day(first)} – {day(last)}"
    if starts_at.astimezone(WARSAW).date() == ends_at.astimezone(WARSAW).date():
        return f"{day(starts_at)}, {clock(starts_at)}–{clock(ends_at)}"
    return f"{day(starts_at)}, {clock(starts_at)} – {day(ends_at)}, {clock(ends_at)}"


def unbroken_times(text: str) -> Markup:
    """``text`` escaped, each "10:00–12:00" kept on one line: a range split over two lines is easily misread."""
    return Markup(_TIME_RANGE.sub(r'<span class="nowrap">\1</span>', str(escape(text))))


def long_date(value: date | datetime | None) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(WARSAW).date()
    return format_date(value, "d MMMM y", locale=_locale()) if value else ""


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


FILTERS = {"when": when, "unbroken_times": unbroken_times, "day": day, "clock": clock, "long_date": long_date,
           "plain_text": plain_text, "web_url": web_url, "tel_url": tel_url}
