"""HTTP schemas of bookings and free slots."""

from datetime import datetime

from marshmallow import Schema, ValidationError, fields, post_load, validate

from services.calendar.times import SKIPPED_TIME, aware, exists_in_warsaw, to_wire
from services.events.schemas import Moment
from services.messaging.fields import one_line, record_id
from services.messaging.models import SLUG_LENGTH, TITLE_LENGTH


def _moment(data: dict, name: str) -> datetime:
    value = data[name]
    if not isinstance(value, datetime):
        raise ValidationError("Give a date-time, such as 2027-03-16T17:00:00 (Warsaw time).", name)
    if not exists_in_warsaw(value):
        raise ValidationError(SKIPPED_TIME, name)
    return aware(value)


class BookingInSchema(Schema):
    title = one_line(TITLE_LENGTH, min_length=1, metadata={"description": "What the room is held for; required unless "
                                                                          "an event is named."})
    starts_at = Moment(required=True, metadata={"description": "The first date's start (no offset: Warsaw time)."})
    ends_at = Moment(required=True)
    rrule = fields.String(validate=validate.Length(max=500), allow_none=True,
                          metadata={"description": "Repeat rule (RFC 5545, the same rules as events); stored up to "
                                                   "the room's horizon."})
    visibility = fields.String(load_default="private", validate=validate.OneOf(("public", "private")),
                               metadata={"description": "public shows the title in the room's feed; private shows "
                                                        "'zajęte' only."})
    event = fields.UUID(metadata={"description": "The event held in the room: its title and visibility are used."})
    organisation = one_line(SLUG_LENGTH, metadata={"description": "MOPS books for this organisation (its slug)."})
    skip_conflicts = fields.Boolean(load_default=False,
                                    metadata={"description": "Book every free date and record the others (taken, "
                                                             "closure, holiday) as skipped, instead of 409/422."})

    @post_load
    def _times(self, data, **_kwargs):
        data["starts_at"], data["ends_at"] = _moment(data, "starts_at"), _moment(data, "ends_at")
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("The end must be after the start.", "ends_at")
        if not data.get("title") and not data.get("event"):
            raise ValidationError("Give a title, or the event held in the room.", "title")
        return data


class BookingDateSchema(Schema):
    starts_at = fields.Function(lambda row: to_wire(row.starts_at))
    ends_at = fields.Function(lambda row: to_wire(row.ends_at))
    state = fields.String()
    reason = fields.String(allow_none=True)


class BookingSchema(Schema):
    id = fields.UUID()
    room_id = fields.Integer()
    kind = fields.String()
    state = fields.String(metadata={"description": "confirmed, pending (waits for approval) or cancelled"})
    title = fields.String()
    visibility = fields.String()
    organisation_id = fields.Integer(allow_none=True)
    event_id = fields.UUID(allow_none=True)
    meeting_id = fields.Integer(allow_none=True)
    starts_at = fields.Function(lambda booking: to_wire(booking.starts_at))
    ends_at = fields.Function(lambda booking: to_wire(booking.ends_at))
    rrule = fields.String(allow_none=True)
    version = fields.Integer()
    dates = fields.List(fields.Nested(BookingDateSchema))


class FreeSlotQuerySchema(Schema):
    room = fields.List(record_id(), load_default=list, metadata={"description": "A room's id (repeat for several)."})
    centre = fields.String(validate=validate.Length(max=SLUG_LENGTH),
                           metadata={"description": "Every room of a centre."})
    duration = fields.Integer(required=True, strict=False, validate=validate.Range(min=15, max=24 * 60),
                              metadata={"description": "Minutes."})
    from_ = Moment(required=True, data_key="from", metadata={"description": "First day (or moment)."})
    to = Moment(required=True, metadata={"description": "Last day (inclusive) or moment (exclusive)."})
    partnership = record_id(metadata={"description": "The slot must also be free for this partnership's member "
                                                     "organisations: none of their own events then."})
    all = fields.Boolean(load_default=False,
                         metadata={"description": "The slot must be free in every room asked for; by default any "
                                                  "one of them will do."})


class SlotSchema(Schema):
    starts_at = fields.String()
    ends_at = fields.String()
    rooms = fields.List(fields.Integer(), metadata={"description": "The rooms free then."})
