"""Only MOPS (the admin token or a replicated admin key) reads or writes programme data; an organisation's key
records attendance at its own activities only and sees only its own counts."""

import pytest

from tests.programme.factories import (
    ACTIVITY,
    ADMIN,
    ADMIN_KEY,
    OTHER_KEY,
    OWN_KEY,
    PICNIC,
    PROGRAMME,
    REVOKED_KEY,
    bearer,
    deliver,
    key,
    known_programme,
    person,
    statuses,
)

ADMIN_ONLY = ["", "/participants/", "/indicators", "/export.xlsx", "/export.csv"]


@pytest.mark.parametrize("path", ADMIN_ONLY)
def test_admin_reads_need_mops(programme_app, path):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    url = f"{known['base']}{path}"
    assert statuses(client, url, None, REVOKED_KEY, "osl_never_issued_00006", OWN_KEY, ADMIN_KEY, ADMIN) == \
        [401, 401, 401, 403, 200, 200]


def test_the_dashboard_is_for_mops_only(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    # The page sends a browser with no credentials to sign in; a wrong bearer token is a 401.
    assert statuses(client, f"/programmes/{known['id']}/", None, OWN_KEY, ADMIN_KEY, REVOKED_KEY) == [
        303, 403, 200, 401]


def test_only_mops_adds_programmes_and_participants(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    other = {**PROGRAMME, "name": "Inny program"}
    assert client.post("/api/v1/programmes/", json=other, headers=bearer(OWN_KEY)).status_code == 403
    assert client.post("/api/v1/programmes/", json=other, headers=bearer(ADMIN_KEY)).status_code == 201
    body = person("male", "25_54", "employed", "rakow", "2019-01-01")
    assert client.post(f"{known['base']}/participants/", json=body, headers=bearer(OWN_KEY)).status_code == 403
    assert client.post(f"{known['base']}/participants/", json=body).status_code == 401
    pseudonym = known["ids"]["P3"]
    assert client.delete(f"{known['base']}/participants/{pseudonym}", headers=bearer(OWN_KEY)).status_code == 403
    assert client.get(f"{known['base']}/participants/{pseudonym}/export",
                      headers=bearer(OWN_KEY)).status_code == 403


def test_an_organisation_records_attendance_at_its_own_activities_only(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    own = f"{known['base']}/roll-calls/{ACTIVITY}/2018-05-22T17:00:00+02:00"
    body = {"attendance": [{"participant": known["ids"]["P4"], "status": "present"}], "anonymous_count": 2}
    answer = client.put(own, json=body, headers=bearer(OWN_KEY))
    assert answer.status_code == 200, answer.json
    assert client.get(own, headers=bearer(OWN_KEY)).json["attendance"] == body["attendance"]
    theirs = f"{known['base']}/roll-calls/{PICNIC}/2018-06-16T10:00:00+02:00"
    assert client.put(theirs, json=body, headers=bearer(OWN_KEY)).status_code == 403
    assert client.get(theirs, headers=bearer(OWN_KEY)).status_code == 403
    assert client.get(f"{known['base']}/activities/{PICNIC}/occurrences",
                      headers=bearer(OWN_KEY)).status_code == 403
    assert client.put(own, json=body, headers=bearer(REVOKED_KEY)).status_code == 401


def test_an_organisation_sees_only_its_own_counts(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    own = client.get(f"{known['base']}/attendance", headers=bearer(OWN_KEY)).json
    assert [a["title"] for a in own["activities"]] == ["Warsztaty w Rakowie"]
    assert own["months"] == [{"month": "2018-05", "roll_calls": 2, "attended": 4}]
    other = client.get(f"{known['base']}/attendance", headers=bearer(OTHER_KEY)).json
    assert [a["title"] for a in other["activities"]] == ["Piknik sąsiedzki"]
    assert len(client.get(f"{known['base']}/attendance", headers=ADMIN).json["activities"]) == 2


def test_a_key_revoked_later_stops_working(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    url = f"{known['base']}/attendance"
    assert client.get(url, headers=bearer(OWN_KEY)).status_code == 200
    deliver(programme_app, "partners-replica", "organisation.api_key.revoked",
            key(1, OWN_KEY, 100, revoked_at="2018-09-01T10:00:00+00:00"))
    assert client.get(url, headers=bearer(OWN_KEY)).status_code == 401


def test_a_key_without_the_events_scope_is_refused(programme_app):
    known = known_programme(programme_app)
    deliver(programme_app, "partners-replica", "organisation.api_key.issued",
            key(9, "osl_meetings_only_0003", 100, scopes=("meetings",)))
    response = programme_app.test_client().get(f"{known['base']}/attendance",
                                               headers=bearer("osl_meetings_only_0003"))
    assert response.status_code == 403
