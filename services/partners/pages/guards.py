"""What every staff page of the partners service checks first: a CSRF token on each form, a signed-in staff member,
and (for the registry's pages) an admin."""

from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.partners.auth import current_caller
from services.ui import csrf


def signed_in():
    """Before a staff page: 400 for a form without its token; to the sign-in page without a session."""
    if request.method == "POST":
        csrf.require_valid()
    if current_caller() is None:
        return redirect(url_for("staff.sign_in_page"))
    return None


def admins_only():
    """As ``signed_in``, and 403 for anyone but MOPS staff (admins)."""
    refused = signed_in()
    if refused is None and not current_caller().is_admin:
        refused = make_response(render_template("partners_pages/staff/problem.html",
                                                message=_("Only MOPS staff (admins) may do this.")), 403)
    return refused
