"""Messages published by the partners service. Each carries the full public snapshot of its record.

Every snapshot has the record's ``id`` and ``version``; the version increases on every change, so a replica can
ignore a snapshot older than the one it holds. A ``*.deleted`` message carries the last snapshot. Related records are
named by id: a consumer builds its replica of them from their own messages. People (individual partners) are
personal data: a membership of a person says only ``member_kind: person``. The one exception is
``member_contacts.replaced``, private to notify (the topology refuses any other queue for it): the addresses a
partnership's meeting e-mails go to, and nothing else about the people behind them.
"""

import uuid

from marshmallow import Schema, fields, validate

from services.calendar.times import TZID
from services.messaging.fields import Digits, StoredDate
from services.messaging.models import (
    ADDRESS_LENGTH,
    DISTRICT_NAME_LENGTH,
    DISTRICT_SLUG_LENGTH,
    EMAIL_LENGTH,
    KRS_LENGTH,
    NAME_LENGTH,
    OPENING_HOURS_LENGTH,
    PHONE_LENGTH,
    ROOM_NAME_LENGTH,
    SLUG_LENGTH,
    TITLE_LENGTH,
    WEBSITE_LENGTH,
)
from services.messaging.registry import register

SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Use lowercase ASCII letters, digits and hyphens.")


def _slug(max_length: int) -> fields.String:
    """A slug as long as the columns of every consumer that stores it: a longer one is a bad message (dead-lettered),
    never a database error in a consumer's transaction."""
    return fields.String(required=True, validate=[validate.Length(min=1, max=max_length), SLUG])


CENTRE_KINDS = ("osl", "dosl")
ORGANISATION_KINDS = ("ngo", "public_institution", "school", "library", "parish", "business", "informal_group",
                      "municipal")
PARTNERSHIP_STATUSES = ("forming", "active", "ended")
MEMBER_ROLES = ("coordinator", "member", "observer")
MEMBER_KINDS = ("organisation", "person")
CONTRIBUTION_KINDS = ("people", "material_resources", "ideas", "free_time")
MEETING_STATUSES = ("planned", "held", "cancelled")
#: What became of the room a meeting names: booked, pending (waiting for MOPS's approval), conflict (taken, or
#: refused by the room's rules), or cancelled (its booking ended: the meeting names no room any more).
MEETING_ROOM_STATUSES = ("booked", "pending", "conflict", "cancelled")
#: What an organisation's key may do: post and edit its own events; add meetings to partnerships it coordinates.
API_KEY_SCOPES = ("events", "meetings")
#: See meeting_event_id. Fixed for ever: changing it would give every meeting a new calendar UID.
MEETING_EVENTS = uuid.UUID("5c3867af-72bf-4964-b2c9-5d53dc44b038")


def meeting_event_id(meeting_id: int) -> uuid.UUID:
    """The id of the event that shows a partner meeting in the events service's feeds. Derived from the meeting's id,
    so that notify's meeting e-mails attach an .ics with the feeds' UID without asking the events service."""
    return uuid.uuid5(MEETING_EVENTS, f"meeting:{meeting_id}")


