"""Partner meetings: the copies of organisations, partnerships and memberships, the members' contact addresses, and
the notices of a meeting to every current member of its partnership with a contact address.

A meeting reaches notify as the event the events service made of it (an ``event.*`` message with ``meeting_id``),
never mapped again here: so its e-mail shows the same place, SEQUENCE and VEVENT as the partnership's feed.
``event.published`` invites the members; a significant ``event.updated`` (a new time, place or title) and
``event.cancelled`` go to the members that were invited. A meeting moved into a member's membership (they join before
its new day) invites them then, once; a member invited who leaves before the new day is told of the change as the
others (the calendar entry they took moves).

The addresses come from partners' private ``member_contacts.replaced`` (a person's own, an organisation's contact
person's or its public one): personal data kept on the basis of the membership, one row per member, replaced by each
newer list and deleted when the member leaves (``forget_former_members``, by the calendar core's rule). They are used
for these e-mails only, and never logged.
"""

import logging
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, or_, select

from services.calendar.membership import has_left, is_current
from services.calendar.times import from_wire, local_date, today
from services.messaging.addresses import normalise_email, same_address
from services.messaging.envelope import Envelope
from services.messaging.messages.partners import meeting_event_id
from services.messaging.models import utcnow
from services.notify import operations
from services.notify.models import (
    ContactList,
    EventCopy,
    MemberContact,
    Membership,
    Notice,
    Organisation,
    Partnership,
    aware,
)

log = logging.getLogger(__name__)

#: Model and the snapshot fields it keeps, by message type prefix.
COPIES = {
    "organisation": (Organisation, ("name", "slug", "email")),
    "partnership": (Partnership, ("name", "district_id")),
    "membership": (Membership, ("partnership_id", "member_kind", "organisation_id", "joined_on", "left_on")),
}
DELETIONS = ("organisation.deleted", "partnership.deleted", "membership.removed")
#: The notice kind of each message about a meeting's event.
KIND_OF = {"event.published": "meeting", "event.updated": "meeting_updated", "event.cancelled": "meeting_cancelled"}
DATES = ("joined_on", "left_on")


def apply_copy(session, envelope: Envelope) -> None:
    """Keep a copy of the fields notices need, ignoring a snapshot no newer than the one held."""
    model, names = COPIES[envelope.type.split(".")[0]]
    data = envelope.data
    row = session.get(model, data["id"])
    if row is not None and row.version >= data["version"]:
        return
    if row is None:
        row = model(id=data["id"])
        session.add(row)
    for name in names:
        value = data.get(name)
        setattr(row, name, date.fromisoformat(value) if name in DATES and value else value)
    row.version = data["version"]
    row.deleted_at = datetime.now(UTC) if envelope.type in DELETIONS else None
    if model is Membership and (row.deleted_at is not None or has_left(row.left_on, today())):
        _forget(session, [row.id])  # a member who left: their address goes now, before partners' next list


def apply_contacts(session, envelope: Envelope) -> None:
    """Replace the partnership's member contacts with a newer list; an address that changed may be told again."""
    data = envelope.data
    held = session.get(ContactList, data["partnership_id"])
    if held is not None and held.version >= data["version"]:
        return
    if held is None:
        held = ContactList(partnership_id=data["partnership_id"], version=data["version"])
        session.add(held)
    held.version = data["version"]
    listed = {contact["membership_id"]: contact["email"] for contact in data["contacts"]}
    rows = {row.membership_id: row for row in session.scalars(
        select(MemberContact).where(or_(MemberContact.partnership_id == data["partnership_id"],
                                        MemberContact.membership_id.in_(listed))))}
    _forget(session, [membership_id for membership_id in rows if membership_id not in listed])
    now = datetime.now(UTC)
    for membership_id, email in listed.items():
        row = rows.get(membership_id)
        if row is None or row.email != email:
            stopped = _stopped_before(session, membership_id, email)
        if row is None:
            row = MemberContact(membership_id=membership_id, email=email, notices_stopped_at=stopped)
            session.add(row)
        elif row.email != email:
            row.email, row.notices_stopped_at = email, stopped
        row.partnership_id, row.received_at = data["partnership_id"], now
        row.basis = f"membership #{membership_id} of partnership #{data['partnership_id']}"
    log.info("member contacts of partnership %s: version %s, %d held", data["partnership_id"], data["version"],
             len(listed))
    session.flush()
    _invite_late_comers(session, data["partnership_id"])


