"""The public list: filters, pagination, Polish text, and private partnership events kept out."""

import json

from tests.events.factories import ADMIN, World, deliver, event_body, meeting, seed

POLISH = "Zażółć gęślą jaźń; przecinek, średnik;\nnowa linia — ĄĆĘŁŃÓŚŹŻ"


def _post(app, **overrides):
    response = app.test_client().post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo", **overrides),
                                      headers=ADMIN)
    assert response.status_code == 201, response.json
    return response.json


def _titles(app, query: str = "") -> list[str]:
    response = app.test_client().get(f"/api/v1/events{query}")
    assert response.status_code == 200, response.json
    return [event["title"] for event in response.json]


def _world(app):
    seed(app)
    _post(app, title="Piknik sąsiedzki", category="picnic", audiences=["families"],
          starts_at="2026-06-20T14:00:00", ends_at="2026-06-20T18:00:00")
    _post(app, title="Warsztaty dla seniorów", audiences=["seniors"], starts_at="2026-07-01T10:00:00",
          ends_at="2026-07-01T12:00:00")
    _post(app, title="Forum dzielnicy", category="forum", district="ostatni-grosz", centre="dosl-ostatni-grosz",
          audiences=["everyone"], starts_at="2026-10-30T17:00:00", ends_at="2026-10-30T19:00:00")
    app.test_client().post("/api/v1/events", headers=World().other,
                           json=event_body(title="Zajęcia sportowe", category="sport", audiences=["youth"],
                                           starts_at="2026-08-03T16:00:00", ends_at="2026-08-03T17:00:00"))
    deliver(app, "meeting.planned", meeting(1, 7, title="Spotkanie partnerów (prywatne)"))


def test_only_public_events_are_listed_soonest_first(events_app):
    _world(events_app)
    assert _titles(events_app) == ["Piknik sąsiedzki", "Warsztaty dla seniorów", "Zajęcia sportowe",
                                   "Forum dzielnicy"]


def test_filters_combine(events_app):
    _world(events_app)
    assert _titles(events_app, "?district=ostatni-grosz") == ["Forum dzielnicy"]
    assert _titles(events_app, "?centre=osl-rakow&category=workshop") == ["Warsztaty dla seniorów"]
    assert _titles(events_app, "?organisation=stowarzyszenie-sasiedzi") == ["Zajęcia sportowe"]
    assert _titles(events_app, "?audience=seniors") == ["Warsztaty dla seniorów"]
    assert _titles(events_app, "?audience=families&district=rakow") == ["Piknik sąsiedzki"]
    assert _titles(events_app, "?category=picnic&audience=seniors") == []


def test_from_and_to_take_dates_or_date_times(events_app):
    _world(events_app)
    assert _titles(events_app, "?from=2026-07-01&to=2026-08-03") == ["Warsztaty dla seniorów", "Zajęcia sportowe"]
    assert _titles(events_app, "?to=2026-06-20") == ["Piknik sąsiedzki"]
    assert _titles(events_app, "?from=2026-07-01T11:30:00") == ["Warsztaty dla seniorów", "Zajęcia sportowe",
                                                                 "Forum dzielnicy"]
    assert _titles(events_app, "?from=2026-07-01T12:00:00") == ["Zajęcia sportowe", "Forum dzielnicy"]


def test_text_matches_title_and_description_in_any_letter_case_with_polish_letters(events_app):
    _world(events_app)
    assert _titles(events_app, "?text=SENIORÓW") == ["Warsztaty dla seniorów"]
    assert _titles(events_app, "?text=Sąsiedzki") == ["Piknik sąsiedzki"]
    assert len(_titles(events_app, "?text=WYDATKI")) == 4  # every public event's description has "wydatki"
    assert _titles(events_app, "?text=pikniku") == []  # only in the private meeting's agenda
    assert _titles(events_app, "?text=100%25") == []


def test_text_matches_without_polish_letters_and_the_organiser_and_place(events_app):
    _world(events_app)
    assert _titles(events_app, "?text=seniorow") == ["Warsztaty dla seniorów"]
    assert _titles(events_app, "?text=SASIEDZKI") == ["Piknik sąsiedzki"]
    assert _titles(events_app, "?text=zrodlo") == ["Piknik sąsiedzki", "Warsztaty dla seniorów", "Forum dzielnicy"]
    assert _titles(events_app, "?text=Sąsiedzi") == ["Zajęcia sportowe"]  # the organiser, Stowarzyszenie Sąsiedzi
    assert _titles(events_app, "?text=zbierskiego") == ["Forum dzielnicy"]  # DOSL Ostatni Grosz's address
    assert _titles(events_app, "?text=dosl+ostatni") == ["Forum dzielnicy"]  # its name
    assert _titles(events_app, "?text=partnerów") == []  # the private meeting stays private


def test_bad_filters_are_refused_naming_the_parameter(events_app):
    seed(events_app)
    client = events_app.test_client()
    assert "audience" in client.get("/api/v1/events?audience=aliens").json["errors"]["query"]
    assert "from" in client.get("/api/v1/events?from=wczoraj").json["errors"]["query"]
    assert "district" in client.get("/api/v1/events?district=atlantyda").json["errors"]["query"]


def test_pagination(events_app):
    seed(events_app)
    for day in range(1, 8):
        _post(events_app, title=f"Dzień {day}", starts_at=f"2026-09-0{day}T10:00:00",
              ends_at=f"2026-09-0{day}T11:00:00")
    client = events_app.test_client()
    first = client.get("/api/v1/events?page=1&page_size=3")
    last = client.get("/api/v1/events?page=3&page_size=3")
    assert [e["title"] for e in first.json] == ["Dzień 1", "Dzień 2", "Dzień 3"]
    assert [e["title"] for e in last.json] == ["Dzień 7"]
    assert json.loads(first.headers["X-Pagination"])["total"] == 7
    assert json.loads(first.headers["X-Pagination"])["total_pages"] == 3


def test_polish_text_round_trips_exactly(events_app):
    seed(events_app)
    created = _post(events_app, title="Łódź — spotkanie ąęłńóśźż", description=POLISH, location="ul. Śląska 7; II p.")
    shown = events_app.test_client().get(f"/api/v1/events/{created['id']}").json
    assert (shown["title"], shown["description"], shown["location"]) == (
        "Łódź — spotkanie ąęłńóśźż", POLISH, "ul. Śląska 7; II p.")
    assert "Zażółć" in events_app.test_client().get(f"/api/v1/events/{created['id']}").get_data(as_text=True)


def test_a_partnership_event_is_hidden_from_the_public_but_not_from_its_members(events_app):
    world = seed(events_app)
    deliver(events_app, "meeting.planned", meeting(1, 7))
    client = events_app.test_client()
    event_id = client.get("/api/v1/events").json
    assert event_id == []
    from services.events.models import Event

    with events_app.extensions["osl"].database.session() as session:
        event_id = str(session.query(Event).one().id)
    assert client.get(f"/api/v1/events/{event_id}").status_code == 404
    assert client.get(f"/api/v1/events/{event_id}", headers=world.other).status_code == 404
    assert client.get(f"/api/v1/events/{event_id}", headers=world.own).status_code == 200
    assert client.get(f"/api/v1/events/{event_id}", headers=ADMIN).json["visibility"] == "partnership"