def _text(max_length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def _optional(field_class, **kwargs):
    return field_class(required=False, load_default=None, allow_none=True, **kwargs)


class Snapshot(Schema):
    id = fields.Integer(required=True, strict=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class DistrictSnapshot(Snapshot):
    name = fields.String(required=True, validate=validate.Length(min=1, max=DISTRICT_NAME_LENGTH))
    slug = _slug(DISTRICT_SLUG_LENGTH)


class CentreSnapshot(Snapshot):
    name = fields.String(required=True, validate=validate.Length(min=1, max=NAME_LENGTH))
    slug = _slug(SLUG_LENGTH)
    kind = fields.String(required=True, validate=validate.OneOf(CENTRE_KINDS))
    district_id = fields.Integer(required=True, strict=True)
    #: The organisation that runs it (MOPS or an NGO); empty where the sources do not say.
    operator_id = _optional(fields.Integer, strict=True)
    address = _optional(fields.String, validate=validate.Length(max=ADDRESS_LENGTH))
    #: Added for the centre pages (issue #11); a snapshot without it reads as "not known".
    opening_hours = _optional(fields.String, validate=validate.Length(max=OPENING_HOURS_LENGTH))
    email = _optional(fields.String, validate=validate.Length(max=EMAIL_LENGTH))
    phone = _optional(fields.String, validate=validate.Length(max=PHONE_LENGTH))
    website = _optional(fields.String, validate=validate.Length(max=WEBSITE_LENGTH))
    started_year = _optional(fields.Integer, strict=True)
    latitude = _optional(fields.Float)
    longitude = _optional(fields.Float)


class OrganisationSnapshot(Snapshot):
    name = fields.String(required=True, validate=validate.Length(min=1, max=NAME_LENGTH))
    slug = _slug(SLUG_LENGTH)
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    krs = _optional(fields.String, validate=Digits(KRS_LENGTH))
    email = _optional(fields.String, validate=validate.Length(max=EMAIL_LENGTH))
    phone = _optional(fields.String, validate=validate.Length(max=PHONE_LENGTH))
    website = _optional(fields.String, validate=validate.Length(max=WEBSITE_LENGTH))
    #: Added for moderation (issue #12): MOPS reviews this organisation's events before they are published. A
    #: snapshot without it reads as trusted.
    needs_review = fields.Boolean(required=False, load_default=False)


class ApiKeySnapshot(Schema):
    """A key's public facts. The key itself never travels: only its SHA-256 hash, to check it against."""

    key_id = fields.Integer(required=True, strict=True)
    #: The first characters of the key, to tell keys apart in lists and logs.
    prefix = fields.String(required=True, validate=validate.Length(min=4, max=16))
    #: Hex SHA-256 of the whole key.
    hash = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    scopes = fields.List(fields.String(), required=True)
    issued_at = fields.AwareDateTime(required=True, format="iso")
    revoked_at = _optional(fields.AwareDateTime, format="iso")


class OrganisationKeySnapshot(ApiKeySnapshot):
    organisation_id = fields.Integer(required=True, strict=True)
    scopes = fields.List(fields.String(validate=validate.OneOf(API_KEY_SCOPES)), required=True)


class AdminKeySnapshot(ApiKeySnapshot):
    scopes = fields.List(fields.String(validate=validate.OneOf(("admin",))), required=True)


class PartnershipSnapshot(Snapshot):
    name = fields.String(required=True, validate=validate.Length(min=1, max=NAME_LENGTH))
    district_id = fields.Integer(required=True, strict=True)
    centre_id = _optional(fields.Integer, strict=True)
    status = fields.String(required=True, validate=validate.OneOf(PARTNERSHIP_STATUSES))
    description = fields.String(required=True)


class Contribution(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_KINDS))
    description = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class MembershipSnapshot(Snapshot):
    partnership_id = fields.Integer(required=True, strict=True)
    member_kind = fields.String(required=True, validate=validate.OneOf(MEMBER_KINDS))
    #: Set when the member is an organisation; a person is never named outside the partners service.
    organisation_id = _optional(fields.Integer, strict=True)
    role = fields.String(required=True, validate=validate.OneOf(MEMBER_ROLES))
    joined_on = _optional(fields.Date)
    left_on = _optional(fields.Date)
    potential = fields.List(fields.Nested(Contribution), required=True)


class AgreementSnapshot(Snapshot):
    partnership_id = fields.Integer(required=True, strict=True)
    signed_on = _optional(fields.Date)
    valid_from = _optional(fields.Date)
    valid_until = _optional(fields.Date)
    signatory_ids = fields.List(fields.Integer(strict=True), required=True)
    document_ref = _optional(fields.String, validate=validate.Length(max=300))
    #: Set by agreement.withdrawn (issue #11): an agreement entered by mistake is kept and marked.
    withdrawn_at = _optional(fields.AwareDateTime, format="iso")
    withdrawal_reason = _optional(fields.String, validate=validate.Length(max=500))


class MeetingSnapshot(Snapshot):
    partnership_id = fields.Integer(required=True, strict=True)
    #: The title of the meeting's event (and of its room's booking): as long as an event's.
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_LENGTH))
    agenda = fields.String(required=True)
    #: With the Europe/Warsaw offset of that day, e.g. 2026-10-30T17:00:00+01:00.
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    timezone = fields.String(required=True, validate=validate.Equal(TZID))
    #: Where: a centre, or a free-text address, or neither when not yet known.
    centre_id = _optional(fields.Integer, strict=True)
    address = _optional(fields.String, validate=validate.Length(max=ADDRESS_LENGTH))
    status = fields.String(required=True, validate=validate.OneOf(MEETING_STATUSES))
    updated_at = fields.AwareDateTime(required=True, format="iso")
    #: The centre's room it is held in (booked by the events service), and what became of that booking: booked,
    #: pending (waiting for MOPS's approval), conflict (the room was taken, or its rules refuse the time), cancelled
    #: (the booking ended; ``room_id`` is then None), or None while not known.
    room_id = _optional(fields.Integer, strict=True)
    room_status = _optional(fields.String, validate=validate.OneOf(MEETING_ROOM_STATUSES))


