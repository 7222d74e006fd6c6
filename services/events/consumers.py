"""Handlers of the messages the events service consumes, each registered for the types it takes.

The topology (services/messaging/topology.py) makes the queues and their bindings from these registrations.
"""

from services.events.meetings import apply_meeting, end_room_meetings, follow_coordinator
from services.events.models import (
    ApiKey,
    Centre,
    District,
    Event,
    Membership,
    Organisation,
    Partnership,
    Room,
    StaffAccount,
    StaffSession,
)
from services.events.replica import apply_counts, apply_record
from services.events.rooms.operations import rewiden
from services.messaging.envelope import Envelope
from services.messaging.handlers import Handlers
from services.messaging.keys import add_key_handlers
from services.messaging.registry import message_type
from services.messaging.staff import register_handlers as register_staff_handlers

handlers = Handlers("events")

#: One queue for all the partners data the events service copies, so that it arrives in the order it was made.
PARTNERS = "partners-replica"


def _data(envelope: Envelope) -> dict:
    # The envelope holds the JSON form; the schema gives back dates and datetimes as Python objects.
    return message_type(envelope.type).schema.load(envelope.data)


@handlers.on(PARTNERS, "district.created", "district.updated", model=District, shown_by=Event.district_id)
@handlers.on(PARTNERS, "district.deleted", model=District, shown_by=Event.district_id, deleted=True)
@handlers.on(PARTNERS, "centre.created", "centre.updated", model=Centre, shown_by=Event.centre_id)
@handlers.on(PARTNERS, "centre.deleted", model=Centre, shown_by=Event.centre_id, deleted=True)
@handlers.on(PARTNERS, "organisation.created", "organisation.updated", model=Organisation,
             shown_by=Event.organisation_id)
@handlers.on(PARTNERS, "organisation.deleted", model=Organisation, shown_by=Event.organisation_id, deleted=True)
@handlers.on(PARTNERS, "partnership.created", "partnership.updated", model=Partnership, shown_by=Event.partnership_id)
@handlers.on(PARTNERS, "partnership.deleted", model=Partnership, shown_by=Event.partnership_id, deleted=True)
@handlers.on(PARTNERS, "room.created", "room.updated", model=Room, shown_by=None)
@handlers.on(PARTNERS, "room.deleted", model=Room, shown_by=None, deleted=True)
def apply_record_message(session, envelope: Envelope, *, model, shown_by, deleted: bool = False) -> None:
    """A district, centre, organisation, partnership or room snapshot, into the replica."""
    data = _data(envelope)
    if model is Room:  # the rules as they travel: dates as ISO text in the JSON columns
        data = {**data, **{name: envelope.data[name] for name in ("closures", "open_on")}}
    apply_record(session, model, shown_by, data, deleted=deleted)
    if model is Room:
        room = session.get(Room, data["id"])
        if deleted and room is not None and room.deleted_at is not None:
            end_room_meetings(session, room)  # its meetings still to come are booked elsewhere, or at the centre
        elif not deleted and room is not None and room.version == data["version"]:  # applied, not older
            rewiden(session, room)  # a new buffer: the stored busy ranges follow it


@handlers.on(PARTNERS, "membership.added", "membership.updated")
@handlers.on(PARTNERS, "membership.removed", deleted=True)
def apply_membership_message(session, envelope: Envelope, *, deleted: bool = False) -> None:
    """A membership snapshot; the partnership's meetings follow its coordinator."""
    data = _data(envelope)
    apply_record(session, Membership, None, data, deleted=deleted)
    follow_coordinator(session, data["partnership_id"])


# API key hashes, so that partners' keys work (or stop working) here.
add_key_handlers(handlers, PARTNERS, ApiKey)


@handlers.on(PARTNERS, "meeting.planned", "meeting.updated", "meeting.cancelled")
def apply_meeting_message(session, envelope: Envelope) -> None:
    """A partner meeting, as an event in its partnership's private calendar."""
    apply_meeting(session, envelope.type, _data(envelope))


# Staff accounts and sessions: one sign-in at partners works here, and ends here when it ends there.
register_staff_handlers(handlers, PARTNERS, StaffAccount, StaffSession)


@handlers.on("notify", "registration.counts")
def apply_counts_message(session, envelope: Envelope) -> None:
    """Places taken and waiting on one date, from notify (numbers only): the page and the feeds show them."""
    apply_counts(session, _data(envelope))


HANDLERS = handlers.table()
