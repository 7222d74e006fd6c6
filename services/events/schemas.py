"""marshmallow schemas of the events API: the single source of its validation and of its OpenAPI document."""

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from services.calendar.recurrence import RuleError, check_syntax
from services.calendar.times import parse_moment
from services.events.models import AUDIENCES, CATEGORIES, STATUSES
from services.messaging.fields import bounded_int, check_year, multi_line, one_line, record_id


class Moment(fields.Field):
    """An ISO 8601 date-time (no offset means Europe/Warsaw) or, for all-day events and filters, a date."""

    MAX_LENGTH = 40  # 2026-07-04T10:00:00.000000+02:00 is 32

    def __init__(self, **kwargs):
        metadata = {"type": "string", "maxLength": self.MAX_LENGTH, "example": "2026-07-04T10:00:00",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > self.MAX_LENGTH:
            raise ValidationError("Give an ISO 8601 date or date-time as a string.")
        try:
            moment = parse_moment(value)
        except ValueError as exc:
            raise ValidationError(f"Not an ISO 8601 date or date-time: {value!r}.") from exc
        check_year(moment)
        return moment

    def _serialize(self, value, attr, obj, **kwargs):
        return value


def _optional(field, *args, **kwargs):
    return field(*args, allow_none=True, **kwargs)


class RegistrationSchema(Schema):
    """Either ``{"url": ...}`` (sign up there) or ``{"required": true, "capacity": n}``."""

    url = _optional(fields.Url, validate=validate.Length(max=500))
    required = fields.Boolean(load_default=False)
    capacity = _optional(bounded_int, minimum=1)

    @validates_schema
    def _one_kind(self, data, **kwargs):
        if data.get("capacity") is not None and not data.get("required"):
            raise ValidationError("A capacity needs required: true.", "capacity")
        if data.get("required") and data.get("capacity") is None and not data.get("url"):
            raise ValidationError("Registration that is required needs a capacity or a url.", "capacity")


class EventInSchema(Schema):
    """The fields a caller may set. For PATCH every field is optional."""

    title = one_line(200, min_length=1, required=True)
    description = multi_line(10000, load_default="")
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    all_day = fields.Boolean(load_default=False)
    rrule = _optional(one_line, 500, metadata={
        "description": "An RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=TU;UNTIL=20270427. FREQ is DAILY, WEEKLY, "
                       "MONTHLY or YEARLY; INTERVAL 1-366; COUNT up to 1000 or UNTIL; BYDAY, BYMONTHDAY, BYMONTH, "
                       "BYSETPOS (1-4, with plain weekdays) and WKST. The rule must give a second date within five "
                       "years. A time without an offset is Europe/Warsaw; an all-day ends_at is its last day "
                       "(inclusive)."})
    exdates = fields.List(Moment(), load_default=list, validate=validate.Length(max=1000))
    district = one_line(100, required=True, metadata={"description": "The district's slug."})
    centre = _optional(one_line, 100, metadata={"description": "The centre's slug; it must be in the district."})
    partnership = _optional(record_id, strict=True, metadata={"description": "The partnership's id."})
    organisation = one_line(100, metadata={"description": "Admin only: the slug of the organisation posted for."})
    audiences = fields.List(fields.String(validate=validate.OneOf(AUDIENCES)), load_default=list,
                            validate=validate.Length(max=len(AUDIENCES)))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    location = _optional(one_line, 300, metadata={"description": "Free text; defaults to the centre's address."})
    url = _optional(fields.Url, validate=validate.Length(max=500))
    contact = _optional(one_line, 300)
    accessibility = _optional(multi_line, 2000)
    registration = _optional(fields.Nested, RegistrationSchema)
    status = fields.String(validate=validate.OneOf(STATUSES))

    @validates("rrule")
    def _valid_rrule(self, value, **kwargs):
        if value is None:
            return
        try:
            check_syntax(value)
        except RuleError as exc:
            raise ValidationError(str(exc)) from exc


class OrganiserSchema(Schema):
    slug = fields.String()
    name = fields.String()


class OccurrenceSchema(Schema):
    """One date of a series, changed on its own: moved, given another place, or cancelled."""

    starts_at = Moment(metadata={"description": "The new start (no offset: Warsaw time); default: unchanged."})
    ends_at = Moment(metadata={"description": "The new end; default: as long as the series' dates."})
    location = _optional(one_line, 300, metadata={"description": "Another place for this date only."})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "cancelled: this date only."})


class OverrideSchema(Schema):
    recurrence_id = fields.String(metadata={"description": "The start the rule gives this date (Warsaw time)."})
    starts_at = fields.String()
    ends_at = fields.String()
    status = fields.String()
    location = fields.String(allow_none=True)
    sequence = fields.Integer()


class EventSchema(Schema):
    """An event as the API shows it. Times carry the Europe/Warsaw offset of their day; an all-day event gives
    dates, ``ends_at`` being its last day."""

    id = fields.UUID()
    title = fields.String()
    description = fields.String()
    starts_at = fields.String()
    ends_at = fields.String()
    all_day = fields.Boolean()
    rrule = fields.String(allow_none=True)
    exdates = fields.List(fields.String())
    overrides = fields.List(fields.Nested(OverrideSchema))
    district = fields.String()
    centre = fields.String(allow_none=True)
    partnership = fields.Integer(allow_none=True)
    visibility = fields.String()
    audiences = fields.List(fields.String())
    category = fields.String()
    location = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    accessibility = fields.String(allow_none=True)
    registration = fields.Nested(RegistrationSchema, allow_none=True)
    status = fields.String()
    organiser = fields.Nested(OrganiserSchema, allow_none=True, dump_only=True)
    sequence = fields.Integer(dump_only=True)
    created_at = fields.String(dump_only=True)
    updated_at = fields.String(dump_only=True)


class EventQuerySchema(Schema):
    district = one_line(100, metadata={"description": "District slug."})
    centre = one_line(100, metadata={"description": "Centre slug."})
    organisation = one_line(100, metadata={"description": "Organiser's slug."})
    audience = fields.String(validate=validate.OneOf(AUDIENCES))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    from_ = Moment(data_key="from", metadata={"description": "Events that end after this date or date-time."})
    to = Moment(metadata={"description": "Events that start before this date-time, or by the end of this date."})
    text = one_line(200, min_length=1,
                         metadata={"description": "Words in the title or description, any letter case."})


class FeedTokenSchema(Schema):
    partnership_id = fields.Integer()
    url = fields.String(metadata={"description": "The private feed URL; keep it secret."})
    rotated_at = fields.String()


class EventPatchSchema(EventInSchema):
    """The fields to change; use it with ``partial=True``."""
