"""The subscribe form (``/subscribe``) and the "check your e-mail" page after it.

Posting the form does what ``POST /api/v1/subscriptions/`` does: the same validation, the same rate limits (the
same counters), and the same answer whether or not the address is known.
"""

from email.utils import parseaddr

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from markupsafe import Markup
from marshmallow import ValidationError

from services.messaging.web import request_session
from services.notify.api import subscribe_request
from services.notify.consent import CURRENT_VERSION, consent_text
from services.notify.pages import choices, csrf
from services.notify.ratelimit import RateLimited
from services.notify.schemas import SubscribeSchema
from services.ui.i18n import page_language

subscribe_pages = Blueprint("subscribe_pages", __name__, static_folder="static",
                            # Under /subscriptions/, which the gateway sends to notify as it is.
                            static_url_path="/subscriptions/static")


def _page(chosen: dict, errors=None, problem: str | None = None, status: int = 200):
    language = page_language()
    return render_template(
        "pages/subscribe.html", chosen=chosen, errors=errors or {}, problem=problem,
        districts=choices.districts(request_session()), **choices.options(chosen),
        consent_text=consent_text(language if language in ("pl", "en") else "pl"), consent_version=CURRENT_VERSION,
        contact_link=Markup('<a href="mailto:{0}">{0}</a>').format(current_app.config["MAIL_UNSUBSCRIBE_ADDRESS"]),
        confirm_hours=int(current_app.config["CONFIRM_MAX_AGE_HOURS"]),
    ), status


@subscribe_pages.get("/subscribe")
def subscribe_form():
    """An empty form; ``?district=<slug>`` ticks that district (for links from a district's page)."""
    chosen = {"districts": request.args.getlist("district"), "audiences": [], "frequency": "immediate",
              "reminders": False, "language": page_language(), "email": "", "consent": False}
    return _page(chosen)


@subscribe_pages.post("/subscribe")
def subscribe():
    form = {**choices.read_preferences(), "email": request.form.get("email", "").strip(),
            "consent": request.form.get("consent") == "true"}
    if not csrf.valid():
        return _page(form, problem="csrf", status=400)
    try:
        data = SubscribeSchema().load(form)
    except ValidationError as exc:
        return _page(form, errors=choices.field_errors(exc.messages), status=422)
    refused = subscribe_request(data)
    if isinstance(refused, RateLimited):
        response = _page(form, problem="too_many", status=429)
        return response[0], 429, {"Retry-After": str(refused.retry_after)}
    if refused is not None:
        return _page(form, errors=choices.unknown_districts(refused), status=422)
    # Post/redirect/get: reloading the next page must not send the form (and another e-mail) again.
    return redirect(url_for("subscribe_pages.check_email"), 303)


@subscribe_pages.get("/subscribe/check-email")
def check_email():
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    sender = Markup("<strong>{}</strong> ({})").format(name, address) if name else address
    return render_template("pages/check_email.html", sender=sender,
                           confirm_hours=int(current_app.config["CONFIRM_MAX_AGE_HOURS"]))
