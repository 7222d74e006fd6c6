"""Agreements: dates, signatories (memberships of the partnership) and a document reference."""

from tests.partners.helpers import ADMIN, make_district, make_partnership, outbox, outbox_types, with_etag


def test_sign_read_and_update_each_publish_one_message(partners, partnership):
    client = partners.client
    first = partners.add_member(partnership["id"], organisation_id=partners.make_organisation()["id"])
    second = partners.add_member(partnership["id"], organisation_id=partners.make_organisation("Parafia Św. Józefa",
                                                                                               kind="parish")["id"])
    url = f"/api/v1/partnerships/{partnership['id']}/agreements/"
    signed = client.post(url, json={"signed_on": "2024-10-30", "valid_from": "2024-11-01",
                                    "signatory_ids": [second["id"], first["id"]],
                                    "document_ref": "Umowa nr 1/2024, Urząd Miasta"}, headers=ADMIN)
    assert signed.status_code == 201, signed.json
    assert signed.json["signatory_ids"] == [first["id"], second["id"]]
    assert client.get(url).json[0]["document_ref"] == "Umowa nr 1/2024, Urząd Miasta"  # public read
    item = f"{url}{signed.json['id']}"
    changed = client.patch(item, json={"valid_until": "2026-12-31", "signatory_ids": [first["id"]]},
                           headers=partners.with_etag(item))
    assert changed.status_code == 200 and changed.json["signatory_ids"] == [first["id"]]
    assert partners.outbox_types()[-2:] == ["agreement.signed", "agreement.updated"]
    assert partners.outbox()[-1].data["valid_until"] == "2026-12-31"
    member_url = f"/api/v1/partnerships/{partnership['id']}/members/{first['id']}"
    refused = client.delete(member_url, headers=partners.with_etag(member_url))
    assert refused.status_code == 409 and "left_on" in refused.json["message"]


def test_bad_input_names_the_field(partners, partnership):
    client = partners.client
    other = partners.make_partnership(name="Inne Partnerstwo")
    stranger = partners.add_member(other["id"], organisation_id=partners.make_organisation()["id"])
    url = f"/api/v1/partnerships/{partnership['id']}/agreements/"
    for body, field in [({"signatory_ids": [stranger["id"]]}, "signatory_ids"), ({"signed_on": "30.10"}, "signed_on"),
                        ({"valid_from": "2025-01-01", "valid_until": "2024-01-01"}, "valid_until")]:
        response = client.post(url, json=body, headers=ADMIN)
        assert response.status_code == 422, body
        assert field in response.json["errors"]["json"], response.json
    assert client.get(f"{url}999").status_code == 404
    assert "agreement.signed" not in partners.outbox_types()


def test_an_admin_withdraws_an_agreement_entered_by_mistake_and_it_stays_marked(partners_app):
    from tests.partners.helpers import make_organisation as organisation

    client = partners_app.test_client()
    make_district(client)
    partnership = make_partnership(client)
    url = f"/api/v1/partnerships/{partnership['id']}/agreements/"
    signed = client.post(url, json={"signed_on": "2024-10-30"}, headers=ADMIN).json
    assert signed["withdrawn_at"] is None and signed["warnings"] == []
    withdraw = f"{url}{signed['id']}/withdraw"
    empty = client.post(withdraw, json={"reason": ""}, headers=ADMIN)
    assert empty.status_code == 422 and "reason" in empty.get_data(as_text=True)
    key = client.post(f"/api/v1/organisations/{organisation(client)['id']}/api-keys", json={}, headers=ADMIN).json
    assert client.post(withdraw, json={"reason": "pomyłka"}).status_code == 401
    assert client.post(withdraw, json={"reason": "pomyłka"},
                       headers={"Authorization": f"Bearer {key['key']}"}).status_code == 403
    done = client.post(withdraw, json={"reason": "Wpisane dwa razy przez pomyłkę"}, headers=ADMIN)
    assert done.status_code == 200, done.json
    assert done.json["withdrawn_at"] and done.json["withdrawal_reason"] == "Wpisane dwa razy przez pomyłkę"
    assert outbox_types(partners_app)[-1] == "agreement.withdrawn"
    assert outbox(partners_app)[-1].data["withdrawal_reason"] == "Wpisane dwa razy przez pomyłkę"
    assert client.post(withdraw, json={"reason": "znowu"}, headers=ADMIN).status_code == 409
    assert [row["id"] for row in client.get(url).json] == [signed["id"]]  # kept
    page = client.get(f"/partnerships/{partnership['id']}").get_data(as_text=True)
    assert "Wycofane" in page and "Wpisane dwa razy przez pomyłkę" in page


def test_a_signing_date_in_the_future_is_recorded_with_a_warning(partners_app):
    from datetime import date, timedelta

    client = partners_app.test_client()
    make_district(client)
    partnership = make_partnership(client)
    url = f"/api/v1/partnerships/{partnership['id']}/agreements/"
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    signed = client.post(url, json={"signed_on": tomorrow}, headers=ADMIN)
    assert signed.status_code == 201
    assert signed.json["warnings"] == [f"signed_on {tomorrow} is in the future; check the date on the paper"]
    fixed = client.patch(f"{url}{signed.json['id']}", json={"signed_on": "2024-10-30"},
                         headers=with_etag(client, f"{url}{signed.json['id']}"))
    assert fixed.json["warnings"] == []
