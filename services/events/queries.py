"""Reads of the events' tables that more than one view, page or operation uses: a live replica row, whether an
organisation is a current member of a partnership, and the text search over events: its stored search text, and the
condition that searches it."""

from sqlalchemy import bindparam, select, text

from services.calendar.membership import is_current
from services.calendar.times import today
from services.events.models import Centre, District, Event, Membership, Organisation
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


#: The event's columns its search text is made of (with the names of its organiser, centre and district).
SEARCHED = ("title", "description", "organisation_id", "location", "centre_id", "district_id")


def search_text(event, organiser: str | None, centre: str | None, district: str | None = None) -> str:
    """What the text filter searches: the ``event``'s title, description and location (an Event, or a row with
    them), the names of its organiser, centre and district, folded (services/ui/naming.py) so that "koled" finds
    "Wieczór kolęd" on SQLite and PostgreSQL alike."""
    return folded("\n".join([event.title, event.description or "", *filter(None, (organiser, event.location,
                                                                                      centre, district))]))


def refresh_search_text(session, event: Event) -> None:
    """Make the event's stored search text again, from its columns and the names of its organiser, centre and
    district as the replica holds them now; a deleted one is not named, as the pages do not show it."""
    rows = [session.get(model, key) if key is not None else None for model, key in (
        (Organisation, event.organisation_id), (Centre, event.centre_id), (District, event.district_id))]
    event.search_text = search_text(event, *(row.name if row is not None and row.deleted_at is None else None
                                             for row in rows))


def write_search_texts(connection, batch: int = 500) -> None:
    """Make every event's stored search text again, as ``refresh_search_text`` does, from a migration: in batches,
    so that a large calendar is not held in memory at once."""
    names = {table: dict(connection.execute(text(f"SELECT id, name FROM {table} WHERE deleted_at IS NULL")).all())
             for table in ("organisations", "centres", "districts")}
    ids = connection.execute(text("SELECT id FROM events ORDER BY id")).scalars().all()
    query = text("SELECT id, title, description, organisation_id, location, centre_id, district_id FROM events "
                    "WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
    for first in range(0, len(ids), batch):
        rows = connection.execute(query, {"ids": ids[first:first + batch]}).all()
        values = [{"id": row.id, "text": search_text(row, names["organisations"].get(row.organisation_id),
                                                     names["centres"].get(row.centre_id),
                                                     names["districts"].get(row.district_id))} for row in rows]
        connection.execute(text("UPDATE events SET search_text = :text WHERE id = :id"), values)


def text_matches(text: str):
    """The condition "the search text contains ``text``": any letter case, with or without Polish letters, ``%``
    and ``_`` taken literally."""
    needle = folded(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Event.search_text.like(f"%{needle}%", escape="\\")
