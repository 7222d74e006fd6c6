"""The staff pages of the partners service: sign in and out, set a password from a mailed link, ask for a reset,
make the first admin, and (admins) invite and disable people.

Thin views over services/partners/operations/accounts.py, as the API is. Every form carries a CSRF token
(services/ui/csrf.py). The session id goes only into the ``osl_session`` cookie (services/messaging/staff.py).
"""

from flask import current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from services.messaging.errors import Conflict, FieldError
from services.messaging.ratelimit import RateLimited
from services.messaging.staff import clear_session_cookie, current_staff, set_session_cookie
from services.messaging.web import request_session
from services.partners.auth import current_caller
from services.partners.models import Account, Organisation, OutboxMessage
from services.partners.operations import accounts, update_organisation
from services.partners.pages.guards import admin_page, found, staff_blueprint, to_sign_in
from services.partners.schemas.accounts import InvitationSchema
from services.ui import csrf
from services.ui.errors import conflict_error, field_error
from services.ui.labels import ACCOUNT_ROLE_LABELS
from services.ui.links import known_page
from services.ui.naming import polish_sorted
from services.ui.pages import changes_page, confirm_page, private_page, unconfirmed

staff = staff_blueprint("staff", "/staff")


def _page(name: str, status: int = 200, **context):
    return private_page(f"partners_pages/staff/{name}.html", status, **context)


def _password_page(name: str, status: int = 200, **context):
    """A page that sets a password (from a mailed link, or the first admin's): its field takes what
    ``accounts.set_password`` does; no schema checks a password."""
    return _page(name, status, password_min=accounts.PASSWORD_MIN, password_max=accounts.PASSWORD_MAX, **context)


def _client_address() -> str | None:
    return request.remote_addr  # behind the gateway, ProxyFix has put the client's address here


@staff.before_request
def _forms_carry_a_csrf_token():
    if request.method == "POST":
        csrf.require_valid()
    current_caller()  # records the signed-in account as the actor of what the page changes


def _back(form) -> str | None:
    """The page signing in returns to (``next``, from the page that sent the browser here), when it is one of the
    four services' (services/ui/links.py ``known_page``); None otherwise."""
    return known_page(current_app.config, form.get("next"))


@staff.get("/sign-in")
def sign_in_page():
    back = _back(request.args)
    if current_staff() is not None:
        # Signed in already: a link on, not a redirect, as the page asked for may not have heard of the session yet
        # (it would send the browser here again).
        return _page("signed_in", back=back) if back else redirect(url_for("staff.home"))
    return _page("sign_in", back=back)


