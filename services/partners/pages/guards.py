"""What every staff page of the partners service checks first: a CSRF token on each form, a signed-in staff member,
and (for the registry's pages) an admin; and the one problem page they answer with when a check fails or what the
address names is not there."""

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _

from services.messaging.web import request_session
from services.partners.auth import current_caller, is_admin
from services.ui import csrf, pages
from services.ui.links import sign_in_url, staff_url, this_page


def problem(status: int, message: str):
    """The staff pages' problem page: ``message`` (already in the page's language) with ``status``."""
    return pages.problem_page(status, message, url_for("staff.home"), _("Back to the staff pages"))


#: A decorator for the views only MOPS staff (admins) may use
admin_page = pages.admin_page(is_admin, problem)


def refused():
    """403: what only MOPS staff (admins) may do."""
    return problem(403, pages.only_admins())


def staff_blueprint(name: str, url_prefix: str) -> Blueprint:
    """A blueprint of partners' staff pages: their templates, and the problem page (not the API's JSON) for a 400,
    403 or 404 raised in them."""
    pages_of = Blueprint(name, __name__, url_prefix=url_prefix, template_folder="templates")
    pages.add_problem_pages(pages_of, problem)
    return pages_of


def found(model, record_id: int, message: str, belongs=None):
    """The ``model`` row ``record_id`` (which ``belongs`` accepts, when given), or a 404 saying ``message``, which
    the staff blueprint's handler answers with the problem page, so a view reads its record in one line."""
    record = request_session().get(model, record_id)
    if record is None or (belongs is not None and not belongs(record)):
        abort(404, description=message)
    return record


def to_sign_in():
    """A signed-out browser on a staff page: to sign in, and back to the page once signed in."""
    return redirect(sign_in_url(current_app.config, this_page(staff_url(current_app.config, ""))))


def signed_in():
    """Before a staff page: 400 for a form without its token; to the sign-in page without a session."""
    if request.method == "POST":
        csrf.require_valid()
    if current_caller() is None:
        return to_sign_in()
    return None


def admins_only():
    """As ``signed_in``, and 403 for anyone but MOPS staff (admins)."""
    answer = signed_in()
    return refused() if answer is None and not current_caller().is_admin else answer
