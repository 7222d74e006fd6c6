"""Thin views: read the form, turn it into the API's input (builder.py), load it with the API's schema and run the
API's operation. Every form carries a CSRF token; every page needs a signed-in staff member."""

from functools import wraps

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from services.calendar.times import exdate_to_wire
from services.events import moderation
from services.events.auth import staff_caller
from services.events.input import event_input, place
from services.events.models import (
    AUDIENCES,
    CATEGORIES,
    Centre,
    District,
    Event,
    EventReview,
    Organisation,
    OutboxMessage,
)
from services.events.operations import cancel_event, check_owner, create_event, update_event
from services.events.queries import text_matches
from services.events.schemas import EventInSchema, RegistrationSchema
from services.events.staff.builder import SIGN_UPS, WEEKDAYS, EventForm, FormError, api_input, from_input, preview
from services.messaging.errors import Conflict, FieldError, Forbidden
from services.messaging.models import utcnow
from services.messaging.web import request_session
from services.ui import csrf
from services.ui.errors import conflict_error, field_error, first_error
from services.ui.forms import max_lengths
from services.ui.labels import AUDIENCE_LABELS, CATEGORY_LABELS, WEEKDAY_LABELS
from services.ui.links import sign_in_url, this_page
from services.ui.naming import polish_sorted
from services.ui.pages import (
    STALE_FORM,
    add_problem_pages,
    admin_page,
    changes_page,
    confirm_page,
    confirm_versioned,
    confirmed_versioned,
    private_page,
    problem_page,
    stale,
    unconfirmed,
)

staff_pages = Blueprint("staff_events", __name__, url_prefix="/staff/events", template_folder="templates")
MAX_LISTED = 200


def _page(name: str, status: int = 200, **context):
    return private_page(f"events_staff/{name}.html", status, **context)


def _problem(status: int, message: str):
    return problem_page(status, message, url_for("staff_events.our_events"), _("Our events"))


def _is_admin() -> bool:
    return staff_caller(request_session()).is_admin


_admin_page = admin_page(_is_admin, _problem)
add_problem_pages(staff_pages, _problem)


@staff_pages.before_request
def _signed_in():
    if request.method == "POST":
        csrf.require_valid()
    if staff_caller(request_session()) is None:
        return redirect(sign_in_url(current_app.config, this_page(current_app.config["EVENTS_URL"])))
    return None



