"""Partner meetings: the copies of organisations, partnerships, memberships and meetings, and the notices of
``meeting.planned`` to the contact addresses of the partnership's member organisations; ``meeting.updated`` (a new
time, place or title) and ``meeting.cancelled`` go to the organisations that were told of the meeting."""

import logging
from datetime import UTC, date, datetime

from sqlalchemy import delete, select

from services.messaging.envelope import Envelope
from services.notify.mail.render import as_event, significant_changes
from services.notify.models import MeetingCopy, Membership, Notice, Organisation, Partnership
from services.notify.models.notices import UNSENT

log = logging.getLogger(__name__)

#: Model and the snapshot fields it keeps, by message type prefix.
COPIES = {
    "organisation": (Organisation, ("name", "slug", "email")),
    "partnership": (Partnership, ("name", "district_id")),
    "membership": (Membership, ("partnership_id", "member_kind", "organisation_id", "left_on")),
}
DELETIONS = ("organisation.deleted", "partnership.deleted", "membership.removed")
#: The notice kind of each meeting message.
KIND_OF = {"meeting.planned": "meeting", "meeting.updated": "meeting_updated",
           "meeting.cancelled": "meeting_cancelled"}


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
        value = data[name]
        setattr(row, name, date.fromisoformat(value) if name == "left_on" and value else value)
    row.version = data["version"]
    row.deleted_at = datetime.now(UTC) if envelope.type in DELETIONS else None


def _contacts(session, partnership_id: int, on: date) -> list[Organisation]:
    """Member organisations of the partnership on that day that have a contact address and want meeting notices."""
    query = (select(Organisation).join(Membership, Membership.organisation_id == Organisation.id)
             .where(Membership.partnership_id == partnership_id, Membership.member_kind == "organisation",
                    Membership.deleted_at.is_(None), Organisation.deleted_at.is_(None),
                    Organisation.email.is_not(None), Organisation.notices_stopped_at.is_(None)))
    members = session.scalars(query).unique().all()
    left = {m.organisation_id for m in session.scalars(select(Membership).where(
        Membership.partnership_id == partnership_id, Membership.left_on.is_not(None), Membership.left_on < on))}
    return [organisation for organisation in members if organisation.id not in left and organisation.email]


def _remember(session, meeting: dict) -> tuple[bool, dict | None]:
    """Store the newer snapshot; returns (whether it was newer, the snapshot it replaced)."""
    copy = session.get(MeetingCopy, meeting["id"])
    if copy is not None and copy.version >= meeting["version"]:
        return False, None
    previous = copy.snapshot if copy is not None else None
    if copy is None:
        copy = MeetingCopy(id=meeting["id"])
        session.add(copy)
    copy.version, copy.snapshot = meeting["version"], meeting
    return True, previous


def _told(session, key: str) -> list[Organisation]:
    """Organisations sent (or about to be sent) the planned meeting's notice that still want meeting notices."""
    told = select(Notice.organisation_id).where(Notice.event_id == key, Notice.kind == "meeting",
                                                Notice.status != "failed")
    query = select(Organisation).where(Organisation.id.in_(told), Organisation.deleted_at.is_(None),
                                       Organisation.email.is_not(None), Organisation.notices_stopped_at.is_(None))
    return list(session.scalars(query))


def apply_meeting(session, envelope: Envelope) -> None:
    """Queue the notices of a meeting message, once each: a replayed or older snapshot queues nothing."""
    meeting = envelope.data
    newer, previous = _remember(session, meeting)
    kind = KIND_OF[envelope.type]
    if not newer:
        return
    key = f"meeting:{meeting['id']}"
    if previous is None and kind == "meeting_updated":  # planned before meetings were copied: the invitation's
        previous = session.scalar(select(Notice.payload).where(Notice.event_id == key, Notice.kind == "meeting")
                                  .order_by(Notice.id.desc()).limit(1))
        previous = previous["meeting"] if previous else None
    if kind == "meeting_updated" and (previous is None or not significant_changes(as_event(previous),
                                                                                   as_event(meeting))):
        return
    partnership = session.get(Partnership, meeting["partnership_id"])
    payload = {"meeting": meeting, "partnership_name": partnership.name if partnership else ""}
    if kind == "meeting":
        sequence = 0
        starts = datetime.fromisoformat(meeting["starts_at"]).date()
        recipients = _contacts(session, meeting["partnership_id"], starts)
    else:
        sequence = meeting["version"]
        recipients = _told(session, key)
        if kind == "meeting_updated":
            payload["previous"] = previous
    done = set(session.scalars(select(Notice.organisation_id).where(Notice.event_id == key, Notice.kind == kind,
                                                                    Notice.sequence == sequence)))
    recipients = [o for o in recipients if o.id not in done]
    for organisation in recipients:
        session.add(Notice(organisation_id=organisation.id, event_id=key, sequence=sequence, kind=kind,
                           payload=payload, status="queued"))
    log.info("%s %s: %d notice(s) queued", envelope.type, meeting["id"], len(recipients))


def stop_notices(session, organisation: Organisation) -> None:
    """The unsubscribe link of a meeting notice: no more meeting notices to this organisation's address."""
    if organisation.notices_stopped_at is None:
        organisation.notices_stopped_at = datetime.now(UTC)
        session.execute(delete(Notice).where(Notice.organisation_id == organisation.id, Notice.status.in_(UNSENT)))
        log.info("organisation %s stopped meeting notices", organisation.id)
