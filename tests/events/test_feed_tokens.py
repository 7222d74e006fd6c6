"""The private feed URL of a partnership: for an administrator or the coordinator, rotatable."""

from services.events.models import PartnershipFeedToken
from tests.events.factories import ADMIN, seed


def _stored_token(app) -> str:
    with app.extensions["osl"].database.session() as session:
        return session.get(PartnershipFeedToken, 7).token


def test_the_coordinator_gets_a_stable_url_until_it_is_rotated(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    first = client.get("/api/v1/partnerships/7/feed-token", headers=world.own)
    assert first.status_code == 200, first.json
    token = _stored_token(events_app)
    assert len(token) >= 32
    assert first.json["url"] == f"http://localhost/feeds/partnerships/7.ics?token={token}"
    assert client.get("/api/v1/partnerships/7/feed-token", headers=ADMIN).json["url"] == first.json["url"]
    rotated = client.post("/api/v1/partnerships/7/feed-token/rotate", headers=world.admin_key)
    assert rotated.status_code == 200
    assert rotated.json["url"] != first.json["url"]
    assert _stored_token(events_app) != token
    assert rotated.json["url"].endswith(_stored_token(events_app))


def test_others_get_no_feed_url(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    assert client.get("/api/v1/partnerships/7/feed-token").status_code == 401
    assert client.get("/api/v1/partnerships/7/feed-token", headers=world.revoked).status_code == 401
    assert client.get("/api/v1/partnerships/7/feed-token", headers=world.other).status_code == 403
    assert client.post("/api/v1/partnerships/7/feed-token/rotate", headers=world.other).status_code == 403
    assert client.get("/api/v1/partnerships/99/feed-token", headers=ADMIN).status_code == 404


def test_the_public_base_url_is_used_when_configured(events_app):
    world = seed(events_app)
    events_app.config["PUBLIC_BASE_URL"] = "https://osl.example.org/"
    url = events_app.test_client().get("/api/v1/partnerships/7/feed-token", headers=world.own).json["url"]
    assert url.startswith("https://osl.example.org/feeds/partnerships/7.ics?token=")