class MemberContact(Schema):
    membership_id = fields.Integer(required=True, strict=True)
    #: The member's address for partner meeting e-mails: a person's own, or an organisation's contact person's,
    #: else its public address. Never published: used for those e-mails only.
    email = fields.Email(required=True, validate=validate.Length(max=EMAIL_LENGTH))


class MemberContacts(Schema):
    """Every contact address of a partnership's members that have not left: the whole list, replacing the one before.
    ``version`` rises with each list of the partnership, so an older list that arrives late is ignored."""

    partnership_id = fields.Integer(required=True, strict=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    contacts = fields.List(fields.Nested(MemberContact), required=True, validate=validate.Length(max=10000))


class Closure(Schema):
    #: First and last closed day, both inclusive.
    from_ = StoredDate(required=True, data_key="from", attribute="from")
    to = StoredDate(required=True)
    reason = _optional(fields.String, validate=validate.Length(max=200))


class RoomSnapshot(Snapshot):
    """A bookable room of a centre (issue #13). When it may be booked is services/calendar/rooms.py's rule."""

    centre_id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=ROOM_NAME_LENGTH))
    capacity = _optional(fields.Integer, strict=True, validate=validate.Range(min=1))
    step_free = fields.Boolean(required=True)
    accessible_toilet = fields.Boolean(required=True)
    equipment = fields.List(fields.String(validate=validate.Length(max=100)), required=True)
    #: {"MO": ["09:00-17:00"], ...} in Warsaw wall-clock time; a weekday left out is not bookable.
    bookable_hours = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    closures = fields.List(fields.Nested(Closure), required=True)
    #: Public holidays on which the room is open after all.
    open_on = fields.List(StoredDate(), required=True)
    buffer_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=240))
    horizon_days = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=730))
    requires_approval = fields.Boolean(required=True)


_MESSAGES = {
    DistrictSnapshot: ("district.created", "district.updated", "district.deleted"),
    CentreSnapshot: ("centre.created", "centre.updated", "centre.deleted"),
    OrganisationSnapshot: ("organisation.created", "organisation.updated", "organisation.deleted"),
    OrganisationKeySnapshot: ("organisation.api_key.issued", "organisation.api_key.revoked"),
    AdminKeySnapshot: ("admin_key.issued", "admin_key.revoked"),
    PartnershipSnapshot: ("partnership.created", "partnership.updated", "partnership.deleted"),
    MembershipSnapshot: ("membership.added", "membership.updated", "membership.removed"),
    AgreementSnapshot: ("agreement.signed", "agreement.updated", "agreement.withdrawn"),
    MeetingSnapshot: ("meeting.planned", "meeting.updated", "meeting.cancelled", "meeting.room_status"),
    RoomSnapshot: ("room.created", "room.updated", "room.deleted"),
}

for _schema, _names in _MESSAGES.items():
    for _name in _names:
        register(_name, "partners", _schema())
register("member_contacts.replaced", "partners", MemberContacts(), private_to=("notify",))
