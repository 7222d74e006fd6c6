"""Messages published by the events service. Each carries the full snapshot of the event.

The notify service writes a notice from one message and keeps its own copy of the events: so the snapshot names the
district, centre, organiser and partnership as well as giving their ids. ``version`` increases on every change of
the event (a replica ignores an older snapshot); ``sequence`` is the iCal SEQUENCE, raised only by a significant
change (time, place, title, status). Times are ISO 8601 with the Europe/Warsaw offset of their day.
"""

from marshmallow import Schema, fields, validate

from services.calendar.times import TZID
from services.messaging.models import (
    DISTRICT_NAME_LENGTH,
    DISTRICT_SLUG_LENGTH,
    NAME_LENGTH,
    ROOM_NAME_LENGTH,
    SLUG_LENGTH,
    TITLE_LENGTH,
)
from services.messaging.registry import register

EVENT_AUDIENCES = ("children", "youth", "adults", "seniors", "families", "disabilities", "everyone")
EVENT_CATEGORIES = ("workshop", "meeting", "picnic", "training", "consultation", "culture", "sport", "forum", "other")
EVENT_STATUSES = ("scheduled", "cancelled")
EVENT_VISIBILITIES = ("public", "partnership")


def _optional(field_class, **kwargs):
    return field_class(required=False, load_default=None, allow_none=True, **kwargs)


class Registration(Schema):
    #: Where to sign up, when sign-up happens elsewhere.
    url = _optional(fields.String, validate=validate.Length(max=500))
    required = fields.Boolean(required=True)
    capacity = _optional(fields.Integer, strict=True, validate=validate.Range(min=1))


class Override(Schema):
    """One date of a series changed on its own."""

    #: The start the rule gives that date: Warsaw wall-clock time without an offset (as exdates).
    recurrence_id = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    status = fields.String(required=True, validate=validate.OneOf(EVENT_STATUSES))
    location = _optional(fields.String)
    #: That date's own iCal SEQUENCE.
    sequence = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


def _text(max_length: int, **kwargs) -> dict:
    """A text as long as the columns of every consumer that stores it: a longer one is a bad message
    (dead-lettered), never a database error in a consumer's transaction."""
    return {"validate": validate.Length(min=1, max=max_length), **kwargs}


