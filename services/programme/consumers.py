"""Handlers of the messages the programme service consumes: the activities (public events) whose occurrences get
roll calls, the registrations for them (from notify: pseudonymous references only, never a name), the districts'
names, the API key hashes that let MOPS and the organisations in, and the staff accounts and sessions that open the
pages.

The topology (services/messaging/topology.py) makes the queues and their bindings from these registrations.
"""

import logging

from sqlalchemy import select

from services.calendar.times import aware, from_wire
from services.messaging.envelope import Envelope
from services.messaging.handlers import Handlers
from services.messaging.keys import add_key_handlers
from services.messaging.models import utcnow
from services.messaging.registry import message_type
from services.messaging.replica import apply_snapshot
from services.messaging.staff import register_handlers as register_staff_handlers
from services.programme.models import (
    REGISTRATION_STATUSES,
    Activity,
    ApiKey,
    District,
    Registered,
    StaffAccount,
    StaffSession,
)

log = logging.getLogger(__name__)

handlers = Handlers("programme")

#: The queues, named after the service the messages come from, as in the other consumers.
EVENTS, PARTNERS, NOTIFY = "events", "partners-replica", "notify"

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
    activity.overrides = [{**data, "starts_at": data["starts_at"].isoformat(), "ends_at": data["ends_at"].isoformat()}
                          for data in event.get("overrides") or ()]
    return activity


@handlers.on(EVENTS, "event.published", "event.updated", "event.cancelled")
def apply_event_message(session, envelope: Envelope) -> None:
    """An event snapshot, into the copy of the activities."""
    apply_activity(session, _data(envelope))


def apply_registration(session, data: dict) -> Registered:
    """One registration's reference, date, people and status. A status only moves forward (waiting, confirmed,
    then cancelled or expired), so the furthest one is kept whatever order the messages came in. The first date a
    whole series' registration covers is the same in each of its messages: kept from whichever says it, never
    forgotten by one without it (an older message)."""
    row = session.scalars(select(Registered).where(Registered.event_id == data["event_id"],
                                             Registered.ref == data["ref"])).first()
    older = row is not None and REGISTRATION_STATUSES.index(data["status"]) < REGISTRATION_STATUSES.index(row.status)
    if row is None:
        row = Registered(event_id=data["event_id"], ref=data["ref"], status=data["status"])
        session.add(row)
    if data.get("series_from"):
        row.series_from = from_wire(data["series_from"])
    if older:
        return row
    row.occurrence_start = from_wire(data["occurrence"]) if data["occurrence"] else None
    row.people, row.status, row.updated_at = data["people"], data["status"], utcnow()
    return row


@handlers.on(NOTIFY, "registration.changed")
def apply_registration_message(session, envelope: Envelope) -> None:
    """A registration for an activity's date, named by notify's reference alone: the roll call lists it to tick."""
    apply_registration(session, _data(envelope))


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
