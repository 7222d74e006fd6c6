"""HTTP schemas of rooms."""

from marshmallow import Schema, ValidationError, fields, validate, validates

from services.calendar.rooms import MAX_CLOSURES, HoursError, check_hours
from services.messaging.fields import StoredDate, check_year, one_line
from services.messaging.models import ROOM_NAME_LENGTH, SLUG_LENGTH
from services.partners.schemas.common import InputSchema, optional, record_id, slug_field


class ClosureSchema(Schema):
    from_ = StoredDate(validate=check_year, required=True, data_key="from", attribute="from",
                       metadata={"description": "First closed day."})
    to = StoredDate(validate=check_year, required=True, metadata={"description": "Last closed day (inclusive)."})
    reason = optional(one_line, max_length=200)


class RoomSchema(InputSchema):
    id = fields.Integer(dump_only=True)
    centre = slug_field(SLUG_LENGTH, required=True, attribute="centre_slug",
                        metadata={"description": "The centre's slug."})
    centre_id = fields.Integer(dump_only=True)
    name = one_line(ROOM_NAME_LENGTH, min_length=1, required=True)
    capacity = optional(fields.Integer, strict=True, validate=validate.Range(min=1, max=10_000))
    step_free = fields.Boolean(load_default=False, metadata={"description": "Reached without steps."})
    accessible_toilet = fields.Boolean(load_default=False)
    equipment = fields.List(one_line(100, min_length=1), load_default=list, validate=validate.Length(max=50))
    bookable_hours = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), load_default=dict,
        metadata={"description": "Per weekday (MO..SU), spans of Warsaw wall-clock time such as 09:00-17:00; a "
                                 "weekday left out is not bookable.",
                  "example": {"MO": ["09:00-17:00"], "WE": ["09:00-12:00", "14:00-20:00"]}})
    closures = fields.List(fields.Nested(ClosureSchema), load_default=list,
                           validate=validate.Length(max=MAX_CLOSURES))
    open_on = fields.List(StoredDate(validate=check_year), load_default=list, validate=validate.Length(max=100),
                          metadata={"description": "Polish public holidays on which this room is open after all."})
    buffer_minutes = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0, max=240),
                                    metadata={"description": "Kept free before and after every booking."})
    horizon_days = fields.Integer(strict=True, load_default=365, validate=validate.Range(min=1, max=730),
                                  metadata={"description": "How far ahead it may be booked."})
    requires_approval = fields.Boolean(load_default=False,
                                       metadata={"description": "Organisations' bookings wait for MOPS's approval."})
    version = fields.Integer(dump_only=True)

    @validates("bookable_hours")
    def _hours(self, value, **_kwargs):
        try:
            check_hours(value)
        except HoursError as exc:
            raise ValidationError(str(exc)) from exc


class RoomListArgs(Schema):
    centre = slug_field(SLUG_LENGTH, metadata={"description": "Only the rooms of this centre (its slug)."})


__all__ = ["RoomSchema", "RoomListArgs", "ClosureSchema", "record_id"]
