"""The members' contact addresses for partner meeting e-mails: sent to notify alone (member_contacts.replaced), the
whole list of a partnership after each change that may alter it; never in a public answer, page or log line."""

import logging

import pytest

from services.messaging.handlers import Handlers
from services.messaging.registry import message_type
from services.messaging.topology import _check, subscriptions, subscriptions_of_table
from tests.partners.helpers import ADMIN, created

PERSON = "lucja.zadlo@example.org"
TEACHER = "nauczycielka@sp7.example.org"


def lists(partners) -> list[dict]:
    """Each member_contacts.replaced so far: {membership id: address}, with its version."""
    return [(message.data["version"], {c["membership_id"]: c["email"] for c in message.data["contacts"]})
            for message in partners.outbox() if message.type == "member_contacts.replaced"]


def person(client, **fields) -> dict:
    return created(client.post("/api/v1/people/", json=fields, headers=ADMIN))


def test_every_member_with_an_address_is_listed_and_a_member_who_left_is_not(partners, partnership, caplog):
    client = partners.client
    caplog.set_level(logging.DEBUG)
    ngo = partners.make_organisation(email="biuro@cma.example.org")
    school = partners.make_organisation("Szkoła Podstawowa nr 7", kind="school")  # no public address
    nobody = partners.make_organisation("Klub bez adresu")
    old = partners.make_organisation("Stowarzyszenie Dawne", email="dawne@example.org")
    teacher = person(client, name="Anna Nowak", email=TEACHER, organisation_id=school["id"])
    lucja = person(client, name="Łucja Żądło", email=PERSON)
    members = {name: partners.add_member(partnership["id"], **fields)["id"] for name, fields in (
        ("ngo", {"organisation_id": ngo["id"]}), ("school", {"organisation_id": school["id"]}),
        ("nobody", {"organisation_id": nobody["id"]}), ("person", {"person_id": lucja["id"]}),
        ("old", {"organisation_id": old["id"], "joined_on": "2020-01-01", "left_on": "2021-01-01"}))}
    version, listed = lists(partners)[-1]
    assert listed == {members["ngo"]: "biuro@cma.example.org", members["school"]: TEACHER,
                      members["person"]: PERSON}
    assert [v for v, _ in lists(partners)] == list(range(1, version + 1))

    # A person's new address, then none: the list goes again each time.
    url = f"/api/v1/people/{lucja['id']}"
    client.patch(url, json={"email": "lucja@nowy.example.org"}, headers=partners.with_etag(url))
    assert lists(partners)[-1][1][members["person"]] == "lucja@nowy.example.org"
    client.patch(url, json={"email": None}, headers=partners.with_etag(url))
    assert members["person"] not in lists(partners)[-1][1]

    # The school's contact person is erased: the school falls back to its public address, once it has one.
    teacher_url = f"/api/v1/people/{teacher['id']}"
    assert client.delete(teacher_url, headers=partners.with_etag(teacher_url)).status_code == 204
    assert members["school"] not in lists(partners)[-1][1]
    school_url = f"/api/v1/organisations/{school['id']}"
    client.patch(school_url, json={"email": "sp7@example.org"}, headers=partners.with_etag(school_url))
    assert lists(partners)[-1][1][members["school"]] == "sp7@example.org"

    # The NGO leaves: gone from the next list.
    member_url = f"/api/v1/partnerships/{partnership['id']}/members/{members['ngo']}"
    client.patch(member_url, json={"left_on": "2025-06-30"}, headers=partners.with_etag(member_url))
    assert members["ngo"] not in lists(partners)[-1][1]

    # Never in a log line, a public answer or a page.
    assert PERSON not in caplog.text and TEACHER not in caplog.text
    public = [client.get(f"/api/v1/partnerships/{partnership['id']}/members/"),
              client.get(f"/api/v1/organisations/{school['id']}"), client.get("/api/v1/organisations/"),
              client.get(f"/partnerships/{partnership['id']}"), client.get("/"),
              client.get(f"/partnerships/{partnership['id']}?lang=en")]
    for response in public:
        assert response.status_code == 200
        assert PERSON not in response.text and TEACHER not in response.text and "Anna Nowak" not in response.text


def test_one_contact_person_per_organisation_and_a_real_organisation(partners):
    client = partners.client
    school = partners.make_organisation("Szkoła Podstawowa nr 7", kind="school")
    person(client, name="Anna Nowak", email=TEACHER, organisation_id=school["id"])
    second = client.post("/api/v1/people/", json={"name": "Jan Kowal", "organisation_id": school["id"]},
                         headers=ADMIN)
    assert second.status_code == 409 and "contact person" in second.json["message"]
    missing = client.post("/api/v1/people/", json={"name": "Jan Kowal", "organisation_id": 999}, headers=ADMIN)
    assert missing.status_code == 422 and "organisation_id" in missing.json["errors"]["json"]
    school_url = f"/api/v1/organisations/{school['id']}"
    assert client.delete(school_url, headers=partners.with_etag(school_url)).status_code == 204


def test_the_member_contacts_are_private_to_notify():
    assert message_type("member_contacts.replaced").private_to == ("notify",)
    takers = {sub.consumer for sub in subscriptions() if any(
        key == "member_contacts.replaced" or key.endswith("#") for key in sub.routing_keys)}
    assert takers == {"notify"}
    events = Handlers("events")
    events.add("partners-replica", "member_contacts.*", lambda session, envelope: None)
    with pytest.raises(ValueError, match="private to other services"):
        _check(subscriptions_of_table(events))