def _invite_late_comers(session, partnership_id: int) -> None:
    """The partnership's planned meetings still ahead, to the members whose address came after the meeting (its
    event may arrive before the first list: order across queues is not guaranteed)."""
    for event in meetings_ahead(session, partnership_id):
        _invite_untold(session, event, "a member whose address came later")


def _invite_untold(session, event: dict, why: str) -> None:
    """Invite to the meeting every member current on its day not yet invited (an address that came late, or a
    meeting moved into their membership): each member once per meeting (whatever its sequence), and not an address
    already told of it by another member or its organisation."""
    key = f"meeting:{event['meeting_id']}"
    told = session.execute(select(Notice.member_contact_id, Notice.organisation_id).where(
        Notice.event_id == key, Notice.kind == "meeting")).all()
    members = {member for member, _ in told if member is not None}
    addresses = {normalise_email(row.email) for row in session.scalars(
        select(MemberContact).where(MemberContact.membership_id.in_(members)))}
    addresses |= {normalise_email(organisation.email) for organisation in session.scalars(
        select(Organisation).where(Organisation.id.in_({org for _, org in told if org is not None})))
        if organisation.email}
    for contact in _contacts(session, event["partnership_id"], _meeting_day(event)):
        if contact.membership_id in members or normalise_email(contact.email) in addresses:
            continue
        operations.queue_notice(session, member_contact=contact, event_id=key, sequence=event["sequence"],
                                kind="meeting", payload={"event": event, "recipient": reached_as(session, contact)})
        addresses.add(normalise_email(contact.email))
        log.info("meeting %s: %s (%s) will be told", event["meeting_id"], why, contact.membership_id)


def is_ahead(event: dict, now: datetime) -> bool:
    """Whether a meeting's members are still to be told of it: it has not started, or it repeats (its next dates are
    ahead). A meeting staff record after it was held, or whose message comes late, is told to nobody."""
    return from_wire(event["starts_at"]) > now or bool(event.get("rrule"))


def room_news_wanted(session, answer: dict) -> bool:
    """Whether the coordinator is still to be told what became of a meeting's room (``answer``, the events service's
    ``meeting_room.*`` message): the meeting is not over (by the time the answer names) nor cancelled (by its event's
    copy, when it is here: the answers and the events come on different queues)."""
    if from_wire(answer["ends_at"]) <= utcnow():
        return False
    copy = session.get(EventCopy, str(meeting_event_id(answer["meeting_id"])))
    return copy is None or copy.snapshot.get("status") != "cancelled"


def meetings_ahead(session, partnership_id: int) -> list[dict]:
    """The snapshots of the partnership's meetings not cancelled that are ahead (:func:`is_ahead`), by the copies'
    indexed ``partnership_id`` (a city's thousands of other events are not read; a partnership's meetings are few)."""
    now = utcnow()
    copies = session.scalars(select(EventCopy).where(EventCopy.partnership_id == partnership_id).order_by(EventCopy.id))
    return [copy.snapshot for copy in copies
            if copy.snapshot.get("status") != "cancelled" and is_ahead(copy.snapshot, now)]


def _member_organisation(session, membership: Membership | None) -> Organisation | None:
    """The copy of the organisation that is this member, if the member is one and the copy is here."""
    return session.get(Organisation, membership.organisation_id) if membership and membership.organisation_id \
        else None


def _stopped_before(session, membership_id: int, email: str) -> datetime | None:
    """When an organisation member's address had stopped meeting notices before member contacts (on its copy of the
    organisation): that stop holds for the same address."""
    organisation = _member_organisation(session, session.get(Membership, membership_id))
    if organisation and same_address(organisation.email, email):
        return aware(organisation.notices_stopped_at)
    return None


