"""People (private) on the staff pages, admins only: the registry's individual partners, their contact details and
the organisation each is the contact person of; through the API's schema and operations (``create_person``,
``update_person``). Personal data: no message carries a person, no log line names one."""

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from services.messaging.web import request_session
from services.partners.models import Organisation, Person
from services.partners.operations import create_person, update_person
from services.partners.pages.guards import admins_only, found, staff_blueprint
from services.partners.schemas import PersonSchema
from services.ui.forms import max_lengths
from services.ui.naming import polish_sorted
from services.ui.pages import STALE_FORM, private_page, saved_record, stale

people_pages = staff_blueprint("staff_people", "/staff/people")
FIELDS = ("name", "email", "phone", "organisation_id")
#: Each field's label on the form, and in the error that names it.
FIELD_LABELS = {"name": _l("First and last name"), "email": _l("E-mail address"), "phone": _l("Phone"),
                "organisation_id": _l("Contact person of")}

people_pages.before_request(admins_only)


def _page(status: int = 200, **context):
    session = request_session()
    organisations = polish_sorted(session.scalars(select(Organisation)))
    return private_page("partners_pages/staff/people.html", status,
                        people=polish_sorted(session.scalars(select(Person))), organisations=organisations,
                        by_id={o.id: o for o in organisations}, form=request.form, limits=max_lengths(PersonSchema),
                        labels=FIELD_LABELS, **context)


@people_pages.get("/")
def people():
    return _page(saved=request.args.get("saved"))


@people_pages.post("/", endpoint="add", defaults={"person_id": None})
@people_pages.post("/<int:person_id>")
def change(person_id: int | None):
    """Add a person (``/``), or change one."""
    person = None if person_id is None else found(Person, person_id, _("No such person."))
    if person is not None and stale(person):  # the page shows each person as recorded, this one's form open
        return _page(409, error=STALE_FORM, failed=person.id)
    data = {name: request.form.get(name, "").strip() or None for name in FIELDS}
    if data["organisation_id"] is not None:
        data["organisation_id"] = int(data["organisation_id"]) if data["organisation_id"].isdigit() else -1
    return saved_record(person, PersonSchema, create_person, update_person, data, FIELD_LABELS,
                        lambda status, error: _page(status, error=error, failed=person.id if person else "new"),
                        url_for("staff_people.people", saved=1))
