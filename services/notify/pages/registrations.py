"""The registration pages: the form an event's page links to (``/registrations/events/<id>``), the page after it,
the pages behind a registration's signed links (confirm; cancel, one button), and staff's printable list.

The form does what ``POST /api/v1/registrations/`` does: the same validation, the same limits and counters.
"""

from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from marshmallow import ValidationError
from sqlalchemy import select

from services.calendar.registration import places_words
from services.calendar.times import local
from services.messaging.errors import Conflict, FieldError
from services.messaging.models import utcnow
from services.messaging.staff import staff_key_caller
from services.messaging.web import bearer_token, request_session
from services.notify import occurrences, operations, queries
from services.notify.auth import identify, may_manage
from services.notify.consent import REGISTRATION_VERSION, registration_consent
from services.notify.mail.render import format_place
from services.notify.models import EventCopy, Registration, RegistrationSlot
from services.notify.pages import choices, csrf
from services.notify.pages.signed import keep_links_private, linked
from services.notify.ratelimit import RateLimited
from services.notify.schemas import RegisterSchema
from services.notify.tokens import registration_links
from services.ui.forms import max_lengths
from services.ui.i18n import page_language, render_for_mail_reader
from services.ui.maps import osm_url

registration_pages = Blueprint("registration_pages", __name__, url_prefix="/registrations")
#: Dates of a series offered in the form.
DATES_SHOWN = 12

SENTENCES = {
    "name": _l("Enter your name, so that the organiser can tick you on the list."),
    "email": _l("Enter your e-mail address, for example anna.nowak@example.org."),
    "people": _l("Choose how many people come."),
    "occurrence": _l("Choose a date from the list."),
    "consent": _l("Tick this box to agree; without your consent we cannot register you."),
}


# The signed links are credentials, as the subscribers' are.
registration_pages.after_request(keep_links_private)


def _event(event_id) -> dict:
    event = queries.public_event(request_session(), event_id)
    if event is None:
        abort(404)
    return event


def _dates(session, event: dict, whole: bool) -> list[dict]:
    """The dates one may register for, with their places: the next ones of a series (at most DATES_SHOWN, then
    ``{"more": True}`` when later ones exist), or the one date (a single event's, or where a whole-series registration
    made now starts: its next date that has not ended)."""
    now = utcnow()
    if shows_one_date(event, whole):
        found = [following] if (following := occurrences.next_one(event, now)) else []
    else:
        found = occurrences.between(event, now, now + timedelta(days=366), limit=DATES_SHOWN + 1)
    slots = {slot.occurrence: slot for slot in session.scalars(
        select(RegistrationSlot).where(RegistrationSlot.event_id == event["id"]))}
    capacity = operations.capacity_of(event)
    shown = []
    for occurrence in found[:DATES_SHOWN]:
        slot = slots.get("" if whole else occurrence.rule_key)
        confirmed = slot.confirmed if slot else 0
        waiting = slot.waiting if slot else 0
        shown.append({"value": local(occurrence.starts_at).replace(tzinfo=None).isoformat(),
                      "starts_at": occurrence.starts_at, "ends_at": occurrence.ends_at,
                      "places": places_words(capacity, confirmed, waiting, page_language())})
    if len(found) > DATES_SHOWN:
        shown.append({"more": True})  # the form says that later dates can be chosen later
    return shown


def _form_page(event: dict, chosen: dict, errors=None, problem=None, status=200):
    session = request_session()
    settings = operations.registration_settings(session, event["id"])
    return render_template(
        "pages/register.html", event=event, chosen=chosen, errors=errors or {}, problem=problem,
        dates=_dates(session, event, settings.whole_series), whole=settings.whole_series,
        max_people=operations.most_people(session, event), open=operations.registration_open(event),
        consent_text=registration_consent(page_language()),
        consent_version=REGISTRATION_VERSION, place=format_place(event),
        map_url=osm_url(event.get("latitude"), event.get("longitude"), event.get("location")),
        confirm_hours=int(current_app.config["REGISTRATION_CONFIRM_HOURS"]), limits=max_lengths(RegisterSchema),
    ), status


#: The refusal of the date when the form shows one date (a single event's, or a whole series'), not a list to choose
#: from.
ONE_DATE = _l("This date no longer takes registrations.")


def shows_one_date(event: dict, whole: bool) -> bool:
    """Whether a registration form shows the one date it is for (pages/_form.html registration_date), not a list."""
    return whole or not event.get("rrule")


def too_many_people(capacity: int) -> str:
    """The refusal of a group bigger than the date's places, saying how many it has."""
    return ngettext("This date has only %(num)d place: choose fewer people.",
                    "This date has only %(num)d places: choose fewer people.", capacity)


def attempt(session, sentences: dict, register, *, one_date: bool = False):
    """``register()`` (the schema's load, then the operation) for a registration form, residents' or staff's:
    ``(registered, None)``, or ``(None, refusal)`` where the refusal is what the form page shows again: each field's
    sentence (a field with none gets the name's; the date, where the form shows ``one_date``, ONE_DATE; a group
    bigger than the places, how many there are) and 422, or "closed" and 409. The session is rolled back then."""
    if one_date:
        sentences = {**sentences, "occurrence": ONE_DATE}
    try:
        return register(), None
    except ValidationError as exc:
        return None, {"errors": {name: choices.sentence(problems, sentences.get(name, sentences["name"]))
                                 for name, problems in exc.messages.items()}, "status": 422}
    except operations.TooManyPeople as exc:
        session.rollback()
        return None, {"errors": {exc.field: too_many_people(exc.capacity)}, "status": 422}
    except FieldError as exc:
        session.rollback()
        return None, {"errors": {exc.field: sentences.get(exc.field, exc.message)}, "status": 422}
    except Conflict:
        session.rollback()
        return None, {"problem": "closed", "status": 409}


