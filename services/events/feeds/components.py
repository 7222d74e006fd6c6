"""An event row as a VEVENT: the names it shows are read from the replica, and the result is stored on the row.

Whoever changes an event, or a name it shows, sets ``Event.vevent`` to None in the same transaction; the feeds then
render it again here (:func:`render_pending`) before joining the stored components.
"""

import logging
from dataclasses import replace
from datetime import date

from flask import current_app
from sqlalchemy import bindparam, select

from services.calendar.ical import CalendarEvent, place_words, render_vevent
from services.calendar.recurrence import quarantined
from services.calendar.registration import places_words, takes_registrations
from services.calendar.times import excluded, local_date
from services.events.models import Centre, District, Event, Organisation, Partnership, RegistrationCount
from services.ui.labels import polish_audience, polish_category
from services.ui.links import partnership_page_url, registration_form_url
from services.ui.naming import public_name

log = logging.getLogger(__name__)


def public_base_url() -> str:
    """Where the public reaches this service; stored VEVENTs must not depend on the request's host."""
    return (current_app.config.get("PUBLIC_BASE_URL") or f"https://{current_app.config['PUBLIC_HOST']}").rstrip("/")


def event_url(event: Event) -> str:
    """The event's web page: what people want from a link in their calendar (the .ics is its "add" button). A
    partnership's event (a meeting, for its members) has no public page: its link is the partnership's page."""
    if event.visibility == "partnership" and event.partnership_id is not None:
        return partnership_page_url(current_app.config, event.partnership_id)
    return f"{public_base_url()}/events/{event.id}"


class Names:
    """The replica rows events show, loaded once for a batch of events."""

    def __init__(self, session, events: list[Event]):
        def rows(model, ids):
            ids = {i for i in ids if i is not None}
            return {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}

        self.districts = rows(District, (e.district_id for e in events))
        self.centres = rows(Centre, (e.centre_id for e in events))
        self.organisations = rows(Organisation, (e.organisation_id for e in events))
        self.partnerships = rows(Partnership, (e.partnership_id for e in events))
        self.counts = registration_counts(session, events)


def registration_counts(session, events: list[Event]) -> dict:
    """The counts of places of the events that have one row for the event as a whole (a single date's one row, or a
    series' row for the whole series, ``occurrence`` empty): {event id: RegistrationCount}. A series registered per
    date has its counts per date, never one date's for the series."""
    ids = [e.id for e in events if takes_registrations(e.visibility, e.status, registration_of(e))]
    if not ids:
        return {}
    series = {e.id for e in events if e.rrule}
    found: dict = {}
    for row in session.scalars(select(RegistrationCount).where(RegistrationCount.event_id.in_(ids))):
        if row.event_id not in series or row.occurrence == "":
            found.setdefault(row.event_id, []).append(row)
    return {event_id: rows[0] for event_id, rows in found.items() if len(rows) == 1}


def registration_of(event: Event) -> dict:
    return {"url": event.registration_url, "required": event.registration_required, "capacity": event.capacity}


def calendar_event(event: Event, names: Names) -> CalendarEvent:
    """What the event's VEVENT shows."""
    centre = names.centres.get(event.centre_id)
    organisation = names.organisations.get(event.organisation_id)
    partnership = names.partnerships.get(event.partnership_id)
    start, end, exdates = _times(event)
    latitude, longitude = event.latitude, event.longitude
    if latitude is None and centre is not None and event.location in (None, centre.address):
        latitude, longitude = centre.latitude, centre.longitude
    organiser = organisation or partnership
    return CalendarEvent(
        uid=f"{event.id}@{current_app.config['PUBLIC_HOST']}",
        sequence=event.sequence,
        created=event.created_at,
        last_modified=event.updated_at,
        title=event.title,
        description=_description(event, names),
        url=event_url(event),
        start=start,
        end=end,
        organiser_name=organiser.name if organiser else public_name(),
        organiser_email=organisation.email if organisation else None,
        organiser_url=organisation.website if organisation else None,
        status="CANCELLED" if event.status == "cancelled" else "CONFIRMED",
        rrule=event.rrule,
        exdates=exdates,
        location=event_place(event, centre),
        geo=(latitude, longitude) if latitude is not None and longitude is not None else None,
        # In Polish, as calendar users read them; the feeds' ?category= and ?audience= filters keep the codes.
        categories=(polish_category(event.category), *(polish_audience(a) for a in event.audiences)),
    )


