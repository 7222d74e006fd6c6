"""The private feed URL of a partnership: for an administrator or the coordinator, rotatable."""

import pytest

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


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_private_feed_has_subscribe_links_and_a_page_for_the_members(events_app, lang):
    from urllib.parse import quote

    from tests.ui.pagecheck import assert_accessible_page

    world = seed(events_app)
    client = events_app.test_client()
    answer = client.get("/api/v1/partnerships/7/feed-token", headers=world.own).json
    url = answer["url"]
    webcal = "webcal://" + url.split("://", 1)[1]
    assert answer["links"]["https"] == url and answer["links"]["webcal"] == webcal
    assert answer["links"]["google"] == "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    outlook = "https://outlook.live.com/calendar/0/addfromweb?url=" + quote(url, safe="")
    assert answer["links"]["outlook"].startswith(outlook)
    assert "name=OSL%20Cz%C4%99stochowa%3A%20Partnerstwo%20Lokalne%20Ostatni%20Grosz" in answer["links"]["outlook"]
    page = client.get(answer["page"].replace("http://localhost", "") + f"&lang={lang}")
    assert page.status_code == 200
    assert_accessible_page(page.text, lang)
    assert f'value="{url}"' in page.text and f'href="{webcal}"' in page.text
    assert page.headers["X-Robots-Tag"] == "noindex" and page.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page.headers["Cache-Control"]
    assert client.get("/partnerships/7/calendar?token=wrong").status_code == 404
    assert client.get("/partnerships/7/calendar").status_code == 404
    client.post("/api/v1/partnerships/7/feed-token/rotate", headers=world.own)
    assert client.get(answer["page"].replace("http://localhost", "")).status_code == 404  # the old page is gone too
