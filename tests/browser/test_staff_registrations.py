"""Staff register a senior by phone, in Polish, in a real Chromium at phone width, with axe on every page: signed in
(a staff session from partners, as notify hears of it), they open an event's registrations, register a senior with
a phone number and another with no contact, and see the list, the places left and the waiting list; then cancel one
on the person's behalf, and the first waiting moves up."""

from playwright.sync_api import expect

from services.messaging.envelope import Envelope
from services.messaging.staff import COOKIE
from tests.browser.conftest import NEXT_YEAR, PHONE, screenshot
from tests.notify.events import event_snapshot
from tests.notify.registrations import staff_session
from tests.notify.test_consumers import worker

EVENT_ID = "00000000-0000-0000-0000-000000001415"


def add_person(page, name: str, contact: str, people: str, done: str, phone: str | None = None) -> str:
    """Staff fill in the form for ``name`` (``contact``: how to reach them, as the radio says; ``phone`` typed when
    given) and ``people``, tick the consent read out, send it and wait for the page to say ``done``: its main text."""
    page.get_by_label("Imię i nazwisko").fill(name)
    page.get_by_role("radio", name=contact).check()
    if phone is not None:
        page.get_by_role("textbox", name="Numer telefonu").fill(phone)
    page.get_by_label("Ile osób").select_option(people)
    page.locator("#consent").check()
    page.get_by_role("button", name="Zapisz tę osobę").click()
    page.wait_for_url(f"**done={done}")
    return page.inner_text("main")


def test_staff_register_a_senior_by_phone_and_see_the_places_left(notify_server, browser):
    url, app = notify_server["url"], notify_server["app"]
    event = event_snapshot(id=EVENT_ID, title="Zajęcia z umiejętności finansowych", category="workshop",
                           starts_at=f"{NEXT_YEAR}-05-12T10:00:00+02:00", ends_at=f"{NEXT_YEAR}-05-12T12:00:00+02:00",
                           registration={"url": None, "required": True, "capacity": 2})
    worker(app).handle("events", Envelope.new("event.published", event))
    context = browser.new_context(viewport=PHONE, locale="pl-PL")
    context.add_cookies([{"name": COOKIE, "value": staff_session(app, 41, "editor", event["organisation_id"]),
                          "url": url}])
    try:
        page = context.new_page()
        page.goto(f"{url}/registrations/staff/events/{EVENT_ID}")
        assert page.locator("html").get_attribute("lang") == "pl"
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Lista zapisanych: Zajęcia z umiejętności finansowych")
        assert "Nikt się jeszcze nie zapisał." in page.inner_text("main")
        screenshot(page, "staff-registrations-empty")

        # A senior on the phone: her name and number, one person, the consent read out to her.
        main = add_person(page, "Stanisława Wójcik", "Numer telefonu", "1", "confirmed", phone="34 360 00 01")
        assert "Zapisano: osoba ma miejsce." in main
        assert "Stanisława Wójcik" in main and "34 360 00 01" in main
        assert "Zajęte miejsca: 1 · Wolne miejsca: 1" in main
        screenshot(page, "staff-registrations-by-phone")

        # Someone who came in person, with no contact, for two: too many for the one place left, so waiting.
        main = add_person(page, "Józef Nowak", "Bez kontaktu", "2", "waiting")
        assert "Za mało wolnych miejsc: osoba jest na liście rezerwowej." in main
        assert "lista rezerwowa: 2" in main and "Józef Nowak" in main and "brak kontaktu" in main
        screenshot(page, "staff-registrations-waiting")

        # Stanisława calls to cancel: staff cancel on her behalf; Józef's two fit now and move up.
        page.get_by_role("button", name="Odwołaj zapis: Stanisława Wójcik").click()
        page.wait_for_url("**done=cancelled")
        main = page.inner_text("main")
        assert "Stanisława Wójcik" not in main and "Józef Nowak" in main
        assert "Zajęte miejsca: 2 · Wolne miejsca: 0" in main
        screenshot(page, "staff-registrations-cancelled")
    finally:
        context.close()
