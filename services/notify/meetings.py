"""Partner meetings: the copies of organisations, partnerships and memberships, and the notices of a meeting to the
contact addresses of its partnership's current member organisations.

A meeting reaches notify as the event the events service made of it (an ``event.*`` message with ``meeting_id``),
never mapped again here: so its e-mail shows the same place, SEQUENCE and VEVENT as the partnership's feed.
``event.published`` invites the members; a significant ``event.updated`` (a new time, place or title) and
``event.cancelled`` go to the organisations that were invited.
"""

import logging
from datetime import UTC, date, datetime

from sqlalchemy import select

from services.calendar.membership import is_current
from services.calendar.times import local_date
from services.messaging.envelope import Envelope
from services.notify import operations
from services.notify.models import Membership, Notice, Organisation, Partnership

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


def _contacts(session, partnership_id: int, on: date) -> list[Organisation]:
    """Member organisations of the partnership current on that day that have a contact address and want meeting
    notices."""
    query = (select(Organisation, Membership).join(Membership, Membership.organisation_id == Organisation.id)
             .where(Membership.partnership_id == partnership_id, Membership.member_kind == "organisation",
                    Membership.deleted_at.is_(None), Organisation.deleted_at.is_(None),
                    Organisation.email.is_not(None), Organisation.notices_stopped_at.is_(None)))
    chosen: dict[int, Organisation] = {}
    for organisation, membership in session.execute(query):
        if organisation.email and is_current(membership.left_on, on, membership.joined_on):
            chosen[organisation.id] = organisation
    return list(chosen.values())


def _told(session, key: str) -> list[Organisation]:
    """Organisations sent (or about to be sent) the planned meeting's notice that still want meeting notices."""
    told = select(Notice.organisation_id).where(Notice.event_id == key, Notice.kind == "meeting",
                                                Notice.status != "failed")
    query = select(Organisation).where(Organisation.id.in_(told), Organisation.deleted_at.is_(None),
                                       Organisation.email.is_not(None), Organisation.notices_stopped_at.is_(None))
    return list(session.scalars(query))


def apply_meeting_event(session, type_name: str, event: dict, previous: dict | None, significant: bool) -> None:
    """Queue the notices of a meeting's event message, once each; ``significant`` says whether an update changed
    what the e-mail shows."""
    kind = KIND_OF[type_name]
    if kind == "meeting_updated" and (previous is None or not significant):
        return
    key = f"meeting:{event['meeting_id']}"
    if kind == "meeting":
        recipients = _contacts(session, event["partnership_id"], local_date(datetime.fromisoformat(event["starts_at"])))
    else:
        recipients = _told(session, key)
    payload = {"event": event, "previous": previous} if kind == "meeting_updated" else {"event": event}
    done = set(session.scalars(select(Notice.organisation_id).where(Notice.event_id == key, Notice.kind == kind,
                                                                    Notice.sequence == event["sequence"])))
    recipients = [o for o in recipients if o.id not in done]
    for organisation in recipients:
        operations.queue_notice(session, organisation=organisation, event_id=key, sequence=event["sequence"],
                                kind=kind, payload=payload)
    log.info("%s %s (meeting %s): %d notice(s) queued", type_name, event["id"], event["meeting_id"], len(recipients))