@registration_pages.get("/events/<uuid:event_id>")
def register_form(event_id):
    event = _event(event_id)
    chosen = {"name": "", "email": "", "people": 1, "occurrence": request.args.get("date", ""), "consent": False}
    return _form_page(event, chosen)


@registration_pages.post("/events/<uuid:event_id>")
def register(event_id):
    event = _event(event_id)
    form = {"name": request.form.get("name", "").strip(), "email": request.form.get("email", "").strip(),
            "people": request.form.get("people", "1"), "occurrence": request.form.get("occurrence", ""),
            "consent": request.form.get("consent") == "true"}
    if not csrf.valid():
        return _form_page(event, form, problem="csrf", status=400)
    try:
        people = int(form["people"])
    except ValueError:
        return _form_page(event, form, errors={"people": SENTENCES["people"]}, status=422)
    body = {"event_id": event["id"], "name": form["name"], "email": form["email"], "people": people,
            "consent": form["consent"], "language": page_language()}
    if form["occurrence"]:
        body["occurrence"] = form["occurrence"]
    session = request_session()

    def register_within_limits():
        data = RegisterSchema().load(body)
        data.pop("event_id"), data.pop("consent")
        return operations.register_within_limits(session, current_app.config, request.remote_addr, event, data)

    try:
        whole = operations.registration_settings(session, event["id"]).whole_series
        registered, refusal = attempt(session, SENTENCES, register_within_limits,
                                      one_date=shows_one_date(event, whole))
    except RateLimited as exc:
        session.rollback()
        response = _form_page(event, form, problem="too_many", status=429)
        return response[0], 429, {"Retry-After": str(exc.retry_after)}
    if refusal:
        return _form_page(event, form, **refusal)
    registration = registered.registration
    position = operations.waiting_position(session, registration)
    session.commit()
    # Post/redirect/get: reloading the next page must not register (and mail) again. A double tap finds the first
    # registration and shows it as the first request did: the page never says whether an address was registered.
    return redirect(url_for("registration_pages.registered", event_id=event["id"], status=registration.status,
                            position=position or "", left=registered.places_left or "",
                            people=registration.people if registered.places_left else ""), 303)


@registration_pages.get("/events/<uuid:event_id>/registered")
def registered(event_id):
    event = _event(event_id)
    status = request.args.get("status")
    if status not in ("confirmed", "waiting"):
        return redirect(url_for("registration_pages.register_form", event_id=event["id"]), 303)
    position = request.args.get("position", type=int)
    return render_template("pages/registered.html", event=event, status=status, position=position,
                           left=request.args.get("left", type=int), people=request.args.get("people", type=int),
                           confirm_hours=int(current_app.config["REGISTRATION_CONFIRM_HOURS"]))


def _live_registration(session, key: str) -> Registration | None:
    registration = session.scalar(select(Registration).where(Registration.key == key))
    return registration if registration is not None and registration.anonymised_at is None else None


def _link_refused(expired: bool):
    return render_template("pages/registration_link.html", expired=expired)


def _registration(purpose: str, token: str, max_age: float | None = None):
    """The registration a signed link names; else its error page is raised (``linked``)."""
    return linked(purpose, token, _live_registration, _link_refused, max_age)


def _render(registration: Registration, template: str, **context):
    """A page reached from a registration's mail speaks its language, unless the reader chose one on the site."""
    session = request_session()
    copy = session.get(EventCopy, registration.event_id)
    context.update(registration=registration, event=copy.snapshot if copy else {"title": "", "id": ""},
                   position=operations.waiting_position(session, registration),
                   links=registration_links(current_app.config, registration.key))
    return render_for_mail_reader(registration.language, template, **context)


@registration_pages.get("/confirm/<token>")
def confirm(token):
    """One click confirms the address: no second page."""
    registration = _registration("confirm-registration", token, current_app.config["REGISTRATION_CONFIRM_HOURS"] * 3600)
    session = request_session()
    operations.confirm_registration(session, registration)
    session.commit()
    return _render(registration, "pages/registration_confirmed.html")


@registration_pages.get("/cancel/<token>")
def cancel_page(token):
    """One button: a GET (a mail scanner following links) changes nothing."""
    registration = _registration("cancel-registration", token)
    return _render(registration, "pages/registration_cancel.html",
                   done=registration.status not in ("confirmed", "waiting"))


# No CSRF token, as for the unsubscribe link: the signed link itself is the credential; nobody can forge it, and
# whoever holds it could as well click it.
@registration_pages.post("/cancel/<token>")
def cancel(token):
    registration = _registration("cancel-registration", token)
    session = request_session()
    moved = operations.withdraw(session, registration)  # a mail says it is cancelled, once
    session.commit()
    return _render(registration, "pages/registration_cancel.html", done=True, moved=moved)


@registration_pages.get("/events/<uuid:event_id>/list")
def printable_list(event_id):
    """The list to tick on the day (print stylesheet), for staff: signed in, or the admin token or a key as a bearer
    token."""
    session = request_session()
    caller = staff_key_caller() or identify(session, bearer_token())
    if caller is None:
        return render_template("pages/registration_link.html", expired=False, staff=True), 401, {
            "WWW-Authenticate": 'Bearer realm="osl-notify"'}
    event = _event(event_id)
    if not may_manage(caller, event):
        abort(403)
    lists = [{**found, "places": places_words(found["capacity"], found["confirmed"], found["waiting"], page_language())}
             for found in queries.date_lists(session, event["id"])]
    return render_template("pages/registration_list.html", event=event, lists=lists, printed=utcnow())
