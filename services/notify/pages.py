"""The HTML pages behind the signed links in e-mails: confirm, preferences and unsubscribe (RFC 8058)."""

from flask import Blueprint, current_app, render_template, request
from marshmallow import ValidationError

from services.messaging.messages.events import EVENT_AUDIENCES
from services.messaging.web import request_session
from services.notify import meetings, subscriptions
from services.notify.models import District, Organisation
from services.notify.schemas import PreferencesSchema
from services.notify.tokens import CONTACT, ExpiredToken, InvalidToken, links, read_token

pages = Blueprint("pages", __name__, url_prefix="/subscriptions")

AUDIENCE_LABELS = {"children": "dzieci", "youth": "młodzież", "adults": "dorośli", "seniors": "seniorzy",
                   "families": "rodziny", "disabilities": "osoby z niepełnosprawnościami", "everyone": "wszyscy"}
FREQUENCY_LABELS = (("immediate", "od razu"), ("daily", "raz dziennie (zestawienie)"),
                    ("weekly", "raz w tygodniu (zestawienie)"))


def _subscriber(purpose: str, token: str, max_age: float | None = None):
    """The subscriber a signed link names, or an error page to return instead."""
    try:
        key = read_token(current_app.config["SECRET_KEY"], purpose, token, max_age)
    except ExpiredToken:
        return None, (render_template("pages/invalid_link.html", expired=True), 410)
    except InvalidToken:
        return None, (render_template("pages/invalid_link.html", expired=False), 404)
    subscriber = subscriptions.find_by_key(request_session(), key)
    if subscriber is None:
        return None, (render_template("pages/invalid_link.html", expired=False), 404)
    return subscriber, None


@pages.get("/confirm/<token>")
def confirm(token):
    """One click confirms: no second page."""
    subscriber, error = _subscriber("confirm", token, current_app.config["CONFIRM_MAX_AGE_HOURS"] * 3600)
    if error:
        return error
    session = request_session()
    subscriptions.confirm(session, subscriber)
    session.commit()
    urls = links(current_app.config, subscriber.key)
    return render_template("pages/confirmed.html", preferences_url=urls["preferences"],
                           unsubscribe_url=urls["unsubscribe"])


@pages.get("/unsubscribe/<token>")
def unsubscribe_page(token):
    _found, error = _subscriber("unsubscribe", token)
    return error or render_template("pages/unsubscribe.html", done=False)


@pages.post("/unsubscribe/<token>")
def unsubscribe(token):
    """The page's button, and RFC 8058 one-click from mail clients, which may send an empty body."""
    subscriber, error = _subscriber("unsubscribe", token)
    if error:
        return error
    session = request_session()
    subscriptions.unsubscribe(session, subscriber)
    session.commit()
    return render_template("pages/unsubscribe.html", done=True)


@pages.route("/contact/<token>", methods=["GET", "POST"])
def stop_meeting_notices(token):
    """The unsubscribe link of a partner meeting notice (GET: one button; POST, also empty: done)."""
    try:
        organisation_id = int(read_token(current_app.config["SECRET_KEY"], CONTACT, token))
    except (InvalidToken, ValueError):
        return render_template("pages/invalid_link.html", expired=False), 404
    session = request_session()
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        return render_template("pages/invalid_link.html", expired=False), 404
    if request.method == "POST":
        meetings.stop_notices(session, organisation)
        session.commit()
    return render_template("pages/unsubscribe.html", done=request.method == "POST")


def _preferences_page(subscriber, token, saved=False, errors=None, status=200):
    districts = request_session().query(District).filter(District.deleted_at.is_(None)).order_by(District.name).all()
    return render_template(
        "pages/preferences.html", subscriber=subscriber, districts=districts, saved=saved, errors=errors,
        audiences=[(value, AUDIENCE_LABELS.get(value, value)) for value in EVENT_AUDIENCES],
        frequencies=FREQUENCY_LABELS, unsubscribe_url=links(current_app.config, subscriber.key)["unsubscribe"],
    ), status


@pages.get("/preferences/<token>")
def preferences(token):
    subscriber, error = _subscriber("preferences", token)
    return error or _preferences_page(subscriber, token)


@pages.post("/preferences/<token>")
def save_preferences(token):
    subscriber, error = _subscriber("preferences", token)
    if error:
        return error
    form = {"districts": request.form.getlist("districts"), "audiences": request.form.getlist("audiences"),
            "frequency": request.form.get("frequency", subscriber.frequency),
            "reminders": request.form.get("reminders") == "true",
            "language": request.form.get("language", subscriber.language)}
    session = request_session()
    try:
        subscriptions.update_preferences(session, subscriber, PreferencesSchema().load(form))
    except ValidationError as exc:
        return _preferences_page(subscriber, token, errors=exc.messages, status=422)
    except subscriptions.UnknownDistricts as exc:
        return _preferences_page(subscriber, token, errors={"districts": [str(exc)]}, status=422)
    session.commit()
    return _preferences_page(subscriber, token, saved=True)
