"""Reads of the events' tables that more than one view, page or operation uses: a live replica row, whether an
organisation is a current member of a partnership, and the text search over events."""

from sqlalchemy import select

from services.calendar.membership import is_current
from services.calendar.times import today
from services.events.models import Event, Membership


def live(session, model, **where):
    """The replica row matching ``where`` that is not deleted, or None."""
    query = select(model).filter_by(**where).where(model.deleted_at.is_(None))
    return session.scalars(query).first()


def is_current_member(session, partnership_id: int, organisation_id: int, role: str | None = None) -> bool:
    query = select(Membership).where(
        Membership.partnership_id == partnership_id, Membership.organisation_id == organisation_id,
        Membership.deleted_at.is_(None),
    )
    if role:
        query = query.where(Membership.role == role)
    day = today()
    return any(is_current(m.left_on, day, m.joined_on) for m in session.scalars(query))


def text_matches(text: str):
    """The condition "title or description contains ``text``", case-insensitive, ``%`` and ``_`` taken literally."""
    needle = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Event.search_text.like(f"%{needle}%", escape="\\")
