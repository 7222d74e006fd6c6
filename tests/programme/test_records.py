"""Programmes, participants and roll calls: what is taken, what is refused with the field named, and the seed."""

import pytest
from sqlalchemy import select

from services.programme.models import Programme
from services.programme.operations import seed
from tests.programme.factories import ACTIVITY, ADMIN, PROGRAMME, known_programme, person, seed_messages


def _programme(client) -> str:
    response = client.post("/api/v1/programmes/", json=PROGRAMME, headers=ADMIN)
    assert response.status_code == 201, response.json
    return f"/api/v1/programmes/{response.json['id']}"


def test_the_seed_programme_is_loaded_once_with_its_targets(programme_app):
    database = programme_app.extensions["osl"].database
    with database.session() as session:
        assert seed(session) == 1
    with database.session() as session:
        assert seed(session) == 0
        (programme,) = session.scalars(select(Programme)).all()
        assert (programme.name, programme.starts_on.isoformat(), programme.ends_on.isoformat()) == (
            "Częstochowa silna dzielnicami", "2018-04-02", "2021-03-31")
        assert (programme.target_total, programme.target_men, programme.target_women) == (325, 162, 163)
        assert "9.1.2" in programme.funding
        assert "art. 6 ust. 1 lit. c" in programme.legal_basis and "art. 9 ust. 2 lit. g" in programme.legal_basis
    listed = programme_app.test_client().get("/api/v1/programmes/", headers=ADMIN).json
    assert listed[0]["retain_until"] == "2031-03-31"  # the end plus the default 10 archiving years


@pytest.mark.parametrize("field", ["name", "surname", "pesel", "address", "birth_date"])
def test_personal_data_is_refused_naming_the_field(programme_app, field):
    client = programme_app.test_client()
    base = _programme(client)
    body = {**person("female", "25_54", "employed", "rakow", "2019-01-01"), field: "Anna Kowalska 85010112345"}
    response = client.post(f"{base}/participants/", json=body, headers=ADMIN)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]
    assert client.get(f"{base}/participants/", headers=ADMIN).json == []


@pytest.mark.parametrize(("change", "field"), [
    ({"gender": "other"}, "gender"),
    ({"age_band": "30"}, "age_band"),
    ({"status_at_entry": "retired"}, "status_at_entry"),
    ({"disability": "maybe"}, "disability"),
    ({"district": "Raków!"}, "district"),
    ({"entered_on": "2017-12-31"}, "entered_on"),
    ({"entered_on": "2021-04-01"}, "entered_on"),
])
def test_bad_participant_fields_get_422_naming_them(programme_app, change, field):
    client = programme_app.test_client()
    base = _programme(client)
    response = client.post(f"{base}/participants/", headers=ADMIN,
                           json={**person("female", "25_54", "employed", "rakow", "2019-01-01"), **change})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]


def test_a_refusal_is_recorded_and_the_pseudonyms_are_random(programme_app):
    client = programme_app.test_client()
    base = _programme(client)
    made = [client.post(f"{base}/participants/", headers=ADMIN,
                        json=person("male", "over_54", "refused", "rakow", "2019-01-01")).json for _ in range(3)]
    assert all(p["disability"] == p["homeless"] == "refused" for p in made)
    assert len({p["pseudonym"] for p in made}) == 3
    assert all(len(p["pseudonym"]) == 10 for p in made)


def test_bad_programmes_are_refused(programme_app):
    client = programme_app.test_client()
    cases = [({"ends_on": "2018-01-01"}, "ends_on"), ({"target_women": 200}, "target_total"),
             ({"other_targets": {"shoe_size.42": 3}}, "other_targets"), ({"start": "2018"}, "start")]
    for change, field in cases:
        response = client.post("/api/v1/programmes/", json={**PROGRAMME, **change}, headers=ADMIN)
        assert response.status_code == 422, (change, response.json)
        assert field in response.json["errors"]["json"], response.json
    _programme(client)
    assert client.post("/api/v1/programmes/", json=PROGRAMME, headers=ADMIN).status_code == 409


