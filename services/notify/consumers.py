"""Handlers of the messages the notify service consumes, each registered for the types it takes.

The topology (services/messaging/topology.py) makes the queues and their bindings from these registrations. Each
handler runs in the transaction that records the message in the inbox, so the notices it queues exist exactly once.
"""

import logging

from sqlalchemy import select

from services.calendar.changes import changed_groups
from services.calendar.times import from_wire
from services.messaging.addresses import normalise_email
from services.messaging.envelope import Envelope
from services.messaging.handlers import Handlers
from services.messaging.keys import add_key_handlers
from services.messaging.replica import apply_snapshot
from services.messaging.staff import register_handlers as register_staff_handlers
from services.notify import account_mail, meetings, operations
from services.notify.models import (
    ApiKey,
    DigestItem,
    District,
    EventCopy,
    Notice,
    Organisation,
    Registration,
    StaffAccount,
    StaffSession,
    Subscriber,
)

log = logging.getLogger(__name__)

handlers = Handlers("notify")

#: One queue for the partners data notify copies, so that it arrives in the order it was made.
PARTNERS = "partners-replica"


@handlers.on(PARTNERS, "district.created", "district.updated")
@handlers.on(PARTNERS, "district.deleted", deleted=True)
def apply_district_message(session, envelope: Envelope, *, deleted: bool = False) -> None:
    apply_snapshot(session, District, envelope.data, deleted=deleted)


# The copies of organisations, partnerships and memberships that meeting notices need. A meeting's own messages are
# not: notify learns of a meeting from the event the events service made of it.
handlers.add(PARTNERS, ("organisation.*", "partnership.*", "membership.*"), meetings.apply_copy)
# The members' contact addresses (private to notify), on the same queue: they follow the memberships they belong to.
handlers.add(PARTNERS, "member_contacts.replaced", meetings.apply_contacts)

# API key hashes: partners' admin keys work on the admin API, and an organisation's key on its events' registrations.
add_key_handlers(handlers, PARTNERS, ApiKey)


def matches(subscriber: Subscriber, event: dict) -> bool:
    """A subscriber's districts and audiences (empty: all) take in the event; an event for everyone suits all."""
    if subscriber.districts and event["district_slug"] not in subscriber.districts:
        return False
    audiences = set(event["audiences"])
    return not subscriber.audiences or not audiences or "everyone" in audiences or bool(
        audiences & set(subscriber.audiences))


def _remember(session, event: dict) -> tuple[bool, dict | None]:
    """Store the newer snapshot; returns (whether it was newer, the snapshot it replaced)."""
    copy = session.get(EventCopy, event["id"])
    if copy is not None and copy.version >= event["version"]:
        return False, None
    previous = copy.snapshot if copy is not None else None
    if copy is None:
        copy = EventCopy(id=event["id"])
        session.add(copy)
    copy.version, copy.snapshot = event["version"], event
    copy.starts_at = from_wire(event["starts_at"])
    copy.recurring = bool(event.get("rrule"))
    copy.partnership_id = event.get("partnership_id") if event.get("meeting_id") is not None else None
    return True, previous


def _told(session, event_id: str) -> set[int]:
    """Subscribers already sent (or about to be sent) a notice of the event."""
    query = select(Notice.subscriber_id).where(Notice.event_id == event_id, Notice.kind != "cancelled",
                                               Notice.status != "failed")
    in_digests = (select(Notice.subscriber_id).join(DigestItem, DigestItem.notice_id == Notice.id)
                  .where(DigestItem.event_id == event_id, Notice.status != "failed"))
    return set(session.scalars(query)) | set(session.scalars(in_digests))


def _recipients(session, kind: str, event: dict) -> list[Subscriber]:
    confirmed = select(Subscriber).where(Subscriber.status == "confirmed")
    if kind == "cancelled":
        told = _told(session, event["id"])
        return [s for s in session.scalars(confirmed.where(Subscriber.id.in_(told)))] if told else []
    immediate = session.scalars(confirmed.where(Subscriber.frequency == "immediate")).all()
    chosen = [s for s in immediate if matches(s, event)]
    if kind == "updated":
        told = _told(session, event["id"])
        chosen += [s for s in session.scalars(confirmed.where(Subscriber.id.in_(told)))
                   if s.id not in {c.id for c in chosen}] if told else []
    return chosen