def reached_as(session, contact: MemberContact) -> str | None:
    """Why this member's address gets the meeting's e-mail (its footer says so), by partners' rule for the address
    (a person's own, else an organisation's contact person's, else its public one): ``person``, a person member;
    ``contact_person``, an organisation's address that is not its public one; ``organisation``, its public one (or
    one whose organisation's copy is not here). None while the membership's copy is not here."""
    membership = session.get(Membership, contact.membership_id)
    if membership is None:
        return None
    if membership.member_kind == "person":
        return "person"
    organisation = _member_organisation(session, membership)
    return "contact_person" if organisation and not same_address(organisation.email, contact.email) \
        else "organisation"


def _forget(session, membership_ids) -> None:
    """Delete these members' addresses and the notices made for them."""
    membership_ids = list(membership_ids)
    if membership_ids:
        session.execute(delete(Notice).where(Notice.member_contact_id.in_(membership_ids)))
        session.execute(delete(MemberContact).where(MemberContact.membership_id.in_(membership_ids)))


def _holds(column, email: str):
    """The condition that a stored address is this one (any case, without the spaces around it)."""
    return func.lower(func.trim(column)) == normalise_email(email)


def contacts_of(session, email: str) -> list[MemberContact]:
    """The member contact rows holding this address (any case)."""
    return list(session.scalars(select(MemberContact).where(_holds(MemberContact.email, email))
                                .order_by(MemberContact.membership_id)))


def organisations_of(session, email: str) -> list[Organisation]:
    """The copies of organisations whose contact address is this one (any case), deleted ones too."""
    return list(session.scalars(select(Organisation).where(_holds(Organisation.email, email))
                                .order_by(Organisation.id)))


def export_contacts(session, email: str) -> list[dict]:
    """GDPR export: the members' addresses held for this address, why, and the meeting notices made for each."""
    held = []
    for row in contacts_of(session, email):
        notices = session.scalars(select(Notice).where(Notice.member_contact_id == row.membership_id)
                                  .order_by(Notice.id))
        held.append({"membership_id": row.membership_id, "partnership_id": row.partnership_id, "email": row.email,
                     "basis": row.basis, "received_at": operations.iso_or_none(row.received_at),
                     "notices_stopped_at": operations.iso_or_none(row.notices_stopped_at),
                     "notices": [operations.notice_export(notice) for notice in notices]})
    return held


def erase_contacts(session, email: str) -> int:
    """GDPR erase: the members' addresses equal to this one go, with their notices; one comes back only in a newer
    list from partners (which holds the address on the basis of the membership). Returns how many."""
    erased = [row.membership_id for row in contacts_of(session, email)]
    _forget(session, erased)
    if erased:
        log.info("%d member contact(s) of an erased address erased", len(erased))
    return len(erased)


#: Why notify holds an organisation's contact address (the GDPR export says so).
ORGANISATION_BASIS = ("the organisation's contact address, from the partners service, for the notices to the "
                      "organisation: its partnerships' meetings, its calendar's failed imports, and its meetings' room "
                      "conflicts and cancelled room bookings")


def export_organisation_contacts(session, email: str) -> list[dict]:
    """GDPR export: the copies of organisations whose contact address this is, why, and the notices made for each
    (a small NGO's contact address is often a person's own)."""
    held = []
    for row in organisations_of(session, email):
        notices = session.scalars(select(Notice).where(Notice.organisation_id == row.id).order_by(Notice.id))
        held.append({"organisation_id": row.id, "name": row.name, "email": row.email, "basis": ORGANISATION_BASIS,
                     "notices_stopped_at": operations.iso_or_none(row.notices_stopped_at),
                     "notices": [operations.notice_export(notice) for notice in notices]})
    return held


def erase_organisation_contacts(session, email: str) -> int:
    """GDPR erase: the copies of organisations whose contact address this is lose it (and the stop of their meeting
    notices, which belonged to the address), with every notice to it not sent (queued, being sent, or failed and so
    resendable, whose error may quote the address); the notices sent stay, with the organisation, and name no
    address. The organisation's copy stays: partners owns it, and a newer snapshot of it brings the address back
    (a redelivered or replayed one, no newer, does not). Returns how many."""
    erased = organisations_of(session, email)
    for row in erased:
        row.email, row.notices_stopped_at = None, None
    if erased:
        session.execute(delete(Notice).where(Notice.organisation_id.in_([row.id for row in erased]),
                                             Notice.status != "sent"))
        log.info("%d organisation contact address(es) of an erased address erased", len(erased))
    return len(erased)


