"""The centres on the staff pages (admins): each centre's address, opening hours and contacts, changed through the
API's schema and operation (``centre.updated`` carries the change to the events pages); and a link to each centre's
rooms (rooms.py)."""

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from services.messaging.web import request_session
from services.partners.models import Centre
from services.partners.operations import update_centre
from services.partners.pages.guards import admins_only, found, staff_blueprint
from services.partners.pages.rooms import room_counts
from services.partners.schemas import CentreSchema
from services.ui.naming import polish_sorted
from services.ui.pages import STALE_FORM, private_page, saved_record, stale

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
    centre = found(Centre, centre_id, _("No such centre."))
    if stale(centre):  # the page shows every centre as recorded, this one's form open
        return _page(409, error=STALE_FORM, failed=centre_id)
    data = {name: request.form.get(name, "").strip() or None for name in EDITABLE}
    return saved_record(centre, CentreSchema, None, update_centre, data, FIELD_LABELS,
                        lambda status, error: _page(status, error=error, failed=centre_id),
                        url_for("staff_centres.centres", saved=centre.slug))
