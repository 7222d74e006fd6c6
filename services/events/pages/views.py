"""The public pages. Thin: read the replica and the events, then render; unknown input is a 422 naming the field."""

import uuid
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from services.calendar import recurrence
from services.calendar.registration import places_words, takes_registrations
from services.calendar.times import today
from services.events.feeds.components import event_place, registration_counts, registration_of
from services.events.ical import subscribe_links
from services.events.models import AUDIENCES, CATEGORIES, Centre, District, Event, Organisation, Partnership, Room
from services.events.pages.upcoming import PERIODS, next_occurrence, period, since, upcoming
from services.events.queries import live
from services.events.rooms.queries import week_plan
from services.messaging.models import utcnow
from services.messaging.web import request_session
from services.ui.forms import date_as_typed, typed_date
from services.ui.i18n import page_language
from services.ui.labels import AUDIENCE_LABELS, CATEGORY_LABELS
from services.ui.links import registration_form_url
from services.ui.maps import map_links
from services.ui.naming import feed_name, polish_sorted

blp = Blueprint("pages", __name__, template_folder="templates")
MAX_SEARCH = 100


def _names(session, model) -> dict[int, object]:
    return {row.id: row for row in session.scalars(select(model).where(model.deleted_at.is_(None)))}


def _context(session, **extra) -> dict:
    return {"districts": _names(session, District), "centres": _names(session, Centre),
            "organisations": _names(session, Organisation), "audience_labels": AUDIENCE_LABELS,
            "category_labels": CATEGORY_LABELS, **extra}


def _feed_links(path: str, name: str) -> dict:
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.url_root).rstrip("/")
    return subscribe_links(f"{base}{path}", feed_name(name))


def _filters(session) -> tuple[dict, dict, dict]:
    """The filters of a list of events from the query (the home page's all; a place's page shows the search and the
    periods): (chosen values, query arguments for ``upcoming``, errors)."""
    args, chosen, errors = request.args, {}, {}
    query = {}
    slug = args.get("district", "")
    if slug:
        district = live(session, District, slug=slug)
        if district is None:
            errors["district"] = gettext("There is no district %(slug)s; choose one from the list.", slug=slug)
        else:
            query["district_id"] = district.id
    for name, allowed in (("audience", AUDIENCES), ("category", CATEGORIES)):
        value = args.get(name, "")
        if value and value not in allowed:
            errors[name] = gettext("Choose a value from the list.")
        elif value:
            query[name] = value
    day = None
    if args.get("from"):
        day = typed_date(args["from"])
        if day is None:
            errors["from"] = gettext("Give a date as day.month.year, for example 14.03.2026.")
    chosen = {name: args.get(name, "") for name in ("district", "audience", "category", "from", "q", "when")}
    if day is not None:
        chosen["from"] = date_as_typed(day)
    text = args.get("q", "").strip()
    if len(text) > MAX_SEARCH:
        errors["q"] = gettext("Search for at most %(count)d characters.", count=MAX_SEARCH)
    elif text:
        query["text"] = text
    now = utcnow()
    query["since"] = since(day, now)
    if chosen["when"] in PERIODS:
        start, query["until"] = period(chosen["when"], now)
        query["since"] = max(query["since"], start)
    elif chosen["when"]:
        errors["when"] = gettext("Choose a value from the list.")
    return chosen, query, errors


PERIOD_LABELS = {"": _l("Any time"), "week": _l("This week"), "weekend": _l("This weekend")}


def _period_links() -> list[tuple[str, str, str]]:
    """(value, label, URL) of the quick choices on the page asked for, each keeping the other filters."""
    others = {name: value for name, value in request.args.items() if name not in ("when", "from") and value}
    return [(value, label, url_for(request.endpoint, **request.view_args, **others,
                                   **({"when": value} if value else {})) + "#events")
            for value, label in PERIOD_LABELS.items()]


def _found(session, **fixed) -> tuple[dict, int]:
    """What a list of events shows, with its search and quick choices (``fixed``: the place whose page it is), and
    the page's status: 422 when a filter is wrong."""
    chosen, query, errors = _filters(session)
    occurrences = [] if errors else upcoming(session, **{**query, **fixed})
    return {"occurrences": occurrences, "chosen": chosen, "errors": errors, "period_links": _period_links(),
            "period_values": PERIODS, "search_max": MAX_SEARCH,
            "heading": _heading(chosen, errors)}, 422 if errors else 200


def _heading(chosen: dict, errors: dict) -> str:
    if chosen["when"] in PERIODS:
        return str(PERIOD_LABELS[chosen["when"]])
    if chosen["q"] and not errors:
        return gettext("Events with “%(text)s”", text=chosen["q"].strip())
    return gettext("Upcoming events")