def forget_former_members(session, day: date | None = None) -> int:
    """Delete the addresses of members who have left by ``day`` (today), or whose membership is gone."""
    day = day or today()
    query = select(MemberContact.membership_id, Membership).outerjoin(
        Membership, Membership.id == MemberContact.membership_id)
    gone = [membership_id for membership_id, membership in session.execute(query)
            if membership is not None and (membership.deleted_at is not None or has_left(membership.left_on, day))]
    _forget(session, gone)
    if gone:
        log.info("forgot the contact addresses of %d former member(s)", len(gone))
    return len(gone)


def _contacts(session, partnership_id: int, on: date) -> list[MemberContact]:
    """One address per member of the partnership current on that day that has one and wants meeting notices; an
    address two members share is told once."""
    query = (select(MemberContact, Membership).join(Membership, Membership.id == MemberContact.membership_id)
             .where(Membership.partnership_id == partnership_id, Membership.deleted_at.is_(None),
                    MemberContact.notices_stopped_at.is_(None)).order_by(MemberContact.membership_id))
    chosen: dict[str, MemberContact] = {}
    for contact, membership in session.execute(query):
        if is_current(membership.left_on, on, membership.joined_on):
            chosen.setdefault(normalise_email(contact.email), contact)
    return list(chosen.values())


def _meeting_day(event: dict) -> date:
    """The Warsaw day of a meeting's event: who is a member that day is told of it."""
    return local_date(from_wire(event["starts_at"]))


def _told(session, key: str) -> tuple[list[MemberContact], list[Organisation]]:
    """Members (and, for notices made before member contacts, organisations) sent or about to be sent the planned
    meeting's notice that still want meeting notices."""
    told = select(Notice).where(Notice.event_id == key, Notice.kind == "meeting", Notice.status != "failed")
    contacts = select(MemberContact).where(
        MemberContact.membership_id.in_(told.with_only_columns(Notice.member_contact_id)),
        MemberContact.notices_stopped_at.is_(None))
    organisations = select(Organisation).where(
        Organisation.id.in_(told.with_only_columns(Notice.organisation_id)), Organisation.deleted_at.is_(None),
        Organisation.email.is_not(None), Organisation.notices_stopped_at.is_(None))
    return list(session.scalars(contacts)), list(session.scalars(organisations))


def apply_meeting_event(session, type_name: str, event: dict, previous: dict | None, significant: bool) -> None:
    """Queue the notices of a meeting's event message, once each; ``significant`` says whether an update changed
    what the e-mail shows."""
    kind = KIND_OF[type_name]
    if kind == "meeting_updated" and (previous is None or not significant):
        return
    if not is_ahead(event, utcnow()):
        log.info("%s %s (meeting %s): the meeting has started, nobody is told", type_name, event["id"],
                 event["meeting_id"])
        return
    key = f"meeting:{event['meeting_id']}"
    if kind == "meeting":
        contacts = _contacts(session, event["partnership_id"], _meeting_day(event))
        organisations = []
    else:
        contacts, organisations = _told(session, key)
    payload = {"event": event, "previous": previous} if kind == "meeting_updated" else {"event": event}
    done = session.execute(select(Notice.member_contact_id, Notice.organisation_id).where(
        Notice.event_id == key, Notice.kind == kind, Notice.sequence == event["sequence"])).all()
    contacts = [c for c in contacts if c.membership_id not in {member for member, _ in done}]
    organisations = [o for o in organisations if o.id not in {organisation for _, organisation in done}]
    for contact in contacts:
        operations.queue_notice(session, member_contact=contact, event_id=key, sequence=event["sequence"],
                                kind=kind, payload={**payload, "recipient": reached_as(session, contact)})
    for organisation in organisations:
        operations.queue_notice(session, organisation=organisation, event_id=key, sequence=event["sequence"],
                                kind=kind, payload={**payload, "recipient": "organisation"})
    log.info("%s %s (meeting %s): %d notice(s) queued", type_name, event["id"], event["meeting_id"],
             len(contacts) + len(organisations))
    if kind == "meeting_updated":
        _invite_untold(session, event, "a member of the meeting's new day")