@staff_pages.get("/partnerships/<int:partnership_id>/calendar")
def partnership_calendar(partnership_id: int):
    """A coordinator's (or an admin's) way to the partnership's private calendar, signed in, with no key: the
    members' page with its webcal, Google, Outlook and https links (the feed token is made on first request)."""
    from services.events.api.feed_tokens import authorised_partnership, current_token, members_page

    session = request_session()
    authorised_partnership(session, staff_caller(session), partnership_id)
    response = redirect(members_page(current_token(session, partnership_id)), 303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@staff_pages.get("/partnerships/<int:partnership_id>/calendar/new-address")
def new_calendar_address(partnership_id: int):
    """The question before giving the partnership's private calendar a new address."""
    from services.events.api.feed_tokens import authorised_partnership

    session = request_session()
    partnership = authorised_partnership(session, staff_caller(session), partnership_id)
    return confirm_page(_("Change the address of the calendar of %(name)s?", name=partnership.name),
                        [_("The old address stops working at once: calendars subscribed with it get no more "
                           "changes."),
                         _("The new address is shown next; give it to the partnership's members again.")],
                        url_for("staff_events.partnership_calendar", partnership_id=partnership_id),
                        yes=_("Yes, change the address"))


@staff_pages.post("/partnerships/<int:partnership_id>/calendar/new-address")
def change_calendar_address(partnership_id: int):
    from services.events.api.feed_tokens import authorised_partnership, members_page, rotate_token

    session = request_session()
    authorised_partnership(session, staff_caller(session), partnership_id)
    if (ask := unconfirmed()) is not None:
        return ask
    row = rotate_token(session, partnership_id)
    session.commit()
    response = redirect(members_page(row), 303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@staff_pages.get("/")
def our_events():
    session = request_session()
    caller = staff_caller(session)
    query = select(Event).where(Event.meeting_id.is_(None))
    if not caller.is_admin:
        query = query.where(Event.organisation_id == caller.organisation.id)
    text = request.args.get("q", "").strip()[:100]
    if text:
        query = query.where(text_matches(text))
    events = session.scalars(query.order_by(Event.starts_at.desc()).limit(MAX_LISTED)).all()
    reviews = {review.event_id: review for review in session.scalars(
        select(EventReview).where(EventReview.event_id.in_([event.id for event in events])))}
    return _page("our_events", events=events, q=text, caller=caller, reviews=reviews,
                 organisations={o.id: o for o in session.scalars(select(Organisation))})


@staff_pages.get("/review")
@_admin_page
def review_queue():
    session = request_session()
    return _page("review", waiting=moderation.queue(session), reason_max=moderation.MAX_REASON,
                 organisations={o.id: o for o in session.scalars(select(Organisation))},
                 done=request.args.get("done"))


@staff_pages.get("/history")
@_admin_page
def history_page():
    """This service's changes, from its outbox (admins)."""
    return changes_page(OutboxMessage)


@staff_pages.post("/<uuid:event_id>/<any(approve, reject):decision>")
@_admin_page
def decide(event_id, decision):
    session = request_session()
    event = session.get(Event, event_id)
    if event is None:
        return _problem(404, _("No such event."))
    try:
        if decision == "approve":
            moderation.approve(session, event)
        else:
            moderation.reject(session, event, request.form.get("reason", ""))
    except (FieldError, Conflict) as exc:
        session.rollback()
        return _problem(422, getattr(exc, "message", str(exc)))
    session.commit()
    return redirect(url_for("staff_events.review_queue", done=decision), 303)


def _options(session) -> dict:
    districts = polish_sorted(session.scalars(select(District).where(District.deleted_at.is_(None))))
    centres = polish_sorted(session.scalars(select(Centre).where(Centre.deleted_at.is_(None))))
    organisations = polish_sorted(session.scalars(select(Organisation).where(Organisation.deleted_at.is_(None))))
    return {"districts": districts, "centres": centres, "organisations": organisations, "audiences": AUDIENCES,
            "categories": CATEGORIES, "audience_labels": AUDIENCE_LABELS, "category_labels": CATEGORY_LABELS,
            "weekdays": WEEKDAYS, "weekday_labels": WEEKDAY_LABELS}


#: The form's field for each API field it asks under another name (an error is said at, and links to, the form's).
FORM_FIELDS = {"starts_at": "starts", "ends_at": "ends", "rrule": "weekdays", "exdates": "skipped",
               "registration.capacity": "capacity", "registration.url": "registration_url",
               "registration.required": "registration"}

#: The words the form shows for each of its fields (its own labels), by the field's id.
FIELD_LABELS = {
    "organisation": _l("Organisation"), "title": _l("Title"), "description": _l("Description"),
    "category": _l("Kind of event"), "audiences": _l("For whom"), "district": _l("District"), "centre": _l("Centre"),
    "day": _l("Day (the first, for a repeating event)"), "starts": _l("From"), "ends": _l("To"),
    "all_day": _l("All day"), "last_day": _l("Last day (of an all-day event lasting several days)"),
    "weekdays": _l("Repeats every week on"), "until": _l("until (the last day)"),
    "skipped": _l("Skip these dates (one per line, such as 24.12.2026)"),
    "location": _l("Address"), "contact": _l("Contact"), "accessibility": _l("Accessibility"),
    "registration": _l("Registration"), "capacity": _l("Number of places"),
    "registration_url": _l("Address of the sign-up page"),
    "registration_required": _l("Taking part needs sign-up at that address (the number of places, when given, is "
                                "shown on the event page)"),
}

#: What a field wants, said when the catalogue has no words for the schema's message (a bound with its numbers).
FIELD_WANTS = {"capacity": _l("give a whole number, at least 1."),
               "registration_url": _l("give the page's whole address, such as https://example.org/sign-up.")}


def _errors(exc: FormError | FieldError) -> dict:
    """The error, keyed by the id of the form's field it is about (the builder's or the API's name for it)."""
    name = FORM_FIELDS.get(exc.field, exc.field)
    return {name: field_error(name, exc.message, FIELD_LABELS, FIELD_WANTS.get(name),
                              values=getattr(exc, "values", None))}


def _loaded(data: dict) -> dict:
    """The form's API input (``api_input``) as the API would take it: loaded by the API's own schema (FieldError
    naming a field)."""
    # Naive date-times are Warsaw wall-clock time, as in the API.
    wire = {**data, "starts_at": data["starts_at"].isoformat(), "ends_at": data["ends_at"].isoformat(),
            "exdates": [exdate_to_wire(day) for day in data["exdates"]]}
    # None is said, not left out: no rule, no centre, no contact... replace what the event had.
    try:
        return EventInSchema().load(wire)
    except ValidationError as exc:
        raise FieldError(*first_error(exc, joined=True)) from None


def _limits() -> dict[str, int]:
    """The form's maxlengths: the API schema's, and the sign-up page's address from its registration part."""
    return {**max_lengths(EventInSchema), "registration_url": max_lengths(RegistrationSchema)["url"]}


def _form_page(form: EventForm, event: Event | None, status: int = 200, version=None, **extra):
    """The event's form; it carries ``version`` (the one a previewed form was opened at), else the event's."""
    session = request_session()
    return _page("event_form", status, form=form, event=event, caller=staff_caller(session), **_options(session),
                 limits=_limits(), sign_ups=SIGN_UPS, version=version or (event.version if event else None),
                 **{"errors": {}, **extra})


def _recorded_page(event: Event, status: int = 200, **extra):
    """The event's form as the event is recorded."""
    session = request_session()
    district = session.get(District, event.district_id)
    centre = session.get(Centre, event.centre_id) if event.centre_id else None
    form = from_input(event_input(session, event), district.slug, centre.slug if centre else None)
    return _form_page(form, event, status, **extra)


def _stale_page(event: Event):
    """The form was based on an older version of ``event`` (or carries none): nothing changes; the page shows what is
    saved now, with its version, so that sending it again cannot overwrite the other change. ``None``: it was not."""
    if not stale(event):
        return None
    return _recorded_page(event, 409, conflict=STALE_FORM)


def _save(event: Event | None):
    session = request_session()
    if event is not None and "preview" not in request.form and (refused := _stale_page(event)) is not None:
        return refused
    caller = staff_caller(session)
    form = EventForm.from_form(request.form)
    organisation = request.form.get("organisation") if caller.is_admin else None
    try:
        data = api_input(form, organisation)
        # The API's schema for the preview too: "Pokaż terminy" refuses what saving refuses, at the same field.
        loaded = _loaded(data)
        if "preview" in request.form:
            place(session, data)  # the district and centre as saving checks them, so the preview does not pass them
            # A date passed is flagged; the version stays the one the form was opened at, so that saving from the
            # preview after someone else's save is refused as stale.
            return _form_page(form, event, dates=preview(data), now=utcnow(), version=request.form.get("version"))
        if event is None:
            event = create_event(session, caller, loaded)
        else:
            update_event(session, caller, event, loaded)
    except (FormError, FieldError) as exc:
        session.rollback()
        return _form_page(form, event, 422, errors=_errors(exc))
    except (Forbidden, Conflict) as exc:
        session.rollback()
        return _form_page(form, event, 409, conflict=conflict_error(exc, FIELD_LABELS))
    session.commit()
    return redirect(url_for("staff_events.our_events", saved=1), 303)


@staff_pages.get("/new")
def new_event():
    return _form_page(EventForm(), None)


@staff_pages.post("/new")
def create():
    return _save(None)


def _own(event_id) -> Event:
    """The event, if the signed-in staff member may change it (the API's rule, ``check_owner``); else 404."""
    session = request_session()
    event = session.get(Event, event_id)
    try:
        if event is None:
            raise Forbidden
        check_owner(staff_caller(session), event)
    except (Forbidden, Conflict):
        abort(404, description=_("No such event of yours."))
    return event


def _owned(view):
    """A view of one event of the signed-in staff member's (``_own``): called with the event instead of its id."""

    @wraps(view)
    def with_event(event_id):
        return view(_own(event_id))

    return with_event


@staff_pages.get("/<uuid:event_id>")
@_owned
def edit(event: Event):
    return _recorded_page(event)


@staff_pages.post("/<uuid:event_id>")
@_owned
def change(event: Event):
    return _save(event)


@staff_pages.get("/<uuid:event_id>/cancel")
@_owned
def confirm_cancel(event: Event):
    """The question before cancelling: notify, not this service, knows who follows the event, so no number."""
    consequences = [_("Every date of this repeating event will be cancelled.")] if event.rrule else []
    consequences.append(_("People who follow it or are registered for it will be told by e-mail."))
    return confirm_versioned(event, _("Cancel the event “%(title)s”?", title=event.title), consequences,
                             url_for("staff_events.edit", event_id=event.id), event.status == "cancelled")


@staff_pages.post("/<uuid:event_id>/cancel")
@_owned
def cancel(event: Event):
    return confirmed_versioned(lambda: _stale_page(event),
                               lambda session: cancel_event(session, staff_caller(session), event),
                               url_for("staff_events.our_events", cancelled=1))

