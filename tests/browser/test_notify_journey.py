"""The journey "subscribe to notices" in a real Chromium, from the form to the last e-mail that is not sent.

No SMTP: notify writes each e-mail as an .eml file into its MAIL_DIR, and the test reads the links from there. The
events service is stood in for by handing ``event.published`` envelopes to notify's consumer, as its worker does.
"""

import re
import uuid
from email import message_from_bytes
from email.policy import default

from playwright.sync_api import expect

from services.messaging.envelope import Envelope
from services.notify.consent import CONSENT_TEXTS, CURRENT_VERSION
from tests.browser.conftest import NEXT_YEAR, screenshot
from tests.notify.events import event_snapshot
from tests.notify.test_consumers import worker

RESIDENT = "helena.zielinska@example.org"


def mails_to(folder, address: str) -> list:
    mails = [message_from_bytes(path.read_bytes(), policy=default) for path in sorted(folder.glob("*.eml"))]
    return [mail for mail in mails if mail["To"].addresses[0].addr_spec == address]


def link_in(mail, base: str, purpose: str) -> str:
    text = mail.get_body(("plain",)).get_content()
    return re.search(rf"{re.escape(base)}/subscriptions/{purpose}/\S+", text).group(0)


def publish_event(app, number: int, title: str) -> None:
    event = event_snapshot(id=str(uuid.UUID(int=number)), title=title, starts_at=f"{NEXT_YEAR}-04-18T10:00:00+02:00",
                           ends_at=f"{NEXT_YEAR}-04-18T12:00:00+02:00")
    worker(app).handle("events", Envelope.new("event.published", event))


def test_subscribe_confirm_get_a_notice_change_preferences_and_unsubscribe(notify_server, page):
    url, app, mail_dir, send = (notify_server[key] for key in ("url", "app", "mail", "send"))

    page.goto(url + "/subscribe")
    assert page.locator("html").get_attribute("lang") == "pl"
    expect(page.get_by_role("heading", level=1)).to_have_text("Powiadomienia e-mail o wydarzeniach")
    screenshot(page, "notify-subscribe")
    page.get_by_label("Adres e-mail", exact=True).fill(RESIDENT)
    page.keyboard.press("Tab")  # the keyboard goes on to the folded districts; Enter unfolds them
    assert page.evaluate("document.activeElement.textContent") == "Wybierz dzielnice"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # and Space ticks one
    assert page.evaluate("document.activeElement.value") == "ostatni-grosz"
    page.keyboard.press("Space")
    page.keyboard.press("Space")  # and unticks it again
    assert not page.get_by_label("Ostatni Grosz").is_checked()
    page.get_by_label("Raków").check()
    page.get_by_label("Seniorzy").check()
    page.get_by_role("button", name="Zapisz mnie").click()  # without the consent: the error is next to the box
    consent = page.get_by_role("checkbox", name=CONSENT_TEXTS[CURRENT_VERSION]["pl"])
    expect(page.locator("#consent-error")).to_be_visible()
    assert consent.get_attribute("aria-describedby") == "consent-error"
    page.get_by_role("alert").get_by_role("link").click()  # the summary at the top leads to the box
    assert page.evaluate("location.hash") == "#consent"
    assert page.get_by_label("Adres e-mail", exact=True).input_value() == RESIDENT
    assert page.get_by_label("Raków").is_checked()
    screenshot(page, "notify-subscribe-error")
    consent.check()
    page.get_by_role("button", name="Zapisz mnie").click()
    page.wait_for_url("**/subscribe/check-email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Proszę sprawdzić skrzynkę e-mail")
    assert "Nadawca: OSL Częstochowa (powiadomienia@" in page.inner_text("main")
    screenshot(page, "notify-check-email")

    assert send() == 1
    [confirmation] = mails_to(mail_dir, RESIDENT)
    page.goto(link_in(confirmation, url, "confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zapis potwierdzony")
    screenshot(page, "notify-confirmed")

    publish_event(app, 101, "Wiosenny spacer z kijkami")
    assert send() == 1
    notice = mails_to(mail_dir, RESIDENT)[-1]
    assert "Wiosenny spacer z kijkami" in str(notice["Subject"])
    page.goto(link_in(notice, url, "preferences"))
    assert page.get_by_label("Raków").is_checked() and page.get_by_label("Seniorzy").is_checked()
    page.get_by_label("Północ").check()
    page.get_by_label("Raz w tygodniu, zestawienie (w poniedziałki)").check()
    page.get_by_label("Od razu, jeden e-mail o każdym wydarzeniu").check()  # changed mind: keep it immediate
    page.get_by_label("Przypomnij mi też dzień przed wydarzeniem").check()
    page.get_by_role("button", name="Zapisz zmiany").click()
    expect(page.get_by_role("status")).to_contain_text("Zapisano zmiany.")
    page.reload()
    assert page.get_by_label("Północ").is_checked() and page.get_by_label("Przypomnij mi też").is_checked()
    screenshot(page, "notify-preferences")

    page.get_by_role("link", name="Wypisz się ze wszystkich powiadomień").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wypisanie z powiadomień")
    screenshot(page, "notify-unsubscribe")
    page.get_by_role("button", name="Wypisz mnie").click()
    expect(page.get_by_role("status")).to_contain_text("Wypisaliśmy ten adres")
    screenshot(page, "notify-unsubscribed")

    sent_before = len(mails_to(mail_dir, RESIDENT))
    publish_event(app, 102, "Jesienny spacer z kijkami")
    assert send() == 0
    assert len(mails_to(mail_dir, RESIDENT)) == sent_before

    # The old preferences link now says so plainly, in both languages, and offers a new confirmation.
    preferences = link_in(notice, url, "preferences")
    page.goto(preferences + "?lang=en")
    expect(page.get_by_role("status")).to_contain_text("This address is unsubscribed.")
    screenshot(page, "notify-old-preferences-link-en")
    page.goto(preferences + "?lang=pl")
    expect(page.get_by_role("status")).to_contain_text("Ten adres jest wypisany.")
    assert page.get_by_role("button", name="Zapisz zmiany").count() == 0
    screenshot(page, "notify-old-preferences-link")
    page.get_by_role("checkbox", name=CONSENT_TEXTS[CURRENT_VERSION]["pl"]).check()
    page.get_by_role("button", name="Zapisz się ponownie").click()
    page.wait_for_url("**/subscribe/check-email")
    assert send() == 1
    assert "/subscriptions/confirm/" in mails_to(mail_dir, RESIDENT)[-1].get_body(("plain",)).get_content()


def test_the_subscribe_page_in_english_and_the_header_link_to_it(notify_server, page):
    page.goto(notify_server["url"] + "/subscribe?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail notices of events")
    assert page.get_by_role("checkbox", name=CONSENT_TEXTS[CURRENT_VERSION]["en"]).is_visible()
    screenshot(page, "notify-subscribe-en")
    page.get_by_role("link", name="Polski").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Powiadomienia e-mail o wydarzeniach")
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Powiadomienia e-mail").click()
    page.wait_for_url("**/subscribe?lang=pl")
    expect(page.get_by_label("Adres e-mail", exact=True)).to_be_visible()
