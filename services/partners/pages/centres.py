"""The centres on the staff pages (admins): each centre's address, opening hours and contacts, changed through the
API's schema and operation (``centre.updated`` carries the change to the events pages); and a link to each centre's
rooms (rooms.py)."""

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from services.messaging.errors import Conflict, FieldError
from services.messaging.web import request_session
from services.partners.models import Centre
from services.partners.operations import update_centre
from services.partners.pages.guards import admins_only, found, staff_blueprint
from services.partners.pages.rooms import room_counts
from services.partners.schemas import CentreSchema
from services.ui.errors import refusal
from services.ui.naming import polish_sorted
from services.ui.pages import STALE_FORM, private_page, stale

centre_pages = staff_blueprint("staff_centres", "/staff/centres")
#: What the page changes; the rest of a centre is the API's.
EDITABLE = ("address", "opening_hours", "email", "phone", "website")
#: Each field's label on the form, and in the error that names it.
FIELD_LABELS = {"address": _l("Address"), "opening_hours": _l("Opening hours"), "email": _l("E-mail address"),
                "phone": _l("Phone"), "website": _l("Website")}


def _page(status: int = 200, **context):
    session = request_session()
    centres = polish_sorted(session.scalars(select(Centre)))
    return private_page("partners_pages/staff/centres.html", status, centres=centres, editable=EDITABLE,
                        labels=FIELD_LABELS, room_counts=room_counts(session), **context)


centre_pages.before_request(admins_only)


@centre_pages.get("/")
def centres():
    return _page(saved=request.args.get("saved"))


@centre_pages.post("/<int:centre_id>")
def change(centre_id: int):
    session = request_session()
    centre = found(Centre, centre_id, _("No such centre."))
    if stale(centre):  # the page shows every centre as recorded, this one's form open
        return _page(409, error=STALE_FORM, failed=centre_id)
    data = {name: request.form.get(name, "").strip() or None for name in EDITABLE}
    try:
        update_centre(session, centre, CentreSchema(partial=True).load(data))
    except (ValidationError, FieldError, Conflict) as exc:
        session.rollback()
        status, error = refusal(exc, FIELD_LABELS)
        return _page(status, error=error, failed=centre_id)
    session.commit()
    return redirect(url_for("staff_centres.centres", saved=centre.slug), 303)
