"""Each room's calendars: a feed of its bookings (``/feeds/rooms/{id}.ics``) and its free/busy
(``/feeds/rooms/{id}/freebusy.ics``, ``/feeds/centres/{slug}/freebusy.ics``). The VEVENT renderer and the
VFREEBUSY are the calendar core's (``services/calendar/ical.py``).

A public booking (an activity) shows its title; a private one (a partner meeting, a reservation) shows only
"zajęte" (busy). A pending booking is TENTATIVE in the feed and BUSY-TENTATIVE in the free/busy answer.
"""

import hashlib
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select

from services.calendar.ical import BusyTimes, CalendarEvent, CalendarMeta, prodid, render_freebusy, render_vevent
from services.events.feeds.build import Window
from services.events.feeds.components import public_base_url
from services.events.feeds.views import for_the_gateway
from services.events.ical import CalendarMeta as FeedMeta
from services.events.ical import assemble_calendar
from services.events.models import Booking, BookingDate, Centre, Organisation, Room
from services.events.queries import live
from services.messaging.models import utcnow
from services.messaging.web import request_session
from services.ui.naming import feed_name, public_name

blp = Blueprint("room_feeds", __name__)
BUSY = "zajęte"
#: A date a holder left out or cancelled stays in the feed as CANCELLED, so subscribed calendars remove it.
WITHDRAWN = ("cancelled", "skipped")
MAX_AGE = 300


def room_title(session, room: Room) -> str:
    centre = session.get(Centre, room.centre_id)
    return f"{centre.name}: {room.name}" if centre else room.name


def _window():
    return Window.of_day(utcnow().date(), current_app.config)


def _dates(session, room_ids: list[int], states) -> list[BookingDate]:
    window = _window()
    query = select(BookingDate).join(Booking).where(
        BookingDate.room_id.in_(room_ids), BookingDate.state.in_(states), BookingDate.ends_at > window.start,
        BookingDate.starts_at < window.end).order_by(BookingDate.starts_at, BookingDate.id)
    return list(session.scalars(query))


def date_event(session, row: BookingDate, feed_url: str, names: dict) -> CalendarEvent:
    """What one booked date shows: the title of a public activity, else only that the room is taken."""
    booking = row.booking
    public = booking.visibility == "public"
    organisation = names.get(booking.organisation_id) if public else None
    status = {"active": "CONFIRMED", "pending": "TENTATIVE"}.get(row.state, "CANCELLED")
    return CalendarEvent(
        uid=f"{booking.id}-{row.starts_at:%Y%m%dT%H%M%SZ}@{current_app.config['PUBLIC_HOST']}",
        sequence=booking.version, created=booking.created_at, last_modified=booking.updated_at,
        title=booking.title if public else BUSY, description="" if public else "Zajęte / busy", url=feed_url,
        start=row.starts_at, end=row.ends_at, organiser_name=organisation.name if organisation else public_name(),
        status=status)


@blp.get("/feeds/rooms/<int:room_id>.ics")
def room_feed(room_id: int):
    session = request_session()
    room = _room(session, room_id)
    url = f"{public_base_url()}/feeds/rooms/{room.id}.ics"
    rows = [row for row in _dates(session, [room.id], ("active", "pending", *WITHDRAWN))
            if row.state != "skipped" or row.reason == "skipped"]
    ids = {row.booking.organisation_id for row in rows} - {None}
    names = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))} if ids else {}
    title = room_title(session, room)
    meta = FeedMeta(feed_name(title), f"Rezerwacje sali: {title}")
    body = assemble_calendar(meta, [render_vevent(date_event(session, row, url, names)) for row in rows])
    return _serve(body)


def _room(session, room_id: int) -> Room:
    room = live(session, Room, id=room_id)
    if room is None:
        abort(404, description=f"No room {room_id}.")
    return room


def busy_times(session, rooms: list[Room]) -> list[BusyTimes]:
    window = _window()
    rows = _dates(session, [room.id for room in rooms], ("active", "pending"))
    answers = []
    for room in rooms:
        periods = tuple((row.starts_at, row.ends_at, row.state == "pending") for row in rows if row.room_id == room.id)
        answers.append(BusyTimes(
            uid=f"room-{room.id}-freebusy@{current_app.config['PUBLIC_HOST']}", name=room_title(session, room),
            url=f"{public_base_url()}/feeds/rooms/{room.id}/freebusy.ics", start=window.start, end=window.end,
            periods=periods, stamp=max([row.booking.updated_at for row in rows if row.room_id == room.id],
                                       default=window.start)))
    return answers


def _freebusy_meta(name: str) -> CalendarMeta:
    return CalendarMeta(feed_name(name), prodid=prodid(public_name(), "OSL rooms"), refresh=timedelta(hours=1))


@blp.get("/feeds/rooms/<int:room_id>/freebusy.ics")
def room_freebusy(room_id: int):
    session = request_session()
    room = _room(session, room_id)
    return _serve(render_freebusy(_freebusy_meta(room_title(session, room)), busy_times(session, [room])))


@blp.get("/feeds/centres/<slug>/freebusy.ics")
def centre_freebusy(slug: str):
    session = request_session()
    centre = live(session, Centre, slug=slug)
    if centre is None:
        abort(404, description=f"No centre {slug!r}.")
    rooms = list(session.scalars(select(Room).where(Room.centre_id == centre.id, Room.deleted_at.is_(None))
                                 .order_by(Room.id)))
    return _serve(render_freebusy(_freebusy_meta(centre.name), busy_times(session, rooms)))


def _serve(body: bytes) -> Response:
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32], weak=True)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    # Built from the database on every request: the caching gateway keeps it no longer than an event feed.
    for_the_gateway(response, private=False)
    return response.make_conditional(request)