def _times(event: Event):
    exdates = excluded(event.exdates, event.all_day, event.starts_at)
    if event.all_day:
        start, end = local_date(event.starts_at), local_date(event.ends_at)
        if end <= start:
            end = date.fromordinal(start.toordinal() + 1)
        return start, end, exdates
    return event.starts_at, event.ends_at, exdates


def event_place(event: Event, centre: Centre | None) -> str | None:
    """Where the event is, in the words of its LOCATION, its public page and its e-mails (``ical.place_words``)."""
    place = event.location or (centre.address if centre else None)
    return place_words(centre.name if centre else None, place)


def _description(event: Event, names: Names) -> str:
    lines = []
    details = {
        "Organizator": getattr(names.organisations.get(event.organisation_id), "name", None),
        "Partnerstwo": getattr(names.partnerships.get(event.partnership_id), "name", None),
        "Dzielnica": getattr(names.districts.get(event.district_id), "name", None),
        "Dla kogo": ", ".join(polish_audience(a).lower() for a in event.audiences) or None,
        "Dostępność": event.accessibility,
        "Kontakt": event.contact,
        "Zapisy": _registration(event, names),
        "Strona organizatora": event.url,
    }
    for label, value in details.items():
        if value:
            lines.append(f"{label}: {value}")
    if event.status == "cancelled":
        lines.insert(0, "ODWOŁANE.")
    body = event.description.strip()
    return "\n\n".join(part for part in (body, "\n".join(lines)) if part)


def _registration(event: Event, names: Names) -> str | None:
    """How to register, in Polish: an outside link; or OSL's form, with the places left (numbers only)."""
    if event.registration_url:
        return event.registration_url
    if takes_registrations(event.visibility, event.status, registration_of(event)):
        count = names.counts.get(event.id)
        if event.rrule and count is None:
            places = "na każdy termin osobno"
        elif count is not None:
            places = places_words(count.capacity, count.confirmed, count.waiting)
        else:
            places = places_words(event.capacity, 0, 0)
        kind = "wymagane" if event.registration_required else "mile widziane"
        return f"{kind}, {places}; formularz zapisu: {registration_form_url(current_app.config, event.id)}"
    if event.registration_required:
        return f"wymagane (miejsc: {event.capacity})" if event.capacity else "wymagane"
    return None


def render(event: Event, names: Names) -> str:
    """The event's VEVENT, then one VEVENT (same UID, RECURRENCE-ID) for each date changed on its own."""
    master = _render_master(event, names)
    if not event.rrule or not event.overrides or quarantined(event.series):
        return master
    shown = calendar_event(event, names)
    changed = [replace(shown, recurrence_id=o.recurrence_id, start=o.starts_at, end=o.ends_at, rrule=None, exdates=(),
                       sequence=o.sequence, status="CANCELLED" if o.cancelled else shown.status,
                       location=o.location or shown.location)
               for o in event.series.overrides]
    return master + "".join(render_vevent(one) for one in changed)


def _render_master(event: Event, names: Names) -> str:
    shown = calendar_event(event, names)
    if quarantined(event.series):
        # A rule stored before rules were checked: show the first occurrence rather than hand calendar apps a
        # series that could hang them (logged once by the calendar core).
        return render_vevent(replace(shown, rrule=None, exdates=()))
    try:
        return render_vevent(shown)
    except ValueError:
        log.warning("event %s: its RRULE %r cannot be rendered; it shows without recurrence", event.id, event.rrule)
        return render_vevent(replace(shown, rrule=None, exdates=()))


def render_one(session, event: Event) -> str:
    """The event's VEVENT as it is now: what the feeds serve and its messages carry."""
    return render(event, Names(session, [event]))


def render_pending(session, events: list[Event] | None = None, store: bool = True) -> dict:
    """Render and store the VEVENT of every event that has none; returns {event id: VEVENT}.

    On PostgreSQL the rows are locked while they are read and rendered, so that a rename committed meanwhile
    clears the VEVENT again after us instead of being lost (SQLite's transactions hold the write lock anyway).
    """
    if events is None:
        events = list(session.scalars(select(Event).where(Event.vevent.is_(None)).with_for_update()))
    if not events:
        return {}
    names = Names(session, events)
    rendered = {event.id: render(event, names) for event in events}
    if not store:
        return rendered
    table = Event.__table__
    store_one = table.update().where(table.c.id == bindparam("b_id"), table.c.vevent.is_(None),
                                     table.c.version == bindparam("b_version")).values(vevent=bindparam("b_vevent"))
    session.execute(store_one, [{"b_id": event.id, "b_version": event.version, "b_vevent": rendered[event.id]}
                                for event in events])
    session.commit()
    log.info("rendered the VEVENT of %d events", len(rendered))
    return rendered