@blp.get("/")
def home():
    session = request_session()
    found, status = _found(session)
    context = _context(session, **found)
    context["options"] = {  # each filter's (value, label) pairs, in the order shown
        "district": [(district.slug, district.name) for district in polish_sorted(context["districts"].values())],
        "audience": [(audience, AUDIENCE_LABELS[audience]) for audience in AUDIENCES],
        "category": [(category, CATEGORY_LABELS[category]) for category in CATEGORIES]}
    return render_template("events_pages/home.html", **context), status


@blp.get("/events/<uuid:event_id>")
def event_page(event_id: uuid.UUID):
    session = request_session()
    event = session.get(Event, event_id)
    if event is None or event.visibility != "public":
        abort(404, description=f"No event {event_id}.")
    next_one = next_occurrence(event, utcnow())
    dates = recurrence.next_dates(event.series, utcnow()) if event.repeats else []
    context = _context(session, event=event, next_one=next_one, next_dates=dates,
                       registration=_registration(session, event))
    centre = context["centres"].get(event.centre_id)
    return render_template("events_pages/event.html", maps=map_links(event, centre), centre=centre,
                           place=event_place(event, centre), **context)


def _registration(session, event: Event) -> dict | None:
    """Registering through OSL: the form's address and the places left (counts only), or None."""
    if not takes_registrations(event.visibility, event.status, registration_of(event)):
        return None
    count = registration_counts(session, [event]).get(event.id)
    language = page_language()
    per_date = bool(event.rrule) and count is None
    if per_date:
        places = gettext("Registration is per date; the form shows the places left on each.")
    else:
        places = places_words(count.capacity if count else event.capacity, count.confirmed if count else 0,
                              count.waiting if count else 0, language if language in ("pl", "en") else "pl")
        places = places[:1].upper() + places[1:]  # its own sentence on the page, after "Obowiązują zapisy."
    # "Zostało 12 z 20 miejsc" names the places: the page does not say "Liczba miejsc: 20." too.
    return {"url": registration_form_url(current_app.config, event.id), "places": places,
            "names_capacity": not per_date}


def _place_page(model, slug: str, template: str, feed_folder: str, **extra):
    session = request_session()
    row = live(session, model, slug=slug)
    if row is None:
        abort(404, description=f"No {model.__name__.lower()} {slug!r}.")
    key = {District: "district_id", Centre: "centre_id", Organisation: "organisation_id"}[model]
    found, status = _found(session, **{key: row.id})
    links = _feed_links(f"/feeds/{feed_folder}/{row.slug}.ics", row.name)
    maps = map_links(row) if model is Centre else None
    return render_template(template, **_context(session, place=row, links=links, maps=maps, **found,
                                                **extra)), status


@blp.get("/partnerships/<int:partnership_id>/calendar")
def partnership_calendar(partnership_id: int):
    """The private calendar's subscribe buttons, for the members: reached with the feed's own secret token."""
    from services.events.api.feed_tokens import token_matches

    session = request_session()
    row = live(session, Partnership, id=partnership_id)
    token = request.args.get("token")
    if row is None or not token_matches(session, partnership_id, token):
        abort(404, description=f"No calendar for partnership {partnership_id} with this link.")
    links = _feed_links(f"/feeds/partnerships/{row.id}.ics?token={token}", row.name)
    response = make_response(render_template("events_pages/partnership_calendar.html",
                                             **_context(session, place=row, links=links)))
    # The URL is a credential: no search engine lists it, no other site sees it, no shared cache keeps it.
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@blp.get("/districts/<slug>")
def district_page(slug: str):
    return _place_page(District, slug, "events_pages/district.html", "districts")


@blp.get("/centres/<slug>")
def centre_page(slug: str):
    """The centre, its events, and its rooms' plan for the week (``?week=`` any day of another week)."""
    session = request_session()
    centre = live(session, Centre, slug=slug)
    monday = _monday(request.args.get("week", ""))
    rooms = [] if centre is None else polish_sorted(session.scalars(
        select(Room).where(Room.centre_id == centre.id, Room.deleted_at.is_(None)).order_by(Room.id)))
    plan = week_plan(session, rooms, monday)
    return _place_page(Centre, slug, "events_pages/centre.html", "centres", room_plan=plan, monday=monday,
                       weeks=(monday - timedelta(days=7), monday + timedelta(days=7)))


def _monday(text: str) -> date:
    """The Monday of the week of ``text`` (an ISO date, within a year of today), else of this week."""
    day = today()
    try:
        asked = date.fromisoformat(text) if text else day
    except ValueError:
        asked = day
    if abs((asked - day).days) <= 366:
        day = asked
    return day - timedelta(days=day.weekday())


@blp.get("/organisations/<slug>")
def organisation_page(slug: str):
    return _place_page(Organisation, slug, "events_pages/organisation.html", "organisations")
