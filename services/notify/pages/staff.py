"""Registrations on the staff pages (``/registrations/staff/events/<id>``): for signed-in staff (MOPS, or the
organisation's editor for its own events), each date's list (names, how many, contact, reference), places left, the
waiting list and "over capacity by N", a link to the printable list; a form to register someone by phone or in
person (a phone number, an address, or no contact at all), and a button to cancel a registration on someone's
behalf.

Every change is the API's operation (``operations.register_for(by_staff=True)``, ``operations.cancel_registration``)
with the API's schema (``StaffRegisterSchema``); every form carries a CSRF token. The events service's "our events"
list links here (NOTIFY_URL): under ``/registrations/``, which the gateway and the Ingress send to notify.
"""

from flask import Blueprint, abort, current_app, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.calendar.registration import places_words
from services.messaging.staff import staff_key_caller
from services.messaging.web import request_session
from services.notify import operations, queries
from services.notify.auth import may_manage
from services.notify.consent import REGISTRATION_VERSION, registration_consent
from services.notify.models import Registration
from services.notify.pages.registrations import _dates, _event, attempt, shows_one_date
from services.notify.schemas import StaffRegisterSchema
from services.ui import csrf
from services.ui.forms import max_lengths
from services.ui.i18n import page_language
from services.ui.links import sign_in_url, staff_url, this_page
from services.ui.pages import add_problem_pages, private_page, problem_page

staff_pages = Blueprint("staff_registrations", __name__, url_prefix="/registrations/staff")


def _problem(status: int, message: str):
    """The staff problem page, with the way back to the events staff pages' "our events", where this page is
    linked from."""
    return problem_page(status, message, staff_url(current_app.config, "/staff/events/"), _("Our events"))


add_problem_pages(staff_pages, _problem)

SENTENCES = {
    "name": _l("Enter the person's name, so that they can be ticked on the list."),
    "phone": _l("Enter a phone number, for example 600 123 456, or choose no contact."),
    "email": _l("Enter an e-mail address, for example anna.nowak@example.org, or choose no contact."),
    "people": _l("Choose how many people come."),
    "occurrence": _l("Choose a date from the list."),
    "contact": _l("Choose how to reach the person."),
    "consent": _l("Tick this box once the person has agreed; without their consent we cannot register them."),
}


def _page(status: int = 200, **context):
    return private_page("pages/staff_registrations.html", status, **context)


def _managed(event_id) -> dict:
    """The event, for a signed-in staff member who manages its registrations: a browser with no session is sent to
    sign in at partners; another organisation's editor gets 403."""
    caller = staff_key_caller()
    if caller is None:
        abort(make_response(redirect(sign_in_url(current_app.config, this_page(current_app.config["NOTIFY_URL"])),
                                     303)))
    event = _event(event_id)
    if not may_manage(caller, event):
        abort(403)
    return event


def _show(event: dict, chosen: dict | None = None, errors=None, problem=None, status=200):
    session = request_session()
    settings = operations.registration_settings(session, event["id"])
    language = page_language()
    lists = [{**found, "places": places_words(found["capacity"], found["confirmed"], found["waiting"], language)}
             for found in queries.date_lists(session, event["id"])]
    chosen = chosen or {"name": "", "contact": "phone", "phone": "", "email": "", "people": 1, "occurrence": "",
                        "consent": False}
    return _page(status, event=event, lists=lists, chosen=chosen, errors=errors or {}, problem=problem,
                 dates=_dates(session, event, settings.whole_series), whole=settings.whole_series,
                 max_people=operations.most_people(session, event), open=operations.registration_open(event),
                 consent_text=registration_consent(language), consent_version=REGISTRATION_VERSION,
                 limits=max_lengths(StaffRegisterSchema), done=request.args.get("done"))


@staff_pages.get("/events/<uuid:event_id>")
def event_registrations(event_id):
    return _show(_managed(event_id))


@staff_pages.post("/events/<uuid:event_id>")
def register(event_id):
    event = _managed(event_id)
    form = {name: request.form.get(name, "").strip() for name in ("name", "contact", "phone", "email", "people",
                                                                  "occurrence")}
    form["consent"] = request.form.get("consent") == "true"
    if not csrf.valid():
        return _show(event, form, problem="csrf", status=400)
    try:
        people = int(form["people"] or "1")
    except ValueError:
        return _show(event, form, errors={"people": SENTENCES["people"]}, status=422)
    body = {"name": form["name"], "contact": form["contact"] or "none", "people": people,
            "consent": form["consent"], "language": page_language()}
    if body["contact"] in ("phone", "email") and form[body["contact"]]:
        body[body["contact"]] = form[body["contact"]]
    if form["occurrence"]:
        body["occurrence"] = form["occurrence"]
    session = request_session()

    def register_for():
        data = StaffRegisterSchema().load(body)
        data.pop("consent")
        return operations.register_for(session, event, data, by_staff=True)

    whole = operations.registration_settings(session, event["id"]).whole_series
    registered, refusal = attempt(session, SENTENCES, register_for, one_date=shows_one_date(event, whole))
    if refusal:
        return _show(event, form, **refusal)
    # The same address or phone number registered for the date already: nothing changed, and the page says so.
    done = registered.registration.status if registered.new else "again"
    session.commit()
    # Post/redirect/get: reloading the list must not register the person again.
    return redirect(url_for(".event_registrations", event_id=event["id"], done=done), 303)


@staff_pages.post("/events/<uuid:event_id>/<int:registration_id>/cancel")
def cancel(event_id, registration_id):
    event = _managed(event_id)
    if not csrf.valid():
        return _show(event, problem="csrf", status=400)
    session = request_session()
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event["id"]:
        abort(404)
    moved = operations.withdraw(session, registration, by_organiser=True)  # the person is told by mail
    session.commit()
    # "The first person waiting moved up" only when someone did.
    return redirect(url_for(".event_registrations", event_id=event["id"], done="cancelled" if moved else "withdrawn"),
                    303)
