"""The notify JSON API: subscribe (public), and the admin API for subscribers (GDPR) and notices."""

from flask import current_app, jsonify, request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from services.messaging.fields import check_year, one_line
from services.messaging.http_guards import BEARER, PUBLIC, Blueprint, one_page
from services.messaging.web import request_session
from services.notify import operations, schemas
from services.notify.consent import CONSENT_TEXTS, CURRENT_VERSION
from services.notify.models import Notice
from services.notify.models.notices import KINDS
from services.notify.operations import resend, resend_failed
from services.notify.ratelimit import RateLimited

subscriptions_api = Blueprint("subscriptions", __name__, url_prefix="/api/v1/subscriptions",
                              description="Residents subscribe by e-mail, with double opt-in.")
admin_api = Blueprint("admin", __name__, url_prefix="/api/v1", description="Admin: subscribers (GDPR) and notices.")

ACCEPTED = {
    "status": "accepted",
    "message": "Jeśli adres jest poprawny, wysłaliśmy na niego link potwierdzający. / "
               "If the address is valid, a confirmation link has been sent to it.",
}


class AcceptedSchema(Schema):
    """The answer to a subscription: always ``ACCEPTED``."""

    status = fields.String()
    message = fields.String()


TOO_MANY = ("Zbyt wiele prób zapisu. Proszę spróbować później. / "
            "Too many subscribe attempts. Please try again later.")


def subscribe_request(data: dict) -> RateLimited | operations.UnknownDistricts | None:
    """Subscribe, for the API and the form alike: committed, or rolled back and the reason returned (too many
    attempts, or unknown districts)."""
    session = request_session()
    try:
        operations.subscribe_within_limits(session, current_app.config, request.remote_addr, data)
    except (RateLimited, operations.UnknownDistricts) as exc:
        session.rollback()
        return exc
    session.commit()
    return None


def public_write(blueprint: Blueprint, schema: type, status: int, answer: type, too_many: str):
    """A write anyone may send, rate limited: ``schema`` in, ``answer`` out with ``status``, and 429 (``too_many``
    says for what) past the limit."""

    def decorator(func):
        func = blueprint.response(status, answer)(blueprint.alt_response(429, description=too_many)(func))
        return blueprint.doc(security=PUBLIC)(blueprint.arguments(schema)(func))

    return decorator


@subscriptions_api.route("/")
class Subscriptions(MethodView):
    @public_write(subscriptions_api, schemas.SubscribeSchema, 202, AcceptedSchema,
                  "Too many attempts from this IP or for this address.")
    def post(self, data):
        """Subscribe: a pending subscriber and a confirmation e-mail; the answer never says if the address is known"""
        refused = subscribe_request(data)
        if isinstance(refused, RateLimited):
            abort(429, message=TOO_MANY, headers={"Retry-After": str(refused.retry_after)})
        if refused is not None:
            abort(422, message=str(refused), errors={"json": {"districts": [str(refused)]}})
        return ACCEPTED


class ConsentSchema(Schema):
    """A consent text (``add_consent_view``): its version, in Polish and in English."""

    version = fields.String()
    pl = fields.String()
    en = fields.String()


def add_consent_view(blueprint: Blueprint, name: str, texts: dict, version: str, summary: str) -> None:
    """``GET <blueprint>/consent``: the consent text in force (``texts[version]``), in Polish and English; the view
    class is called ``name`` (its endpoint) and ``summary`` is its OpenAPI summary."""

    def get(self):
        return {"version": version, **texts[version]}

    get.__doc__ = summary
    view = type(name, (MethodView,), {"get": blueprint.response(200, ConsentSchema)(
        blueprint.doc(security=PUBLIC)(get))})
    blueprint.route("/consent")(view)


add_consent_view(subscriptions_api, "Consent", CONSENT_TEXTS, CURRENT_VERSION,
                 "The consent text in force, in Polish and English")


# The address goes in the body, never in the path, so that no access log or proxy log holds it.
@admin_api.route("/subscribers/erase")
class SubscriberErase(MethodView):
    @admin_api.arguments(schemas.AddressSchema)
    @admin_api.response(204)
    def post(self, data):
        """Erase a subscriber, the address's registrations and every trace of the address, with the mails written
        for it (admin)"""
        session = request_session()
        try:
            operations.erase_address(session, data["email"], current_app.config["SECRET_KEY"],
                                     current_app.config.get("MAIL_DIR"))
        except operations.NothingHeld as exc:
            abort(404, message=str(exc))
        session.commit()


@admin_api.route("/subscribers/export")
class SubscriberExport(MethodView):
    @admin_api.arguments(schemas.AddressSchema)
    @admin_api.response(200)
    def post(self, data):
        """Everything held about one address, its registrations too, as JSON (admin)"""
        try:
            return jsonify(operations.export_address(request_session(), data["email"],
                                                     current_app.config["SECRET_KEY"]))
        except operations.NothingHeld as exc:
            abort(404, message=str(exc))


@admin_api.route("/notices")
class Notices(MethodView):
    @admin_api.page_of(schemas.NoticeSchema, schemas.NoticeQuerySchema, security=BEARER)
    def get(self, query, pagination_parameters):
        """List notices, newest first, optionally by status or kind (admin)"""
        session = request_session()
        where = [getattr(Notice, name) == value for name, value in query.items()]
        return one_page(session, select(Notice).where(*where).order_by(Notice.id.desc()), pagination_parameters)


@admin_api.route("/notices/<int:notice_id>/resend")
class NoticeResend(MethodView):
    @admin_api.response(200, schemas.NoticeSchema)
    def post(self, notice_id):
        """Queue a failed notice again (admin)"""
        session = request_session()
        notice = session.get(Notice, notice_id)
        if notice is None:
            abort(404, message=f"No notice {notice_id}.")
        if notice.status != "failed":
            abort(409, message=f"Notice {notice_id} is {notice.status}; only a failed notice can be resent.")
        resend(notice)
        session.commit()
        return notice


class BulkResendSchema(Schema):
    """Which failed notices to queue again; every field narrows the set, and none means every failed notice."""

    created_from = fields.AwareDateTime(validate=check_year, metadata={"description": "Queued at or after this time."})
    created_to = fields.AwareDateTime(validate=check_year, metadata={"description": "Queued before this time."})
    event_id = one_line(36, min_length=1, metadata={"description": "One event's."})
    kind = fields.String(validate=validate.OneOf(KINDS))
    reason = one_line(200, min_length=1,
                      metadata={"description": "Text the last error contains, e.g. `451` or `timed out`."})


class BulkResentSchema(Schema):
    resent = fields.Integer(metadata={"description": "How many failed notices were queued again."})


@admin_api.route("/notices/resend")
class NoticesResend(MethodView):
    @admin_api.arguments(BulkResendSchema)
    @admin_api.response(200, BulkResentSchema)
    def post(self, query):
        """Queue again every failed notice matching a filter, each once however often this is called (admin)"""
        conditions = []
        if "created_from" in query:
            conditions.append(Notice.created_at >= query["created_from"])
        if "created_to" in query:
            conditions.append(Notice.created_at < query["created_to"])
        if "event_id" in query:
            conditions.append(Notice.event_id == query["event_id"])
        if "kind" in query:
            conditions.append(Notice.kind == query["kind"])
        if "reason" in query:
            conditions.append(Notice.last_error.contains(query["reason"], autoescape=True))
        session = request_session()
        count = resend_failed(session, *conditions)
        session.commit()
        return {"resent": count}
