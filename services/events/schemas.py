"""marshmallow schemas of the events API: the single source of its validation and of its OpenAPI document."""

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from services.calendar.rules import RuleError, check_syntax
from services.calendar.times import parse_moment
from services.events.fields import event_fields
from services.events.models import AUDIENCES, CATEGORIES, STATUSES
from services.messaging.fields import bounded_int, check_year, one_line, web_address
from services.messaging.models import DISTRICT_SLUG_LENGTH, SLUG_LENGTH


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

    url = _optional(web_address, 500)
    required = fields.Boolean(load_default=False)
    capacity = _optional(bounded_int, minimum=1)

    @validates_schema
    def _one_kind(self, data, **kwargs):
        if data.get("capacity") is not None and not data.get("required"):
            raise ValidationError("A capacity needs required: true.", "capacity")
        if data.get("required") and data.get("capacity") is None and not data.get("url"):
            raise ValidationError("Registration that is required needs a capacity or a url.", "capacity")


class ImportedFromSchema(Schema):
    """The organisation's calendar an imported event is kept in sync with: change it there, not here."""

    source = fields.Integer(metadata={"description": "The import source's id (/api/v1/import-sources/{id})."})
    uid = fields.String(metadata={"description": "The event's UID in that calendar."})


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


FIELDS = event_fields(Moment, RegistrationSchema, OverrideSchema)


class EventInSchema(Schema.from_dict({field.name: field.takes for field in FIELDS if field.takes is not None})):
    """The fields a caller may set. For PATCH every field is optional. ``ends_at`` must be after ``starts_at``; an
    all-day event takes dates (YYYY-MM-DD), ``ends_at`` being its last day, inclusive; ``rrule`` must give a second
    date within five years of ``starts_at``."""

    @validates("rrule")
    def _valid_rrule(self, value, **kwargs):
        if value is None:
            return
        try:
            check_syntax(value)
        except RuleError as exc:
            raise ValidationError(str(exc)) from exc

    @validates_schema(skip_on_field_errors=True)
    def _times_and_rule(self, data, **kwargs):
        """The cross-field rules, when the fields they join are all given (a PATCH is checked again, merged)."""
        from services.events.input import check_times

        if "starts_at" in data and "ends_at" in data:
            check_times(data)


_SHOWN = {field.name: field.shows for field in FIELDS if field.shows is not None}


class EventSchema(Schema.from_dict({"id": fields.UUID(), **_SHOWN})):
    """An event as the API shows it. Times carry the Europe/Warsaw offset of their day; an all-day event gives
    dates, ``ends_at`` being its last day."""

    organiser = fields.Nested(OrganiserSchema, allow_none=True, dump_only=True)
    imported_from = fields.Nested(ImportedFromSchema, allow_none=True, dump_only=True)
    sequence = fields.Integer(dump_only=True)
    created_at = fields.String(dump_only=True)
    updated_at = fields.String(dump_only=True)


class EventQuerySchema(Schema):
    district = one_line(DISTRICT_SLUG_LENGTH, metadata={"description": "District slug."})
    centre = one_line(SLUG_LENGTH, metadata={"description": "Centre slug."})
    organisation = one_line(SLUG_LENGTH, metadata={"description": "Organiser's slug."})
    audience = fields.String(validate=validate.OneOf(AUDIENCES))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    from_ = Moment(data_key="from", metadata={"description": "Events that end after this date or date-time."})
    to = Moment(metadata={"description": "Events that start before this date-time, or by the end of this date."})
    text = one_line(200, min_length=1,
                         metadata={"description": "Words in the title, description, organiser's name or place (the "
                                                  "location or the centre's name), in any letter case, with or "
                                                  "without Polish letters (koled finds kolęd)."})


class FeedTokenSchema(Schema):
    partnership_id = fields.Integer()
    url = fields.String(metadata={"description": "The private feed URL; keep it secret."})
    rotated_at = fields.String()


class EventPatchSchema(EventInSchema):
    """The fields to change; use it with ``partial=True``."""