class EventSnapshot(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    sequence = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    title = fields.String(required=True, **_text(TITLE_LENGTH))
    description = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    timezone = fields.String(required=True, validate=validate.Equal(TZID))
    all_day = fields.Boolean(required=True)
    #: An RFC 5545 RRULE value without the ``RRULE:`` prefix.
    rrule = _optional(fields.String)
    #: Local (Europe/Warsaw) ISO 8601 date-times or dates of left-out occurrences.
    exdates = fields.List(fields.String(), required=True)
    #: Dates of the series moved or cancelled on their own (none before 2026-11-30).
    overrides = fields.List(fields.Nested(Override), load_default=list)
    district_id = fields.Integer(required=True, strict=True)
    district_name = fields.String(required=True, **_text(DISTRICT_NAME_LENGTH))
    district_slug = fields.String(required=True, **_text(DISTRICT_SLUG_LENGTH))
    centre_id = _optional(fields.Integer, strict=True)
    centre_name = _optional(fields.String, **_text(NAME_LENGTH))
    centre_slug = _optional(fields.String, **_text(SLUG_LENGTH))
    #: The organiser; empty for a meeting of a partnership that has no coordinating organisation.
    organisation_id = _optional(fields.Integer, strict=True)
    organisation_name = _optional(fields.String, **_text(NAME_LENGTH))
    organisation_slug = _optional(fields.String, **_text(SLUG_LENGTH))
    partnership_id = _optional(fields.Integer, strict=True)
    partnership_name = _optional(fields.String, **_text(NAME_LENGTH))
    #: Set when the event comes from a partners meeting.
    meeting_id = _optional(fields.Integer, strict=True)
    #: ``public``, or ``partnership``: for that partnership's members only, never in a public notice.
    visibility = fields.String(required=True, validate=validate.OneOf(EVENT_VISIBILITIES))
    audiences = fields.List(fields.String(validate=validate.OneOf(EVENT_AUDIENCES)), required=True)
    category = fields.String(required=True, validate=validate.OneOf(EVENT_CATEGORIES))
    location = _optional(fields.String)
    latitude = _optional(fields.Float)
    longitude = _optional(fields.Float)
    url = _optional(fields.String)
    contact = _optional(fields.String)
    accessibility = _optional(fields.String)
    registration = fields.Nested(Registration, required=True)
    status = fields.String(required=True, validate=validate.OneOf(EVENT_STATUSES))
    created_at = fields.AwareDateTime(required=True, format="iso")
    updated_at = fields.AwareDateTime(required=True, format="iso")
    cancelled_at = _optional(fields.AwareDateTime, format="iso")
    #: The event's VEVENT, byte for byte as the feeds serve it at this version: e-mails attach it as it is.
    ical = _optional(fields.String)


class EventUpdated(EventSnapshot):
    #: The API names of the fields this change touched, e.g. ``["starts_at", "ends_at"]``.
    changed_fields = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


register("event.published", "events", EventSnapshot())
register("event.updated", "events", EventUpdated())
register("event.cancelled", "events", EventSnapshot())


class ImportSourceFailing(Schema):
    """An organisation's calendar has not been pulled for a day: notify tells the organisation's contact address."""

    source_id = fields.Integer(required=True, strict=True)
    organisation_id = fields.Integer(required=True, strict=True)
    #: The calendar's address, as the organisation gave it (its own; only its contact address is told it).
    url = fields.String(required=True, validate=validate.Length(max=2000))
    failing_since = fields.AwareDateTime(required=True, format="iso")
    failures = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    #: Why the last pull failed, in a few words (e.g. ``HTTP 404``, ``timed out``).
    last_error = fields.String(required=True, validate=validate.Length(max=1000))


register("import_source.failing", "events", ImportSourceFailing())


BOOKING_KINDS = ("event", "meeting", "reservation")
BOOKING_STATES = ("confirmed", "pending", "cancelled")
BOOKING_DATE_STATES = ("active", "pending", "skipped", "cancelled")


class BookingDate(Schema):
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    #: active and pending hold the room; skipped and cancelled do not.
    state = fields.String(required=True, validate=validate.OneOf(BOOKING_DATE_STATES))
    #: Why a date is skipped: taken, holiday, closure, yielded, skipped.
    reason = _optional(fields.String)


class BookingSnapshot(Schema):
    """A room booking (issue #13) and each of its dates, up to the room's horizon."""

    id = fields.UUID(required=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    room_id = fields.Integer(required=True, strict=True)
    kind = fields.String(required=True, validate=validate.OneOf(BOOKING_KINDS))
    state = fields.String(required=True, validate=validate.OneOf(BOOKING_STATES))
    title = fields.String(required=True, **_text(TITLE_LENGTH))
    visibility = fields.String(required=True, validate=validate.OneOf(("public", "private")))
    organisation_id = _optional(fields.Integer, strict=True)
    event_id = _optional(fields.UUID)
    meeting_id = _optional(fields.Integer, strict=True)
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    rrule = _optional(fields.String)
    dates = fields.List(fields.Nested(BookingDate), required=True)


register("booking.created", "events", BookingSnapshot())
register("booking.updated", "events", BookingSnapshot())
register("booking.cancelled", "events", BookingSnapshot())


#: Why a partner meeting could not have its room: another booking holds it, or one of the room's rules
#: (services/calendar/rooms.py: bookable_hours, closure, holiday, horizon, past), or the room is gone.
MEETING_ROOM_REASONS = ("taken", "bookable_hours", "closure", "holiday", "horizon", "past", "no_room")


class MeetingRoom(Schema):
    """What became of the room a partner meeting names (issue #13): ``meeting_room.booked`` (confirmed: the room is
    the meeting's), ``meeting_room.pending`` (booked, waiting for MOPS to approve it), ``meeting_room.taken`` (not
    booked: ``reason``) or ``meeting_room.cancelled`` (its booking ended: MOPS cancelled it, ``reason`` None, or the
    room was deleted, ``no_room``). Partners marks the meeting (a cancelled booking: the meeting no longer names the
    room); notify tells the coordinator of a conflict, once."""

    meeting_id = fields.Integer(required=True, strict=True)
    #: The meeting's version the booking was tried for, and what it asked for: partners applies an outcome only
    #: while the meeting still asks for that room at that time.
    meeting_version = fields.Integer(required=True, strict=True)
    partnership_id = fields.Integer(required=True, strict=True)
    title = fields.String(required=True, **_text(TITLE_LENGTH))
    #: The partnership's coordinating organisation, told of a conflict; None when it has none.
    organisation_id = _optional(fields.Integer, strict=True)
    room_id = fields.Integer(required=True, strict=True)
    room_name = _optional(fields.String, **_text(ROOM_NAME_LENGTH))
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    #: None when booked, pending or cancelled by MOPS; else why not (or why the booking ended).
    reason = _optional(fields.String, validate=validate.OneOf(MEETING_ROOM_REASONS))
    booking_id = _optional(fields.UUID)


register("meeting_room.booked", "events", MeetingRoom())
register("meeting_room.pending", "events", MeetingRoom())
register("meeting_room.taken", "events", MeetingRoom())
register("meeting_room.cancelled", "events", MeetingRoom())
