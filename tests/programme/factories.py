"""Messages for the programme service's copies (activities, keys) and a small programme with a known data set whose
indicators were counted by hand (see KNOWN)."""

import uuid

from services.messaging.envelope import Envelope
from tests.events.factories import bearer, key  # noqa: F401  (the same key messages as the events tests)

ADMIN = {"Authorization": "Bearer test-admin-token"}
ISSUED = "2018-01-01T10:00:00+00:00"
ACTIVITY = uuid.UUID("0b6a1f7e-5d0e-4c1c-9a55-4b7e8a1d0001")
PICNIC = uuid.UUID("0b6a1f7e-5d0e-4c1c-9a55-4b7e8a1d0002")
MEETING = uuid.UUID("0b6a1f7e-5d0e-4c1c-9a55-4b7e8a1d0003")
OWN_KEY, OTHER_KEY, ADMIN_KEY, REVOKED_KEY = ("osl_own_key_0000000001", "osl_other_key_000000002",
                                              "osl_admin_key_00000004", "osl_revoked_key_000005")


def deliver(app, queue: str, type_name: str, data: dict) -> Envelope:
    """Hand one valid message to the programme service's handler of ``queue``, in its own transaction."""
    envelope = Envelope.new(type_name, data)
    with app.extensions["osl"].database.session() as session:
        app.extensions["osl"].handlers[queue](session, envelope)
    return envelope


#: The districts' names as the events' messages give them.
DISTRICT_NAMES = {"rakow": "Raków", "ostatni-grosz": "Ostatni Grosz"}


def event(id: uuid.UUID, title: str, starts_at: str, ends_at: str, organisation_id: int | None, district: str,
          version: int = 1, **extra) -> dict:
    """An events service snapshot, as its event.* messages carry it."""
    return {"id": str(id), "version": version, "sequence": 0, "title": title, "description": "",
            "starts_at": starts_at, "ends_at": ends_at, "timezone": "Europe/Warsaw", "all_day": False,
            "rrule": None, "exdates": [], "district_id": 1,
            "district_name": DISTRICT_NAMES.get(district, district.title()),
            "district_slug": district, "organisation_id": organisation_id,
            "organisation_name": f"Organizacja {organisation_id}", "visibility": "public", "audiences": [],
            "category": "workshop", "registration": {"required": False}, "status": "scheduled",
            "created_at": ISSUED, "updated_at": ISSUED, **extra}


