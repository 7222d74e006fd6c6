"""A repeating event's page on a phone and a desktop, in Polish and English: the series in words, the next dates,
and the one date moved on its own (issue #11, "Repeating events")."""

import pytest

from tests.browser.conftest import screenshot

WORDS = {"pl": ("W każd", "(przeniesione)", "Najbliższe terminy"), "en": ("Every ", "(moved)", "Next dates")}


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_a_series_page_says_it_in_words_with_the_moved_date(servers, page, lang):
    every, moved, heading = WORDS[lang]
    page.goto(f"{servers['events']}/events/{servers['made']['series']}?lang={lang}")
    text = page.inner_text("main")
    assert heading in text and moved in text
    facts = page.locator("dl.facts").inner_text()
    assert every in facts and "17:00–19:00" in facts
    dates = page.locator("ul.next-dates li").all_inner_texts()
    assert len(dates) == 5 and sum(moved in line for line in dates) == 1
    assert any("18:00–20:00" in line for line in dates)
    screenshot(page, f"series-{lang}")
