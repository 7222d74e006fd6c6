"""The pages behind the signed links in e-mails: confirm, preferences and unsubscribe (RFC 8058)."""

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from marshmallow import ValidationError

from services.messaging.web import request_session
from services.notify import operations
from services.notify.consent import CURRENT_VERSION, consent_text
from services.notify.models import MemberContact, Organisation
from services.notify.pages import choices, csrf
from services.notify.ratelimit import RateLimited
from services.notify.schemas import PreferencesSchema
from services.notify.tokens import CONTACT, MEMBER, ExpiredToken, InvalidToken, links, read_token
from services.ui.i18n import mail_reader_language, render_for_mail_reader

pages = Blueprint("pages", __name__, url_prefix="/subscriptions")


@pages.after_request
def keep_links_private(response):
    """These URLs are credentials: no search engine lists them, and no other site sees them as a Referer."""
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def linked(purpose: str, token: str, find, refused, max_age: float | None = None):
    """What a signed link in an e-mail names; else the page to answer with is raised (an ``HTTPException`` carrying
    it, which Flask sends as it is): ``refused(expired=True)`` (410) for a link past ``max_age`` seconds,
    ``refused(expired=False)`` (404) for a link that is not ours or names nothing (``find(session, key)`` gave None).
    Every signed link of notify is read here."""
    try:
        key = read_token(current_app.config["SECRET_KEY"], purpose, token, max_age)
    except ExpiredToken:
        abort(make_response(refused(expired=True), 410))
    except InvalidToken:
        abort(make_response(refused(expired=False), 404))
    found = find(request_session(), key)
    if found is None:
        abort(make_response(refused(expired=False), 404))
    return found


def _invalid(expired: bool):
    return render_template("pages/invalid_link.html", expired=expired)


def _subscriber(purpose: str, token: str, max_age: float | None = None):
    """The subscriber a signed link names; else its error page is raised (``linked``)."""
    return linked(purpose, token, operations.find_by_key, _invalid, max_age)


@pages.get("/confirm/<token>")
def confirm(token):
    """One click confirms: no second page."""
    subscriber = _subscriber("confirm", token, current_app.config["CONFIRM_MAX_AGE_HOURS"] * 3600)
    language = subscriber.language
    session = request_session()
    operations.confirm(session, subscriber)
    session.commit()
    urls = links(current_app.config, subscriber.key)
    return render_for_mail_reader(language, "pages/confirmed.html", preferences_url=urls["preferences"],
                                  unsubscribe_url=urls["unsubscribe"])


@pages.get("/unsubscribe/<token>")
def unsubscribe_page(token):
    subscriber = _subscriber("unsubscribe", token)
    return render_for_mail_reader(subscriber.language, "pages/unsubscribe.html",
                                  done=subscriber.status == "unsubscribed")


# No CSRF token here, on purpose. RFC 8058 one-click: a mail client POSTs "List-Unsubscribe=One-Click" (or an empty
# body) to the link in the List-Unsubscribe header, and cannot fetch a token first. The signed link itself is the
# credential: nobody can forge it, and whoever holds it could as well click it. The page's button sends the very
# same request, so both paths are one code path.
@pages.post("/unsubscribe/<token>")
def unsubscribe(token):
    subscriber = _subscriber("unsubscribe", token)
    session = request_session()
    operations.unsubscribe(session, subscriber)
    session.commit()
    return render_for_mail_reader(subscriber.language, "pages/unsubscribe.html", done=True)


# Exempt from CSRF for the same reason as above: it is the List-Unsubscribe link of partner meeting notices.
@pages.route("/contact/<token>", methods=["GET", "POST"])
def stop_meeting_notices(token):
    """The unsubscribe link of a partner meeting notice (GET: one button; POST, also empty: done)."""
    try:
        named = read_token(current_app.config["SECRET_KEY"], CONTACT, token)
        model = MemberContact if named.startswith(MEMBER) else Organisation
        recipient_id = int(named.removeprefix(MEMBER))
    except (InvalidToken, ValueError):
        return _invalid(expired=False), 404
    session = request_session()
    recipient = session.get(model, recipient_id)
    if recipient is None:
        return _invalid(expired=False), 404
    if request.method == "POST":
        operations.stop_notices(session, recipient)
        session.commit()
    return render_template("pages/unsubscribe.html", done=request.method == "POST", meetings=True)


