"""Field types every service's API schemas share: one-line and multi-line text, ids, bounded numbers and dates.

Each limit is in the schema, so the OpenAPI document shows it (maxLength, maximum, pattern) and a bad value gets a
422 naming the field before it reaches the database, a mail header or a calendar file.
"""

import re
from datetime import UTC, date, datetime

from marshmallow import ValidationError, fields, validate

#: The largest value of PostgreSQL's integer columns: a bigger id or count could name or hold nothing.
MAX_ID = 2**31 - 1
#: The largest value of a BIGINT (PostgreSQL) and of SQLite's INTEGER: an outbox's sequence number, say.
MAX_BIGINT = 2**63 - 1
#: Dates and times outside these years are refused: nothing the city plans is there, and arithmetic near year 1 or
#: 9999 overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2200

#: C0 and C1 control characters and the Unicode line and paragraph separators; a one-line field refuses them all.
ONE_LINE = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"
#: A multi-line field also takes tabs and line ends (LF, CR).
MULTI_LINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"


class WholeText(validate.Regexp):
    """A pattern the whole value must match: Python's ``$`` would also match before a final line break."""

    def __call__(self, value):
        if value is not None and self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class Digits(validate.Length):
    """Exactly ``count`` digits (0-9), such as a register number, with one message for any value that is not. A
    ``Length``, so a form's ``maxlength`` comes from it (services/ui/forms.py); its ``regex`` is the OpenAPI
    document's pattern."""

    def __init__(self, count: int, *, error: str | None = None):
        super().__init__(equal=count, error=error or f"Give exactly {count} digits.")
        self.regex = re.compile(rf"^[0-9]{{{count}}}$")

    def __call__(self, value):
        if value is not None and self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value, self.error))
        return value


class Trimmed(fields.String):
    """Text without the spaces around it (any Unicode space, as ``str.strip`` takes them), trimmed before it is
    checked: a name of spaces alone is as empty as no name, and its 422 names the field."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def one_line(max_length: int, *, min_length: int = 0, **kwargs) -> fields.String:
    """Text on one line (a title, a name, a phone number): no line breaks, tabs or other control characters."""
    return Trimmed(validate=[
        validate.Length(min=min_length, max=max_length),
        WholeText(ONE_LINE, error="Use one line of text, with no line breaks, tabs or control characters."),
    ], **kwargs)


#: A phone number as people write it: at least six digits, spaces, brackets and dashes, a leading + for the country.
PHONE = r"^\+?[0-9 ()-]{6,}$"


def phone_field(max_length: int, **kwargs) -> fields.String:
    """A phone number (600 123 456, +48 34 360 00 01): every service's phone field, so "xxxx" is refused everywhere."""
    return fields.String(validate=[validate.Length(max=max_length), WholeText(PHONE, error="Not a phone number.")],
                         **kwargs)


def multi_line(max_length: int, *, min_length: int = 0, **kwargs) -> fields.String:
    """Text that may have several lines (a description): tabs and line ends, but no other control characters."""
    return Trimmed(validate=[
        validate.Length(min=min_length, max=max_length),
        WholeText(MULTI_LINE, error="Text may not contain control characters other than tabs and line breaks."),
    ], **kwargs)


def bounded_int(*, minimum: int = 0, maximum: int = MAX_ID, **kwargs) -> fields.Integer:
    """An integer that fits its database column."""
    return fields.Integer(strict=True, validate=validate.Range(min=minimum, max=maximum), **kwargs)


def record_id(**kwargs) -> fields.Integer:
    """The id of another record, in the range the database holds."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def check_year(value: date) -> None:
    """Refuse a date or date-time outside FIRST_YEAR..LAST_YEAR."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(f"Give a date between the years {FIRST_YEAR} and {LAST_YEAR}.")


def bounded_date(**kwargs) -> fields.Date:
    return fields.Date(validate=check_year, **kwargs)


class UtcDateTime(fields.DateTime):
    """A time as an answer gives it: ISO 8601 with its offset. A naive value (SQLite keeps none) is UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class StoredDate(fields.Date):
    """A date kept as ISO text in a JSON column (a closure, a holiday a room opens on): dumped as it is."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


#: What a person is told of an address with letters such as ą or ł before the @.
NOT_ASCII_MAILBOX = ("Use an address without Polish letters (ą, ę, ł…) before the @: most mail servers cannot deliver "
                     "to it.")


class EmailAddress(fields.Email):
    """An e-mail address mail can be sent to: no letter outside ASCII before the @ (few servers take one, and
    Python's mail code will not write it), and a domain with such letters (łódź.pl) kept in its ASCII form
    (xn--d-uga0v4h.pl), which every server reaches."""

    def _deserialize(self, value, attr, data, **kwargs):
        address = super()._deserialize(value, attr, data, **kwargs)
        mailbox, _, domain = address.strip().rpartition("@")
        if not mailbox.isascii():
            raise ValidationError(NOT_ASCII_MAILBOX)
        if not domain.isascii():
            try:
                domain = domain.encode("idna").decode("ascii")
            except UnicodeError as exc:
                raise ValidationError(self.error_messages["invalid"]) from exc
        return f"{mailbox}@{domain}"


def email_field(max_length: int = 254, **kwargs) -> fields.Email:
    """Every input's e-mail address (254 characters at most, as SMTP allows)."""
    return EmailAddress(validate=validate.Length(max=max_length), **kwargs)


class WebAddress(fields.URL):
    """A web page's address, as people type it: one with no scheme (www.fundacja.pl, fundacja.pl/o-nas) is taken as
    the https:// address meant; only http and https pages, with a domain that has a dot."""

    def __init__(self, **kwargs):
        super().__init__(schemes={"http", "https"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.strip() and "://" not in value:
            value = "https://" + value.strip()
        return super()._deserialize(value, attr, data, **kwargs)


def web_address(max_length: int, **kwargs) -> fields.URL:
    """Every input's web page address (a website, a sign-up page): :class:`WebAddress`, ``max_length`` at most."""
    return WebAddress(validate=validate.Length(max=max_length), **kwargs)