def seed_messages(app) -> None:
    """A weekly workshop of organisation 100 in Raków, a picnic of organisation 200 in Ostatni Grosz, a private
    partnership meeting, and the keys."""
    deliver(app, "events", "event.published", event(
        ACTIVITY, "Warsztaty w Rakowie", "2018-05-08T17:00:00+02:00", "2018-05-08T19:00:00+02:00", 100, "rakow",
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=10"))
    deliver(app, "events", "event.published", event(
        PICNIC, "Piknik sąsiedzki", "2018-06-16T10:00:00+02:00", "2018-06-16T14:00:00+02:00", 200, "ostatni-grosz"))
    deliver(app, "events", "event.published", event(
        MEETING, "Spotkanie partnerskie", "2018-06-20T17:00:00+02:00", "2018-06-20T18:00:00+02:00", 100, "rakow",
        visibility="partnership", partnership_id=7, meeting_id=3))
    deliver(app, "partners-replica", "organisation.api_key.issued", key(1, OWN_KEY, 100))
    deliver(app, "partners-replica", "organisation.api_key.issued", key(2, OTHER_KEY, 200))
    deliver(app, "partners-replica", "admin_key.issued", key(1, ADMIN_KEY, scopes=("admin",)))
    deliver(app, "partners-replica", "organisation.api_key.issued", key(5, REVOKED_KEY, 100))
    deliver(app, "partners-replica", "organisation.api_key.revoked", key(5, REVOKED_KEY, 100,
                                                                revoked_at="2018-02-01T10:00:00+00:00"))


PROGRAMME = {"name": "Częstochowa silna dzielnicami", "funding": "RPO WSL 2014–2020, EFS, działanie 9.1.2",
             "starts_on": "2018-04-02", "ends_on": "2021-03-31", "target_total": 325, "target_women": 163,
             "target_men": 162, "other_targets": {"status_at_exit.employed": 40}}


def person(gender, age_band, status, district, entered_on=None, **flags) -> dict:
    body = {"gender": gender, "age_band": age_band, "status_at_entry": status, "district": district, **flags}
    if entered_on is not None:
        body["entered_on"] = entered_on
    return body


def known_programme(app) -> dict:
    """The known data set. Returns the programme id and the pseudonyms by name (P1..P4, W1).

    P1 woman <25 unemployed, disabled, Raków, 2018-05-01 to 2018-12-31 (employed)
    P2 woman 25-54 inactive, refused disability, Raków, 2018-05-01 to 2018-08-31 (job seeking), back 2019-02-01
       to 2019-06-30 (employed): one person, status at exit employed
    P3 man >54, refused status, no disability, Ostatni Grosz, from 2018-06-01, still in
    P4 man 25-54 long-term unemployed, no disability, Raków, from 2018-05-08, still in
    W1 woman 25-54 unemployed, Raków, a walk-in at the workshop of 2018-05-15 (flags not asked: refused)
    Roll calls: workshop 2018-05-08 P1, P2 present, P4 absent; workshop 2018-05-15 P1 present, P2 excused, W1;
    picnic 2018-06-16 P3 present and 6 anonymous walk-ins.
    """
    client = app.test_client()
    seed_messages(app)
    programme = client.post("/api/v1/programmes/", json=PROGRAMME, headers=ADMIN)
    assert programme.status_code == 201, programme.json
    pid = programme.json["id"]
    base = f"/api/v1/programmes/{pid}"
    ids = {}
    for name, body in {
        "P1": person("female", "under_25", "unemployed", "rakow", "2018-05-01", disability="yes"),
        "P2": person("female", "25_54", "inactive", "rakow", "2018-05-01", disability="refused"),
        "P3": person("male", "over_54", "refused", "ostatni-grosz", "2018-06-01", disability="no"),
        "P4": person("male", "25_54", "long_term_unemployed", "rakow", "2018-05-08", disability="no"),
    }.items():
        response = client.post(f"{base}/participants/", json=body, headers=ADMIN)
        assert response.status_code == 201, response.json
        ids[name] = response.json["pseudonym"]
    for name, path, body in [
        ("P1", "exit", {"exited_on": "2018-12-31", "status_at_exit": "employed"}),
        ("P2", "exit", {"exited_on": "2018-08-31", "status_at_exit": "job_seeking"}),
        ("P2", "re-entry", {"entered_on": "2019-02-01"}),
        ("P2", "exit", {"exited_on": "2019-06-30", "status_at_exit": "employed"}),
    ]:
        response = client.post(f"{base}/participants/{ids[name]}/{path}", json=body, headers=ADMIN)
        assert response.status_code == 200, response.json
    first = client.put(f"{base}/roll-calls/{ACTIVITY}/2018-05-08T17:00:00+02:00", headers=ADMIN, json={
        "attendance": [{"participant": ids["P1"], "status": "present"},
                       {"participant": ids["P2"], "status": "present"},
                       {"participant": ids["P4"], "status": "absent"}]})
    assert first.status_code == 200, first.json
    second = client.put(f"{base}/roll-calls/{ACTIVITY}/2018-05-15T17:00:00+02:00", headers=ADMIN, json={
        "attendance": [{"participant": ids["P1"], "status": "present"},
                       {"participant": ids["P2"], "status": "excused"}],
        "walk_ins": [person("female", "25_54", "unemployed", "rakow")]})
    assert second.status_code == 200, second.json
    ids["W1"] = second.json["walk_ins"][0]
    picnic = client.put(f"{base}/roll-calls/{PICNIC}/2018-06-16T10:00:00+02:00", headers=ADMIN, json={
        "attendance": [{"participant": ids["P3"], "status": "present"}], "anonymous_count": 6})
    assert picnic.status_code == 200, picnic.json
    return {"id": pid, "base": base, "ids": ids}


def page_of(app, programme: dict, path: str) -> str:
    """A page of ``programme`` (``/programmes/<id>/<path>``) as MOPS sees it; it must answer 200 with no script."""
    response = app.test_client().get(f"/programmes/{programme['id']}/{path}", headers=ADMIN)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script" not in page
    return page


def statuses(client, url: str, *credentials) -> list[int]:
    """The status of a GET of ``url`` with each credential: a key, ADMIN's headers, or None for none."""
    return [client.get(url, headers=credential if isinstance(credential, dict) else
                       bearer(credential) if credential else None).status_code for credential in credentials]