def _preferences_page(subscriber, language, chosen=None, saved=False, errors=None, csrf_failed=False, status=200):
    if chosen is None:
        chosen = {name: getattr(subscriber, name) for name in operations.PREFERENCES}
    return render_for_mail_reader(
        language, "pages/preferences.html", chosen=chosen, districts=choices.districts(request_session()), saved=saved,
        errors=errors or {}, csrf_failed=csrf_failed, **choices.options(chosen),
        unsubscribe_url=links(current_app.config, subscriber.key)["unsubscribe"],
    ), status


def _unsubscribed_page(subscriber, language, problem=None, consent_error=False, status=200):
    """An old preferences link of an unsubscribed address: say so plainly, and offer to subscribe again, with the
    consent text in the page's language."""
    return render_for_mail_reader(language, "pages/unsubscribed.html", problem=problem, consent_error=consent_error,
                                  consent_text=consent_text(mail_reader_language(language)),
                                  consent_version=CURRENT_VERSION), status


@pages.get("/preferences/<token>")
def preferences(token):
    subscriber = _subscriber("preferences", token)
    if subscriber.status == "unsubscribed":
        return _unsubscribed_page(subscriber, subscriber.language)
    return _preferences_page(subscriber, subscriber.language)


@pages.post("/preferences/<token>/subscribe-again")
def subscribe_again(token):
    """Subscribe the unsubscribed address again with its old choices: pending until the new confirmation link."""
    subscriber = _subscriber("preferences", token)
    language = subscriber.language
    if subscriber.status != "unsubscribed":
        return redirect(url_for("pages.preferences", token=token), 303)
    if not csrf.valid():
        return _unsubscribed_page(subscriber, language, problem="csrf", status=400)
    if request.form.get("consent") != "true":
        return _unsubscribed_page(subscriber, language, consent_error=True, status=422)
    session = request_session()
    data = {"email": subscriber.email, "consent": True,
            **{name: getattr(subscriber, name) for name in operations.PREFERENCES}}
    known = {district.slug for district in choices.districts(session)}  # a district gone since is left out
    data["districts"] = [slug for slug in data["districts"] if slug in known]
    try:
        # The consent recorded is the text the page showed, in the page's language.
        operations.subscribe_within_limits(session, current_app.config, request.remote_addr, data,
                                           consent_language=mail_reader_language(language))
    except RateLimited as exc:
        session.rollback()
        response = _unsubscribed_page(subscriber, language, problem="too_many", status=429)
        return response[0], 429, {"Retry-After": str(exc.retry_after)}
    session.commit()
    return redirect(url_for("subscribe_pages.check_email"), 303)


@pages.post("/preferences/<token>")
def save_preferences(token):
    subscriber = _subscriber("preferences", token)
    language = subscriber.language  # before the change: the answer speaks the language of the page sent
    if subscriber.status == "unsubscribed":
        # Saving would change nothing that is sent: say so instead of "changes saved".
        return _unsubscribed_page(subscriber, language, status=409)
    form = choices.read_preferences()
    if not csrf.valid():
        return _preferences_page(subscriber, language, chosen=form, csrf_failed=True, status=400)
    session = request_session()
    try:
        operations.update_preferences(session, subscriber, PreferencesSchema().load(form))
    except ValidationError as exc:
        errors = choices.field_errors(exc.messages)
        return _preferences_page(subscriber, language, chosen=form, errors=errors, status=422)
    except operations.UnknownDistricts as exc:
        return _preferences_page(subscriber, language, chosen=form, errors=choices.unknown_districts(exc),
                                 status=422)
    session.commit()
    return _preferences_page(subscriber, language, saved=True)
