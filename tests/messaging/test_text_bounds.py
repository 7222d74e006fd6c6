"""One bound per name, slug and title on the wire (services/messaging/models.py): the events' messages name a partners
record no longer than partners' own message about it, and every input that takes one, every message that carries
one and every column that keeps one takes exactly that constant; so do a centre's and an organisation's contacts.
A longer one is a 422 or a bad message, never a database error in a consumer's transaction."""

import pytest

from services.events import models as events_models
from services.events.schemas import EventInSchema
from services.messaging import models as lengths
from services.messaging.envelope import Envelope, parse
from services.messaging.messages.partners import MemberContact
from services.messaging.registry import InvalidMessage, message_type
from services.notify import models as notify_models
from services.partners import models as partners_models
from services.partners import schemas as partners_schemas
from services.programme import models as programme_models
from tests.messaging.helpers import length_bound, raw_envelope
from tests.notify.events import event_snapshot

EVENT_MESSAGES = ("event.published", "event.updated", "event.cancelled")
MEETING_ROOM_MESSAGES = ("meeting_room.booked", "meeting_room.pending", "meeting_room.taken",
                         "meeting_room.cancelled")

#: A field of an events' message that names a partners record, and partners' own message field for that record.
NAMING = [(event_type, field, partners_type, partners_field)
          for event_type in EVENT_MESSAGES
          for field, partners_type, partners_field in [
              ("district_name", "district.created", "name"), ("district_slug", "district.created", "slug"),
              ("centre_name", "centre.created", "name"), ("centre_slug", "centre.created", "slug"),
              ("organisation_name", "organisation.created", "name"),
              ("organisation_slug", "organisation.created", "slug"),
              ("partnership_name", "partnership.created", "name"),
              # A partner meeting is shown as an event: its title is the event's.
              ("title", "meeting.planned", "title")]]
NAMING += [(answer, field, partners_type, partners_field)
           for answer in MEETING_ROOM_MESSAGES
           for field, partners_type, partners_field in [("room_name", "room.created", "name"),
                                                        ("title", "meeting.planned", "title")]]


@pytest.mark.parametrize(("event_type", "field", "partners_type", "partners_field"), NAMING)
def test_an_events_message_names_a_partners_record_as_long_as_partners_message_does(event_type, field, partners_type,
                                                                                   partners_field):
    bound = length_bound(message_type(partners_type).schema, partners_field)
    assert bound is not None, f"{partners_type} {partners_field} is unbounded"
    assert length_bound(message_type(event_type).schema, field) == bound


@pytest.mark.parametrize(("field", "length"), [
    ("centre_name", lengths.NAME_LENGTH), ("centre_slug", lengths.SLUG_LENGTH),
    ("organisation_slug", lengths.SLUG_LENGTH), ("partnership_name", lengths.NAME_LENGTH)])
def test_an_event_message_naming_a_record_longer_than_partners_gives_is_refused_going_out_and_coming_in(field,
                                                                                                      length):
    longest = event_snapshot(**{field: "a" * length})
    assert Envelope.new("event.published", longest).data[field] == "a" * length
    too_long = event_snapshot(**{field: "a" * (length + 1)})
    with pytest.raises(InvalidMessage, match=field):
        Envelope.new("event.published", too_long)
    with pytest.raises(InvalidMessage, match=field):
        parse(raw_envelope("event.published", too_long))


