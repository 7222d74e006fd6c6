"""Dates as residents read them, in Europe/Warsaw, and plain text that can never become markup."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale

from services.ui.formatting import day, percent, plain_text, unbroken_times, web_url, when

NEXT_YEAR = datetime.now(UTC).year + 1


@pytest.fixture
def context(ui_app):
    with ui_app.test_request_context("/"):
        yield


def test_polish_day_and_hours_in_warsaw_time(context):
    # 14 March 2026 is a Saturday; 09:00 UTC is 10:00 in Warsaw (CET).
    starts, ends = datetime(2026, 3, 14, 9, tzinfo=UTC), datetime(2026, 3, 14, 11, tzinfo=UTC)
    with force_locale("pl"):
        text = when(starts, ends)
    assert text.startswith("sobota, 14 marca")
    assert text.endswith(", 10:00–12:00")


def test_summer_time_and_english(context):
    starts, ends = datetime(2026, 7, 4, 8, tzinfo=UTC), datetime(2026, 7, 4, 10, 30, tzinfo=UTC)
    with force_locale("en"):
        assert when(starts, ends).replace(" 2026", "") == "Saturday, 4 July, 10:00–12:30"


def test_the_year_is_said_only_when_it_is_not_this_year(context):
    this_year = datetime.now(UTC).year
    with force_locale("pl"):
        assert str(this_year) not in day(date(this_year, 3, 14))
        assert day(date(NEXT_YEAR, 3, 14)).endswith(f"marca {NEXT_YEAR}")


def test_all_day_and_multi_day(context):
    # An all-day event ends at local midnight of the day after (exclusive).
    with force_locale("pl"):
        one = when(datetime(NEXT_YEAR, 3, 13, 23, tzinfo=UTC), datetime(NEXT_YEAR, 3, 14, 23, tzinfo=UTC), True)
        two = when(datetime(NEXT_YEAR, 3, 13, 23, tzinfo=UTC), datetime(NEXT_YEAR, 3, 15, 23, tzinfo=UTC), True)
        span = when(datetime(NEXT_YEAR, 3, 14, 17, tzinfo=UTC), datetime(NEXT_YEAR, 3, 15, 9, tzinfo=UTC))
    assert one == f"{day(date(NEXT_YEAR, 3, 14))}, cały dzień"
    assert two == f"{day(date(NEXT_YEAR, 3, 14))} – {day(date(NEXT_YEAR, 3, 15))}"
    assert span == f"{day(date(NEXT_YEAR, 3, 14))}, 18:00 – {day(date(NEXT_YEAR, 3, 15))}, 10:00"


def test_plain_text_escapes_markup_and_keeps_line_breaks():
    html = str(plain_text('Hello <script>alert("x")</script>\r\n<b>bold</b> & more'))
    assert "<script>" not in html and "<b>" not in html
    assert html == "Hello &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;<br>\n&lt;b&gt;bold&lt;/b&gt; &amp; more"


def test_only_web_addresses_become_links():
    assert web_url("https://example.org/a") == "https://example.org/a"
    assert web_url("javascript:alert(1)") is None
    assert web_url(" JavaScript:alert(1)") is None
    assert web_url("data:text/html,<script>") is None
    assert web_url(None) is None


def test_time_ranges_stay_on_one_line_and_the_rest_is_escaped():
    html = str(unbroken_times("wtorek <b>, 10:00–12:00"))
    assert html == 'wtorek &lt;b&gt;, <span class="nowrap">10:00–12:00</span>'


def test_a_phone_number_becomes_a_link_a_phone_can_dial():
    from services.ui.formatting import tel_url

    assert tel_url("34 123 45 67") == "tel:341234567"
    assert tel_url("+48 34 123-45-67 w. 12") == "tel:+48341234567"
    assert tel_url("(34) 123 45 67 wew. 3") == "tel:341234567"


def test_a_share_is_written_as_the_language_writes_it(context):
    with force_locale("pl"):
        assert (percent(0.0), percent(3 / 163), percent(1.0)) == ("0,0%", "1,8%", "100,0%")
    with force_locale("en"):
        assert percent(3 / 163) == "1.8%"


def test_after_do_and_od_a_polish_weekday_is_in_the_genitive():
    from services.ui.dates import day as dated

    week = [dated(date(2026, 11, 30) + timedelta(days=offset), "pl", True, genitive=True) for offset in range(7)]
    assert week == ["poniedziałku, 30 listopada 2026", "wtorku, 1 grudnia 2026", "środy, 2 grudnia 2026",
                    "czwartku, 3 grudnia 2026", "piątku, 4 grudnia 2026", "soboty, 5 grudnia 2026",
                    "niedzieli, 6 grudnia 2026"]
    assert dated(date(2026, 12, 3), "en", True, genitive=True) == "Thursday, 3 December 2026"


def test_a_time_range_keeps_the_comma_or_colon_after_it_in_its_span():
    """Nothing between the range and its punctuation: a reader that splits the text at tags saw "10:30–12:00 , od"."""
    html = str(unbroken_times("W każdy wtorek, 10:30–12:00, od 2 marca; 18:30–20:00: Spotkanie; 9:00–10:00 sam"))
    assert '<span class="nowrap">10:30–12:00,</span> od' in html
    assert '<span class="nowrap">18:30–20:00:</span> Spotkanie' in html
    assert '<span class="nowrap">9:00–10:00</span> sam' in html
