"""The feeds over HTTP: headers, ETag/Last-Modified and 304, gzip, HEAD, caching, and the private feed's token."""

import gzip
import math
import time

import pytest
from sqlalchemy import select

from services.events.feeds.views import GATEWAY_HEADER
from services.events.models import Event
from tests.events.factories import ADMIN, ANY_VERSION, seed
from tests.events.icaljs import icaljs
from tests.events.icaljs.checks import assert_valid_feed
from tests.events.icaljs.feeds import plan_meeting, post_event, uid, vevents

FEED_CACHE_TOKEN = "the-gateways-feed-cache-token"


@pytest.fixture
def world(events_app):
    events_app.config["FEED_RECHECK_SECONDS"] = 0  # see every change at once; test_recheck_* covers the default
    events_app.config["FEED_CACHE_TOKEN"] = FEED_CACHE_TOKEN  # what the gateway and the app share
    return seed(events_app)


def test_feed_headers_and_a_valid_body(events_app, world):
    event_id = post_event(events_app)
    response = events_app.test_client().get("/feeds/all.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["ETag"].startswith('W/"') and response.headers["Last-Modified"]
    assert "Content-Encoding" not in response.headers
    assert list(vevents(response.data)) == [uid(event_id)]
    assert_valid_feed(response.data, icaljs())


def test_rendered_vevent_is_stored_and_reused(events_app, world):
    event_id = post_event(events_app)
    events_app.test_client().get("/feeds/all.ics")
    with events_app.extensions["osl"].database.session() as session:
        stored = session.scalars(select(Event.vevent)).one()
        assert stored.startswith("BEGIN:VEVENT\r\n") and f"UID:{uid(event_id)}" in stored
        # Proof the feed joins what is stored: a marker put in the stored text shows up in the next build.
        session.execute(Event.__table__.update().values(vevent=stored.replace("SUMMARY:", "SUMMARY:Zapisane ")))
    events_app.extensions["events_feed_cache"].clear()
    assert b"SUMMARY:Zapisane Warsztaty" in events_app.test_client().get("/feeds/all.ics").data


def test_if_none_match_and_if_modified_since_give_304(events_app, world):
    post_event(events_app)
    client = events_app.test_client()
    first = client.get("/feeds/all.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    not_modified = client.get("/feeds/all.ics", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    assert client.get("/feeds/all.ics", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/feeds/all.ics", headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_a_change_gives_a_new_etag_and_the_new_content(events_app, world):
    event_id = post_event(events_app)
    client = events_app.test_client()
    etag = client.get("/feeds/all.ics").headers["ETag"]
    response = client.patch(f"/api/v1/events/{event_id}", json={"title": "Nowy tytuł"},
                            headers={**ADMIN, **ANY_VERSION})
    assert response.status_code == 200, response.get_data(as_text=True)
    changed = client.get("/feeds/all.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    event = vevents(changed.data)[uid(event_id)]
    assert str(event["SUMMARY"]) == "Nowy tytuł" and event["SEQUENCE"] == 1


def test_gzip_when_accepted(events_app, world):
    for days in range(3):
        post_event(events_app, days=days + 1)
    client = events_app.test_client()
    plain = client.get("/feeds/all.ics")
    zipped = client.get("/feeds/all.ics", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(zipped.data) == plain.data and len(zipped.data) < len(plain.data)
    assert zipped.headers["ETag"] == plain.headers["ETag"]
    refused = client.get("/feeds/all.ics", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.data == plain.data


def test_head_gives_the_headers_without_a_body(events_app, world):
    post_event(events_app)
    client = events_app.test_client()
    get, head = client.get("/feeds/all.ics"), client.head("/feeds/all.ics")
    assert head.status_code == 200 and head.data == b""
    for name in ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Content-Length"):
        assert head.headers[name] == get.headers[name], name


def test_private_feed_needs_its_token(events_app, world):
    public_id = post_event(events_app)
    private_id = plan_meeting(events_app, 501)
    client = events_app.test_client()
    url = client.get("/api/v1/partnerships/7/feed-token", headers=ADMIN).json["url"]
    path, token = url.split("localhost", 1)[1].split("?token=")
    assert path == "/feeds/partnerships/7.ics"
    response = client.get(f"{path}?token={token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] in ("private, max-age=300", "max-age=300, private")
    assert list(vevents(response.data)) == [uid(private_id)]
    assert uid(private_id) not in vevents(client.get("/feeds/all.ics").data)
    assert list(vevents(client.get("/feeds/all.ics").data)) == [uid(public_id)]
    for wrong in ("", "?token=", f"?token={token[:-1]}x", "?token=nope"):
        assert client.get(f"{path}{wrong}").status_code == 404, wrong
    assert client.get(f"/feeds/partnerships/8.ics?token={token}").status_code == 404
    client.post("/api/v1/partnerships/7/feed-token/rotate", headers=ADMIN)
    assert client.get(f"{path}?token={token}").status_code == 404


def test_single_event_feed(events_app, world):
    event_id = post_event(events_app)
    private_id = plan_meeting(events_app, 502)
    client = events_app.test_client()
    response = client.get(f"/events/{event_id}.ics")
    assert response.status_code == 200 and list(vevents(response.data)) == [uid(event_id)]
    assert_valid_feed(response.data, icaljs())
    assert client.get(f"/events/{private_id}.ics").status_code == 404
    assert client.get("/events/00000000-0000-4000-8000-000000000000.ics").status_code == 404
    assert client.get(f"/events/{event_id}.ics", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_recheck_seconds_serve_cached_bytes_without_asking_the_database(events_app, world):
    event_id = post_event(events_app)
    client = events_app.test_client()
    events_app.config["FEED_RECHECK_SECONDS"] = 3600
    first = client.get("/feeds/all.ics")
    client.patch(f"/api/v1/events/{event_id}", json={"title": "Nowy tytuł"}, headers={**ADMIN, **ANY_VERSION})
    assert client.get("/feeds/all.ics").data == first.data  # within the recheck time: the cached bytes
    assert client.get("/feeds/all.ics?category=workshop").data != first.data  # another URL asks the database
    events_app.config["FEED_RECHECK_SECONDS"] = 0
    assert str(vevents(client.get("/feeds/all.ics").data)[uid(event_id)]["SUMMARY"]) == "Nowy tytuł"


GATEWAY = {GATEWAY_HEADER: FEED_CACHE_TOKEN}


def test_the_gateway_asks_the_database_and_may_keep_the_answer_only_until_the_recheck_time(events_app, world):
    """The caching gateway (deploy/nginx) is the per-URL memory in front: what it asks, the app asks its database,
    and it may keep the answer up to the last whole second before FEED_RECHECK_SECONDS from now."""
    event_id = post_event(events_app)
    client = events_app.test_client()
    events_app.config["FEED_RECHECK_SECONDS"] = 5
    first = client.get("/feeds/all.ics")
    assert first.headers["X-Accel-Expires"] == "0"  # not asked by the gateway: not to be kept
    client.patch(f"/api/v1/events/{event_id}", json={"title": "Nowy tytuł"}, headers={**ADMIN, **ANY_VERSION})
    assert client.get("/feeds/all.ics").data == first.data  # a plain reader within the recheck time: cached bytes
    before = time.time()
    through_gateway = client.get("/feeds/all.ics", headers=GATEWAY)
    after = time.time()
    assert str(vevents(through_gateway.data)[uid(event_id)]["SUMMARY"]) == "Nowy tytuł"
    until = through_gateway.headers["X-Accel-Expires"]
    assert until.startswith("@")
    # nginx keeps it through the second ``until``: that second ends within the recheck time of the question.
    assert math.floor(before) + 3 <= int(until[1:]) and int(until[1:]) + 1 <= after + 5
    revalidated = client.get("/feeds/all.ics", headers={**GATEWAY, "If-None-Match": through_gateway.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.headers["X-Accel-Expires"].startswith("@")
    events_app.config["FEED_RECHECK_SECONDS"] = 0.5  # shorter than nginx's second: kept only if this one ends first
    short = client.get("/feeds/all.ics", headers=GATEWAY).headers["X-Accel-Expires"]
    assert short == "0" or int(short.removeprefix("@")) + 1 <= time.time() + 0.5
    events_app.config["FEED_RECHECK_SECONDS"] = 0
    assert client.get("/feeds/all.ics", headers=GATEWAY).headers["X-Accel-Expires"] == "0"


@pytest.mark.parametrize("sent", ["nginx", "the-gateways-feed-cache-tokeN", "the-gateways-feed-cache-token2", ""])
@pytest.mark.parametrize("configured", [FEED_CACHE_TOKEN, ""])
def test_the_gateways_header_without_its_token_is_any_readers_request(events_app, world, sent, configured):
    """X-OSL-Feed-Cache with a wrong token, or any value when the app has no FEED_CACHE_TOKEN, is a plain client's:
    served the cached bytes within the recheck time (no version query) and not to be kept by a cache."""
    event_id = post_event(events_app)
    events_app.config.update(FEED_RECHECK_SECONDS=3600, FEED_CACHE_TOKEN=configured)
    client = events_app.test_client()
    first = client.get("/feeds/all.ics")
    client.patch(f"/api/v1/events/{event_id}", json={"title": "Nowy tytuł"}, headers={**ADMIN, **ANY_VERSION})
    spoofed = client.get("/feeds/all.ics", headers={GATEWAY_HEADER: sent})
    assert spoofed.data == first.data  # the per-worker cache, as for any reader: the database was not asked
    assert spoofed.headers["X-Accel-Expires"] == "0"


def test_the_gateways_header_with_its_token_asks_the_database(events_app, world):
    event_id = post_event(events_app)
    events_app.config["FEED_RECHECK_SECONDS"] = 3600
    client = events_app.test_client()
    first = client.get("/feeds/all.ics")
    client.patch(f"/api/v1/events/{event_id}", json={"title": "Nowy tytuł"}, headers={**ADMIN, **ANY_VERSION})
    through_gateway = client.get("/feeds/all.ics", headers=GATEWAY)
    assert through_gateway.data != first.data
    assert str(vevents(through_gateway.data)[uid(event_id)]["SUMMARY"]) == "Nowy tytuł"
    assert through_gateway.headers["X-Accel-Expires"].startswith("@")


def test_the_gateway_never_keeps_a_private_feed_and_keeps_a_room_feed_no_longer_than_an_event_feed(events_app,
                                                                                                    world):
    plan_meeting(events_app, 504)
    events_app.config["FEED_RECHECK_SECONDS"] = 5
    client = events_app.test_client()
    token = client.get("/api/v1/partnerships/7/feed-token", headers=ADMIN).json["url"].split("?token=")[1]
    private = client.get(f"/feeds/partnerships/7.ics?token={token}", headers=GATEWAY)
    assert private.status_code == 200 and private.headers["X-Accel-Expires"] == "0"
    # A room feed is built on every request; behind the gateway it is kept no longer than an event feed.
    room_feed = client.get("/feeds/centres/osl-rakow/freebusy.ics", headers=GATEWAY)
    assert room_feed.status_code == 200 and room_feed.headers["X-Accel-Expires"].startswith("@")
    assert client.get("/feeds/centres/osl-rakow/freebusy.ics").headers["X-Accel-Expires"] == "0"


def test_a_wrong_token_is_refused_even_while_the_right_one_is_cached(events_app, world):
    plan_meeting(events_app, 504)
    events_app.config["FEED_RECHECK_SECONDS"] = 3600
    client = events_app.test_client()
    token = client.get("/api/v1/partnerships/7/feed-token", headers=ADMIN).json["url"].split("?token=")[1]
    assert client.get(f"/feeds/partnerships/7.ics?token={token}").status_code == 200
    assert client.get("/feeds/partnerships/7.ics?token=wrong").status_code == 404
    assert client.get("/feeds/partnerships/7.ics").status_code == 404
