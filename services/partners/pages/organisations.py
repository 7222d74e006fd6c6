"""Organisations on the staff pages (admins): add one, change its details, through the API's schema and
operations."""

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.partners.models import Organisation
from services.partners.operations import create_organisation, update_organisation
from services.partners.pages.guards import admins_only, found, staff_blueprint
from services.partners.schemas import OrganisationSchema
from services.ui.forms import max_lengths
from services.ui.labels import ORGANISATION_KIND_LABELS
from services.ui.pages import STALE_FORM, private_page, saved_record, stale

organisation_pages = staff_blueprint("staff_organisations", "/staff/organisations")
FIELDS = ("name", "kind", "krs", "email", "phone", "website")
#: Each field's label on the form, and in the error that names it.
FIELD_LABELS = {"name": _l("Name"), "kind": _l("Kind"), "krs": _l("KRS number"), "email": _l("E-mail address"),
                "phone": _l("Phone"), "website": _l("Website"),
                "slug": _l("Name")}  # the form makes the slug from the name: a slug taken is a name too like another


def _page(organisation: Organisation | None, values: dict, status: int = 200, **context):
    return private_page("partners_pages/staff/organisation.html", status, organisation=organisation, values=values,
                        kinds=ORGANISATION_KIND_LABELS, labels=FIELD_LABELS, limits=max_lengths(OrganisationSchema),
                        **context)


organisation_pages.before_request(admins_only)


@organisation_pages.get("/new")
def new():
    return _page(None, {"kind": "ngo"})


def _recorded(organisation: Organisation) -> dict:
    """The form as the organisation is recorded."""
    return {name: getattr(organisation, name) or "" for name in FIELDS}


@organisation_pages.get("/<int:organisation_id>")
def edit(organisation_id: int):
    organisation = found(Organisation, organisation_id, _("No such organisation."))
    return _page(organisation, _recorded(organisation))


@organisation_pages.post("/new", endpoint="create", defaults={"organisation_id": None})
@organisation_pages.post("/<int:organisation_id>")
def change(organisation_id: int | None):
    """Add an organisation (``/new``), or change one."""
    organisation = (None if organisation_id is None
                    else found(Organisation, organisation_id, _("No such organisation.")))
    if organisation is not None and stale(organisation):
        return _page(organisation, _recorded(organisation), 409, error=STALE_FORM)
    values = {name: request.form.get(name, "").strip() for name in FIELDS}
    return saved_record(organisation, OrganisationSchema, create_organisation, update_organisation,
                        {name: value or None for name, value in values.items()}, FIELD_LABELS,
                        lambda status, error: _page(organisation, values, status, error=error), url_for("staff.home"))