#: For each constant: the inputs and messages that take such a text (schema class or message type, field) and the
#: columns of every service that keeps one.
def _carriers() -> dict[str, tuple[list, list]]:
    p, e, n, g, s = partners_models, events_models, notify_models, programme_models, partners_schemas

    def each(types, *fields):
        return [(name, field) for name in types for field in fields]

    return {
        "DISTRICT_NAME_LENGTH": (
            [(s.DistrictSchema, "name"), ("district.created", "name"), *each(EVENT_MESSAGES, "district_name")],
            [p.District.name, e.District.name, n.District.name, g.District.name, g.Activity.district_name]),
        "DISTRICT_SLUG_LENGTH": (
            [(s.DistrictSchema, "slug"), ("district.created", "slug"), *each(EVENT_MESSAGES, "district_slug")],
            [p.District.slug, e.District.slug, n.District.slug, g.District.slug, g.Activity.district_slug]),
        "NAME_LENGTH": (
            [(s.CentreSchema, "name"), (s.OrganisationSchema, "name"), (s.PartnershipSchema, "name"),
             ("centre.created", "name"), ("organisation.created", "name"), ("partnership.created", "name"),
             *each(EVENT_MESSAGES, "centre_name", "organisation_name", "partnership_name")],
            [p.Centre.name, p.Organisation.name, p.Partnership.name, e.Centre.name, e.Organisation.name,
             e.Partnership.name, n.Organisation.name, n.Partnership.name, g.Activity.organisation_name]),
        "SLUG_LENGTH": (
            [(s.CentreSchema, "slug"), (s.OrganisationSchema, "slug"), ("centre.created", "slug"),
             ("organisation.created", "slug"), *each(EVENT_MESSAGES, "centre_slug", "organisation_slug")],
            [p.Centre.slug, p.Organisation.slug, e.Centre.slug, e.Organisation.slug, n.Organisation.slug]),
        "TITLE_LENGTH": (
            [(s.MeetingSchema, "title"), (EventInSchema, "title"), ("meeting.planned", "title"),
             ("booking.created", "title"), *each((*EVENT_MESSAGES, *MEETING_ROOM_MESSAGES), "title")],
            [p.Meeting.title, e.Event.title, e.Booking.title, g.Activity.title]),
        "ROOM_NAME_LENGTH": (
            [(s.RoomSchema, "name"), ("room.created", "name"), *each(MEETING_ROOM_MESSAGES, "room_name")],
            [p.Room.name, e.Room.name]),
        # A meeting's address, else its centre's, is its event's location.
        "ADDRESS_LENGTH": (
            [(s.CentreSchema, "address"), (s.MeetingSchema, "address"), (EventInSchema, "location"),
             ("centre.created", "address"), ("meeting.planned", "address")],
            [p.Centre.address, e.Centre.address, p.Meeting.address, e.Event.location]),
        "OPENING_HOURS_LENGTH": (
            [(s.CentreSchema, "opening_hours"), ("centre.created", "opening_hours")],
            [p.Centre.opening_hours, e.Centre.opening_hours]),
        # A person's address is a partnership member's contact, sent to notify alone (member_contacts.replaced).
        "EMAIL_LENGTH": (
            [(s.CentreSchema, "email"), (s.OrganisationSchema, "email"), (s.PersonSchema, "email"),
             (MemberContact, "email"), ("centre.created", "email"), ("organisation.created", "email")],
            [p.Centre.email, e.Centre.email, p.Organisation.email, e.Organisation.email, n.Organisation.email,
             p.Person.email, n.MemberContact.email]),
        "PHONE_LENGTH": (
            [(s.CentreSchema, "phone"), (s.OrganisationSchema, "phone"), (s.PersonSchema, "phone"),
             ("centre.created", "phone"), ("organisation.created", "phone")],
            [p.Centre.phone, e.Centre.phone, p.Organisation.phone, e.Organisation.phone, p.Person.phone]),
        "WEBSITE_LENGTH": (
            [(s.CentreSchema, "website"), (s.OrganisationSchema, "website"), ("centre.created", "website"),
             ("organisation.created", "website")],
            [p.Centre.website, e.Centre.website, p.Organisation.website, e.Organisation.website]),
    }


@pytest.mark.parametrize("constant", ["DISTRICT_NAME_LENGTH", "DISTRICT_SLUG_LENGTH", "NAME_LENGTH", "SLUG_LENGTH",
                                      "TITLE_LENGTH", "ROOM_NAME_LENGTH", "ADDRESS_LENGTH", "OPENING_HOURS_LENGTH",
                                      "EMAIL_LENGTH", "PHONE_LENGTH", "WEBSITE_LENGTH"])
def test_every_input_message_and_column_of_such_a_text_takes_its_constant(constant):
    length = getattr(lengths, constant)
    carriers, columns = _carriers()[constant]
    bounds = {}
    for carrier, field in carriers:
        if isinstance(carrier, str):
            bounds[f"{carrier} {field}"] = length_bound(message_type(carrier).schema, field)
        else:
            bounds[f"{carrier.__name__}.{field}"] = length_bound(carrier(), field)
    assert bounds == dict.fromkeys(bounds, length)
    held = {f"{column.class_.__module__}.{column.class_.__name__}.{column.key}": column.type.length
            for column in columns}
    assert held == dict.fromkeys(held, length)
