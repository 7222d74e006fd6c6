"""Words on the public event pages: the audience filter's "any" choice is not the audience "everyone", and the
places left start their own sentence after "Liczba miejsc: 20."."""

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


def test_the_places_left_start_their_own_sentence(events_app):
    events_app.config.update(NOTIFY_URL=NOTIFY, FEED_RECHECK_SECONDS=0)
    event_id = workshop(events_app)
    said = words(events_app.test_client().get(f"/events/{event_id}").text)
    assert "Liczba miejsc: 20. Zostało 20 z 20 miejsc" in said
