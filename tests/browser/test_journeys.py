"""The residents' journeys in a real Chromium: filter, subscribe to a calendar, safe text, switch language."""

from urllib.parse import quote

from tests.browser.conftest import screenshot


def test_filter_events_by_district_and_audience(servers, page):
    page.goto(servers["events"] + "/")
    assert "Gimnastyka dla seniorów" in page.inner_text("main")
    assert "Spotkanie z niespodzianką" in page.inner_text("main")
    page.get_by_text("Więcej filtrów").click()  # they fold away, so that a phone shows the events first
    page.get_by_label("Dzielnica").select_option("rakow")
    page.get_by_label("Dla kogo").select_option("seniors")
    page.get_by_role("button", name="Pokaż wydarzenia").click()
    page.wait_for_url("**district=rakow&audience=seniors*")
    listed = page.locator(".event-card h3").all_inner_texts()
    assert listed == ["Gimnastyka dla seniorów"]
    assert page.get_by_label("Dzielnica").input_value() == "rakow"
    page.get_by_label("Dla kogo").select_option("children")
    page.get_by_role("button", name="Pokaż wydarzenia").click()
    page.wait_for_url("**audience=children*")
    assert page.locator(".event-card h3").all_inner_texts() == ["Bajki w ośrodku"]
    page.goto(servers["events"] + "/")
    screenshot(page, "home")


def test_district_page_subscribe_links_point_to_that_districts_feed(servers, page):
    page.goto(servers["events"] + "/districts/ostatni-grosz")
    feed = servers["events"] + "/feeds/districts/ostatni-grosz.ics"
    webcal = "webcal://" + feed.split("://", 1)[1]
    box = page.locator("section.subscribe")
    assert box.get_by_role("link", name="Kalendarz Apple").get_attribute("href") == webcal
    assert box.get_by_role("link", name="Thunderbird").get_attribute("href") == webcal
    google = box.get_by_role("link", name="Kalendarz Google").get_attribute("href")
    assert google == "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    outlook = box.get_by_role("link", name="Outlook").get_attribute("href")
    assert outlook.startswith("https://outlook.live.com/calendar/0/addfromweb?url=" + quote(feed, safe=""))
    assert box.get_by_label("Adres kalendarza").input_value() == feed
    calendar = page.request.get(feed)
    assert calendar.ok and "BEGIN:VCALENDAR" in calendar.text() and "Spotkanie z niespodzianką" in calendar.text()
    assert "Gimnastyka" not in calendar.text()
    box.get_by_text("Kalendarz Google", exact=True).last.click()  # opens its how-to
    assert box.get_by_text("co kilka godzin").is_visible()
    screenshot(page, "district")


def test_a_script_in_a_description_shows_as_text_and_never_runs(servers, page):
    page.goto(f"{servers['events']}/events/{servers['made']['script']}")
    description = page.locator(".description").inner_text()
    assert "<script>window.osl_pwned = true</script>" in description
    assert '<img src=x onerror="window.osl_pwned = true">' in description
    assert page.evaluate("typeof window.osl_pwned") == "undefined"
    page.goto(servers["events"] + "/districts/ostatni-grosz")
    assert page.evaluate("typeof window.osl_pwned") == "undefined"
    page.goto(f"{servers['events']}/events/{servers['made']['seniors']}")
    screenshot(page, "event")


def test_switch_the_language_and_it_stays_switched(servers, page):
    page.goto(servers["events"] + "/?district=rakow")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.get_by_role("heading", level=1).inner_text() == "Co się dzieje w ośrodkach"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en*")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "What is on in the centres"
    assert page.get_by_label("District").input_value() == "rakow"
    page.goto(servers["events"] + "/districts/rakow")
    assert page.get_by_role("heading", level=1).inner_text() == "District Raków"
    page.get_by_role("link", name="Partnerships", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Local Partnerships of Częstochowa"
    page.get_by_role("link", name="Polski").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Partnerstwa Lokalne Częstochowy"


def test_keyboard_reaches_the_skip_link_first_and_focus_is_visible(servers, page):
    page.goto(servers["events"] + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Przejdź do treści"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_partnership_page_names_no_private_person(servers, page):
    page.goto(f"{servers['partners']}/partnerships/{servers['partnership']['id']}")
    text = page.inner_text("main")
    assert "Osoba prywatna" in text and "Łucja" not in text
    screenshot(page, "partnership")
    page.goto(servers["partners"] + "/")
    screenshot(page, "directory")
