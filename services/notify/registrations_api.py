"""The registrations API: residents register (public); staff and organisations read each date's list, register
people on their behalf, cancel for them, and set how the event is registered for.

An administrator (the bootstrap token or a partners admin key) may do this for every event; an organisation's key
(with the ``events`` scope) for its own events only. Every write is in ``operations``.
"""

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import abort

from services.messaging.errors import answering_errors
from services.messaging.http_guards import Blueprint
from services.messaging.web import request_session
from services.notify import operations, queries, schemas
from services.notify.api import add_consent_view, public_write
from services.notify.auth import may_manage, require_caller
from services.notify.consent import REGISTRATION_CONSENT, REGISTRATION_VERSION
from services.notify.models import Registration
from services.notify.ratelimit import RateLimited

registrations_api = Blueprint("registrations", __name__, url_prefix="/api/v1/registrations",
                              description="Residents register for events with limited places.")
staff_api = Blueprint("registration_lists", __name__, url_prefix="/api/v1/registrations/events",
                      description="Staff and organisers: lists per date, places left, waiting lists, registering "
                                  "on someone's behalf (admin: every event; an organisation's key: its own).")
TOO_MANY = ("Zbyt wiele zapisów. Proszę spróbować później. / Too many registrations. Please try again later.")
SAID = {"confirmed": "Zapisano. / Registered.",
        "waiting": "Za mało wolnych miejsc: lista rezerwowa. / Not enough places free: waiting list."}
#: A registration asked for again (the same e-mail address or phone number, the same date): answered 200 with it.
SAID_AGAIN = ("Ten adres e-mail (lub numer telefonu) jest już zapisany na ten termin: nic nie zmieniono. / This "
              "e-mail address (or phone number) is already registered for this date: nothing changed.")
AGAIN = "Already registered for this date (the same e-mail address or phone number): that registration, unchanged."


def event_or_404(session, event_id) -> dict:
    event = queries.public_event(session, event_id)
    if event is None:
        abort(404, message=f"No public event {event_id}.")
    return event


def _managed_event(event_id) -> dict:
    event = event_or_404(request_session(), event_id)
    if not may_manage(require_caller(), event):
        abort(403, message="An organisation's key manages the registrations of its own events only.")
    return event


def answer(session, registered: operations.Registered, *, public: bool = False) -> tuple[dict, int]:
    """The registration's place or position: 201 when this request made it, 200 when it was there already (to staff).
    ``public``: a resident's request is answered as a new one either way, so nobody learns from the answer whether
    an address is registered for a date (as subscribing never says whether an address is known)."""
    registration, new = registered.registration, registered.new or public
    return {"id": registration.id, "status": registration.status,
            "position": operations.waiting_position(session, registration),
            "message": SAID[registration.status] if new else SAID_AGAIN}, 201 if new else 200


@registrations_api.route("/")
class Registrations(MethodView):
    @public_write(registrations_api, schemas.RegisterSchema, 201, schemas.RegisteredSchema,
                  "Too many registrations from this client or for this address.")
    def post(self, data):
        """Register by e-mail: a place, or the waiting list with its position; the mail's link confirms it (an
        address registered for the date already: that registration, no second mail, answered as a new one)"""
        session = request_session()
        event = event_or_404(session, data.pop("event_id"))
        data.pop("consent")
        try:
            with answering_errors():
                registered = operations.register_within_limits(session, current_app.config, request.remote_addr,
                                                               event, data)
        except RateLimited as exc:
            session.rollback()
            abort(429, message=TOO_MANY, headers={"Retry-After": str(exc.retry_after)})
        answered = answer(session, registered, public=True)
        session.commit()
        return answered


add_consent_view(registrations_api, "RegistrationConsent", REGISTRATION_CONSENT, REGISTRATION_VERSION,
                 "The consent text of registrations in force, in Polish and English")


@staff_api.route("/<uuid:event_id>")
class EventRegistrations(MethodView):
    @staff_api.arguments(schemas.ListQuerySchema, location="query")
    @staff_api.response(200, schemas.DateListSchema(many=True))
    def get(self, query, event_id):
        """Each date's list: names, how many, contact; places left, over capacity, the waiting list"""
        _managed_event(event_id)
        occurrence = query.get("occurrence")
        if occurrence is not None:
            with answering_errors():
                event = event_or_404(request_session(), event_id)
                occurrence = operations.find_occurrence(event, occurrence, False).rule_key
        return queries.date_lists(request_session(), str(event_id), occurrence)

    @staff_api.arguments(schemas.StaffRegisterSchema)
    @staff_api.response(201, schemas.StaffRegisteredSchema)
    @staff_api.alt_response(200, schema=schemas.StaffRegisteredSchema, description=AGAIN)
    def post(self, data, event_id):
        """Register someone on their behalf (by phone, in person): e-mail, phone or no contact (an address or number
        registered for the date already: 200, that registration)"""
        event = _managed_event(event_id)
        data.pop("consent")
        session = request_session()
        with answering_errors():
            registered = operations.register_for(session, event, data, by_staff=True)
        answered = answer(session, registered)
        session.commit()
        return answered


@staff_api.route("/<uuid:event_id>/<int:registration_id>/cancel")
class StaffCancel(MethodView):
    @staff_api.response(200, schemas.StaffRegisteredSchema)
    def post(self, event_id, registration_id):
        """Cancel a registration on the person's behalf (told by e-mail); the first waiting moves up at once"""
        _managed_event(event_id)
        session = request_session()
        registration = session.get(Registration, registration_id)
        if registration is None or registration.event_id != str(event_id):
            abort(404, message=f"No registration {registration_id} for this event.")
        operations.withdraw(session, registration, by_organiser=True)  # the person is told by mail
        session.commit()
        return {"id": registration.id, "status": registration.status, "position": None, "message": "Cancelled."}


@staff_api.route("/<uuid:event_id>/settings")
class Settings(MethodView):
    @staff_api.response(200, schemas.RegistrationSettingsSchema)
    def get(self, event_id):
        """Per date or for the whole series; how many people one registration may bring"""
        _managed_event(event_id)
        return operations.registration_settings(request_session(), str(event_id))

    @staff_api.arguments(schemas.RegistrationSettingsSchema)
    @staff_api.response(200, schemas.RegistrationSettingsSchema)
    def put(self, data, event_id):
        """Set per date or whole series (only before anyone registered), and the people per registration"""
        event = _managed_event(event_id)
        session = request_session()
        with answering_errors():
            settings = operations.set_registration_settings(session, event, data)
        session.commit()
        return settings
