"""A repeating event's page says the series in words and lists the next dates, a left-out one struck through."""

from datetime import timedelta

from services.calendar.times import WARSAW
from services.messaging.models import utcnow
from tests.events.factories import ADMIN, event_body, seed


def test_a_weekly_series_page_says_it_in_words_with_the_next_dates(events_app):
    seed(events_app)
    client = events_app.test_client()
    tuesday = (utcnow().astimezone(WARSAW) + timedelta(days=7 - utcnow().astimezone(WARSAW).weekday() + 1)).date()
    skipped = tuesday + timedelta(days=7)
    body = event_body(organisation="fundacja-zrodlo", starts_at=f"{tuesday}T17:00:00", ends_at=f"{tuesday}T19:00:00",
                      rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=6", exdates=[f"{skipped}T17:00:00"])
    event = client.post("/api/v1/events", json=body, headers=ADMIN).json
    html = client.get(f"/events/{event['id']}", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "W każdy wtorek, <span class=\"nowrap\">17:00–19:00</span>, od" in html
    assert html.count("<li>") >= 5 and html.count("<del>") == 1
    assert "(odwołane)" in html
