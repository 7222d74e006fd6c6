"""An admin issues an organisation's API key on the staff pages (shown once, with a copy button) and revokes it;
an editor may not."""

import re

from tests.staff.conftest import csrf_of, signed_in_admin


def test_an_admin_issues_a_key_shown_once_and_revokes_it(staff):
    organisation = staff.organisation()
    admin, _cookie = signed_in_admin(staff)
    page = f"/staff/organisations/{organisation}/keys"
    issued = admin.post(page, data={"csrf_token": csrf_of(admin, page)})
    html = issued.get_data(as_text=True)
    key = re.search(r'id="new-key" value="(osl_[^"]+)"', html).group(1)
    assert 'data-copy="new-key"' in html and issued.headers["Cache-Control"] == "no-store"
    assert key not in admin.get(page).get_data(as_text=True)  # shown once
    assert staff.client.get(f"/api/v1/organisations/{organisation}/api-keys",
                            headers={"Authorization": f"Bearer {key}"}).status_code == 403  # a real, live key
    key_id = staff.client.get(f"/api/v1/organisations/{organisation}/api-keys",
                              headers={"Authorization": "Bearer test-admin-token"}).get_json()[0]["id"]
    revoked = admin.post(f"{page}/{key_id}/revoke", data={"csrf_token": csrf_of(admin, page)})
    assert revoked.status_code == 303
    assert staff.client.get(f"/api/v1/organisations/{organisation}/api-keys",
                            headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert [e.type for e in staff.forward() if "api_key" in e.type] == [
        "organisation.api_key.issued", "organisation.api_key.revoked"]


def test_an_editor_may_not_see_or_issue_keys(staff):
    _account, _cookie = staff.editor()
    page = "/staff/organisations/1/keys"
    assert staff.client.get(page).status_code == 403
    assert staff.client.post(page, data={"csrf_token": csrf_of(staff.client, "/staff/reset")}).status_code == 403


def test_an_unknown_organisation_or_key_is_a_404_page_naming_it(staff):
    organisation = staff.organisation()
    admin, _cookie = signed_in_admin(staff)
    token = csrf_of(admin, f"/staff/organisations/{organisation}/keys")
    for answer in (admin.get("/staff/organisations/9999/keys"),
                   admin.post("/staff/organisations/9999/keys", data={"csrf_token": token})):
        assert answer.status_code == 404 and "Nie ma takiej organizacji." in answer.get_data(as_text=True)
    unknown_key = admin.post(f"/staff/organisations/{organisation}/keys/9999/revoke", data={"csrf_token": token})
    assert unknown_key.status_code == 404 and "Nie ma takiego klucza." in unknown_key.get_data(as_text=True)


def test_every_registry_page_answers_an_unknown_record_with_the_one_problem_page(staff):
    """Each staff page that names a record by its number says, on the same Polish problem page, that it is not there."""
    admin, _cookie = signed_in_admin(staff)
    token = csrf_of(admin, "/staff/organisations/new")
    for method, path, says in [
        ("get", "/staff/organisations/9999", "Nie ma takiej organizacji."),
        ("post", "/staff/organisations/9999", "Nie ma takiej organizacji."),
        ("post", "/staff/organisations/9999/review", "Nie ma takiej organizacji."),
        ("post", "/staff/people/9999", "Nie ma takiej osoby."),
        ("post", "/staff/centres/9999", "Nie ma takiego ośrodka."),
        ("post", "/staff/accounts/9999/disable", "Nie ma takiego konta."),
        ("get", "/staff/partnerships/9999", "Nie ma takiego partnerstwa."),
        ("post", "/staff/partnerships/9999/members", "Nie ma takiego partnerstwa."),
    ]:
        answer = getattr(admin, method)(path, data={"csrf_token": token} if method == "post" else None)
        html = answer.get_data(as_text=True)
        assert (answer.status_code, answer.headers["Cache-Control"]) == (404, "no-store"), path
        assert says in html and "To się nie udało" in html, path


def test_an_editor_is_refused_every_admin_only_staff_page_with_the_same_words(staff):
    _account, _cookie = staff.editor()
    token = csrf_of(staff.client, "/staff/reset")
    for method, path in [("get", "/staff/history"), ("post", "/staff/accounts/invite"),
                         ("post", "/staff/accounts/1/disable"), ("post", "/staff/organisations/1/review"),
                         ("get", "/staff/organisations/1"), ("get", "/staff/organisations/1/keys")]:
        answer = getattr(staff.client, method)(path, data={"csrf_token": token} if method == "post" else None)
        assert answer.status_code == 403, path
        assert "To może zrobić tylko pracownik MOPS (administrator)." in answer.get_data(as_text=True), path
