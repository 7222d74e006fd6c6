"""Words on the public event pages: the audience filter's "any" choice is not the audience "everyone", the places
left start their own sentence and say the number of places once, and a sign-up elsewhere says only where it is."""

import re

import pytest

from tests.events.factories import seed
from tests.events.test_registration_counts import NOTIFY, workshop
from tests.ui.pagecheck import words


@pytest.mark.parametrize(("lang", "anyone", "everyone"), [("pl", "Każda grupa", "Wszyscy"),
                                                          ("en", "Any group", "Everyone")])
def test_the_audience_filters_any_choice_differs_from_the_audience_everyone(events_app, lang, anyone, everyone):
    seed(events_app)
    page = events_app.test_client().get(f"/?lang={lang}").text
    audience = re.search(r'<select id="filter-audience".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", audience)
    assert options[0] == anyone and everyone in options


def registration_words(app, event_id: str) -> str:
    """What the event page's "Registration" part says, as read aloud."""
    page = app.test_client().get(f"/events/{event_id}").text
    part = re.search(r"<dt>Zapisy</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert part, page
    return " ".join(words(part.group(1)).split())


def test_the_places_left_start_their_own_sentence_and_say_the_number_once(events_app):
    events_app.config.update(NOTIFY_URL=NOTIFY, FEED_RECHECK_SECONDS=0)
    event_id = workshop(events_app)
    # "Liczba miejsc: 20. Zostało 20 z 20 miejsc" said the 20 places twice.
    assert registration_words(events_app, event_id) == \
        "Obowiązują zapisy. Zostało 20 z 20 miejsc Zapisz się na to wydarzenie"


@pytest.mark.parametrize(("registration", "said"), [
    ({"url": "https://zapisy.example.org/a"}, "Zapisz się tutaj"),
    ({"url": "https://zapisy.example.org/a", "required": True}, "Obowiązują zapisy. Zapisz się tutaj"),
    ({"url": "https://zapisy.example.org/a", "required": True, "capacity": 20},
     "Obowiązują zapisy. Liczba miejsc: 20. Zapisz się tutaj"),
])
def test_a_sign_up_elsewhere_says_only_that_it_is_at_the_link(events_app, registration, said):
    """It said "Nie trzeba się zapisywać." beside the sign-up link."""
    event_id = workshop(events_app, registration=registration)
    assert registration_words(events_app, event_id) == said
    assert 'href="https://zapisy.example.org/a"' in events_app.test_client().get(f"/events/{event_id}").text


def test_an_event_without_sign_up_says_none_is_needed(events_app):
    event_id = workshop(events_app, registration=None)
    assert registration_words(events_app, event_id) == "Nie trzeba się zapisywać."
