"""Phones and seniors (issue #11), in Polish and English, at 390 px and 1280 px, with axe-core on every page."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NEXT_YEAR, PHONE, screenshot

WORDS = {
    "pl": {"more": "Więcej filtrów", "search": "Szukaj po słowach", "go": "Szukaj", "week": "W tym tygodniu",
           "weekend": "W ten weekend", "from": "Od dnia", "show": "Pokaż wydarzenia",
           "add": "Dodaj do mojego kalendarza", "email": "Adres e-mail", "districts": "Wybierz dzielnice",
           "subscribe": "Zapisz mnie"},
    "en": {"more": "More filters", "search": "Search by words", "go": "Search", "week": "This week",
           "weekend": "This weekend", "from": "From the day", "show": "Show events", "add": "Add to my calendar",
           "email": "Your e-mail address", "districts": "Choose districts", "subscribe": "Subscribe"},
}


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_first_phone_screen_of_the_home_page_shows_the_next_events(servers, page, lang):
    page.goto(f"{servers['events']}/?lang={lang}")
    first = page.locator(".event-card").first.bounding_box()
    assert first["y"] + 60 < PHONE["height"], "the first event starts below the first screen"
    assert not page.locator("details.more-filters").evaluate("element => element.open")
    expect(page.get_by_label(WORDS[lang]["from"])).to_be_hidden()
    screenshot(page, f"home-{lang}")


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_search_by_words_and_this_week(servers, page, lang):
    words = WORDS[lang]
    page.goto(f"{servers['events']}/?lang={lang}")
    page.get_by_label(words["search"]).fill("gimnastyka")
    page.get_by_role("button", name=words["go"], exact=True).click()
    page.wait_for_url("**q=gimnastyka*")
    assert page.locator(".event-card h3").all_inner_texts() == ["Gimnastyka dla seniorów"]
    screenshot(page, f"search-{lang}")
    page.get_by_role("link", name=words["weekend"]).click()
    page.wait_for_url("**when=weekend*")
    expect(page.locator("#events")).to_have_text(words["weekend"])
    assert page.get_by_role("link", name=words["weekend"]).get_attribute("aria-current") == "true"
    assert page.get_by_label(words["search"]).input_value() == "gimnastyka"  # the other choices stay
    page.get_by_role("link", name=words["week"], exact=True).click()
    page.wait_for_url("**when=week#events")
    expect(page.locator("#events")).to_have_text(words["week"])


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_dates_in_the_form_are_written_the_polish_way(servers, page, lang):
    words = WORDS[lang]
    page.goto(f"{servers['events']}/?lang={lang}")
    page.get_by_text(words["more"]).click()
    field = page.get_by_label(words["from"])
    assert field.get_attribute("type") == "text"  # a date field would show mm/dd/yyyy in an English browser
    field.fill(f"15.03.{NEXT_YEAR}")
    page.get_by_role("button", name=words["show"]).click()
    page.wait_for_url(f"**from=15.03.{NEXT_YEAR}*")
    assert page.get_by_label(words["from"]).input_value() == f"15.03.{NEXT_YEAR}"
    assert "Gimnastyka dla seniorów" not in page.inner_text("main")
    assert "Bajki w ośrodku" in page.inner_text("main")
    screenshot(page, f"date-filter-{lang}")


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_an_event_link_opens_its_page_and_add_to_calendar_is_a_separate_button(servers, page, lang):
    page.goto(f"{servers['events']}/?lang={lang}")
    page.get_by_role("link", name="Gimnastyka dla seniorów").click()
    event_page = f"{servers['events']}/events/{servers['made']['seniors']}"
    page.wait_for_url(event_page)
    add = page.get_by_role("link", name=WORDS[lang]["add"])
    assert add.get_attribute("href") == f"/events/{servers['made']['seniors']}.ics"
    feed = page.request.get(f"{servers['events']}/feeds/all.ics").text().replace("\r\n ", "")
    assert re.search(rf"\r\nURL:https?://\S+/events/{servers['made']['seniors']}\r\n", feed)
    assert f"/events/{servers['made']['seniors']}.ics" not in feed
    screenshot(page, f"event-{lang}")


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_sign_up_page_fits_two_phone_screens_and_still_offers_every_district(notify_server, page, lang):
    words = WORDS[lang]
    page.goto(f"{notify_server['url']}/subscribe?lang={lang}")
    button = page.get_by_role("button", name=words["subscribe"])
    bottom = button.bounding_box()["y"] + button.bounding_box()["height"]
    screenshot(page, f"sign-up-{lang}")
    assert bottom <= 2 * PHONE["height"], f"the button ends {bottom}px down, more than two screens"
    page.get_by_text(words["districts"]).click()
    assert page.locator("input[name=districts]").count() == 3  # the test replica's three districts
    page.get_by_label("Raków").check()
    # The GDPR facts are said once: the consent sentence names who holds the data, what for and how to stop.
    controller = {"pl": "Miejski Ośrodek Pomocy Społecznej", "en": "Municipal Social Welfare Centre"}[lang]
    assert page.inner_text("main").count(controller) == 1
    assert page.locator("input[type=radio]").count() == 5  # how often (3) and language (2): all there, folded away
    screenshot(page, f"sign-up-districts-{lang}")


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_a_centre_page_gives_its_address_hours_phone_and_map(servers, page, lang):
    page.goto(f"{servers['events']}/centres/osl-rakow?lang={lang}")
    main = page.locator("main")
    expect(main).to_contain_text("pon.–pt. 9:00–17:00")
    assert main.get_by_role("link", name="34 000 00 00").get_attribute("href") == "tel:340000000"
    assert main.get_by_role("link", name="osl.rakow@example.org").get_attribute("href") == \
        "mailto:osl.rakow@example.org"
    assert main.get_by_role("link", name="Stowarzyszenie Sąsiedzi").is_visible()  # who runs it
    map_link = main.get_by_role("link", name="OpenStreetMap")
    assert map_link.get_attribute("href") == "https://www.openstreetmap.org/search?query=" + quote(
        "ul. Łukasińskiego 40, Częstochowa")
    screenshot(page, f"centre-{lang}")


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_a_notice_e_mail_reads_well_on_a_phone(page, lang):
    from services.notify.mail.compose import build_message
    from tests.notify.events import event_snapshot
    from tests.notify.test_mail import CONFIG, GOING, LINKS

    message = build_message(CONFIG, kind="published", language=lang, to="anna@example.org", links=LINKS,
                            payload={"event": event_snapshot(**GOING)}, message_id="<n1@osl.example>")
    page.set_content(message.get_body(("html",)).get_content())
    button = page.get_by_role("link", name={"pl": "Wszystko o wydarzeniu", "en": "All about the event"}[lang])
    assert button.bounding_box()["height"] >= 44  # a finger can hit it
    font = page.evaluate("getComputedStyle(document.querySelector('p')).fontSize")
    assert font == "18px"
    screenshot(page, f"mail-notice-{lang}")


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_coordinator_finds_the_private_calendar_s_subscribe_buttons(servers, page, lang):
    from tests.events.factories import ADMIN

    answer = page.request.get(f"{servers['events']}/api/v1/partnerships/7/feed-token", headers=ADMIN).json()
    page.goto(f"{answer['page']}&lang={lang}")
    box = page.locator("section.subscribe")
    assert box.get_by_role("link", name="Outlook").get_attribute("href") == answer["links"]["outlook"]
    assert box.get_by_role("link", name="Thunderbird").get_attribute("href") == answer["links"]["webcal"]
    assert box.get_by_role("textbox").input_value() == answer["url"]
    calendar = page.request.get(answer["url"]).text()
    assert "BEGIN:VCALENDAR" in calendar
    screenshot(page, f"partnership-calendar-{lang}")


def test_a_withdrawn_agreement_stays_on_the_partnership_page_marked(servers, page):
    from tests.partners.helpers import ADMIN as PARTNERS_ADMIN

    base = f"{servers['partners']}/api/v1/partnerships/{servers['partnership']['id']}/agreements/"
    agreement = page.request.get(base).json()[0]
    answer = page.request.post(f"{base}{agreement['id']}/withdraw", headers=PARTNERS_ADMIN,
                               data={"reason": "Wpisane przez pomyłkę"})
    assert answer.ok, answer.text()
    for lang, said in (("pl", "Wycofane"), ("en", "Withdrawn on")):
        page.goto(f"{servers['partners']}/partnerships/{servers['partnership']['id']}?lang={lang}")
        expect(page.locator("li.withdrawn")).to_contain_text(said)
        expect(page.locator("li.withdrawn")).to_contain_text("Wpisane przez pomyłkę")
        screenshot(page, f"partnership-withdrawn-{lang}")
