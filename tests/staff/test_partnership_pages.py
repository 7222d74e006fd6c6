"""MOPS staff keep Local Partnerships on the staff pages: members and what each brings, their roles and leaving, the
agreements; and the people (private). The same operations as the API, so the same messages; editors and coordinators
get what the API gives their organisation's key: they read, they do not write members or agreements."""

import re

from sqlalchemy import select

from services.partners.models import Agreement, Membership, Person
from tests.partners.helpers import add_member, make_district, make_partnership, outbox
from tests.staff.conftest import csrf_of, signed_in_admin


def _world(staff):
    make_district(staff.client)
    partnership = make_partnership(staff.client)
    school = staff.organisation("Szkoła Podstawowa nr 5")
    club = staff.organisation("Klub Seniora Pogodna Jesień")
    admin, _cookie = signed_in_admin(staff)
    return partnership, school, club, admin


def _messages(staff, prefix: str) -> list[tuple[str, str]]:
    return [(e.type, e.actor) for e in outbox(staff.partners) if e.type.startswith(prefix)]


def test_an_admin_adds_a_member_with_potential_changes_it_ends_it_and_records_an_agreement(staff):
    partnership, school, club, admin = _world(staff)
    page = f"/staff/partnerships/{partnership['id']}"
    token = csrf_of(admin, page)
    added = admin.post(f"{page}/members", data={
        "member": f"organisation:{school}", "role": "coordinator", "joined_on": "2026-09-01",
        "potential_people": "dwóch nauczycieli\nwolontariusze z klasy 8",
        "potential_material_resources": "sala gimnastyczna", "potential_ideas": "", "csrf_token": token})
    assert added.status_code == 303, added.get_data(as_text=True)
    with staff.partners.extensions["osl"].database.session() as session:
        membership = session.scalars(select(Membership)).one()
        assert membership.role == "coordinator" and str(membership.joined_on) == "2026-09-01"
        assert membership.potential == [{"kind": "people", "description": "dwóch nauczycieli"},
                                        {"kind": "people", "description": "wolontariusze z klasy 8"},
                                        {"kind": "material_resources", "description": "sala gimnastyczna"}]
        member_id = membership.id
    html = admin.get(page).get_data(as_text=True)
    assert "Szkoła Podstawowa nr 5" in html and "sala gimnastyczna" in html and "Koordynator" in html

    # The API's rules hold on the page: the same member twice is refused, in Polish, naming nothing English.
    again = admin.post(f"{page}/members", data={"member": f"organisation:{school}", "role": "member",
                                                "csrf_token": token})
    assert again.status_code == 409 and "Ten członek już należy do partnerstwa." in again.get_data(as_text=True)
    bad_kind = admin.post(f"{page}/members", data={"member": "club:1", "csrf_token": token})
    assert bad_kind.status_code == 422
    assert "Proszę sprawdzić pole Członek: Proszę wybrać organizację albo osobę." in bad_kind.get_data(as_text=True)
    bad_date = admin.post(f"{page}/members", data={"member": f"organisation:{club}", "joined_on": "1 września",
                                                   "csrf_token": token})
    assert bad_date.status_code == 422
    assert "Proszę sprawdzić pole Data dołączenia: To nie jest poprawna data." in bad_date.get_data(as_text=True)

    second = admin.post(f"{page}/members", data={"member": f"organisation:{club}", "role": "member",
                                                 "potential_free_time": "środy po południu", "csrf_token": token})
    assert second.status_code == 303
    agreement = admin.post(f"{page}/agreements", data={
        "signed_on": "2026-09-15", "valid_from": "2026-10-01", "valid_until": "2027-09-30",
        "document_ref": "teczka MOPS 12/2026", "signatory_ids": [str(member_id)], "csrf_token": token})
    assert agreement.status_code == 303, agreement.get_data(as_text=True)
    assert admin.post(f"{page}/agreements", data={"valid_from": "2026-10-01", "valid_until": "2026-01-01",
                                                  "csrf_token": token}).status_code == 422
    with staff.partners.extensions["osl"].database.session() as session:
        recorded = session.scalars(select(Agreement)).one()
        assert (str(recorded.signed_on), recorded.signatory_ids) == ("2026-09-15", [member_id])
        agreement_id = recorded.id
    changed = admin.post(f"{page}/agreements/{agreement_id}", data={
        "signed_on": "2026-09-16", "valid_from": "2026-10-01", "document_ref": "teczka MOPS 12/2026",
        "signatory_ids": [str(member_id)], "version": "1", "csrf_token": token})
    assert changed.status_code == 303
    html = admin.get(page).get_data(as_text=True)
    assert "16 września 2026" in html and "teczka MOPS 12/2026" in html

    ended = admin.post(f"{page}/members/{member_id}", data={
        "role": "member", "joined_on": "2026-09-01", "left_on": "2026-11-20", "potential_people": "dwóch nauczycieli",
        "version": "1", "csrf_token": token})
    assert ended.status_code == 303
    with staff.partners.extensions["osl"].database.session() as session:
        membership = session.get(Membership, member_id)
        assert (membership.role, str(membership.left_on)) == ("member", "2026-11-20")
        assert membership.potential == [{"kind": "people", "description": "dwóch nauczycieli"}]
    assert admin.post(f"{page}/members/{member_id}", data={"role": "member", "joined_on": "2026-09-01",
                                                           "left_on": "2026-08-01", "version": "2", "csrf_token": token}
                      ).status_code == 422
    assert _messages(staff, "membership.") == [("membership.added", "account:1")] * 2 + [
        ("membership.updated", "account:1")]
    assert _messages(staff, "agreement.") == [("agreement.signed", "account:1"), ("agreement.updated", "account:1")]


