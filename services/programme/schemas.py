"""marshmallow schemas of the programme API: the single source of its validation and of its OpenAPI document.

Unknown fields are refused (marshmallow's default), so a name, PESEL or address sent by mistake gets a 422 naming
it and is never stored.
"""

from marshmallow import Schema, ValidationError, fields, validate, validates

from services.messaging.fields import bounded_date, bounded_int, multi_line, one_line
from services.messaging.messages.partners import SLUG
from services.messaging.models import DISTRICT_SLUG_LENGTH
from services.programme.models import (
    AGE_BANDS,
    ANSWERS,
    ATTENDANCE_STATUSES,
    ENTRY_STATUSES,
    EXIT_STATUSES,
    GENDERS,
    LEGAL_BASIS,
)
from services.programme.queries import DIMENSIONS


class ProgrammeInSchema(Schema):
    name = one_line(300, min_length=1, required=True)
    funding = one_line(300, min_length=1, required=True)
    starts_on = bounded_date(required=True)
    ends_on = bounded_date(required=True)
    target_total = bounded_int(required=True)
    target_women = bounded_int(required=True)
    target_men = bounded_int(required=True)
    other_targets = fields.Dict(keys=fields.String(), values=bounded_int(), load_default=dict, metadata={
        "description": "Targets of other indicators, keyed '<dimension>.<value>', e.g. 'status_at_exit.employed'."})
    legal_basis = multi_line(2000, min_length=1, load_default=LEGAL_BASIS)

    @validates("other_targets")
    def _known_indicators(self, value, **kwargs):
        for key in value:
            dimension, _, name = key.partition(".")
            if dimension not in DIMENSIONS or (DIMENSIONS[dimension] is not None and name not in DIMENSIONS[dimension]):
                raise ValidationError(f"{key!r} names no indicator; use '<dimension>.<value>' with a dimension of "
                                      f"{', '.join(DIMENSIONS)}.")


class ProgrammeSchema(ProgrammeInSchema):
    id = fields.Integer(dump_only=True)
    retain_until = fields.Date(dump_only=True, metadata={
        "description": "The participants' records are kept until this day: the end plus the archiving period."})


class ParticipantInSchema(Schema):
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    age_band = fields.String(required=True, validate=validate.OneOf(AGE_BANDS),
                             metadata={"description": "At entry: under 25, 25 to 54, over 54."})
    status_at_entry = fields.String(required=True, validate=validate.OneOf(ENTRY_STATUSES))
    disability = fields.String(load_default="refused", validate=validate.OneOf(ANSWERS))
    migrant_or_minority = fields.String(load_default="refused", validate=validate.OneOf(ANSWERS))
    homeless = fields.String(load_default="refused", validate=validate.OneOf(ANSWERS))
    other_disadvantage = fields.String(load_default="refused", validate=validate.OneOf(ANSWERS))
    district = fields.String(required=True, validate=[validate.Length(max=DISTRICT_SLUG_LENGTH), SLUG])


class EnrolSchema(ParticipantInSchema):
    entered_on = bounded_date(required=True)


class StaySchema(Schema):
    entered_on = fields.Date()
    exited_on = fields.Date(allow_none=True)
    status_at_exit = fields.String(allow_none=True)


class ParticipantSchema(ParticipantInSchema):
    pseudonym = fields.String(dump_only=True)
    walk_in = fields.Boolean(dump_only=True)
    stays = fields.List(fields.Nested(StaySchema), dump_only=True)


class ExitSchema(Schema):
    exited_on = bounded_date(required=True)
    status_at_exit = fields.String(required=True, validate=validate.OneOf(EXIT_STATUSES))


class ReentrySchema(Schema):
    entered_on = bounded_date(required=True)


class MarkSchema(Schema):
    participant = fields.String(required=True, validate=validate.Length(min=1, max=20),
                                metadata={"description": "The participant's pseudonymous id."})
    status = fields.String(required=True, validate=validate.OneOf(ATTENDANCE_STATUSES))


class RegisteredMarkSchema(Schema):
    ref = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-F]{6,12}$"),
                        metadata={"description": "notify's reference of the registration (on its printed list)."})
    status = fields.String(required=True, validate=validate.OneOf(ATTENDANCE_STATUSES))


class RegisteredSchema(Schema):
    ref = fields.String()
    people = fields.Integer()
    registration = fields.String(metadata={"description": "confirmed, waiting, cancelled or expired (in notify)."})
    status = fields.String(allow_none=True, metadata={"description": "Ticked present, excused or absent; null: not "
                                                                     "ticked."})


#: The most walk-ins a roll call counts without recording them.
MOST_ANONYMOUS = 10000


class RollCallInSchema(Schema):
    attendance = fields.List(fields.Nested(MarkSchema), load_default=list, validate=validate.Length(max=1000))
    registered = fields.List(fields.Nested(RegisteredMarkSchema), load_default=list,
                             validate=validate.Length(max=1000),
                             metadata={"description": "Ticks of people registered in notify, by reference."})
    walk_ins = fields.List(fields.Nested(ParticipantInSchema), load_default=list, validate=validate.Length(max=200),
                           metadata={"description": "People who came without enrolling, recorded as participants."})
    anonymous_count = bounded_int(load_default=0, maximum=MOST_ANONYMOUS,
                                  metadata={"description": "Walk-ins counted without being recorded."})


class RollCallSchema(Schema):
    event_id = fields.UUID()
    occurrence_start = fields.AwareDateTime()
    attendance = fields.List(fields.Nested(MarkSchema))
    registered = fields.List(fields.Nested(RegisteredSchema), metadata={
        "description": "Everyone registered for the date (by notify's reference), ticked or not."})
    walk_ins = fields.List(fields.String(), metadata={"description": "Pseudonyms given to this roll call's walk-ins."})
    anonymous_count = fields.Integer()


class OccurrenceSchema(Schema):
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    recorded = fields.Boolean()


class WindowSchema(Schema):
    start = bounded_date(data_key="from")
    end = bounded_date(data_key="to")


class AsOfSchema(Schema):
    as_of = bounded_date(metadata={"description": "Count up to this day; default today."})