@handlers.on("events", "event.published", kind="published")
@handlers.on("events", "event.updated", kind="updated")
@handlers.on("events", "event.cancelled", kind="cancelled")
def apply_event_message(session, envelope: Envelope, *, kind: str) -> None:
    """Keep a copy of the event, and queue notices: new events, significant updates and cancellations."""
    event = envelope.data
    newer, previous = _remember(session, event)
    if newer:
        operations.follow_event(session, event, previous)  # registrations: new places, times, a cancelled date
    if newer and event.get("meeting_id") is not None:
        significant = previous is not None and bool(changed_groups(previous, event))
        meetings.apply_meeting_event(session, envelope.type, event, previous, significant)
        return
    if not newer or event["visibility"] != "public":
        return
    if kind == "updated" and (previous is None or not changed_groups(previous, event)):
        return
    payload = {"event": event, "previous": previous} if kind == "updated" else {"event": event}
    recipients = _recipients(session, kind, event)
    existing = set(session.scalars(select(Notice.subscriber_id).where(
        Notice.event_id == event["id"], Notice.sequence == event["sequence"], Notice.kind == kind)))
    registered = _told_as_registered(session, event) if kind != "published" else set()
    queued = 0
    for subscriber in recipients:
        if subscriber.id not in existing and normalise_email(subscriber.email) not in registered:
            operations.queue_notice(session, subscriber=subscriber, event_id=event["id"], sequence=event["sequence"],
                                    kind=kind, payload=payload)
            queued += 1
    log.info("%s %s: %d notice(s) queued", envelope.type, event["id"], queued)


def _told_as_registered(session, event: dict) -> set[str]:
    """The addresses (as compared: services/messaging/addresses.py) that a registration's mail tells of this change
    of the event (its SEQUENCE): a cancelled event or date, a new time. One person gets one mail about one change,
    the registration's, which is about their own date; so their subscription's notice of it is not queued."""
    emails = session.scalars(select(Registration.email).join(Notice, Notice.registration_id == Registration.id).where(
        Notice.event_id == event["id"], Notice.sequence == event["sequence"],
        Notice.kind.in_(("reg_cancelled", "reg_moved"))))
    return {normalise_email(email) for email in emails if email}


@handlers.on("imports", "import_source.failing")
def apply_import_failing(session, envelope: Envelope) -> None:
    """An organisation's calendar has failed for a day: tell its contact address, once per run of failures (a
    transactional notice about its own calendar, so it goes even where meeting notices were stopped)."""
    data = envelope.data
    organisation = session.get(Organisation, data["organisation_id"])
    if organisation is None or organisation.deleted_at is not None or not organisation.email:
        log.info("import source %s is failing, but its organisation has no contact address", data["source_id"])
        return
    key, episode = f"import-source:{data['source_id']}", int(from_wire(data["failing_since"]).timestamp() // 60)
    told = session.scalar(select(Notice.id).where(Notice.organisation_id == organisation.id, Notice.event_id == key,
                                                  Notice.sequence == episode, Notice.kind == "import_failing"))
    if told is None:
        operations.queue_notice(session, organisation=organisation, event_id=key, sequence=episode,
                                kind="import_failing", payload={"source": data})
        log.info("import source %s is failing: its organisation %s will be told", data["source_id"], organisation.id)


@handlers.on("meeting-rooms", "meeting_room.taken", kind="room_conflict")
@handlers.on("meeting-rooms", "meeting_room.cancelled", kind="room_cancelled")
def apply_meeting_room_answer(session, envelope: Envelope, *, kind: str) -> None:
    """What became of a partner meeting's room (issue #13), told to the partnership's coordinator (its
    organisation's contact address; a transactional notice, as for a failing calendar: it goes even where meeting
    notices were stopped). ``room_conflict``: the room could not be booked, told once per meeting, room and time.
    ``room_cancelled``: its booking ended (MOPS cancelled it, or the room was deleted), told once per meeting, room,
    time and version of the meeting (chosen again and cancelled again is told again), and only while the meeting is
    still to come (:func:`meetings.room_news_wanted`)."""
    data = envelope.data
    organisation = session.get(Organisation, data["organisation_id"]) if data.get("organisation_id") else None
    if organisation is None or organisation.deleted_at is not None or not organisation.email:
        log.info("%s for meeting %s, but no coordinator with a contact address", envelope.type, data["meeting_id"])
        return
    if kind == "room_cancelled" and not meetings.room_news_wanted(session, data):
        log.info("%s for meeting %s: over or cancelled, nobody is told", envelope.type, data["meeting_id"])
        return
    key = f"meeting-room:{data['meeting_id']}:{data['room_id']}"
    sequence = data["meeting_version"] if kind == "room_cancelled" else 0
    told = session.scalar(select(Notice.id).where(Notice.organisation_id == organisation.id, Notice.event_id == key,
                                                  Notice.kind == kind, Notice.sequence == sequence,
                                                  Notice.occurrence == data["starts_at"]))
    if told is None:
        operations.queue_notice(session, organisation=organisation, event_id=key, sequence=sequence, kind=kind,
                                occurrence=data["starts_at"], payload={"room": data})
        log.info("meeting %s: %s, its coordinator %s will be told", data["meeting_id"], kind, organisation.id)


# Mails to staff: invitations and password resets, asked for by the partners service.
handlers.add("account-mail", "account.mail.requested", account_mail.queue_account_mail)

# Staff accounts and sessions: one sign-in at partners works here, and ends here when it ends there.
register_staff_handlers(handlers, PARTNERS, StaffAccount, StaffSession)

HANDLERS = handlers.table()