@staff.post("/sign-in")
def sign_in():
    email, password = request.form.get("email", "")[:254], request.form.get("password", "")
    back = _back(request.form)
    session = request_session()
    config = current_app.config
    try:
        accounts.check_sign_in_limits(session, config, email, _client_address())
    except RateLimited as exc:
        session.commit()
        response = _page("sign_in", 429, email=email, back=back,
                         error=_("Too many failed attempts. Wait %(minutes)s minutes and try again.",
                                 minutes=exc.retry_after // 60))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    try:
        started = accounts.sign_in(session, config, email, password)
    except accounts.SignInRefused:
        session.rollback()
        accounts.record_failed_sign_in(session, config, email, _client_address())
        session.commit()
        return _page("sign_in", 401, email=email, back=back, error=_("Wrong e-mail address or password."))
    session.commit()
    response = redirect(back or url_for("staff.home"), 303)
    set_session_cookie(response, started.session_id, started.max_age_seconds)
    return response


@staff.post("/sign-out")
def sign_out():
    member = current_staff()
    if member is not None:
        session = request_session()
        accounts.sign_out(session, member.session_hash)
        session.commit()
    response = redirect(url_for("staff.sign_in_page"), 303)
    clear_session_cookie(response)
    return response


#: The invite form's fields by their labels, as its errors name them.
INVITE_LABELS = {"email": _l("E-mail address"), "organisation_id": _l("Organisation"),
                 "role": _l("Role"), "language": _l("Language of the e-mails")}


def _home_page(member, status: int = 200, **context):
    session = request_session()
    account = session.get(Account, member.account_id)
    organisations = polish_sorted(session.scalars(select(Organisation)))
    people = session.scalars(select(Account).order_by(Account.email)).all() if member.is_admin else []
    return _page("home", status, account=account, member=member, organisations=organisations, people=people,
                 by_id={organisation.id: organisation for organisation in organisations},
                 role_labels=ACCOUNT_ROLE_LABELS, **context)


@staff.get("/")
def home():
    member = current_staff()
    if member is None:
        return to_sign_in()
    return _home_page(member, invited=request.args.get("invited") == "1",
                      disabled=request.args.get("disabled") == "1", enabled=request.args.get("enabled") == "1")


@staff.post("/accounts/invite")
@admin_page
def invite():
    form = request.form
    organisation = form.get("organisation_id", "")
    role = form.get("role", "editor")
    # An admin belongs to no organisation: the form's list still shows one, which only an editor's invitation sends.
    data = {"email": form.get("email", "").strip(), "role": role,
            "organisation_id": int(organisation) if organisation.isdigit() and role != "admin" else None,
            "language": form.get("language", "pl")}
    session = request_session()
    try:
        data["email"] = _address(data["email"])
        accounts.invite(session, current_app.config, data)
    except FieldError as exc:
        session.rollback()
        return _home_page(current_staff(), 422, invite=data, invite_field=exc.field,
                          invite_error=field_error(exc.field, exc.message, INVITE_LABELS))
    except Conflict as exc:
        session.rollback()
        return _home_page(current_staff(), 409, invite=data, invite_field=exc.field,
                          invite_error=conflict_error(exc, INVITE_LABELS))
    session.commit()
    return redirect(url_for("staff.home", invited=1), 303)


def _ask(question: str, consequence: str, already_done: bool, yes: str, undo_button: str, **carried):
    """The staff home's step before a change that others feel at once (the shared confirmation page), saying which
    button of the staff home (``undo_button``) undoes it; back to the staff home."""
    return confirm_page(question, [consequence], url_for("staff.home"), already_done, carried=carried, yes=yes,
                        undo=_("To undo this, use “%(button)s” on the staff pages.", button=undo_button))


@staff.get("/accounts/<int:account_id>/disable")
@admin_page
def confirm_disable(account_id: int):
    account = found(Account, account_id, _("No such account."))
    return _ask(_("Disable the account %(email)s?", email=account.email),
                _("The person can no longer sign in, and is signed out on every service."),
                account.disabled_at is not None, _("Yes, disable"), _("Enable"))


@staff.post("/accounts/<int:account_id>/disable")
@admin_page
def disable(account_id: int):
    account = found(Account, account_id, _("No such account."))
    if (ask := unconfirmed()) is not None:
        return ask
    session = request_session()
    accounts.disable(session, account)
    session.commit()
    return redirect(url_for("staff.home", disabled=1), 303)


@staff.post("/accounts/<int:account_id>/enable")
@admin_page
def enable(account_id: int):
    """Let a disabled account sign in again (admin), as the API's ``enable`` does."""
    session = request_session()
    accounts.enable(session, found(Account, account_id, _("No such account.")))
    session.commit()
    return redirect(url_for("staff.home", enabled=1), 303)


@staff.get("/organisations/<int:organisation_id>/review")
@admin_page
def confirm_review(organisation_id: int):
    organisation = found(Organisation, organisation_id, _("No such organisation."))
    return _ask(_("Require review of the events of %(name)s?", name=organisation.name),
                _("Its new events wait for MOPS's approval before they are published; those published already stay "
                  "as they are."), organisation.needs_review, _("Yes, require review"), _("Trust"), needs_review="1")


@staff.post("/organisations/<int:organisation_id>/review")
@admin_page
def organisation_review(organisation_id: int):
    """Mark an organisation as trusted (in one click: the way back), or, once confirmed, as needing MOPS's review
    of its events (admin)."""
    session = request_session()
    organisation = found(Organisation, organisation_id, _("No such organisation."))
    needs_review = request.form.get("needs_review") == "1"
    if needs_review and (ask := unconfirmed()) is not None:
        return ask
    update_organisation(session, organisation, {"needs_review": needs_review})
    session.commit()
    return redirect(url_for("staff.home"), 303)


@staff.get("/history")
@admin_page
def history_page():
    """This service's changes, from its outbox (admins)."""
    return changes_page(OutboxMessage)


@staff.get("/password", endpoint="password_page", defaults={"name": "password"})
@staff.get("/first-admin", endpoint="first_admin_page", defaults={"name": "first_admin"})
def password_form(name: str):
    """A page that sets a password: from a mailed link, or the first admin's (its link from the command line)."""
    return _password_page(name)


@staff.post("/password")
def set_password():
    form = request.form
    return _password_set("password", lambda session: accounts.set_password(session, form.get("token", ""),
                                                                           form.get("password", "")))


def _password_set(name: str, change):
    """The POST of a page that sets a password (``name``): ``change(session)`` committed, then on to sign in; a bad
    link, address or password (a ``FieldError``), the page again with 422 and nothing changed."""
    session = request_session()
    try:
        change(session)
    except FieldError as exc:
        session.rollback()
        return _password_page(name, 422, error=_link_or_password(exc))
    session.commit()
    return redirect(url_for("staff.sign_in_page", password_set=1), 303)


def _address(value: str) -> str:
    """An account's e-mail address, checked as the API's invitation checks it (InvitationSchema's email field); a
    FieldError naming ``email`` otherwise."""
    try:
        return InvitationSchema(only=("email",)).load({"email": value})["email"]
    except ValidationError:
        raise FieldError("email", "Give an e-mail address.") from None


def _link_or_password(exc: FieldError) -> str:
    if exc.field == "email":
        return field_error(exc.field, exc.message, INVITE_LABELS)
    if exc.field == "password":
        return _("A password has %(min)s to %(max)s characters.", min=accounts.PASSWORD_MIN, max=accounts.PASSWORD_MAX)
    return _("This link has expired or was already used; ask for a new one.")


@staff.get("/reset")
def reset_page():
    return _page("reset")


@staff.post("/reset")
def request_reset():
    session = request_session()
    email = request.form.get("email", "")[:254]
    try:
        accounts.check_sign_in_limits(session, current_app.config, email, _client_address())
    except RateLimited:
        return _page("reset", 429, error=_("Too many attempts. Wait a while and try again."))
    accounts.request_reset(session, current_app.config, email)
    # Counted like a failed sign-in, so that nobody can flood a mailbox with reset links.
    accounts.record_failed_sign_in(session, current_app.config, email, _client_address())
    session.commit()
    return _page("reset", sent=True)


@staff.post("/first-admin")
def first_admin():
    form = request.form
    try:
        return _password_set("first_admin", lambda session: accounts.make_first_admin(
            session, form.get("token", ""), _address(form.get("email", "").strip()), form.get("password", "")))
    except Conflict as exc:
        request_session().rollback()
        error = conflict_error(exc, INVITE_LABELS) if exc.field else _("An admin account exists already: sign in.")
        return _password_page("first_admin", 409, error=error)
