"""Handlers of the messages the programme service consumes: the activities (public events) whose occurrences get
roll calls, the districts' names, the API key hashes that let MOPS and the organisations in, and the staff accounts
and sessions that open the pages.

The topology (services/messaging/topology.py) makes the queues and their bindings from these registrations.
"""

import logging

from services.calendar.times import aware
from services.messaging.envelope import Envelope
from services.messaging.handlers import Handlers
from services.messaging.keys import add_key_handlers
from services.messaging.registry import message_type
from services.messaging.replica import apply_snapshot
from services.messaging.staff import register_handlers as register_staff_handlers
from services.programme.models import Activity, ApiKey, District, StaffAccount, StaffSession

log = logging.getLogger(__name__)

handlers = Handlers("programme")

#: The queues, named after the service the messages come from, as in the other consumers.
EVENTS, PARTNERS = "events", "partners-replica"

#: Copied from each event snapshot: what a roll call and the attendance indicators need.
COPIED = ("title", "organisation_id", "organisation_name", "district_slug", "district_name", "all_day", "rrule",
          "exdates", "status")


def _data(envelope: Envelope) -> dict:
    # The envelope holds the JSON form; the schema gives back dates and datetimes as Python objects.
    return message_type(envelope.type).schema.load(envelope.data)


def apply_activity(session, event: dict) -> Activity | None:
    """Keep the newer snapshot of a public event or of a partner meeting; other private events are not kept."""
    meeting = event.get("meeting_id") is not None
    if event["visibility"] != "public" and not meeting:
        return None
    activity = session.get(Activity, event["id"])
    if activity is not None and activity.version >= event["version"]:
        return activity
    if activity is None:
        activity = Activity(id=event["id"])
        session.add(activity)
    activity.version, activity.meeting = event["version"], meeting
    for name in COPIED:
        setattr(activity, name, event[name])
    activity.starts_at, activity.ends_at = aware(event["starts_at"]), aware(event["ends_at"])
    return activity


@handlers.on(EVENTS, "event.published", "event.updated", "event.cancelled")
def apply_event_message(session, envelope: Envelope) -> None:
    """An event snapshot, into the copy of the activities."""
    apply_activity(session, _data(envelope))


@handlers.on(PARTNERS, "district.created", "district.updated")
@handlers.on(PARTNERS, "district.deleted", deleted=True)
def apply_district_message(session, envelope: Envelope, *, deleted: bool = False) -> None:
    """A district's name and slug, so that the dashboard names every district in Polish, with or without
    activities."""
    apply_snapshot(session, District, _data(envelope), deleted=deleted)


# API key hashes, so that MOPS's and the organisations' keys work (or stop working) here.
add_key_handlers(handlers, PARTNERS, ApiKey)

# Staff accounts and sessions: one sign-in at partners opens the pages here, and ends here when it ends there.
register_staff_handlers(handlers, PARTNERS, StaffAccount, StaffSession)


HANDLERS = handlers.table()
