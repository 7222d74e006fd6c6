"""Partner meetings: the copies of organisations, partnerships and memberships, and the notices of
``meeting.planned`` to the contact addresses of the partnership's member organisations."""

import logging
from datetime import UTC, date, datetime

from sqlalchemy import delete, select

from services.messaging.envelope import Envelope
from services.notify.models import Membership, Notice, Organisation, Partnership

log = logging.getLogger(__name__)

#: Model and the snapshot fields it keeps, by message type prefix.
COPIES = {
    "organisation": (Organisation, ("name", "slug", "email")),
    "partnership": (Partnership, ("name", "district_id")),
    "membership": (Membership, ("partnership_id", "member_kind", "organisation_id", "left_on")),
}
DELETIONS = ("organisation.deleted", "partnership.deleted", "membership.removed")


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


def queue_meeting_notices(session, envelope: Envelope) -> None:
    meeting = envelope.data
    partnership = session.get(Partnership, meeting["partnership_id"])
    starts = datetime.fromisoformat(meeting["starts_at"]).date()
    key = f"meeting:{meeting['id']}"
    done = set(session.scalars(select(Notice.organisation_id).where(Notice.event_id == key,
                                                                    Notice.kind == "meeting")))
    payload = {"meeting": meeting, "partnership_name": partnership.name if partnership else ""}
    contacts = [o for o in _contacts(session, meeting["partnership_id"], starts) if o.id not in done]
    for organisation in contacts:
        session.add(Notice(organisation_id=organisation.id, event_id=key, sequence=0, kind="meeting",
                           payload=payload, status="queued"))
    log.info("meeting %s planned: %d notice(s) queued", meeting["id"], len(contacts))


def stop_notices(session, organisation: Organisation) -> None:
    """The unsubscribe link of a meeting notice: no more meeting notices to this organisation's address."""
    if organisation.notices_stopped_at is None:
        organisation.notices_stopped_at = datetime.now(UTC)
        session.execute(delete(Notice).where(Notice.organisation_id == organisation.id, Notice.status == "queued"))
        log.info("organisation %s stopped meeting notices", organisation.id)
