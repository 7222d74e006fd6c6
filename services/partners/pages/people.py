"""People (private) on the staff pages, admins only: the registry's individual partners, their contact details and
the organisation each is the contact person of; through the API's schema and operations (``create_person``,
``update_person``). Personal data: no message carries a person, no log line names one."""

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from services.messaging.errors import Conflict, FieldError
from services.messaging.web import request_session
from services.partners.models import Organisation, Person
from services.partners.operations import create_person, update_person
from services.partners.pages.guards import admins_only, found, staff_blueprint
from services.partners.schemas import PersonSchema
from services.ui.errors import refusal
from services.ui.forms import max_lengths
from services.ui.naming import polish_sorted
from services.ui.pages import STALE_FORM, private_page, stale

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


def _save(person: Person | None):
    session = request_session()
    if person is not None and stale(person):  # the page shows each person as recorded, this one's form open
        return _page(409, error=STALE_FORM, failed=person.id)
    data = {name: request.form.get(name, "").strip() or None for name in FIELDS}
    if data["organisation_id"] is not None:
        data["organisation_id"] = int(data["organisation_id"]) if data["organisation_id"].isdigit() else -1
    try:
        loaded = PersonSchema(partial=person is not None).load(data)
        if person is None:
            create_person(session, loaded)
        else:
            update_person(session, person, loaded)
    except (ValidationError, FieldError, Conflict) as exc:
        session.rollback()
        status, error = refusal(exc, FIELD_LABELS)
        return _page(status, error=error, failed=person.id if person else "new")
    session.commit()
    return redirect(url_for("staff_people.people", saved=1), 303)


@people_pages.post("/")
def add():
    return _save(None)


@people_pages.post("/<int:person_id>")
def change(person_id: int):
    return _save(found(Person, person_id, _("No such person.")))
