"""The event's fields, once: what a caller may set, what the API shows, which columns hold each (and so which
message ``changed_fields`` a change of a column names), and what each puts in the event's message snapshot. The input
and output schemas (``schemas.py``) and the snapshot (``snapshot.snapshot``) are made from this table, and the
operations read and write the plain fields through it. Which changes are significant is the calendar core's rule
(``services/calendar/changes.py``, by snapshot key). A new field is a row here, a column and a migration; a new key
in the snapshot is also a new message type in ``services/messaging/messages/events.py`` (a test in
``tests/events/test_event_changes.py`` holds the table and the message type to the same keys).
"""

from collections.abc import Callable
from dataclasses import dataclass

from marshmallow import fields, validate

from services.calendar.times import TZID, to_wire
from services.events.models import AUDIENCES, CATEGORIES, STATUSES, VISIBILITIES
from services.messaging.fields import multi_line, one_line, record_id, web_address
from services.messaging.models import ADDRESS_LENGTH, DISTRICT_SLUG_LENGTH, SLUG_LENGTH, TITLE_LENGTH


def _optional(field, *args, **kwargs):
    return field(*args, allow_none=True, **kwargs)


@dataclass(frozen=True)
class EventField:
    name: str
    #: The columns that hold it; a plain field is one column of the same name, copied as it is.
    columns: tuple[str, ...]
    #: How a caller sets it (None: callers do not).
    takes: fields.Field | None
    #: How the API shows it (None: not shown).
    shows: fields.Field | None
    plain: bool = False
    #: What it puts in the message snapshot, from the event and the replica rows it names (``related``, by field
    #: name); None: the column of the same name, as it is.
    carries: Callable[[object, dict], dict] | None = None

    def snapshot(self, event, related: dict) -> dict:
        if self.carries is None:
            return {self.name: getattr(event, self.name)}
        return self.carries(event, related)


def _plain(name: str, takes, shows) -> EventField:
    return EventField(name, (name,), takes, shows, plain=True)


def _time(name: str) -> Callable[[object, dict], dict]:
    return lambda event, related: {name: to_wire(getattr(event, name))}


def _listed(name: str) -> Callable[[object, dict], dict]:
    return lambda event, related: {name: list(getattr(event, name) or [])}


def _named(name: str, slug: bool = True) -> Callable[[object, dict], dict]:
    """A replica row the event names: its id, and its name (and slug) for those who do not hold the replica."""
    def carries(event, related: dict) -> dict:
        row = related.get(name)
        named = {f"{name}_id": getattr(event, f"{name}_id"), f"{name}_name": row.name if row else None}
        return {**named, f"{name}_slug": row.slug if row else None} if slug else named
    return carries


def _columns(*names: str) -> Callable[[object, dict], dict]:
    return lambda event, related: {name: getattr(event, name) for name in names}


def _registration(event, related: dict) -> dict:
    return {"registration": {"url": event.registration_url, "required": event.registration_required,
                             "capacity": event.capacity}}


def event_fields(moment, registration, override) -> tuple[EventField, ...]:
    """The table, given the schema types it needs: a time (``Moment``), ``registration`` and ``override``."""
    return (
        _plain("title", one_line(TITLE_LENGTH, min_length=1, required=True), fields.String()),
        EventField("description", ("description",), multi_line(10000, load_default=""), fields.String()),
        EventField("starts_at", ("starts_at",), moment(required=True), fields.String(), carries=_time("starts_at")),
        EventField("ends_at", ("ends_at",), moment(required=True), fields.String(), carries=_time("ends_at")),
        EventField("all_day", ("all_day",), fields.Boolean(load_default=False), fields.Boolean()),
        EventField("rrule", ("rrule",), _optional(one_line, 500, metadata={"description": RRULE}),
                   fields.String(allow_none=True)),
        EventField("exdates", ("exdates",), fields.List(moment(), load_default=list,
                                                         validate=validate.Length(max=1000)),
                   fields.List(fields.String()), carries=_listed("exdates")),
        EventField("overrides", ("overrides",), None, fields.List(fields.Nested(override)),
                   carries=_listed("overrides")),
        EventField("district", ("district_id",), one_line(DISTRICT_SLUG_LENGTH, required=True,
                                                          metadata={"description": "The district's slug."}),
                   fields.String(), carries=_named("district")),
        EventField("centre", ("centre_id",), _optional(one_line, SLUG_LENGTH, metadata={
            "description": "The centre's slug; it must be in the district."}), fields.String(allow_none=True),
                   carries=_named("centre")),
        EventField("partnership", ("partnership_id",), _optional(record_id, strict=True, metadata={
            "description": "The partnership's id."}), fields.Integer(allow_none=True),
                   carries=_named("partnership", slug=False)),
        EventField("organisation", ("organisation_id",), one_line(SLUG_LENGTH, metadata={
            "description": "Admin only: the slug of the organisation posted for."}), None,
                   carries=_named("organisation")),
        _plain("visibility", None, fields.String(validate=validate.OneOf(VISIBILITIES))),
        EventField("audiences", ("audiences",), fields.List(fields.String(validate=validate.OneOf(AUDIENCES)),
                                                             load_default=list,
                                                             validate=validate.Length(max=len(AUDIENCES))),
                   fields.List(fields.String()), carries=_listed("audiences")),
        _plain("category", fields.String(required=True, validate=validate.OneOf(CATEGORIES)), fields.String()),
        EventField("location", ("location", "latitude", "longitude"), _optional(one_line, ADDRESS_LENGTH, metadata={
            "description": "Free text; defaults to the centre's address."}), fields.String(allow_none=True),
                   carries=_columns("location", "latitude", "longitude")),
        _plain("url", _optional(web_address, 500), fields.String(allow_none=True)),
        _plain("contact", _optional(one_line, 300), fields.String(allow_none=True)),
        _plain("accessibility", _optional(multi_line, 2000), fields.String(allow_none=True)),
        EventField("registration", ("registration_url", "registration_required", "capacity"),
                   _optional(fields.Nested, registration), fields.Nested(registration, allow_none=True),
                   carries=_registration),
        EventField("status", ("status",), fields.String(validate=validate.OneOf(STATUSES)), fields.String()),
    )


RRULE = ("An RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=TU;UNTIL=20270427T235959. FREQ is DAILY, WEEKLY, MONTHLY "
         "or YEARLY; INTERVAL 1-366; COUNT up to 1000 or UNTIL (Warsaw time, or UTC with Z; a bare date is that "
         "whole Warsaw day, its dates included), not before starts_at; BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS (1-4, "
         "with plain weekdays) and WKST. The rule must give a second date within five years of starts_at.")
#: Columns of the service's own, which no API field shows.
OWN_COLUMNS = ("search_text",)


def record_snapshot(event) -> dict:
    """What the message snapshot says of the record itself rather than of a field: its identity, versions, zone,
    the meeting it comes from and its timestamps."""
    return {"id": str(event.id), "version": event.version, "sequence": event.sequence, "timezone": TZID,
            "meeting_id": event.meeting_id, "created_at": to_wire(event.created_at),
            "updated_at": to_wire(event.updated_at), "cancelled_at": to_wire(event.cancelled_at)}
