"""Moderation: an event of an organisation that MOPS marked as needing review is withheld (``visibility``
``review``: in no feed, page or message, so no resident is told) and waits in a queue. An admin approves it, and it
is published then, as any event is (``event.published``), or rejects it with a reason, and it goes back to its
organisation; a change by the organisation (or by its imported calendar) sends it for review again, and so does an
admin's change of one sent back (a pending one keeps its place). An admin's own events are never withheld; an
imported calendar's are, when its organisation needs review.
"""

import logging

from sqlalchemy import select

from services.events.models import Event, EventReview, Organisation
from services.events.operations import publish
from services.messaging.errors import Conflict, FieldError
from services.messaging.models import utcnow

log = logging.getLogger(__name__)

WITHHELD = "review"
MAX_REASON = 2000


def needs_review(session, organisation_id: int | None) -> bool:
    """Whether a new event of this organisation waits for review: the one rule, for the API, the form and the
    calendar imports (services/events/imports/sync.py) alike."""
    if organisation_id is None:
        return False
    organisation = session.get(Organisation, organisation_id)
    return bool(organisation is not None and organisation.needs_review)


def withheld(session, caller, organisation_id: int | None) -> bool:
    """Whether a new event of this caller waits for review (an admin's never does)."""
    return not caller.is_admin and needs_review(session, organisation_id)


def submit(session, event: Event) -> Event:
    """Put a withheld event in the queue (again, after a change to a rejected one)."""
    review = session.get(EventReview, event.id)
    if review is None:
        session.add(EventReview(event_id=event.id, status="pending", submitted_at=utcnow()))
    else:
        review.status, review.reason, review.submitted_at, review.decided_at = "pending", None, utcnow(), None
    log.info("event %s of organisation %s waits for review", event.id, event.organisation_id)
    return event


def changed(session, caller, event: Event) -> None:
    """A withheld event is being changed. By its organisation: in the queue again (the reason it was sent back for,
    answered). By an admin: one waiting keeps its place in the queue; one sent back goes in the queue again, since
    MOPS may fix what it sent back itself, and only a waiting event can be approved (left sent back, it could be
    published by no one until its organisation changed it)."""
    if not caller.is_admin:
        submit(session, event)
        return
    review = session.get(EventReview, event.id)
    if review is not None and review.status == "rejected":
        submit(session, event)


def cancelled_or_restored(session, event: Event) -> None:
    """A withheld event that is cancelled leaves the queue: there is nothing left to approve (approving it would
    publish a cancelled event). Put back (by anyone), it waits for review again."""
    if event.status != "cancelled":
        submit(session, event)
        return
    review = session.get(EventReview, event.id)
    if review is not None:
        session.delete(review)
        log.info("event %s cancelled while withheld: out of the review queue", event.id)


def queue(session) -> list[tuple[Event, EventReview]]:
    """The events waiting for review, longest waiting first."""
    query = (select(Event, EventReview).join(EventReview, EventReview.event_id == Event.id)
             .where(EventReview.status == "pending", Event.status != "cancelled").order_by(EventReview.submitted_at))
    return [tuple(row) for row in session.execute(query)]


def review_of(session, event: Event) -> EventReview | None:
    return session.get(EventReview, event.id) if event.visibility == WITHHELD else None


def _pending(session, event: Event) -> EventReview:
    review = review_of(session, event)
    if review is None or review.status != "pending" or event.status == "cancelled":
        raise Conflict("This event is not waiting for review.")
    return review


def approve(session, event: Event) -> None:
    """Publish the event: it reaches the feeds and pages, and notify tells the residents who chose it."""
    session.delete(_pending(session, event))
    event.visibility = "public"
    event.version += 1
    event.updated_at = utcnow()
    publish(session, event, "event.published")
    log.info("event %s approved and published", event.id)


def reject(session, event: Event, reason: str) -> None:
    """Send the event back to its organisation with the reason; it stays withheld."""
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= MAX_REASON:
        raise FieldError("reason", f"Say why, in 1 to {MAX_REASON} characters.")
    review = _pending(session, event)
    review.status, review.reason, review.decided_at = "rejected", reason, utcnow()
    log.info("event %s rejected", event.id)