def test_exits_and_reentries_keep_their_order(programme_app):
    client = programme_app.test_client()
    base = _programme(client)
    pseudonym = client.post(f"{base}/participants/", headers=ADMIN,
                            json=person("female", "25_54", "employed", "rakow", "2019-01-01")).json["pseudonym"]
    url = f"{base}/participants/{pseudonym}"
    assert client.post(f"{url}/re-entry", json={"entered_on": "2019-02-01"}, headers=ADMIN).status_code == 409
    early = client.post(f"{url}/exit", json={"exited_on": "2018-12-01", "status_at_exit": "employed"}, headers=ADMIN)
    assert early.status_code == 422 and "exited_on" in early.json["errors"]["json"]
    assert client.post(f"{url}/exit", json={"exited_on": "2019-03-01", "status_at_exit": "employed"},
                       headers=ADMIN).status_code == 200
    assert client.post(f"{url}/exit", json={"exited_on": "2019-04-01", "status_at_exit": "employed"},
                       headers=ADMIN).status_code == 409
    back = client.post(f"{url}/re-entry", json={"entered_on": "2019-03-01"}, headers=ADMIN)
    assert back.status_code == 422 and "entered_on" in back.json["errors"]["json"]
    back = client.post(f"{url}/re-entry", json={"entered_on": "2019-05-01"}, headers=ADMIN)
    assert back.status_code == 200
    assert [s["entered_on"] for s in back.json["stays"]] == ["2019-01-01", "2019-05-01"]


