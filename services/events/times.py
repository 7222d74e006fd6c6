"""Times as the events service takes and gives them: no offset means Europe/Warsaw local time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


def aware(value: datetime) -> datetime:
    """``value`` in UTC; a naive value is read as Europe/Warsaw local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=WARSAW)
    return value.astimezone(UTC)


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in Europe/Warsaw, in UTC."""
    return datetime.combine(day, time(0), tzinfo=WARSAW).astimezone(UTC)


def local_date(value: datetime) -> date:
    return value.astimezone(WARSAW).date()


def local_iso(value: datetime | None) -> str | None:
    """ISO 8601 with the Europe/Warsaw offset of that moment."""
    return None if value is None else value.astimezone(WARSAW).isoformat()


def day_after(day: date) -> date:
    return day + timedelta(days=1)


def parse_moment(text: str) -> date | datetime:
    """An ISO 8601 date or date-time; raises ValueError."""
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text)
