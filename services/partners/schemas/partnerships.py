"""HTTP schemas of Local Partnerships, memberships, agreements and meetings."""

from marshmallow import ValidationError, fields, validate

from services.calendar.times import SKIPPED_TIME, TZID, exists_in_warsaw, to_wire
from services.messaging.fields import bounded_date, multi_line, one_line
from services.messaging.messages.partners import (
    CONTRIBUTION_KINDS,
    MEETING_STATUSES,
    MEMBER_ROLES,
    PARTNERSHIP_STATUSES,
)
from services.messaging.models import ADDRESS_LENGTH, DISTRICT_SLUG_LENGTH, NAME_LENGTH, SLUG_LENGTH, TITLE_LENGTH
from services.partners.schemas.common import InputSchema, ListArgs, PrivateFieldsSchema, optional, record_id, slug_field


class PartnershipListArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(PARTNERSHIP_STATUSES))


class PartnershipSchema(InputSchema):
    id = fields.Integer(dump_only=True)
    name = one_line(NAME_LENGTH, min_length=1, required=True)
    district = slug_field(DISTRICT_SLUG_LENGTH, required=True, attribute="district_slug",
                          metadata={"description": "The district's slug."})
    district_id = fields.Integer(dump_only=True)
    centre = optional(slug_field, max_length=SLUG_LENGTH, attribute="centre_slug",
                      metadata={"description": "The coordinating centre's slug."})
    centre_id = fields.Integer(dump_only=True, allow_none=True)
    status = fields.String(validate=validate.OneOf(PARTNERSHIP_STATUSES), metadata={"description": "forming first."})
    description = optional(multi_line, max_length=5000)
    version = fields.Integer(dump_only=True)


class ContributionSchema(InputSchema):
    kind = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_KINDS))
    description = multi_line(1000, min_length=1, required=True)


class MembershipSchema(PrivateFieldsSchema):
    """A person member is named (person_id, person_name) to admins only."""

    PRIVATE = ("person_id", "person_name")

    id = fields.Integer(dump_only=True)
    partnership_id = fields.Integer(dump_only=True)
    member_kind = fields.String(dump_only=True)
    organisation_id = optional(record_id)
    person_id = optional(record_id)
    person_name = fields.Function(lambda membership: membership.person.name if membership.person else None,
                                  dump_only=True)
    role = fields.String(validate=validate.OneOf(MEMBER_ROLES), metadata={"description": "member when left out."})
    joined_on = optional(bounded_date)
    left_on = optional(bounded_date)
    potential = fields.List(fields.Nested(ContributionSchema), validate=validate.Length(max=50))
    version = fields.Integer(dump_only=True)


class MembershipChangeSchema(MembershipSchema):
    """What may change in a membership: not who the member is."""

    organisation_id = fields.Integer(dump_only=True)
    person_id = fields.Integer(dump_only=True)


class AgreementSchema(InputSchema):
    id = fields.Integer(dump_only=True)
    partnership_id = fields.Integer(dump_only=True)
    signed_on = optional(bounded_date)
    valid_from = optional(bounded_date)
    valid_until = optional(bounded_date)
    signatory_ids = fields.List(record_id(), validate=validate.Length(max=500),
                                metadata={"description": "Memberships of this partnership."})
    document_ref = optional(one_line, max_length=300)
    withdrawn_at = fields.AwareDateTime(dump_only=True, allow_none=True,
                                        metadata={"description": "When an admin withdrew it; it stays on record."})
    withdrawal_reason = fields.String(dump_only=True, allow_none=True)
    warnings = fields.List(fields.String(), dump_only=True,
                           metadata={"description": "What to check again, e.g. a signing date in the future."})
    version = fields.Integer(dump_only=True)


class WithdrawalSchema(InputSchema):
    reason = multi_line(500, min_length=1, required=True,
                        metadata={"description": "Why, for the record: 'entered twice by mistake'."})


def _within_years(value) -> None:
    if not 2000 <= value.year <= 2100:
        raise ValidationError("Give a time between the years 2000 and 2100.")
    if not exists_in_warsaw(value):
        raise ValidationError(SKIPPED_TIME)


class WarsawDateTime(fields.DateTime):
    """Reads ISO 8601 (no offset: Europe/Warsaw local time); writes with the Europe/Warsaw offset of that day."""

    def __init__(self, **kwargs):
        super().__init__(validate=_within_years, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return to_wire(value)


class MeetingSchema(PrivateFieldsSchema):
    """Minutes are shown to admins and the partnership's coordinators only."""

    PRIVATE = ("minutes",)

    id = fields.Integer(dump_only=True)
    partnership_id = fields.Integer(dump_only=True)
    title = one_line(TITLE_LENGTH, min_length=1, required=True)
    agenda = optional(multi_line, max_length=10000)
    starts_at = WarsawDateTime(required=True)
    ends_at = WarsawDateTime(required=True)
    timezone = fields.Constant(TZID, dump_only=True)
    centre = optional(slug_field, max_length=SLUG_LENGTH, attribute="centre_slug",
                      metadata={"description": "Held at this centre (slug)."})
    centre_id = fields.Integer(dump_only=True, allow_none=True)
    address = optional(one_line, max_length=ADDRESS_LENGTH)
    status = fields.String(validate=validate.OneOf(MEETING_STATUSES), metadata={"description": "planned first."})
    minutes = optional(multi_line, max_length=50000)
    room_id = record_id(allow_none=True, metadata={
        "description": "Held in this room of its centre: the events service books it when the meeting arrives."})
    room_status = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "booked; pending (booked, waiting for MOPS's approval); conflict (the room was taken, or its "
                       "rules refuse the time: room_reason); cancelled (the booking ended, by MOPS or because the "
                       "room was deleted, room_reason no_room: the meeting names no room any more); null while the "
                       "events service has not answered."})
    room_reason = fields.String(dump_only=True, allow_none=True)
    updated_at = fields.AwareDateTime(dump_only=True)
    version = fields.Integer(dump_only=True)
