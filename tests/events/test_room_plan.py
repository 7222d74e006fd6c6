"""The centre page's week room plan: what is on in which room, and what is free, on a phone, in both languages."""

import pytest

from tests.events.factories import seed
from tests.events.rooms import add_room, book, fixed_clock  # noqa: F401 (a fixture)
from tests.ui.pagecheck import assert_accessible_page, html

pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.fixture
def client(events_app):
    world = seed(events_app)
    add_room(events_app, id=1, bookable_hours={"MO": ["10:00-18:00"], "TH": ["10:00-18:00"]})
    add_room(events_app, id=2, buffer_minutes=0, capacity=None, step_free=False,
             bookable_hours={"TH": ["09:00-12:00"]})
    client = events_app.test_client()
    assert book(client, headers=world.own, title="Klub seniora", visibility="public",
                starts_at="2027-11-08T12:00:00", ends_at="2027-11-08T14:00:00").status_code == 201
    assert book(client, title="Dyżur MOPS", starts_at="2027-11-08T16:00:00",
                ends_at="2027-11-08T17:00:00").status_code == 201
    return client


def test_the_week_plan_shows_each_rooms_bookings_free_time_and_holidays(client):
    page = html(client, "/centres/osl-rakow?week=2027-11-10")
    assert "Sale: tydzień od poniedziałku, 8 listopada 2027" in page  # after "od", the genitive
    monday = page[page.index("poniedziałek, 8 listopada"):page.index("wtorek, 9 listopada")]
    assert '12:00–14:00</span> Klub seniora' in monday and '16:00–17:00</span> zajęte' in monday
    assert "Dyżur" not in page
    # Free, when a new booking fits: 15 minutes of buffer after each booking and 15 before the new one.
    assert '10:00–11:30</span>, <span class="nowrap">14:30–15:30</span>, <span class="nowrap">17:30–18:00' \
        in monday
    # 11 November is a public holiday: both rooms closed.
    assert page.count("czwartek, 11 listopada 2027:</strong>\n    święto, zamknięte") == 2
    assert "brak wolnego czasu" in page


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_centre_page_with_rooms_is_accessible_in_both_languages(client, lang):
    page = html(client, "/centres/osl-rakow?week=2027-11-08", lang=lang)
    assert_accessible_page(page, lang)
    if lang == "en":
        assert "Rooms: the week from Monday, 8 November 2027" in page and "public holiday, closed" in page


def test_the_centres_rooms_are_in_polish_alphabetical_order_on_both_databases(events_app):
    """The one Polish order (services/ui/naming.py) after the query, not the database's collation."""
    seed(events_app)
    for room_id, name in [(1, "Zielona sala"), (2, "Świetlica"), (3, "Aula"), (4, "Sala 2")]:
        add_room(events_app, id=room_id, name=name)
    page = html(events_app.test_client(), "/centres/osl-rakow?week=2027-11-08")
    shown = [name for name in ("Aula", "Sala 2", "Świetlica", "Zielona sala") if f"<h3>{name}</h3>" in page]
    assert len(shown) == 4
    assert sorted(shown, key=lambda name: page.index(f"<h3>{name}</h3>")) == ["Aula", "Sala 2", "Świetlica",
                                                                               "Zielona sala"]
