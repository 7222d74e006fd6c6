"""Reads of the events' tables that more than one view, page or operation uses: a live replica row, whether an
organisation is a current member of a partnership, and the text search over events: its stored search text, and the
condition that searches it."""

from sqlalchemy import select

from services.calendar.membership import is_current
from services.calendar.times import today
from services.events.models import Centre, Event, Membership, Organisation
from services.ui.naming import folded


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


#: The event's columns its search text is made of (with the names of its organiser and centre).
SEARCHED = ("title", "description", "organisation_id", "location", "centre_id")


def search_text(event, organiser: str | None, centre: str | None) -> str:
    """What the text filter searches: the ``event``'s title, description and location (an Event, or a row with
    them), the organiser's name and the centre's name, folded (services/ui/naming.py) so that "koled" finds
    "Wieczór kolęd" on SQLite and PostgreSQL alike."""
    return folded("\n".join([event.title, event.description or "", *filter(None, (organiser, event.location,
                                                                                      centre))]))


def refresh_search_text(session, event: Event) -> None:
    """Make the event's stored search text again, from its columns and the replica's names as they are now."""
    organisation = session.get(Organisation, event.organisation_id) if event.organisation_id is not None else None
    centre = session.get(Centre, event.centre_id) if event.centre_id is not None else None
    event.search_text = search_text(event, organisation and organisation.name, centre and centre.name)


def text_matches(text: str):
    """The condition "the search text contains ``text``": any letter case, with or without Polish letters, ``%``
    and ``_`` taken literally."""
    needle = folded(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Event.search_text.like(f"%{needle}%", escape="\\")
