"""The calendar core's registration rule and its words for the places left, in Polish and English."""

import pytest

from services.calendar.registration import places_words, takes_registrations


@pytest.mark.parametrize(("visibility", "status", "registration", "taken"), [
    ("public", "scheduled", {"required": True, "capacity": None, "url": None}, True),
    ("public", "scheduled", {"required": False, "capacity": 20, "url": None}, True),
    ("public", "scheduled", {"required": True, "capacity": 20, "url": "https://zapisy.example.org"}, False),
    ("public", "scheduled", {"required": False, "capacity": None, "url": None}, False),
    ("public", "cancelled", {"required": True, "capacity": 20, "url": None}, False),
    ("partnership", "scheduled", {"required": True, "capacity": 20, "url": None}, False),
    ("public", "scheduled", None, False),
])
def test_which_events_take_registrations_here(visibility, status, registration, taken):
    assert takes_registrations(visibility, status, registration) is taken


@pytest.mark.parametrize(("capacity", "confirmed", "waiting", "polish", "english"), [
    (20, 8, 0, "zostało 12 z 20 miejsc", "12 of 20 places left"),
    (20, 18, 0, "zostały 2 z 20 miejsc", "2 of 20 places left"),
    (30, 8, 0, "zostały 22 z 30 miejsc", "22 of 30 places left"),
    (20, 7, 0, "zostało 13 z 20 miejsc", "13 of 20 places left"),
    (1, 0, 0, "zostało 1 z 1 miejsca", "1 of 1 place left"),
    (20, 20, 0, "brak miejsc (z 20): lista rezerwowa", "no places left (of 20): waiting list"),
    (20, 25, 0, "brak miejsc (z 20): lista rezerwowa", "no places left (of 20): waiting list"),
    (20, 19, 2, "brak miejsc (z 20): lista rezerwowa", "no places left (of 20): waiting list"),
    (None, 40, 0, "są wolne miejsca", "places available"),
])
def test_places_in_words(capacity, confirmed, waiting, polish, english):
    assert places_words(capacity, confirmed, waiting, "pl") == polish
    assert places_words(capacity, confirmed, waiting, "en") == english
