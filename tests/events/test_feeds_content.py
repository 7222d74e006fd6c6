"""What the feeds hold: scopes, filters, the time window, cancelled events, renamed places, subscribe links."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from services.events.models import Event
from services.messaging.models import utcnow
from tests.events.factories import ADMIN, deliver, district, seed
from tests.events.icaljs import icaljs
from tests.events.icaljs.checks import assert_valid_feed
from tests.events.icaljs.feeds import plan_meeting, post_event, uid, vevents


@pytest.fixture
def world(events_app):
    events_app.config["FEED_RECHECK_SECONDS"] = 0  # see every change at once; test_recheck_* covers the default
    return seed(events_app)


def feed_uids(app, path: str) -> set[str]:
    response = app.test_client().get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return set(vevents(response.data))


def test_scoped_feeds(events_app, world):
    rakow = post_event(events_app)
    grosz = post_event(events_app, district="ostatni-grosz", centre="dosl-ostatni-grosz")
    other = post_event(events_app, headers=world.other, district="ostatni-grosz", centre=None)
    assert feed_uids(events_app, "/feeds/all.ics") == {uid(rakow), uid(grosz), uid(other)}
    assert feed_uids(events_app, "/feeds/districts/rakow.ics") == {uid(rakow)}
    assert feed_uids(events_app, "/feeds/districts/ostatni-grosz.ics") == {uid(grosz), uid(other)}
    assert feed_uids(events_app, "/feeds/centres/dosl-ostatni-grosz.ics") == {uid(grosz)}
    assert feed_uids(events_app, "/feeds/organisations/stowarzyszenie-sasiedzi.ics") == {uid(other)}
    assert feed_uids(events_app, "/feeds/organisations/klub-seniora.ics") == set()
    for path in ("/feeds/districts/nowhere.ics", "/feeds/centres/nowhere.ics", "/feeds/organisations/nowhere.ics"):
        assert events_app.test_client().get(path).status_code == 404, path
    body = events_app.test_client().get("/feeds/districts/rakow.ics").data.decode()
    assert "X-WR-CALNAME:OSL Częstochowa: Raków\r\n" in body


def test_audience_and_category_filters_repeat_and_combine(events_app, world):
    youth_sport = post_event(events_app, audiences=["youth"], category="sport")
    seniors_sport = post_event(events_app, audiences=["seniors"], category="sport")
    youth_culture = post_event(events_app, audiences=["youth", "families"], category="culture")
    seniors_workshop = post_event(events_app, audiences=["seniors"], category="workshop")
    assert feed_uids(events_app, "/feeds/all.ics?audience=youth") == {uid(youth_sport), uid(youth_culture)}
    assert feed_uids(events_app, "/feeds/all.ics?category=sport") == {uid(youth_sport), uid(seniors_sport)}
    assert feed_uids(events_app, "/feeds/all.ics?category=sport&category=workshop") == {
        uid(youth_sport), uid(seniors_sport), uid(seniors_workshop)}
    assert feed_uids(events_app, "/feeds/all.ics?audience=youth&category=sport") == {uid(youth_sport)}
    assert feed_uids(events_app, "/feeds/districts/rakow.ics?audience=families&audience=seniors&category=culture") \
        == {uid(youth_culture)}
    response = events_app.test_client().get("/feeds/all.ics?audience=youth&audience=pets")
    assert response.status_code == 422 and "audience" in response.json["message"] and "pets" in response.json["message"]
    assert events_app.test_client().get("/feeds/all.ics?category=party").status_code == 422


def _set_times(app, event_id: str, days: int, **values) -> None:
    start = utcnow() + timedelta(days=days)
    with app.extensions["osl"].database.session() as session:
        session.execute(update(Event).where(Event.id == uuid.UUID(event_id)).values(
            starts_at=start, ends_at=start + timedelta(hours=2), vevent=None, updated_at=utcnow(), **values))


def test_window_from_90_days_back_to_2_years_ahead(events_app, world):
    ids = {name: post_event(events_app) for name in ("old", "recent", "soon", "far", "weekly", "ended_series")}
    _set_times(events_app, ids["old"], -92)
    _set_times(events_app, ids["recent"], -88)
    _set_times(events_app, ids["soon"], 700)
    _set_times(events_app, ids["far"], 740)
    _set_times(events_app, ids["weekly"], -400, rrule="FREQ=WEEKLY")
    _set_times(events_app, ids["ended_series"], -400, rrule="FREQ=WEEKLY;COUNT=20")
    assert feed_uids(events_app, "/feeds/all.ics") == {uid(ids[name]) for name in ("recent", "soon", "weekly")}


def test_window_is_configurable(events_app, world):
    event_id = post_event(events_app)
    _set_times(events_app, event_id, -20)
    assert uid(event_id) in feed_uids(events_app, "/feeds/all.ics")
    events_app.config["FEED_PAST_DAYS"] = 10
    assert feed_uids(events_app, "/feeds/all.ics") == set()


def test_cancelled_event_stays_30_days_with_the_same_uid_a_higher_sequence_and_status_cancelled(events_app, world):
    event_id = post_event(events_app)
    client = events_app.test_client()
    before = vevents(client.get("/feeds/all.ics").data)[uid(event_id)]
    assert str(before["STATUS"]) == "CONFIRMED" and before["SEQUENCE"] == 0
    assert client.delete(f"/api/v1/events/{event_id}", headers=ADMIN).status_code == 200
    response = client.get("/feeds/all.ics")
    after = vevents(response.data)[uid(event_id)]
    assert str(after["STATUS"]) == "CANCELLED" and after["SEQUENCE"] > before["SEQUENCE"]
    assert str(after["SUMMARY"]) == str(before["SUMMARY"])  # no "[Cancelled]" prefix in the title
    [read] = assert_valid_feed(response.data, icaljs())["events"]
    assert (read["uid"], read["status"], read["sequence"]) == (uid(event_id), "CANCELLED", after["SEQUENCE"])
    _set_times(events_app, event_id, -28)
    assert uid(event_id) in feed_uids(events_app, "/feeds/all.ics")
    _set_times(events_app, event_id, -32)
    assert feed_uids(events_app, "/feeds/all.ics") == set()


def test_a_renamed_district_is_rendered_again(events_app, world):
    event_id = post_event(events_app)
    client = events_app.test_client()
    first = client.get("/feeds/districts/rakow.ics")
    assert "Dzielnica: Raków" in str(vevents(first.data)[uid(event_id)]["DESCRIPTION"])
    deliver(events_app, "district.updated", district(1, "Raków Nowy", "rakow", version=2))
    second = client.get("/feeds/districts/rakow.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert "Dzielnica: Raków Nowy" in str(vevents(second.data)[uid(event_id)]["DESCRIPTION"])
    assert "X-WR-CALNAME:OSL Częstochowa: Raków Nowy\r\n" in second.data.decode()


def test_event_properties_in_the_feed(events_app, world):
    event_id = post_event(events_app, url="https://zrodlo.example/warsztaty", audiences=["adults", "seniors"])
    event = vevents(events_app.test_client().get("/feeds/all.ics").data)[uid(event_id)]
    page = f"https://osl.localhost/events/{event_id}"
    assert "Strona organizatora: https://zrodlo.example/warsztaty" in str(event["DESCRIPTION"])
    assert str(event["DESCRIPTION"]).endswith(f"\n\n{page}")  # the event's web page, not the .ics file
    assert str(event["URL"]) == page
    assert event["DTSTART"].params["TZID"] == "Europe/Warsaw" and event["DTSTART"].dt.hour == 10
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Warsztaty", "Dorośli", "Seniorzy"]
    assert event["ORGANIZER"].params["CN"] == "Fundacja Źródło"
    assert str(event["LOCATION"]) == "OSL Raków, ul. Łukasińskiego 40, Częstochowa"
    assert event["GEO"].latitude == 50.79 and event["GEO"].longitude == 19.14
    assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt


def test_meeting_events_are_only_in_the_private_feed(events_app, world):
    meeting_id = plan_meeting(events_app, 503)
    assert uid(meeting_id) not in feed_uids(events_app, "/feeds/all.ics")
    assert uid(meeting_id) not in feed_uids(events_app, "/feeds/districts/ostatni-grosz.ics")


def test_api_lists_the_public_feeds_with_subscribe_links(events_app, world):
    response = events_app.test_client().get("/api/v1/feeds?audience=youth&category=sport")
    assert response.status_code == 200
    feeds = {(feed["kind"], feed["slug"]): feed for feed in response.json}
    assert set(feeds) == {("all", None), ("district", "rakow"), ("district", "ostatni-grosz"),
                          ("centre", "osl-rakow"), ("centre", "dosl-ostatni-grosz"),
                          ("organisation", "fundacja-zrodlo"), ("organisation", "stowarzyszenie-sasiedzi"),
                          ("organisation", "klub-seniora")}
    rakow = feeds[("district", "rakow")]
    assert rakow["url"] == "http://localhost/feeds/districts/rakow.ics?audience=youth&category=sport"
    assert rakow["links"]["webcal"] == "webcal://localhost/feeds/districts/rakow.ics?audience=youth&category=sport"
    assert rakow["links"]["google"].startswith("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F")
    assert rakow["links"]["outlook"].startswith("https://outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2F")
    assert events_app.test_client().get(rakow["url"].removeprefix("http://localhost")).status_code == 200
    assert events_app.test_client().get("/api/v1/feeds?audience=pets").status_code == 422
    spec = events_app.test_client().get("/openapi.json").json
    assert "/api/v1/feeds" in spec["paths"] and "get" in spec["paths"]["/api/v1/feeds"]


@pytest.mark.traceback_expected
@pytest.mark.parametrize("rule", ["NOT A RULE", "FREQ=WEEKLY;BYDAY=XX"])
def test_a_stored_rule_that_cannot_be_rendered_does_not_break_the_feed(events_app, world, rule):
    good, bad = post_event(events_app), post_event(events_app)
    _set_times(events_app, bad, 3, rrule=rule)
    response = events_app.test_client().get("/feeds/all.ics")
    assert response.status_code == 200
    shown = vevents(response.data)
    assert set(shown) == {uid(good), uid(bad)} and "RRULE" not in shown[uid(bad)]
    assert_valid_feed(response.data, icaljs())
