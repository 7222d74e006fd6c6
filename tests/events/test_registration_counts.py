"""Places left from notify's registration.counts messages: on the event page and in the feed's DESCRIPTION, with
where to register, on SQLite and PostgreSQL. Counts only: no name ever reaches the events service."""

from datetime import date

from services.messaging.envelope import Envelope
from tests.events.factories import event_body, seed

NEXT_YEAR = date.today().year + 1
NOTIFY = "https://osl.example"


def counts(event_id: str, version: int, confirmed: int, waiting: int = 0, capacity: int | None = 20,
           occurrence: str = "") -> dict:
    return {"event_id": event_id, "occurrence": occurrence, "version": version, "capacity": capacity,
            "confirmed": confirmed, "waiting": waiting}


def deliver_counts(app, data: dict) -> None:
    with app.extensions["osl"].database.session() as session:
        app.extensions["osl"].handlers["notify"](session, Envelope.new("registration.counts", data))


def workshop(app, **changes) -> str:
    world = seed(app)
    body = event_body(title="Warsztaty z trenerem", starts_at=f"{NEXT_YEAR}-03-14T10:00:00",
                      ends_at=f"{NEXT_YEAR}-03-14T12:00:00",
                      **{"registration": {"required": True, "capacity": 20}, **changes})
    response = app.test_client().post("/api/v1/events", json=body, headers=world.own)
    assert response.status_code == 201, response.json
    return response.json["id"]


def description(app, event_id: str) -> str:
    text = app.test_client().get(f"/events/{event_id}.ics").get_data(as_text=True)
    unfolded = text.replace("\r\n ", "")
    vevent = unfolded[unfolded.index("BEGIN:VEVENT"):]
    return vevent[vevent.index("DESCRIPTION:"):].split("\r\n", 1)[0]


def test_the_page_and_the_feed_show_places_left_and_where_to_register(events_app):
    events_app.config.update(NOTIFY_URL=NOTIFY, FEED_RECHECK_SECONDS=0)
    event_id = workshop(events_app)
    page = events_app.test_client().get(f"/events/{event_id}")
    assert "Zostało 20 z 20 miejsc" in page.text
    assert f'href="{NOTIFY}/registrations/events/{event_id}"' in page.text
    assert "zostało 20 z 20 miejsc" in description(events_app, event_id)

    deliver_counts(events_app, counts(event_id, 8, confirmed=8))
    assert "Zostało 12 z 20 miejsc" in events_app.test_client().get(f"/events/{event_id}").text
    said = description(events_app, event_id)
    assert "zostało 12 z 20 miejsc" in said and f"{NOTIFY}/registrations/events/{event_id}" in said
    # One "Zapisy" line, saying the form once: "Zapisy: …; zapisy: <url>" said it twice.
    assert f"miejsc\\; formularz zapisu: {NOTIFY}/registrations/events/{event_id}" in said, said
    english = events_app.test_client().get(f"/events/{event_id}?lang=en")
    assert "12 of 20 places left" in english.text

    deliver_counts(events_app, counts(event_id, 30, confirmed=20, waiting=3))
    assert "lista rezerwowa" in events_app.test_client().get(f"/events/{event_id}").text
    assert "lista rezerwowa" in description(events_app, event_id)
    deliver_counts(events_app, counts(event_id, 29, confirmed=5))  # late and older: ignored
    assert "lista rezerwowa" in description(events_app, event_id)


def test_a_series_registered_per_date_says_so_and_an_outside_link_stays_as_it_was(events_app):
    events_app.config.update(NOTIFY_URL=NOTIFY, FEED_RECHECK_SECONDS=0)
    event_id = workshop(events_app, rrule="FREQ=WEEKLY;COUNT=5")
    # One date's count alone is that date's, not the series' (the page said "zostało 19 z 20 miejsc" from it).
    deliver_counts(events_app, counts(event_id, 1, confirmed=1, occurrence=f"{NEXT_YEAR}-03-14T09:00:00+00:00"))
    assert "na każdy termin osobno" in description(events_app, event_id)
    assert "Zapisy na każdy termin osobno" in events_app.test_client().get(f"/events/{event_id}").text
    deliver_counts(events_app, counts(event_id, 1, confirmed=2, occurrence=f"{NEXT_YEAR}-03-21T09:00:00+00:00"))
    assert "na każdy termin osobno" in description(events_app, event_id)
    assert "Zapisy na każdy termin osobno" in events_app.test_client().get(f"/events/{event_id}").text


def test_the_counts_message_carries_numbers_only():
    from services.messaging.registry import message_type

    fields = set(message_type("registration.counts").schema.fields)
    assert fields == {"event_id", "occurrence", "version", "capacity", "confirmed", "waiting"}


def test_a_whole_series_says_its_places_from_the_start(events_app):
    """notify sends the whole series' counts when the organiser sets it whole, before anyone registers: the page and
    the feed say its places, not "each date separately"."""
    events_app.config.update(NOTIFY_URL=NOTIFY, FEED_RECHECK_SECONDS=0)
    event_id = workshop(events_app, rrule="FREQ=WEEKLY;COUNT=5")
    deliver_counts(events_app, counts(event_id, 1, confirmed=0))
    page = events_app.test_client().get(f"/events/{event_id}").text
    assert "Zostało 20 z 20 miejsc" in page and "każdy termin osobno" not in page
    assert "zostało 20 z 20 miejsc" in description(events_app, event_id)