def test_editors_and_coordinators_read_but_only_admins_write_members_and_agreements(staff):
    partnership, school, club, admin = _world(staff)
    add_member(staff.client, partnership["id"], organisation_id=school, role="coordinator")
    page = f"/staff/partnerships/{partnership['id']}"
    staff.editor("ewa@szkola5.example", school)  # the coordinator's editor, on staff.client
    coordinator = staff.client
    html = coordinator.get(page).get_data(as_text=True)
    assert "Szkoła Podstawowa nr 5" in html and "/staff/meetings/" in html
    assert 'action="' + page + '/members"' not in html  # no forms it may not use
    token = csrf_of(coordinator, "/staff/reset")
    for path, data in ((f"{page}/members", {"member": f"organisation:{club}"}),
                       (f"{page}/agreements", {"signed_on": "2026-09-15"})):
        refused = coordinator.post(path, data={**data, "csrf_token": token})
        assert refused.status_code == 403, path
    editor = staff.partners.test_client()
    staff.invite("jan@klub.example", club)
    staff.set_password(staff.mailed_token())
    assert staff.sign_in("jan@klub.example", client=editor).status_code == 303
    assert editor.post(f"{page}/members", data={"member": f"organisation:{club}",
                                                "csrf_token": csrf_of(editor, "/staff/reset")}).status_code == 403
    assert editor.get("/staff/people/").status_code == 403
    # No form without its CSRF token, nobody signed in: to the sign-in page.
    assert admin.post(f"{page}/members", data={"member": f"organisation:{club}"}).status_code == 400
    assert staff.partners.test_client().get(page).status_code == 302
    with staff.partners.extensions["osl"].database.session() as session:
        assert len(session.scalars(select(Membership)).all()) == 1 and session.scalars(select(Agreement)).all() == []


def test_people_are_admins_only_and_a_person_member_is_named_to_admins_alone(staff):
    partnership, school, _club, admin = _world(staff)
    token = csrf_of(admin, "/staff/people/")
    unnamed = admin.post("/staff/people/", data={"name": "", "csrf_token": token})
    assert unnamed.status_code == 422  # a person's name is "Imię i nazwisko", on the form and in its errors
    assert "Proszę sprawdzić pole Imię i nazwisko" in unnamed.get_data(as_text=True)
    assert '-name">Imię i nazwisko</label>' in admin.get("/staff/people/").get_data(as_text=True)
    assert admin.post("/staff/people/", data={"name": "Maria Nowak", "email": "nie-adres",
                                              "csrf_token": token}).status_code == 422
    added = admin.post("/staff/people/", data={"name": "Maria Nowak", "email": "maria@example.org",
                                               "phone": "600 100 200", "organisation_id": str(school),
                                               "csrf_token": token})
    assert added.status_code == 303
    with staff.partners.extensions["osl"].database.session() as session:
        person = session.scalars(select(Person)).one()
        assert (person.email, person.organisation_id) == ("maria@example.org", school)
    changed = admin.post(f"/staff/people/{person.id}", data={"name": "Maria Nowak-Kowalska", "email": "",
                                                             "organisation_id": "", "version": "1",
                                                             "csrf_token": token})
    assert changed.status_code == 303
    with staff.partners.extensions["osl"].database.session() as session:
        person = session.get(Person, person.id)
        assert (person.name, person.email, person.organisation_id) == ("Maria Nowak-Kowalska", None, None)
    page = f"/staff/partnerships/{partnership['id']}"
    assert admin.post(f"{page}/members", data={"member": f"person:{person.id}", "potential_ideas": "warsztaty",
                                               "csrf_token": token}).status_code == 303
    assert "Maria Nowak-Kowalska" in admin.get(page).get_data(as_text=True)
    staff.editor("ewa@szkola5.example", school)
    html = staff.client.get(page).get_data(as_text=True)
    assert "Maria" not in html and "Osoba prywatna" in html and "warsztaty" in html
    assert all("Maria" not in str(e.data) for e in outbox(staff.partners))


def test_a_member_leaving_tomorrow_is_still_a_member_today_and_may_sign(staff):
    """The page asks the one membership rule (services/calendar/membership.py): on the day given as left_on a
    member is gone; the day before, still a member."""
    from datetime import timedelta

    from services.calendar.times import today
    from services.ui.formatting import long_date

    partnership, school, club, admin = _world(staff)
    parish = staff.organisation("Parafia św. Józefa")
    day = today()
    leaving = add_member(staff.client, partnership["id"], organisation_id=school, left_on=str(day + timedelta(1)))
    gone_today = add_member(staff.client, partnership["id"], organisation_id=club, left_on=str(day))
    gone = add_member(staff.client, partnership["id"], organisation_id=parish, left_on=str(day - timedelta(1)))
    html = admin.get(f"/staff/partnerships/{partnership['id']}").get_data(as_text=True)
    with staff.partners.test_request_context(headers={"Accept-Language": "pl"}):
        tomorrow, now, yesterday = (long_date(d) for d in (day + timedelta(1), day, day - timedelta(1)))
    assert f"członkostwo kończy się {tomorrow}" in html and f"członkostwo zakończone {tomorrow}" not in html
    assert f"członkostwo zakończone {now}" in html and f"członkostwo zakończone {yesterday}" in html
    signatories = {int(value) for value in re.findall(r'name="signatory_ids" value="(\d+)"', html)}
    assert leaving["id"] in signatories and not signatories & {gone_today["id"], gone["id"]}
    # Current members first: the one leaving tomorrow is listed before those who have gone.
    assert html.index("Szkoła Podstawowa nr 5") < html.index("Klub Seniora") and \
        html.index("Szkoła Podstawowa nr 5") < html.index("Parafia św. Józefa")
