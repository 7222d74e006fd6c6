"""Accounts: an admin invites, the invitee sets a password from the mailed link, signs in; one-time links; the first
admin of a fresh install; disabling."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import select, update

from services.messaging.models import utcnow
from services.partners.models import Account, AccountToken
from tests.partners.helpers import (
    add_member,
    created,
    make_district,
    make_partnership,
    with_etag,
)
from tests.staff.conftest import (
    ADMIN,
    PASSWORD,
    csrf_of,
    history_table,
    registry_with_a_member,
    session_cookie,
    signed_in_admin,
)


def test_an_invitation_is_mailed_through_notify_with_a_one_time_link(staff):
    account = staff.invite("Ewa@Sasiedzi.example", staff.organisation())
    assert (account["email"], account["role"], account["has_password"]) == ("ewa@sasiedzi.example", "editor", False)
    envelopes = staff.forward()
    mail = [e for e in envelopes if e.type == "account.mail.requested"]
    assert [e.type for e in envelopes][-2:] == ["account.created", "account.mail.requested"]
    assert "email" not in next(e for e in envelopes if e.type == "account.created").data
    assert mail[0].data["to"] == "ewa@sasiedzi.example"
    assert mail[0].data["link"].startswith("https://osl.example/partners/staff/password#token=")
    from services.notify.models import Notice
    with staff.notify.extensions["osl"].database.session() as session:
        notice = session.query(Notice).one()
        assert (notice.kind, notice.payload["to"]) == ("invitation", "ewa@sasiedzi.example")


def test_the_link_sets_a_password_once_and_the_editor_signs_in(staff):
    staff.invite("ewa@sasiedzi.example", staff.organisation())
    token = staff.mailed_token()
    assert staff.set_password(token, "short").status_code == 422
    assert staff.set_password(token).status_code == 303
    again = staff.set_password(token)
    assert again.status_code == 422 and "wygasł lub został już użyty" in again.get_data(as_text=True)
    assert staff.sign_in("ewa@sasiedzi.example", "wrong password!!").status_code == 401
    response = staff.sign_in("EWA@sasiedzi.example")
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie and "Secure" not in cookie
    assert staff.client.get("/staff/session").get_json()["role"] == "editor"
    assert "ewa@sasiedzi.example" in staff.client.get("/staff/").get_data(as_text=True)


def test_the_cookie_is_secure_behind_https(staff):
    staff.invite("ewa@sasiedzi.example", staff.organisation())
    staff.set_password(staff.mailed_token())
    response = staff.client.post("/staff/sign-in", base_url="https://localhost", data={
        "email": "ewa@sasiedzi.example", "password": PASSWORD,
        "csrf_token": csrf_of(staff.client, "/staff/sign-in")})
    assert response.status_code == 303 and "Secure" in response.headers["Set-Cookie"]


def test_an_expired_link_does_not_work(staff):
    staff.invite("ewa@sasiedzi.example", staff.organisation())
    with staff.partners.extensions["osl"].database.session() as session:
        session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    assert staff.set_password(staff.mailed_token()).status_code == 422


def test_a_password_reset_is_mailed_only_to_a_known_address_and_answers_the_same(staff):
    staff.invite("ewa@sasiedzi.example", staff.organisation())
    staff.set_password(staff.mailed_token())
    staff.forward()
    pages = []
    for email in ("ewa@sasiedzi.example", "nobody@example.com"):
        pages.append(staff.client.post("/staff/reset", data={
            "email": email, "csrf_token": csrf_of(staff.client, "/staff/reset")}).get_data(as_text=True))
    assert pages[0] == pages[1]
    mails = [e for e in staff.forward() if e.type == "account.mail.requested"]
    assert [m.data["template"] for m in mails] == ["password_reset"]
    assert staff.set_password(staff.mailed_token(), "a brand new password").status_code == 303
    assert staff.sign_in("ewa@sasiedzi.example", "a brand new password").status_code == 303


def test_only_admins_invite_and_bad_invitations_name_the_field(staff):
    organisation = staff.organisation()
    assert staff.client.post("/api/v1/accounts/", json={"email": "x@example.com"}).status_code == 401
    response = staff.client.post("/api/v1/accounts/", headers=ADMIN, json={"email": "x@example.com"})
    assert response.status_code == 422 and "organisation_id" in response.get_json()["message"]
    response = staff.client.post("/api/v1/accounts/", headers=ADMIN, json={"email": "not an address",
                                                                           "organisation_id": organisation})
    assert response.status_code == 422 and "email" in str(response.get_json()["errors"])
    staff.invite("ewa@sasiedzi.example", organisation)
    again = staff.client.post("/api/v1/accounts/", headers=ADMIN, json={"email": "EWA@sasiedzi.example",
                                                                        "organisation_id": organisation})
    assert again.status_code == 409


def test_the_first_admin_is_made_once_from_the_cli_link(staff):
    runner = staff.partners.test_cli_runner()
    link = runner.invoke(args=["first-admin"]).output.strip()
    assert link.startswith("https://osl.example/partners/staff/first-admin#token=")
    token = link.split("#token=")[1]
    newer = runner.invoke(args=["first-admin"]).output.strip().split("#token=")[1]
    form = {"email": "anna@mops.example", "password": PASSWORD}
    assert staff.client.post("/staff/first-admin", data={
        **form, "token": token, "csrf_token": csrf_of(staff.client, "/staff/first-admin")}).status_code == 422
    assert staff.client.post("/staff/first-admin", data={
        **form, "token": newer, "csrf_token": csrf_of(staff.client, "/staff/first-admin")}).status_code == 303
    assert "exists already" in runner.invoke(args=["first-admin"]).output
    assert staff.sign_in("anna@mops.example").status_code == 303
    assert staff.client.get("/staff/session").get_json()["role"] == "admin"
    # The admin invites from the page.
    organisation = staff.organisation()
    response = staff.client.post("/staff/accounts/invite", data={
        "email": "ewa@sasiedzi.example", "organisation_id": str(organisation), "role": "editor", "language": "pl",
        "csrf_token": csrf_of(staff.client, "/staff/")})
    assert response.status_code == 303
    assert "ewa@sasiedzi.example" in staff.client.get("/staff/").get_data(as_text=True)


@pytest.mark.parametrize("email", ["", "anna", "anna@", "a b@mops.example"])
def test_the_first_admin_and_an_invitation_need_an_e_mail_address(staff, email):
    """The first admin's form and the invitation form check the address as the API's invitation does (its schema's
    Email field): an admin with no address, or a mail to one that cannot be, is refused, naming the field."""
    link = staff.partners.test_cli_runner().invoke(args=["first-admin"]).output.strip()
    response = staff.client.post("/staff/first-admin", data={
        "email": email, "password": PASSWORD, "token": link.split("#token=")[1],
        "csrf_token": csrf_of(staff.client, "/staff/first-admin")})
    assert response.status_code == 422 and "Adres e-mail" in response.get_data(as_text=True)
    with staff.partners.extensions["osl"].database.session() as session:
        assert session.scalars(select(Account)).all() == []
    client, _cookie = signed_in_admin(staff)
    invited = client.post("/staff/accounts/invite", data={
        "email": email, "organisation_id": str(staff.organisation()), "role": "editor", "language": "pl",
        "csrf_token": csrf_of(client, "/staff/")})
    assert invited.status_code == 422 and "Adres e-mail" in invited.get_data(as_text=True)


def test_signing_out_ends_the_session(staff):
    _account, cookie = staff.editor()
    assert cookie
    response = staff.client.post("/staff/sign-out", data={"csrf_token": csrf_of(staff.client, "/staff/")})
    assert response.status_code == 303 and session_cookie(staff.client) is None
    staff.client.set_cookie("osl_session", cookie)
    assert staff.client.get("/staff/session").status_code == 401


def test_notify_sends_the_invitation_and_then_forgets_its_address_and_link(staff, tmp_path):
    from services.notify.models import Notice
    from services.notify.notices import Sender
    from tests.notify.conftest import folder_mails

    staff.invite("ewa@sasiedzi.example", staff.organisation())
    token = staff.mailed_token()
    staff.forward()
    assert Sender(staff.notify.extensions["osl"].database, staff.notify.config).send_due() == 1
    [mail] = folder_mails(tmp_path / "mail")
    assert mail["To"] == "ewa@sasiedzi.example" and mail["Subject"].startswith("Zaproszenie")
    text = mail.get_body(("plain",)).get_content()
    assert f"https://osl.example/partners/staff/password#token={token}" in text
    assert "Link działa raz" in text
    with staff.notify.extensions["osl"].database.session() as session:
        notice = session.query(Notice).one()
        assert notice.status == "sent"
        assert notice.payload == {"account_id": 1, "template": "invitation", "language": "pl"}


def test_every_change_names_who_made_it_and_the_history_shows_what_changed(staff):
    organisation = staff.organisation()
    url = f"/api/v1/organisations/{organisation}"
    changed = staff.client.patch(url, headers=with_etag(staff.client, url), json={"phone": "34 000 00 00"})
    assert changed.status_code == 200
    staff.editor("ewa@sasiedzi.example", organisation)
    key = staff.client.post(f"/api/v1/organisations/{organisation}/api-keys", headers=ADMIN, json={}).get_json()
    assert staff.client.get("/api/v1/history/").status_code == 401
    entries = staff.client.get("/api/v1/history/?limit=200", headers=ADMIN).get_json()
    by_type = {}
    for entry in entries:
        by_type.setdefault(entry["type"], []).append(entry)
    updated = by_type["organisation.updated"][-1]
    assert updated["actor"] == "admin-token" and updated["changes"] == {"phone": {"from": None, "to": "34 000 00 00"}}
    assert by_type["session.started"][0]["actor"] == "account:1"
    assert by_type["account.created"][0]["actor"] == "admin-token"
    mail = by_type["account.mail.requested"][0]
    assert "to" not in mail["changes"] and "link" not in mail["changes"]
    issued = by_type["organisation.api_key.issued"][0]
    assert "hash" not in issued["changes"] and issued["actor"] == "admin-token"
    text = str(entries)
    assert "ewa@sasiedzi.example" not in text and key["key"] not in text


def test_the_history_never_shows_the_members_contact_addresses(staff):
    """member_contacts.replaced carries each member's private contact address, for notify alone: the history (the
    API, and the staff page, which shows the same entries) says the contacts changed, never the addresses."""
    make_district(staff.client)
    partnership = make_partnership(staff.client)
    person = created(staff.client.post("/api/v1/people/", headers=ADMIN, json={
        "name": "Lucja Nowak", "email": "lucja.prywatna@example.org"}))
    add_member(staff.client, partnership["id"], person_id=person["id"])
    entries = staff.client.get("/api/v1/history/?limit=200", headers=ADMIN).get_json()
    contacts = [entry for entry in entries if entry["type"] == "member_contacts.replaced"]
    assert contacts and "lucja.prywatna" not in str(contacts)  # the staff page reads the same entries


def test_each_service_serves_its_history_under_its_own_name_too(staff):
    """Behind the gateway /api/v1/history/{service}/ picks the service (deploy/nginx routes by the name)."""
    staff.organisation()
    for name, app in (("partners", staff.partners), ("events", staff.events), ("notify", staff.notify)):
        client = app.test_client()
        assert client.get(f"/api/v1/history/{name}/").status_code == 401
        own = client.get(f"/api/v1/history/{name}/", headers=ADMIN)
        assert own.status_code == 200 and own.get_json() == client.get("/api/v1/history/", headers=ADMIN).get_json()
        for other in {"partners", "events", "notify"} - {name}:
            assert client.get(f"/api/v1/history/{other}/", headers=ADMIN).status_code == 404, (name, other)
    assert [e["type"] for e in staff.partners.test_client().get("/api/v1/history/partners/", headers=ADMIN)
            .get_json()] == ["organisation.created"]


def test_the_history_page_shows_admins_who_changed_what_in_polish_words_and_warsaw_time(staff):
    from tests.staff.conftest import signed_in_admin

    organisation, _partnership = registry_with_a_member(staff)
    admin, _cookie = signed_in_admin(staff)
    admin.post(f"/staff/organisations/{organisation}/review", data={
        "needs_review": "1", "confirm": "1", "csrf_token": csrf_of(admin, "/staff/")})
    table = history_table(admin, "/staff/history")
    assert "Historia zmian" in table
    assert "Zmieniono organizację" in table and "Dodano członka partnerstwa" in table
    assert "Wymaga przeglądu wydarzeń: tak" in table and "Partnerstwo:" in table
    assert "konto nr 1" in table and "token administratora" in table
    for raw in ("organisation.updated", "partnership_id", "needs_review", "True", "None", "account:1", "admin-token",
                "UTC", "started_at", "+00:00", "<li>id:"):
        assert raw not in table, raw
    # The time of the latest change, in Warsaw's clock and the Polish way of writing a day.
    latest = staff.client.get("/api/v1/history/?limit=1", headers=ADMIN).get_json()[0]
    at = datetime.fromisoformat(latest["time"]).astimezone(ZoneInfo("Europe/Warsaw"))
    assert format_date(at, "EEEE, d MMMM", locale="pl") + at.strftime(", %H:%M") in table
    assert "anna@mops.example" not in table
    staff.editor("ewa@sasiedzi.example", organisation)
    assert staff.client.get("/staff/history").status_code == 403


def test_inviting_an_address_that_has_an_account_keeps_the_form_and_says_so_in_polish(staff):
    from tests.staff.conftest import signed_in_admin

    organisation = staff.organisation()
    staff.invite("ewa@sasiedzi.example", organisation)
    admin, _cookie = signed_in_admin(staff)
    response = admin.post("/staff/accounts/invite", data={
        "email": "EWA@sasiedzi.example", "organisation_id": str(organisation), "role": "editor", "language": "en",
        "csrf_token": csrf_of(admin, "/staff/")})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Proszę sprawdzić pole Adres e-mail: Konto z tym adresem e-mail już istnieje." in html
    assert "already exists" not in html
    # The invite page again, with what the admin typed.
    assert 'value="EWA@sasiedzi.example" aria-describedby="form-error"' in html
    assert f'<option value="{organisation}" selected>' in html and '<option value="en" selected>' in html
    nameless = admin.post("/staff/accounts/invite", data={
        "email": "ewa", "organisation_id": str(organisation), "csrf_token": csrf_of(admin, "/staff/")})
    assert nameless.status_code == 422
    assert "Proszę sprawdzić pole Adres e-mail: Proszę podać adres e-mail." in nameless.get_data(as_text=True)


def test_a_first_admin_with_an_editors_address_is_told_which_field_clashes(staff):
    staff.invite("ewa@sasiedzi.example", staff.organisation())  # an editor, by the API, before any admin
    token = staff.partners.test_cli_runner().invoke(args=["first-admin"]).output.strip().split("#token=")[1]
    response = staff.client.post("/staff/first-admin", data={
        "email": "ewa@sasiedzi.example", "password": PASSWORD, "token": token,
        "csrf_token": csrf_of(staff.client, "/staff/first-admin")})
    assert response.status_code == 409
    assert "Proszę sprawdzić pole Adres e-mail: Konto z tym adresem e-mail już istnieje." in response.get_data(
        as_text=True)


def test_mops_staff_find_the_programme_on_the_staff_home_page_and_editors_do_not(staff):
    """The programme's pages (its dashboards and roll calls) are MOPS's: their entry page is linked for admins only,
    in Polish by default."""
    staff.partners.config["PROGRAMME_URL"] = "https://osl.example/programme/"
    link = '<a href="https://osl.example/programme/programmes/">Program unijny: wskaźniki i listy obecności</a>'
    admin, _ = signed_in_admin(staff)
    assert link in admin.get("/staff/").get_data(as_text=True)
    staff.editor()
    editor_home = staff.client.get("/staff/").get_data(as_text=True)
    assert "ewa@sasiedzi.example" in editor_home and "/programmes/" not in editor_home


def test_an_admin_invites_another_admin_from_the_page_and_an_editor_cannot(staff):
    """The invitation form offers the roles the API takes (ACCOUNT_ROLES), editor first; an admin belongs to no
    organisation, so the organisation the form's list still shows is not sent with an admin's invitation."""
    from services.messaging.messages.staff import ACCOUNT_ROLES

    organisation = staff.organisation()
    admin, _cookie = signed_in_admin(staff)
    form = admin.get("/staff/").get_data(as_text=True).split('action="/staff/accounts/invite"', 1)[1]
    form = form.split("</form>", 1)[0]
    roles = re.findall(r'<input type="radio" name="role" value="(\w+)"( checked)?', form)
    assert [role for role, _checked in roles] == ["editor", "admin"] and set(ACCOUNT_ROLES) == {"editor", "admin"}
    assert roles[0][1] == " checked"  # an editor unless the admin chooses otherwise
    assert "Redaktor" in form and "Administrator" in form
    response = admin.post("/staff/accounts/invite", data={
        "email": "jan@mops.example", "organisation_id": str(organisation), "role": "admin", "language": "pl",
        "csrf_token": csrf_of(admin, "/staff/")})
    assert response.status_code == 303, response.get_data(as_text=True)
    with staff.partners.extensions["osl"].database.session() as session:
        invited = session.scalars(select(Account).where(Account.email == "jan@mops.example")).one()
        assert (invited.role, invited.organisation_id) == ("admin", None)
    assert staff.set_password(staff.mailed_token()).status_code == 303
    second = staff.partners.test_client()
    assert staff.sign_in("jan@mops.example", client=second).status_code == 303
    assert second.get("/staff/session").get_json()["role"] == "admin"
    # An editor sees no invitation form and cannot post one.
    staff.editor("ewa@sasiedzi.example", organisation)
    assert 'action="/staff/accounts/invite"' not in staff.client.get("/staff/").get_data(as_text=True)
    refused = staff.client.post("/staff/accounts/invite", data={
        "email": "eve@example.com", "role": "admin", "language": "pl", "csrf_token": csrf_of(staff.client, "/staff/")})
    assert refused.status_code == 403
    with staff.partners.extensions["osl"].database.session() as session:
        assert session.scalars(select(Account).where(Account.email == "eve@example.com")).first() is None
