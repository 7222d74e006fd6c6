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
    assert "W każdy wtorek, <span class=\"nowrap\">17:00–19:00,</span> od" in html
    assert html.count("<li>") >= 5 and html.count("<del>") == 1
    assert "(odwołane)" in html


def test_a_stored_rule_that_ends_before_it_starts_shows_one_date_not_a_series(events_app):
    """Saved before UNTIL was checked: the page said "od 1 grudnia do 1 grudnia" and "To wydarzenie się powtarza"."""
    from sqlalchemy import update

    from services.events.models import Event

    seed(events_app)
    client = events_app.test_client()
    body = event_body(organisation="fundacja-zrodlo", starts_at="2026-12-01T17:00:00", ends_at="2026-12-01T19:00:00",
                      rrule="FREQ=WEEKLY;BYDAY=TU")
    event = client.post("/api/v1/events", json=body, headers=ADMIN).json
    with events_app.extensions["osl"].database.session() as session:  # as a row written before the check
        session.execute(update(Event).where(Event.id == Event.id.type.python_type(event["id"]))
                        .values(rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20261101T235959", vevent=None))
    html = client.get(f"/events/{event['id']}", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "wtorek, 1 grudnia" in html
    assert "się powtarza" not in html and "W każdy wtorek" not in html and "next-dates" not in html
