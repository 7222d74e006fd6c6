"""What a form's fields take, from the schema that checks what the form posts: a page's ``maxlength`` is then the
schema's bound, never a second copy of it.

A view passes ``limits=max_lengths(TheSchema)`` and its template writes ``maxlength="{{ limits.title }}"``.
"""

from datetime import date, datetime, time

from marshmallow import Schema, fields, validate

from services.calendar.times import SKIPPED_TIME, exists_in_warsaw, local
from services.ui.labels import N_

#: What a form says of one of several dates typed in one field that is none (31.02.2027, 24.13.2026, "jutro"): which
#: one, as typed (shortened past ``SHOWN_VALUE`` characters).
NOT_A_DATE = N_("“%(value)s” is not a valid date: write it such as 24.12.2026.")
SHOWN_VALUE = 30


def _form_fields(schema: Schema | type[Schema], kind: type[fields.Field]):
    """The fields of ``kind`` a load of ``schema`` (a class or an instance) takes, each with the name a form posts it
    under (the field's ``data_key``, else its name)."""
    if isinstance(schema, type):
        schema = schema()
    for name, field in schema.load_fields.items():
        if isinstance(field, kind):
            yield field.data_key or name, field


def max_lengths(schema: Schema | type[Schema]) -> dict[str, int]:
    """The longest text each field of ``schema`` (a class or an instance) takes, from its ``validate.Length``
    validators (the smallest ``max`` or ``equal`` of them), keyed by the name a form posts it under (the field's
    ``data_key``, else its name). Only text fields a load takes: the Length of a list counts its items, and a field
    with no Length has no entry."""
    limits = {}
    for key, field in _form_fields(schema, fields.String):
        bounds = [bound for validator in field.validators if isinstance(validator, validate.Length)
                  for bound in (validator.equal, validator.max) if bound is not None]
        if bounds:
            limits[key] = min(bounds)
    return limits


def number_bounds(schema: Schema | type[Schema]) -> dict[str, dict[str, int]]:
    """The smallest and largest whole number each integer field of ``schema`` takes, from its ``validate.Range``
    validators (``{"min": 1, "max": 10000}``, a side without a bound left out), keyed as :func:`max_lengths` keys
    them: a template writes ``min="{{ bounds.capacity.min }}" max="{{ bounds.capacity.max }}"``, and a page's
    error says the same bounds."""
    bounds = {}
    for key, field in _form_fields(schema, fields.Integer):
        ranges = [validator for validator in field.validators if isinstance(validator, validate.Range)]
        lows = [r.min for r in ranges if r.min is not None]
        highs = [r.max for r in ranges if r.max is not None]
        if lows or highs:
            bounds[key] = {**({"min": max(lows)} if lows else {}), **({"max": min(highs)} if highs else {})}
    return bounds


class FormError(ValueError):
    """What a form's own fields (a day, a time) hold wrong, before the API's schema reads the rest: the form's field
    name and the message (the catalogue's words, services/ui/errors.py MESSAGES)."""

    def __init__(self, field_name: str, message: str, **values):
        super().__init__(message % values if values else message)
        self.field = field_name
        self.message = message
        #: What the message's ``%(name)s`` placeholders say (the value typed), put in after its translation.
        self.values = values


def typed_date(text: str) -> date | None:
    """A date as Poles type it (14.03.2026, 14.3.2026) or as a date picker sends it (2026-03-14); None when it is
    neither (a two-digit year included)."""
    text = text.strip()
    try:
        if "." in text:
            day, month, year = (int(part) for part in text.split("."))
            return date(year, month, day) if year >= 1000 else None
        return date.fromisoformat(text)
    except ValueError:
        return None


def date_as_typed(value: date) -> str:
    """A date written back into a text field the way :func:`typed_date` reads it and a Pole writes it (24.12.2026)."""
    return f"{value:%d.%m.%Y}"


def form_date(value: str, name: str) -> date:
    """A date field's value (:func:`typed_date`), or a FormError naming it."""
    found = typed_date(value)
    if found is None:
        raise FormError(name, "Give a date.")
    return found


def form_dates(text: str, name: str) -> list[date]:
    """The dates of a field that takes several, one per line or separated by commas (each as :func:`typed_date`
    reads it), in the order typed; or a FormError naming the field and the first that is no date, as typed."""
    found = []
    for part in text.replace(",", "\n").split():
        day = typed_date(part)
        if day is None:
            shown = part if len(part) <= SHOWN_VALUE else part[:SHOWN_VALUE - 1] + "…"
            raise FormError(name, NOT_A_DATE, value=shown)
        found.append(day)
    return found


def typed_number(text: str) -> int | str | None:
    """A whole number as typed in a form: the number, None when the field was left empty, else the text as typed,
    for the schema to refuse with its own words."""
    text = text.strip()
    try:
        return int(text) if text else None
    except ValueError:
        return text


def form_time(value: str, name: str) -> time:
    """A time field's value (17:00), or a FormError naming it."""
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise FormError(name, "Give a time, such as 17:00.") from None


def day_and_times(day: str, starts: str, ends: str) -> tuple[datetime, datetime]:
    """A form's day, from and to (templates/ui/_fields.html) as Warsaw wall-clock times, or a FormError naming
    ``day``, ``starts`` or ``ends``: a day that is no date, a time that is none or that the clocks skip. Whether the
    end comes after the start is the schema's or the operation's to say, in its own words."""
    on = form_date(day, "day")
    times = {name: datetime.combine(on, form_time(value, name)) for name, value in (("starts", starts), ("ends", ends))}
    for name, value in times.items():
        if not exists_in_warsaw(value):
            raise FormError(name, SKIPPED_TIME)
    return times["starts"], times["ends"]


def form_day_and_times(starts_at: datetime, ends_at: datetime) -> dict[str, str]:
    """A record's start and end as the form's day, from and to show them (Warsaw time): ``day_and_times`` read
    back."""
    start, end = local(starts_at), local(ends_at)
    return {"day": start.date().isoformat(), "starts": f"{start:%H:%M}", "ends": f"{end:%H:%M}"}
