"""Every form's maxlength is the bound of the schema that checks what the form posts, on the staff pages of the three
web services and the residents' registration form: with every bound of those schemas moved (and the few constants of
fields no schema checks), each page says the moved bound, so no page keeps a copy of it."""

import pytest
from marshmallow import validate

from services.events import moderation
from services.events.pages import views as event_pages
from services.events.schemas import EventInSchema, RegistrationSchema
from services.messaging.messages.partners import CONTRIBUTION_KINDS
from services.messaging.staff import COOKIE
from services.notify.schemas import RegisterSchema, StaffRegisterSchema
from services.partners.operations import accounts
from services.partners.schemas import (
    AgreementSchema,
    MeetingSchema,
    OrganisationSchema,
    PersonSchema,
    RoomSchema,
)
from services.ui.forms import max_lengths
from tests.notify.registrations import EVENT_ID, publish_event
from tests.partners.helpers import ADMIN, add_member, make_centre, make_district, make_partnership, with_etag
from tests.staff.conftest import CSRF, signed_in_admin
from tests.staff.test_event_pages import _form
from tests.ui.pagecheck import parse

SCHEMAS = (EventInSchema, RegistrationSchema, MeetingSchema, OrganisationSchema, PersonSchema, AgreementSchema,
           RoomSchema, RegisterSchema, StaffRegisterSchema)
#: The fields no schema checks, by the constant their view checks them against.
CONSTANTS = ((moderation, "MAX_REASON"), (event_pages, "MAX_SEARCH"), (accounts, "PASSWORD_MAX"),
             (accounts, "PASSWORD_MIN"))
MOVED_BY = 7
#: What a member brings, one text box per kind of contribution, split into lines (each one the schema's
#: description): no field of the schema is the box, and no constant bounds it.
POTENTIAL = 5000

pytestmark = pytest.mark.parametrize("stack", ["embedded"], indirect=True)


@pytest.fixture
def moved(monkeypatch):
    """Every Length bound of the forms' schemas, and the constants, MOVED_BY longer (before any app is made): a page
    that wrote the old number itself now disagrees."""
    before = {schema: max_lengths(schema) for schema in SCHEMAS}
    seen = set()
    for schema in SCHEMAS:
        for field in schema._declared_fields.values():
            for validator in field.validators:
                if isinstance(validator, validate.Length) and id(validator) not in seen:
                    seen.add(id(validator))
                    for bound in ("max", "equal"):  # equal: a field of so many digits (a KRS number)
                        if getattr(validator, bound) is not None:
                            monkeypatch.setattr(validator, bound, getattr(validator, bound) + MOVED_BY)
    for module, name in CONSTANTS:
        monkeypatch.setattr(module, name, getattr(module, name) + MOVED_BY)
    for schema in SCHEMAS:
        assert max_lengths(schema) == {name: bound + MOVED_BY for name, bound in before[schema].items()}, schema


def _limits(html: str) -> dict[str, set[str]]:
    """The maxlength (and a password's minlength) of each named input and text box of the page, by its name."""
    found = {}
    for field in parse(html).fields:
        for attribute in ("maxlength", "minlength"):
            if field.get("name") and field.get(attribute):
                found.setdefault(f"{field['name']} {attribute}", set()).add(field[attribute])
    return found


def _wanted(limits: dict, *names) -> dict[str, set[str]]:
    return {f"{name} maxlength": {str(limits[name])} for name in names}


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_every_form_says_the_bounds_its_schema_checks(moved, staff):
    # Partners: a partnership with a member and an agreement, a person, an editor whose organisation MOPS reviews.
    make_district(staff.client)
    centre = make_centre(staff.client)
    partnership = make_partnership(staff.client)
    organisation = staff.organisation()
    url = f"/api/v1/organisations/{organisation}"
    assert staff.client.patch(url, headers=with_etag(staff.client, url), json={"needs_review": True}).status_code == 200
    member = add_member(staff.client, partnership["id"], organisation_id=organisation, role="coordinator",
                        potential=[{"kind": "people", "description": "wolontariusze"}])
    agreements = f"/api/v1/partnerships/{partnership['id']}/agreements/"
    assert staff.client.post(agreements, headers=ADMIN, json={
        "signed_on": "2026-09-15", "signatory_ids": [member["id"]], "document_ref": "segregator 3"}).status_code == 201
    assert staff.client.post("/api/v1/people/", headers=ADMIN, json={"name": "Józef Ślęzak"}).status_code == 201
    _account, editor_cookie = staff.editor(organisation_id=organisation)
    admin, admin_cookie = signed_in_admin(staff)
    staff.forward()
    editor, events_admin, notify_admin = (staff.events.test_client(), staff.events.test_client(),
                                          staff.notify.test_client())
    editor.set_cookie(COOKIE, editor_cookie)
    events_admin.set_cookie(COOKIE, admin_cookie)
    notify_admin.set_cookie(COOKIE, admin_cookie)
    # An event waiting for review (the admin's reason box), and one open for registration in notify.
    new_event = _page(editor, "/staff/events/new")
    saved = editor.post("/staff/events/new", data={**_form(), "save": "1",
                                                   "csrf_token": CSRF.search(new_event).group(1)})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    publish_event(staff.notify)

    password = {"password maxlength": {str(accounts.PASSWORD_MAX)}, "password minlength": {str(accounts.PASSWORD_MIN)}}
    potential = {f"potential_{kind} maxlength": {str(POTENTIAL)} for kind in CONTRIBUTION_KINDS}
    search = {"q maxlength": {str(event_pages.MAX_SEARCH)}}
    pages = {
        "events: an event's form": (editor, "/staff/events/new",
                                    {**_wanted(max_lengths(EventInSchema), "title", "description", "location",
                                               "contact", "accessibility"),
                                     "registration_url maxlength": {str(max_lengths(RegistrationSchema)["url"])}}),
        "events: the review queue": (events_admin, "/staff/events/review",
                                     {"reason maxlength": {str(moderation.MAX_REASON)}}),
        "events: the finder": (staff.events.test_client(), "/", search),
        "events: a district's finder": (staff.events.test_client(), "/districts/ostatni-grosz", search),
        "partners: meetings": (admin, "/staff/meetings/", _wanted(max_lengths(MeetingSchema), "title", "agenda")),
        "partners: an organisation": (admin, "/staff/organisations/new",
                                      _wanted(max_lengths(OrganisationSchema), "name", "krs", "email",
                                              "phone", "website")),
        "partners: people": (admin, "/staff/people/", _wanted(max_lengths(PersonSchema), "name", "email", "phone")),
        "partners: a room": (admin, f"/staff/centres/{centre['id']}/rooms/new",
                             _wanted(max_lengths(RoomSchema), "name")),
        "partners: a partnership": (admin, f"/staff/partnerships/{partnership['id']}",
                                    {**_wanted(max_lengths(AgreementSchema), "document_ref"), **potential}),
        "partners: a password": (staff.partners.test_client(), "/staff/password", password),
        "partners: the first admin": (staff.partners.test_client(), "/staff/first-admin", password),
        "notify: a resident registers": (staff.notify.test_client(), f"/registrations/events/{EVENT_ID}",
                                         _wanted(max_lengths(RegisterSchema), "name", "email")),
        "notify: staff register someone": (notify_admin, f"/registrations/staff/events/{EVENT_ID}",
                                           _wanted(max_lengths(StaffRegisterSchema), "name", "phone",
                                                   "email")),
    }
    said = {title: _limits(_page(client, path)) for title, (client, path, _) in pages.items()}
    assert said == {title: wanted for title, (_client, _path, wanted) in pages.items()}
