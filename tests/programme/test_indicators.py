"""Indicators from a known data set (tests/programme/factories.py: known_programme) match the numbers counted by
hand, with a re-entering participant, refusals and walk-ins; public statistics suppress small counts."""

from tests.programme.factories import ACTIVITY, ADMIN, PICNIC, deliver, event, known_programme


def _get(app, path, headers=ADMIN):
    response = app.test_client().get(path, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_people_supported_by_gender_count_a_returning_participant_once(programme_app):
    known = known_programme(programme_app)
    found = _get(programme_app, f"{known['base']}/indicators?as_of=2021-03-31")
    assert found["supported"] == {"female": 3, "male": 2, "total": 5}
    assert found["targets"] == {"female": 163, "male": 162, "total": 325}
    assert found["returned"] == {"female": 1, "male": 0, "total": 1}
    assert found["walk_ins"] == {"female": 1, "male": 0, "total": 1}


def test_breakdowns_by_dimension_and_gender(programme_app):
    known = known_programme(programme_app)
    dims = _get(programme_app, f"{known['base']}/indicators?as_of=2021-03-31")["dimensions"]
    assert dims["age_band"] == {"under_25": {"female": 1, "male": 0, "total": 1},
                                "25_54": {"female": 2, "male": 1, "total": 3},
                                "over_54": {"female": 0, "male": 1, "total": 1}}
    assert dims["status_at_entry"]["unemployed"] == {"female": 2, "male": 0, "total": 2}
    assert dims["status_at_entry"]["refused"] == {"female": 0, "male": 1, "total": 1}
    assert dims["status_at_entry"]["long_term_unemployed"] == {"female": 0, "male": 1, "total": 1}
    # Refusing to say is counted as such; the walk-in was not asked, which is recorded as a refusal.
    assert dims["disability"] == {"yes": {"female": 1, "male": 0, "total": 1},
                                  "no": {"female": 0, "male": 2, "total": 2},
                                  "refused": {"female": 2, "male": 0, "total": 2}}
    assert dims["district"] == {"ostatni-grosz": {"female": 0, "male": 1, "total": 1},
                                "rakow": {"female": 3, "male": 1, "total": 4}}
    # P2's first exit (job seeking) is not her last: only the status at the last exit counts.
    assert dims["status_at_exit"]["employed"] == {"female": 2, "male": 0, "total": 2}
    assert dims["status_at_exit"]["job_seeking"] == {"female": 0, "male": 0, "total": 0}


def test_counts_follow_the_day_asked(programme_app):
    known = known_programme(programme_app)
    early = _get(programme_app, f"{known['base']}/indicators?as_of=2018-05-10")
    assert early["supported"] == {"female": 2, "male": 1, "total": 3}  # P1, P2, P4; W1 came on 15 May
    assert early["dimensions"]["status_at_exit"]["employed"]["total"] == 0
    mid = _get(programme_app, f"{known['base']}/indicators?as_of=2019-01-15")
    # P2's last exit (2019-06-30) comes after that day: only P1's exit counts by then.
    assert mid["dimensions"]["status_at_exit"]["employed"] == {"female": 1, "male": 0, "total": 1}


def test_attendance_per_activity_and_month(programme_app):
    known = known_programme(programme_app)
    found = _get(programme_app, f"{known['base']}/attendance")
    by_title = {item["title"]: item for item in found["activities"]}
    assert set(by_title) == {"Warsztaty w Rakowie", "Piknik sąsiedzki"}
    workshop = by_title["Warsztaty w Rakowie"]
    assert (workshop["event_id"], workshop["roll_calls"], workshop["present"], workshop["excused"],
            workshop["absent"], workshop["anonymous"], workshop["attended"]) == (str(ACTIVITY), 2, 4, 1, 1, 0, 4)
    picnic = by_title["Piknik sąsiedzki"]
    assert (picnic["event_id"], picnic["present"], picnic["anonymous"], picnic["attended"]) == (str(PICNIC), 1, 6, 7)
    assert found["months"] == [{"month": "2018-05", "roll_calls": 2, "attended": 4},
                               {"month": "2018-06", "roll_calls": 1, "attended": 7}]


def test_public_statistics_show_small_counts_as_less_than_five(programme_app):
    known = known_programme(programme_app)
    response = programme_app.test_client().get(f"{known['base']}/statistics")  # no token: public
    assert response.status_code == 200
    assert response.json["rows"] == [
        {"district": "ostatni-grosz", "month": "2018-06", "participants": "< 5", "attendances": 7},
        {"district": "rakow", "month": "2018-05", "participants": "< 5", "attendances": "< 5"},
    ]
    assert "pseudonym" not in response.get_data(as_text=True)


def test_a_roll_call_replaced_changes_the_counts_it_gave(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    again = client.put(f"{known['base']}/roll-calls/{ACTIVITY}/2018-05-08T17:00:00+02:00", headers=ADMIN, json={
        "attendance": [{"participant": known["ids"]["P4"], "status": "present"},
                       {"participant": known["ids"]["P1"], "status": "excused"}]})
    assert again.status_code == 200, again.json
    assert {m["participant"]: m["status"] for m in again.json["attendance"]} == {
        known["ids"]["P4"]: "present", known["ids"]["P1"]: "excused"}
    workshop = _get(programme_app, f"{known['base']}/attendance")["activities"][1]
    assert (workshop["title"], workshop["present"], workshop["excused"], workshop["absent"]) == (
        "Warsztaty w Rakowie", 3, 2, 0)


def test_erasing_a_participant_removes_them_from_every_count(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    p1 = known["ids"]["P1"]
    exported = client.get(f"{known['base']}/participants/{p1}/export", headers=ADMIN)
    assert exported.status_code == 200
    assert exported.json["participant"]["pseudonym"] == p1
    assert exported.json["programme"]["legal_basis"].startswith("RODO art. 6 ust. 1 lit. c")
    assert exported.json["programme"]["retain_until"] == "2031-03-31"
    assert [(m["occurrence_start"], m["status"]) for m in exported.json["attendance"]] == [
        ("2018-05-08T17:00:00+02:00", "present"), ("2018-05-15T17:00:00+02:00", "present")]
    assert client.delete(f"{known['base']}/participants/{p1}", headers=ADMIN).status_code == 204
    assert client.get(f"{known['base']}/participants/{p1}", headers=ADMIN).status_code == 404
    found = _get(programme_app, f"{known['base']}/indicators?as_of=2021-03-31")
    assert found["supported"] == {"female": 2, "male": 2, "total": 4}
    workshop = _get(programme_app, f"{known['base']}/attendance")["activities"][1]
    assert (workshop["title"], workshop["present"]) == ("Warsztaty w Rakowie", 2)


def test_activities_are_listed_in_polish_alphabetical_order(programme_app):
    """The one Polish order (services/ui/naming.py), not code points: Ś comes after S and before W."""
    known = known_programme(programme_app)
    deliver(programme_app, "events", "event.updated", event(
        PICNIC, "Świetlica sąsiedzka", "2018-06-16T10:00:00+02:00", "2018-06-16T14:00:00+02:00", 200,
        "ostatni-grosz", version=2, changed_fields=["title"]))
    found = _get(programme_app, f"{known['base']}/attendance")
    assert [item["title"] for item in found["activities"]] == ["Świetlica sąsiedzka", "Warsztaty w Rakowie"]


def test_the_dashboards_district_charts_follow_the_polish_order_of_the_names():
    from services.programme.dashboard import in_polish_order

    names = {"srodmiescie": "Śródmieście", "stradom": "Stradom", "stare-miasto": "Stare Miasto"}
    by_slug = {"srodmiescie": 1, "stare-miasto": 2, "stradom": 3}  # the slugs' order
    assert list(in_polish_order(by_slug, names)) == ["stare-miasto", "stradom", "srodmiescie"]
