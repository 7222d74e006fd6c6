"""People: personal data, admins only, never in a message or a log line."""

import logging

import pytest

from tests.partners.helpers import ADMIN, bearer


def test_people_are_admin_only_and_never_published(partners, caplog):
    client = partners.client
    with caplog.at_level(logging.DEBUG):
        person = client.post("/api/v1/people/", json={"name": "Łucja Żądło", "email": "lucja@example.org"},
                             headers=ADMIN)
    assert person.status_code == 201 and person.json["name"] == "Łucja Żądło"
    assert "Łucja" not in caplog.text and "lucja@example.org" not in caplog.text
    url = f"/api/v1/people/{person.json['id']}"
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/people/").status_code == 401
    key = partners.issue_key(partners.make_organisation()["id"])["key"]
    assert client.get(url, headers=bearer(key)).status_code == 403
    assert client.get(url, headers=ADMIN).json["email"] == "lucja@example.org"
    changed = client.patch(url, json={"phone": "600 000 000"}, headers=partners.with_etag(url))
    assert changed.status_code == 200 and changed.json["version"] == 2
    bad = client.patch(url, json={"email": "nope"}, headers=partners.with_etag(url))
    assert bad.status_code == 422 and "email" in bad.json["errors"]["json"]
    assert [p["name"] for p in client.get("/api/v1/people/", headers=ADMIN).json] == ["Łucja Żądło"]
    assert client.delete(url, headers=partners.with_etag(url)).status_code == 204
    assert partners.outbox_types() == ["organisation.created", "organisation.api_key.issued"]


def test_a_person_member_is_named_to_admins_only(partners, partnership):
    client = partners.client
    person = client.post("/api/v1/people/", json={"name": "Józef Ślęzak"}, headers=ADMIN).json
    member = partners.add_member(partnership["id"], person_id=person["id"],
                                 potential=[{"kind": "free_time", "description": "Soboty"}])
    members_url = f"/api/v1/partnerships/{partnership['id']}/members/"
    public = client.get(members_url).json
    assert public[0]["member_kind"] == "person"
    assert "person_id" not in public[0] and "person_name" not in public[0]
    assert "Józef" not in client.get(members_url).data.decode()
    admin = client.get(members_url, headers=ADMIN).json
    assert admin[0]["person_name"] == "Józef Ślęzak" and admin[0]["person_id"] == person["id"]
    message = partners.outbox()[-2]  # the last: the members' contacts, to notify alone (test_member_contacts.py)
    assert message.type == "membership.added" and message.data["member_kind"] == "person"
    assert "Józef" not in str(message.data) and "person_id" not in message.data
    person_url = f"/api/v1/people/{person['id']}"
    refused = client.delete(person_url, headers=partners.with_etag(person_url))
    assert refused.status_code == 409 and "memberships" in refused.json["message"]
    assert member["id"]


@pytest.mark.parametrize("blank", ["   ", "\u2000", "\u00a0\u3000"])
def test_a_name_of_spaces_alone_is_refused_naming_the_field(partners, blank):
    """Any Unicode space counts as none: such a name would be saved empty (found by schemathesis)."""
    response = partners.client.post("/api/v1/people/", json={"name": blank}, headers=ADMIN)
    assert response.status_code == 422 and "name" in response.json["errors"]["json"]
    organisation = partners.client.post("/api/v1/organisations/", json={"name": blank, "kind": "ngo"}, headers=ADMIN)
    assert organisation.status_code == 422 and "name" in organisation.json["errors"]["json"]


def test_a_name_is_kept_without_the_spaces_around_it(partners):
    person = partners.client.post("/api/v1/people/", json={"name": "\u2000 Anna Nowak \u00a0"}, headers=ADMIN)
    assert person.status_code == 201 and person.json["name"] == "Anna Nowak"


def test_an_address_with_polish_letters_before_the_at_is_refused_and_a_polish_domain_kept_in_ascii(partners):
    """No mail could go to it: Python's mail code will not write such an address."""
    refused = partners.client.post("/api/v1/people/", json={"name": "Łucja", "email": "łucja@example.pl"},
                                   headers=ADMIN)
    assert refused.status_code == 422 and "Polish letters" in refused.json["errors"]["json"]["email"][0]
    kept = partners.client.post("/api/v1/people/", json={"name": "Jan", "email": "jan@łódź.pl"}, headers=ADMIN)
    assert kept.status_code == 201 and kept.json["email"] == "jan@xn--d-uga0v4h.pl"