def test_a_roll_call_is_for_an_occurrence_of_a_known_activity(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    tick = {"attendance": [{"participant": known["ids"]["P4"], "status": "present"}]}
    not_a_date = client.put(f"{known['base']}/roll-calls/{ACTIVITY}/2018-05-09T17:00:00+02:00", json=tick,
                            headers=ADMIN)
    assert not_a_date.status_code == 422 and "occurrence_start" in not_a_date.json["errors"]["json"]
    # Ten Tuesdays from 8 May 2018: the eleventh is no occurrence.
    assert client.put(f"{known['base']}/roll-calls/{ACTIVITY}/2018-07-17T17:00:00+02:00", json=tick,
                      headers=ADMIN).status_code == 422
    unknown = client.put(f"{known['base']}/roll-calls/0b6a1f7e-5d0e-4c1c-9a55-4b7e8a1d0099/"
                         "2018-05-08T17:00:00+02:00", json=tick, headers=ADMIN)
    assert unknown.status_code == 422 and "event_id" in unknown.json["errors"]["json"]
    garbled = client.put(f"{known['base']}/roll-calls/{ACTIVITY}/yesterday", json=tick, headers=ADMIN)
    assert garbled.status_code == 422 and "occurrence_start" in garbled.json["errors"]["path"]
    stranger = client.put(f"{known['base']}/roll-calls/{ACTIVITY}/2018-05-22T17:00:00+02:00", headers=ADMIN,
                          json={"attendance": [{"participant": "NOSUCHONE", "status": "present"}]})
    assert stranger.status_code == 422 and "attendance.0.participant" in stranger.json["errors"]["json"]
    twice = client.put(f"{known['base']}/roll-calls/{ACTIVITY}/2018-05-22T17:00:00+02:00", headers=ADMIN,
                       json={"attendance": tick["attendance"] * 2})
    assert twice.status_code == 422 and "attendance.1.participant" in twice.json["errors"]["json"]
    status = client.put(f"{known['base']}/roll-calls/{ACTIVITY}/2018-05-22T17:00:00+02:00", headers=ADMIN,
                        json={"attendance": [{"participant": known["ids"]["P4"], "status": "late"}]})
    assert status.status_code == 422


def test_a_walk_in_with_personal_data_is_refused(programme_app):
    seed_messages(programme_app)
    client = programme_app.test_client()
    base = _programme(client)
    response = client.put(f"{base}/roll-calls/{ACTIVITY}/2018-05-08T17:00:00+02:00", headers=ADMIN, json={
        "walk_ins": [{**person("female", "25_54", "employed", "rakow"), "name": "Anna"}]})
    assert response.status_code == 422
    assert "name" in response.json["errors"]["json"]["walk_ins"]["0"]


def test_participants_are_erased_once_the_retention_has_passed(programme_app):
    from datetime import date

    from services.programme.models import Participant
    from services.programme.operations import purge_expired

    known = known_programme(programme_app)
    database = programme_app.extensions["osl"].database
    with database.session() as session:
        assert purge_expired(session, 10, date(2031, 3, 31)) == 0  # the last day kept
        assert len(session.scalars(select(Participant)).all()) == 5
    with database.session() as session:
        assert purge_expired(session, 10, date(2031, 4, 1)) == 5
    assert programme_app.test_client().get(f"{known['base']}/participants/", headers=ADMIN).json == []


def test_registered_references_go_with_the_retention_unless_a_kept_programme_covers_their_date(programme_app):
    """Past the retention of a programme, its roll calls' ticks of registered references go, and so do the
    references of its activities, but for the dates a programme still kept covers (there they may still be ticked)."""
    from datetime import date

    from services.programme.models import Registered, RegisteredMark
    from services.programme.operations import purge_expired
    from tests.programme.factories import PICNIC, deliver

    known = known_programme(programme_app)
    client = programme_app.test_client()
    later = client.post("/api/v1/programmes/", json={**PROGRAMME, "name": "Program późniejszy",
                                                     "starts_on": "2018-07-01", "ends_on": "2030-12-31"},
                        headers=ADMIN)
    assert later.status_code == 201, later.json
    for ref, event_id, occurrence in [("AAAA01", PICNIC, "2018-06-16T08:00:00+00:00"),
                                      ("CCCC03", ACTIVITY, "2018-05-08T15:00:00+00:00"),
                                      ("BBBB02", ACTIVITY, "2018-07-10T15:00:00+00:00"),
                                      ("DDDD04", PICNIC, "")]:
        deliver(programme_app, "notify", "registration.changed", {
            "ref": ref, "event_id": str(event_id), "occurrence": occurrence, "people": 1, "status": "confirmed"})
    ids = known["ids"]
    for path, body in [
        (f"{known['base']}/roll-calls/{PICNIC}/2018-06-16T10:00:00+02:00", {
            "attendance": [{"participant": ids["P3"], "status": "present"}], "anonymous_count": 6,
            "registered": [{"ref": "AAAA01", "status": "present"}, {"ref": "DDDD04", "status": "absent"}]}),
        (f"{known['base']}/roll-calls/{ACTIVITY}/2018-05-08T17:00:00+02:00", {
            "attendance": [{"participant": ids["P1"], "status": "present"}],
            "registered": [{"ref": "CCCC03", "status": "present"}]}),
        (f"/api/v1/programmes/{later.json['id']}/roll-calls/{ACTIVITY}/2018-07-10T17:00:00+02:00", {
            "attendance": [], "registered": [{"ref": "BBBB02", "status": "present"}]}),
    ]:
        response = client.put(path, json=body, headers=ADMIN)
        assert response.status_code == 200, response.json

    database = programme_app.extensions["osl"].database

    def refs_and_marks():
        with database.session() as session:
            return (sorted(session.scalars(select(Registered.ref))),
                    sorted(session.scalars(select(RegisteredMark.ref))))

    with database.session() as session:
        assert purge_expired(session, 10, date(2031, 3, 31)) == 0
    assert refs_and_marks() == (["AAAA01", "BBBB02", "CCCC03", "DDDD04"], ["AAAA01", "BBBB02", "CCCC03", "DDDD04"])
    with database.session() as session:
        assert purge_expired(session, 10, date(2031, 4, 1)) == 5
    # The picnic's and the first workshop's references go; the workshop of 10 July is the later programme's.
    assert refs_and_marks() == (["BBBB02"], ["BBBB02"])
    with database.session() as session:
        assert purge_expired(session, 10, date(2041, 1, 1)) == 0  # the later programme's retention over too
    assert refs_and_marks() == ([], [])


def test_registered_references_of_an_activity_without_a_roll_call_go_with_the_retention(programme_app):
    """Nobody took attendance at a talk (one date) or a club (a series) of the programme's period: their registered
    references go all the same once the programme's retention ends, while a later programme still keeps those of the
    club's dates it covers, and references of dates no programme ever covered stay (no retention of theirs ended)."""
    import uuid
    from datetime import date

    from services.programme.models import Registered
    from services.programme.operations import purge_expired
    from tests.programme.factories import deliver, event

    known_programme(programme_app)
    talk, club, later_talk = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    deliver(programme_app, "events", "event.published", event(
        talk, "Wykład", "2019-03-05T17:00:00+01:00", "2019-03-05T18:00:00+01:00", 100, "rakow"))
    deliver(programme_app, "events", "event.published", event(
        club, "Klub", "2021-03-02T17:00:00+01:00", "2021-03-02T18:00:00+01:00", 100, "rakow",
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=10"))  # 2 March to 4 May 2021
    deliver(programme_app, "events", "event.published", event(
        later_talk, "Wykład", "2035-03-05T17:00:00+01:00", "2035-03-05T18:00:00+01:00", 100, "rakow"))
    for ref, event_id, occurrence in [("A00001", talk, "2019-03-05T16:00:00+00:00"), ("A00002", talk, ""),
                                      ("B00001", club, "2021-03-09T16:00:00+00:00"), ("B00002", club, ""),
                                      ("B00003", club, "2021-04-13T15:00:00+00:00"),
                                      ("C00001", later_talk, "2035-03-05T16:00:00+00:00")]:
        deliver(programme_app, "notify", "registration.changed", {
            "ref": ref, "event_id": str(event_id), "occurrence": occurrence, "people": 1, "status": "confirmed"})
    database = programme_app.extensions["osl"].database

    def refs():
        with database.session() as session:
            return sorted(session.scalars(select(Registered.ref)))

    with database.session() as session:
        assert purge_expired(session, 10, date(2031, 3, 31)) == 0
    assert refs() == ["A00001", "A00002", "B00001", "B00002", "B00003", "C00001"]
    later = programme_app.test_client().post("/api/v1/programmes/", json={
        **PROGRAMME, "name": "Program późniejszy", "starts_on": "2021-04-01", "ends_on": "2030-12-31"}, headers=ADMIN)
    assert later.status_code == 201, later.json
    with database.session() as session:
        assert purge_expired(session, 10, date(2031, 4, 1)) == 5
    # The club's dates of April and May are the later programme's to tick, and so is the whole series' reference.
    assert refs() == ["B00002", "B00003", "C00001"]
    with database.session() as session:
        assert purge_expired(session, 10, date(2041, 1, 1)) == 0
    assert refs() == ["C00001"]


def test_a_roll_call_is_taken_from_the_day_of_the_date_not_ahead_of_it(programme_app):
    """Attendance is what happened: a date still ahead takes no roll call (its walk-ins would count as supported
    people entering on a day that has not come); from the morning of the date it does."""
    import uuid
    from datetime import datetime, time, timedelta

    from services.calendar.times import WARSAW, today
    from tests.programme.factories import deliver, event

    client = programme_app.test_client()
    programme = client.post("/api/v1/programmes/", json={
        **PROGRAMME, "name": "Program bieżący", "starts_on": "2021-04-01", "ends_on": "2099-12-31"}, headers=ADMIN)
    assert programme.status_code == 201, programme.json
    club = uuid.uuid4()
    first = datetime.combine(today(), time(23, 0), WARSAW)  # tonight: the date has come, the hour not yet
    deliver(programme_app, "events", "event.published", event(
        club, "Klub", first.isoformat(), (first + timedelta(minutes=50)).isoformat(), 100, "rakow",
        rrule="FREQ=DAILY;COUNT=3"))
    base = f"/api/v1/programmes/{programme.json['id']}/roll-calls/{club}"
    tomorrow = client.put(f"{base}/{(first + timedelta(days=1)).isoformat()}", headers=ADMIN,
                          json={"anonymous_count": 2})
    assert tomorrow.status_code == 422, tomorrow.json
    assert tomorrow.json["errors"]["json"]["occurrence_start"] == ["This date has not come yet: its roll call is "
                                                                   "taken on the day."]
    tonight = client.put(f"{base}/{first.isoformat()}", headers=ADMIN, json={"anonymous_count": 2})
    assert tonight.status_code == 200, tonight.json
