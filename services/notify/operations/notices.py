"""Notices: every notice is queued, stopped and queued again here; and the sender's marks (a claim, its renewal or
release, and each mail's outcome)."""

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from services.messaging.models import utcnow
from services.notify.models import (
    DigestItem,
    MemberContact,
    Notice,
    Organisation,
    Subscriber,
)
from services.notify.models.notices import UNSENT

log = logging.getLogger(__name__)

def queue_notice(session, *, subscriber: Subscriber | None = None, organisation=None, member_contact=None,
                 event_id: str | None = None, sequence: int = 0, kind: str, payload: dict,
                 occurrence: str = "") -> Notice:
    """Queue one notice to a subscriber (or a partnership member's, or an organisation's, contact address). The caller
    has checked that it is not a second one: the database refuses a second per (recipient, event, sequence, kind,
    occurrence) anyway."""
    notice = Notice(subscriber_id=subscriber.id if subscriber else None,
                    organisation_id=organisation.id if organisation else None,
                    member_contact_id=member_contact.membership_id if member_contact else None, event_id=event_id,
                    sequence=sequence, kind=kind, occurrence=occurrence, payload=payload, status="queued")
    session.add(notice)
    return notice


def queue_confirmation(session, subscriber: Subscriber, language: str) -> Notice:
    """A confirmation e-mail, in the language of the request it answers."""
    notice = Notice(subscriber_id=subscriber.id, kind="confirmation", payload={"language": language}, status="queued",
                    next_attempt_at=utcnow())
    session.add(notice)
    return notice


def queue_digest(session, subscriber: Subscriber, key: str, payload: dict) -> Notice:
    """A subscriber's digest for one period, with an item per event it lists (what a later cancellation looks up)."""
    notice = queue_notice(session, subscriber=subscriber, event_id=key, kind="digest", payload=payload)
    session.flush()
    session.add_all([DigestItem(notice_id=notice.id, event_id=event["id"]) for event in payload["events"]])
    return notice


def stop_notices(session, recipient: Organisation | MemberContact) -> None:
    """The unsubscribe link of a meeting notice: no more meeting notices to this member's (or organisation's)
    address, until the address changes."""
    if recipient.notices_stopped_at is None:
        recipient.notices_stopped_at = datetime.now(UTC)
        column, key = ((Notice.member_contact_id, recipient.membership_id) if isinstance(recipient, MemberContact)
                       else (Notice.organisation_id, recipient.id))
        session.execute(delete(Notice).where(column == key, Notice.status.in_(UNSENT)))
        log.info("%s %s stopped meeting notices", type(recipient).__name__, key)


def _resent() -> dict:
    """The columns that queue a failed notice again, for a fresh set of tries."""
    return {"status": "queued", "attempts": 0, "next_attempt_at": utcnow()}


def resend(notice: Notice) -> None:
    """Queue a failed notice again, for a fresh set of tries."""
    for name, value in _resent().items():
        setattr(notice, name, value)


def resend_failed(session, *conditions) -> int:
    """Queue again every failed notice that meets ``conditions``, in one statement: a notice is queued once however
    many such calls overlap, since each takes only notices still ``failed``. Returns how many."""
    result = session.execute(update(Notice).where(Notice.status == "failed", *conditions).values(**_resent()))
    return result.rowcount or 0


# --- the sender's marks: a claim, its renewal or release, and each mail's outcome ----------------------------------
# The sender (notices.py) runs these statements on its own connection, one commit each, so that a mail's outcome is
# written before the next mail goes out; what each writes is decided here.

#: A sender claims a batch of due notices in one short commit (status ``sending``, held until ``next_attempt_at``),
#: then sends them one by one, committing each outcome before the next mail goes out. So a sender that dies can
#: have sent at most one notice without marking it; its other claims fall due again when their hold runs out.
CLAIMED = "sending"


def claim_due(session, size: int, hold: timedelta, new_id) -> list[Notice]:
    """Mark up to ``size`` due notices as this sender's until ``hold`` from now, giving each a Message-ID
    (``new_id()``) it keeps across tries. A notice still ``sending`` after its hold ran out was claimed by a sender
    that died: it is claimed again (and may be sent a second time, if it was the one that sender had in hand)."""
    now = utcnow()
    query = (select(Notice).where(Notice.status.in_(("queued", CLAIMED)), Notice.next_attempt_at <= now)
             .order_by(Notice.id).limit(size).with_for_update(skip_locked=True))
    notices = session.scalars(query).all()
    for notice in notices:
        if notice.status == CLAIMED:
            log.warning("notice %s: its sender stopped before recording it; sending it again", notice.id)
        notice.status, notice.next_attempt_at = CLAIMED, now + hold
        notice.message_id = notice.message_id or new_id()
    return notices


def sent() -> dict:
    """The outcome of a mail the transport took."""
    return {"status": "sent", "sent_at": utcnow(), "last_error": None}


def failed(error: str) -> dict:
    """The outcome of a mail that failed for good: kept, visible, resendable."""
    return {"status": "failed", "last_error": error[:1000]}


def retry_later(error: str, delay: float) -> dict:
    """The outcome of a mail that failed for a temporary reason: queued again after ``delay`` seconds."""
    return {"status": "queued", "last_error": error[:1000], "next_attempt_at": utcnow() + timedelta(seconds=delay)}


def record_outcome(notice_id: int, attempts: int, outcome: dict):
    """The statement that records a claimed notice's outcome (``sent()``, ``failed()`` or ``retry_later()``)."""
    return (update(Notice).where(Notice.id == notice_id, Notice.status == CLAIMED)
            .values(attempts=attempts, **outcome))


def renew_claims(ids: list[int], hold: timedelta):
    """The statement that holds claimed notices ``hold`` longer, before another sender takes them."""
    return update(Notice).where(Notice.id.in_(ids), Notice.status == CLAIMED).values(next_attempt_at=utcnow() + hold)


def release_claims(ids: list[int]):
    """The statement that gives claimed notices back, due at once."""
    return (update(Notice).where(Notice.id.in_(ids), Notice.status == CLAIMED)
            .values(status="queued", next_attempt_at=utcnow()))
