"""An address a person opens that no page takes, or whose query a guard refuses, answers with the one Polish page
(ui/not_found.html, ui/problem.html), as every other page does; the API under /api/ keeps its JSON."""

import uuid

import pytest

from tests.ui.pagecheck import BROWSER_ACCEPT

NOT_FOUND = "Nie znaleźliśmy tej strony"
#: What every browser asks for; a client that asks for no HTML gets the API's JSON (tests/messaging/test_web.py).
BROWSER = {"Accept": BROWSER_ACCEPT}


def _html(response, status: int) -> str:
    assert (response.status_code, response.mimetype) == (status, "text/html")
    html = response.get_data(as_text=True)
    assert '<html lang="pl">' in html and "Not Found" not in html
    return html


@pytest.mark.parametrize("path", ["/events/not-a-uuid", "/no-such-page"])
def test_an_address_no_events_page_takes_is_the_polish_not_found_page(events_app, path):
    html = _html(events_app.test_client().get(path, headers=BROWSER), 404)
    assert NOT_FOUND in html and "Zobacz, co się dzieje" in html


@pytest.mark.parametrize("path", [f"/registrations/events/{uuid.UUID(int=404)}", "/registrations/events/not-a-uuid"])
def test_registering_for_an_unknown_event_is_the_polish_not_found_page(notify_app, path):
    html = _html(notify_app.test_client().get(path, headers=BROWSER), 404)
    assert NOT_FOUND in html and "http://127.0.0.1:8002/" in html  # back to what is on, at events


def test_a_control_character_in_a_pages_query_is_a_polish_problem_page(events_app):
    html = _html(events_app.test_client().get("/?text=%00", headers=BROWSER), 422)
    assert "To się nie udało" in html and "control characters" not in html


def test_the_api_keeps_answering_json(events_app, notify_app):
    for client, path in ((events_app.test_client(), "/api/v1/events/not-a-uuid"),
                         (events_app.test_client(), "/api/v1/nothing"),
                         (notify_app.test_client(), f"/api/v1/registrations/{uuid.uuid4()}")):
        response = client.get(path, headers=BROWSER)
        assert (response.status_code, response.mimetype) == (404, "application/json"), path
    refused = events_app.test_client().get("/api/v1/events/?text=%00", headers=BROWSER)
    assert refused.status_code == 422 and refused.get_json()["errors"] == {
        "query": {"text": ["A query value may not contain control characters."]}}


def test_a_client_that_asks_for_no_html_gets_json_on_a_page_address_too(events_app):
    for path, status in (("/no-such-page", 404), ("/?text=%00", 422)):
        response = events_app.test_client().get(path, headers={"Accept": "application/json"})
        assert (response.status_code, response.mimetype) == (status, "application/json"), path
