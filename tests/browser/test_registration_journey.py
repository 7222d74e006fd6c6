"""The journey "register for a workshop" in Polish, in a real Chromium on a phone, with axe on every page: a
resident registers and gets the confirmation mail; a second lands on the waiting list; the first cancels with one
click from the mail; the second is told that they are in. Staff's printable list too.

No SMTP: notify writes each e-mail as an .eml file, and the test reads the links from there. The events service is
stood in for by handing an ``event.published`` envelope to notify's consumer, as its worker does.
"""

import re

from playwright.sync_api import expect

from services.messaging.envelope import Envelope
from services.notify.consent import REGISTRATION_CONSENT, REGISTRATION_VERSION
from tests.browser.conftest import NEXT_YEAR, screenshot
from tests.browser.test_notify_journey import mails_to
from tests.notify.events import event_snapshot
from tests.notify.test_consumers import worker

EVENT_ID = "00000000-0000-0000-0000-000000001414"
FIRST, SECOND = "helena.zielinska@example.org", "zenon.sloma@example.org"


def link_in(mail, base: str, purpose: str) -> str:
    text = mail.get_body(("plain",)).get_content()
    return re.search(rf"{re.escape(base)}/registrations/{purpose}/\S+", text).group(0)


def register(page, url: str, name: str, address: str) -> None:
    page.goto(f"{url}/registrations/events/{EVENT_ID}")
    page.get_by_label("Imię i nazwisko").fill(name)
    page.get_by_label("Adres e-mail", exact=True).fill(address)
    page.get_by_role("checkbox", name=REGISTRATION_CONSENT[REGISTRATION_VERSION]["pl"]).check()
    page.get_by_role("button", name="Zapisuję się").click()
    page.wait_for_url("**/registered?**")


def test_register_wait_cancel_and_move_up(notify_server, page, browser):
    url, app, mail_dir, send = (notify_server[key] for key in ("url", "app", "mail", "send"))
    event = event_snapshot(id=EVENT_ID, title="Warsztaty z trenerem psychospołecznym", category="workshop",
                           starts_at=f"{NEXT_YEAR}-04-18T10:00:00+02:00", ends_at=f"{NEXT_YEAR}-04-18T12:00:00+02:00",
                           registration={"url": None, "required": True, "capacity": 1}, latitude=50.79,
                           longitude=19.14)
    worker(app).handle("events", Envelope.new("event.published", event))

    # 1. The first resident registers (after forgetting the consent) and gets the confirmation mail.
    page.goto(f"{url}/registrations/events/{EVENT_ID}")
    assert page.locator("html").get_attribute("lang") == "pl"
    expect(page.get_by_role("heading", level=1)).to_have_text("Zapis: Warsztaty z trenerem psychospołecznym")
    assert "zostało 1 z 1 miejsca" in page.inner_text("main")
    screenshot(page, "registration-form")
    page.get_by_label("Imię i nazwisko").fill("Helena Zielińska")
    page.get_by_label("Adres e-mail", exact=True).fill(FIRST)
    page.get_by_role("button", name="Zapisuję się").click()
    expect(page.locator("#consent-error")).to_be_visible()
    screenshot(page, "registration-form-error")
    page.get_by_role("checkbox", name=REGISTRATION_CONSENT[REGISTRATION_VERSION]["pl"]).check()
    page.get_by_role("button", name="Zapisuję się").click()
    page.wait_for_url("**/registered?**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma Pani/Pan miejsce")
    screenshot(page, "registration-registered")
    assert send() == 1
    [confirmation] = mails_to(mail_dir, FIRST)
    assert confirmation["Subject"] == "Zapis na wydarzenie: Warsztaty z trenerem psychospołecznym"
    page.goto(link_in(confirmation, url, "confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zapis na wydarzenie potwierdzony")
    screenshot(page, "registration-confirmed")

    # 2. The second lands on the waiting list, first in line.
    register(page, url, "Zenon Słoma", SECOND)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jest Pani/Pan na liście rezerwowej")
    assert "na miejscu 1" in page.inner_text("main")
    screenshot(page, "registration-waiting")
    assert send() == 1
    page.goto(link_in(mails_to(mail_dir, SECOND)[0], url, "confirm"))

    # 3. The first cancels with one click from the mail.
    page.goto(link_in(confirmation, url, "cancel"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rezygnacja z zapisu")
    screenshot(page, "registration-cancel")
    page.get_by_role("button", name="Tak, rezygnuję z zapisu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zapis anulowany")
    screenshot(page, "registration-cancelled")

    # 4. The first is told their registration is cancelled (the page's words); the second that they are in.
    assert send() == 2
    assert mails_to(mail_dir, FIRST)[-1]["Subject"] == "Zapis anulowany: Warsztaty z trenerem psychospołecznym"
    told = mails_to(mail_dir, SECOND)[-1]
    assert told["Subject"] == "Jest miejsce dla Pani/Pana: Warsztaty z trenerem psychospołecznym"
    assert "Zwolniło się miejsce i jest ono teraz dla Pani/Pana" in told.get_body(("plain",)).get_content()

    # Staff's list to print: the second, confirmed; the first gone.
    staff = browser.new_context(viewport={"width": 390, "height": 844}, locale="pl-PL",
                                extra_http_headers={"Authorization": "Bearer test-admin-token"})
    try:
        listing = staff.new_page()
        listing.goto(f"{url}/registrations/events/{EVENT_ID}/list")
        expect(listing.get_by_role("heading", level=1)).to_have_text(
            "Lista zapisanych: Warsztaty z trenerem psychospołecznym")
        text = listing.inner_text("main")
        assert "Zenon Słoma" in text and "Helena" not in text
        screenshot(listing, "registration-list")
    finally:
        staff.close()
