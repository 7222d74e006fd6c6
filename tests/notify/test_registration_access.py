"""Who may register and read the lists: keys (an organisation's own events only; admin keys), a revoked key, phone
registrations through staff only, rate limits, and bad input answered 422 naming the field."""

from tests.notify.registrations import (
    ADMIN,
    ADMIN_KEY,
    EVENT_ID,
    ORGANISATION_KEY,
    OTHER_KEY,
    bearer,
    give_keys,
    publish_event,
    resident,
)


def test_keys_organisation_sees_its_own_events_only_admin_keys_work_and_phone_is_staff_only(notify):
    give_keys(notify)
    publish_event(notify)
    client = notify.test_client()
    url = f"/api/v1/registrations/events/{EVENT_ID}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer("osl_unknown")).status_code == 401
    assert client.get(url, headers=bearer(OTHER_KEY)).status_code == 403
    assert client.get(url, headers=bearer(ORGANISATION_KEY)).status_code == 200
    assert client.get(url, headers=bearer(ADMIN_KEY)).status_code == 200
    # The admin API takes partners' admin keys too; an organisation's key it refuses.
    assert client.get("/api/v1/notices", headers=bearer(ADMIN_KEY)).status_code == 200
    assert client.get("/api/v1/notices", headers=bearer(ORGANISATION_KEY)).status_code == 403
    by_phone = client.post(url, headers=bearer(ORGANISATION_KEY), json={
        "name": "Pani Halina", "contact": "phone", "phone": "34 123 45 67", "people": 2, "consent": True})
    assert by_phone.status_code == 201 and by_phone.json["status"] == "confirmed"
    nobody = client.post(url, headers=ADMIN, json={"name": "Pan Zenon", "consent": True})
    assert nobody.status_code == 201
    public_phone = client.post("/api/v1/registrations/", json={**resident(1), "contact": "phone"})
    assert public_phone.status_code == 422  # the public API knows no phone registrations
    [listed] = client.get(url, headers=bearer(ORGANISATION_KEY)).json
    assert [(r["name"], r["people"], r["contact"], r["phone"]) for r in listed["confirmed_list"]] == [
        ("Pani Halina", 2, "phone", "34 123 45 67"), ("Pan Zenon", 1, "none", None)]


def test_a_revoked_key_stops_working(notify):
    from services.messaging.envelope import Envelope
    from tests.notify.registrations import key_message, worker

    give_keys(notify)
    publish_event(notify)
    revoked = key_message(1, ORGANISATION_KEY, 9, revoked_at="2026-11-30T06:00:00+00:00")
    worker(notify).handle("partners-replica", Envelope.new("organisation.api_key.revoked", revoked))
    url = f"/api/v1/registrations/events/{EVENT_ID}"
    assert notify.test_client().get(url, headers=bearer(ORGANISATION_KEY)).status_code == 401


def test_registration_is_rate_limited_per_address_and_per_client(notify):
    notify.config.update(REGISTRATION_LIMIT_PER_ADDRESS=2, REGISTRATION_LIMIT_PER_IP=3)
    publish_event(notify, capacity=None)
    client = notify.test_client()
    # The same address again counts too, though it is answered with its first registration (as a new one).
    assert [client.post("/api/v1/registrations/", json=resident(1)).status_code for _ in range(3)] == [201, 201, 429]
    assert client.post("/api/v1/registrations/", json=resident(2)).status_code == 201
    limited = client.post("/api/v1/registrations/", json=resident(3))
    assert limited.status_code == 429 and limited.headers["Retry-After"]


def test_bad_registrations_get_422_naming_the_field(notify):
    publish_event(notify)
    client = notify.test_client()
    for body, field in ((resident(1, consent=False), "consent"), (resident(1, email="nope"), "email"),
                        (resident(1, name=""), "name"), (resident(1, people=0), "people"),
                        (resident(1, name="a\nb"), "name")):
        answer = client.post("/api/v1/registrations/", json=body)
        assert answer.status_code == 422 and field in answer.json["errors"]["json"], body
    unknown = client.post("/api/v1/registrations/", json=resident(1, event_id="00000000-0000-0000-0000-000000000099"))
    assert unknown.status_code == 404
    publish_event(notify, "event.updated", version=2, registration={"url": None, "required": False, "capacity": None})
    assert client.post("/api/v1/registrations/", json=resident(1)).status_code == 409  # no registration here
