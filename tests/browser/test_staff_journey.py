"""Browser journey of the people who run the centres (Playwright, Debian Chromium, axe-core on every page, Polish,
at phone and desktop width): the first admin is made from the install's one-time link and invites an NGO editor; the
editor sets a password from the e-mail notify sent, signs in once and posts a weekly activity on the events service
through the form, with a preview of its dates; it waits for moderation, the admin approves it, it appears in the
district's page and feed and a subscribed resident gets the notice; the editor, whose organisation coordinates a
partnership, plans a partner meeting; the admin disables the editor, whose session then
stops working on events within 5 seconds. The journey runs in Polish and again in English (the browser's language),
each on its own servers, every page at 390 px and 1280 px with axe-core.

Partners, events and notify are real servers on one filesystem bus, with the partners relay and the events and
notify consumers running, so the session and its end reach events as in production.
"""

import re
import threading
from datetime import date

import pytest
from sqlalchemy import select

from services.events.models import Event, Organisation
from services.messaging.models import utcnow
from services.messaging.testing import wait_until
from services.notify.models import Subscriber
from tests.browser.conftest import NEXT_YEAR, Served, screenshot, sign_in
from tests.conftest import fast_bus
from tests.notify.conftest import folder_mails
from tests.partners.helpers import (
    ADMIN,
    add_member,
    make_centre,
    make_district,
    make_organisation,
    make_partnership,
)

pytestmark = pytest.mark.slow
PASSWORD = "zielona herbata o siódmej"
LOCALES = {"pl": "pl-PL", "en": "en-GB"}
#: What each step clicks or waits for, as the pages say it in each language.
WORDS = {
    "pl": {"review": "Wymagaj przeglądu wydarzeń", "require": "Tak, wymagaj przeglądu", "yes_disable": "Tak, wyłącz",
           "needs_review": "wymaga przeglądu", "invite": "Wyślij zaproszenie",
           "invited": "Zaproszenie jest w drodze", "our_events": "Nasze wydarzenia", "add": "Dodaj wydarzenie",
           "preview": "Pokaż terminy", "saved": "Wydarzenie jest zapisane", "approve": "Zatwierdź i opublikuj",
           "published": "Opublikowane", "meetings": "Spotkania partnerskie", "plan": "Zaplanuj spotkanie >> nth=-1",
           "planned": "Spotkanie jest zaplanowane", "disable": "Wyłącz konto {}", "disabled": "Konto jest wyłączone",
           "private": "Prywatny kalendarz", "account_1": "konto nr 1", "save": "Zapisz",
           "changed": "Spotkanie jest zmienione", "cancel": "Odwołaj to spotkanie",
           "confirm": "Tak, odwołaj", "cancelled": "Spotkanie jest odwołane"},
    "en": {"review": "Require review of events", "require": "Yes, require review", "yes_disable": "Yes, disable",
           "needs_review": "needs review", "invite": "Send the invitation",
           "invited": "The invitation is on its way", "our_events": "Our events", "add": "Add an event",
           "preview": "Show the dates", "saved": "The event is saved", "approve": "Approve and publish",
           "published": "Published; residents", "meetings": "Partner meetings", "plan": "Plan the meeting",
           "planned": "The meeting is planned", "disable": "Disable {}", "disabled": "The account is disabled",
           "private": "Private calendar", "account_1": "account no. 1", "save": "Save",
           "changed": "The meeting is changed", "cancel": "Cancel this meeting",
           "confirm": "Yes, cancel", "cancelled": "The meeting is cancelled"},
}


class Running:
    """A relay or consumer in a thread, until stopped."""

    def __init__(self, runner):
        self.runner = runner
        self.thread = threading.Thread(target=runner.run, daemon=True)
        self.thread.start()

    def stop(self):
        self.runner.stop()
        self.thread.join(timeout=15)


@pytest.fixture(scope="module", params=sorted(LOCALES))
def system(request, tmp_path_factory):
    from services.events import create_app as create_events
    from services.notify import create_app as create_notify
    from services.partners import create_app as create_partners

    folder = tmp_path_factory.mktemp("staff-journey")
    bus = fast_bus(broker_url="filesystem://", bus_dir=folder / "bus", prefix="osl-staff-journey")
    apps = {}
    for name, factory, extra in (("partners", create_partners, {}), ("events", create_events, {}),
                                 ("notify", create_notify, {"MAIL_DIR": folder / "mail", "SMTP": None})):
        app = factory({"DATABASE_URL": f"sqlite:///{folder / name}.db", "BUS": bus, "ADMIN_TOKEN": "test-admin-token",
                       "TESTING": True, **extra})
        app.extensions["osl"].upgrade_database()
        apps[name] = app
    served = {name: Served(app) for name, app in apps.items()}
    urls = {f"{name.upper()}_URL": s.url for name, s in served.items()}
    for app in apps.values():
        app.config.update(urls)
    runners = [Running(apps["partners"].extensions["osl"].relay()),
               Running(apps["events"].extensions["osl"].relay()),
               Running(apps["events"].extensions["osl"].worker()),
               Running(apps["notify"].extensions["osl"].worker())]
    try:
        yield {"apps": apps, "urls": {name: s.url for name, s in served.items()}, "mail": folder / "mail",
               "lang": request.param}
    finally:
        for runner in runners:
            runner.stop()
        for s in served.values():
            s.stop()


def _first_admin_link(app) -> str:
    return app.test_cli_runner().invoke(args=["first-admin"]).output.strip()


def _send_mail(app) -> None:
    from services.notify.notices import Sender

    Sender(app.extensions["osl"].database, app.config).send_due()


def _subscribe_resident(app) -> None:
    """A resident who confirmed notices of new events in Ostatni Grosz."""
    with app.extensions["osl"].database.session() as session:
        session.add(Subscriber(key="mieszkaniec", email="jan@example.org", status="confirmed",
                               districts=["ostatni-grosz"], audiences=[], frequency="immediate", language="pl",
                               consent_version="1", consent_text="Zgoda.", consent_at=utcnow(),
                               confirmed_at=utcnow()))


def _mails_to(folder, address: str) -> list:
    return [mail for mail in folder_mails(folder) if mail["To"] == address]


def _replica_needs_review(app) -> bool:
    with app.extensions["osl"].database.session() as session:
        return bool(session.scalar(select(Organisation.needs_review)))


def _meeting_event(app) -> bool:
    with app.extensions["osl"].database.session() as session:
        return session.scalar(select(Event.id).where(Event.meeting_id.is_not(None))) is not None


def test_admin_invites_an_editor_who_posts_a_weekly_activity_and_is_disabled(system, browser):
    apps, urls, lang = system["apps"], system["urls"], system["lang"]
    words, locale = WORDS[lang], LOCALES[lang]
    client = apps["partners"].test_client()
    make_district(client)
    make_centre(client)
    organisation = make_organisation(client, name="Stowarzyszenie Sąsiedzi")
    partnership = make_partnership(client, status="active", centre="osl-ostatni-grosz")
    add_member(client, partnership["id"], organisation_id=organisation["id"], role="coordinator")
    assert client.post("/api/v1/rooms/", json={"centre": "osl-ostatni-grosz", "name": "Sala duża"},
                       headers=ADMIN).status_code == 201
    assert client.get("/api/v1/organisations/", headers=ADMIN).status_code == 200
    _subscribe_resident(apps["notify"])

    admin = browser.new_context(viewport={"width": 390, "height": 844}, locale=locale).new_page()
    link = _first_admin_link(apps["partners"])
    assert link.startswith(f"{urls['partners']}/staff/first-admin#token=")
    admin.goto(link)
    screenshot(admin, f"staff-first-admin-{lang}")
    admin.fill("#email", "anna@mops.example")
    admin.fill("#password", PASSWORD)
    admin.click("button[type=submit]")
    admin.wait_for_url(re.compile(r"/staff/sign-in"))
    screenshot(admin, f"staff-sign-in-{lang}")
    sign_in(admin, "anna@mops.example", PASSWORD)

    # MOPS reviews this organisation's events before they are published.
    admin.click(f"[aria-label='{words['review']}: Stowarzyszenie Sąsiedzi']")
    admin.click(f"button:has-text('{words['require']}')")  # it asks first
    admin.wait_for_selector(f"text={words['needs_review']}")
    wait_until(lambda: _replica_needs_review(apps["events"]), timeout=30, message="needs_review on events")

    # 1. The admin invites an NGO editor.
    admin.fill("#invite-email", "ewa@sasiedzi.example")
    admin.select_option("#invite-organisation", str(organisation["id"]))
    admin.click(f"text={words['invite']}")
    admin.wait_for_selector(f"text={words['invited']}")
    screenshot(admin, f"staff-admin-home-{lang}")
    assert admin.locator("html").get_attribute("lang") == lang  # the pages speak the browser's language

    # 2. notify mails the invitation; the editor sets a password from it, signs in and posts a weekly activity.
    wait_until(lambda: _send_mail(apps["notify"]) or _mails_to(system["mail"], "ewa@sasiedzi.example"), timeout=30,
               message="the invitation mail")
    [mail] = _mails_to(system["mail"], "ewa@sasiedzi.example")
    invitation = re.search(r"(http://\S+/staff/password#token=\S+)", mail.get_body(("plain",)).get_content()).group(1)
    editor_context = browser.new_context(viewport={"width": 390, "height": 844}, locale=locale)
    editor = editor_context.new_page()
    editor.goto(invitation)
    screenshot(editor, f"staff-set-password-{lang}")
    editor.fill("#password", PASSWORD)
    editor.click("button[type=submit]")
    editor.wait_for_url(re.compile(r"/staff/sign-in\?password_set=1"))
    sign_in(editor, "ewa@sasiedzi.example", PASSWORD)
    editor.click(f"text={words['our_events']}")
    editor.wait_for_url(re.compile(r"/staff/events/$"))  # the one session works on events too
    screenshot(editor, f"staff-our-events-empty-{lang}")
    editor.click(f"text={words['add']}")
    editor.fill("#title", "Klub szachowy")
    editor.fill("#description", "Gramy w szachy, uczymy początkujących.")
    editor.select_option("#district", "ostatni-grosz")
    editor.select_option("#centre", "osl-ostatni-grosz")
    editor.check("input[name=audiences][value=seniors]")
    # The first Tuesday or Thursday of March: a first day on a weekday not ticked is refused.
    first_day = next(date(NEXT_YEAR, 3, day) for day in range(2, 9) if date(NEXT_YEAR, 3, day).weekday() in (1, 3))
    editor.fill("#day", f"{first_day}")
    editor.fill("#starts", "17:00")
    editor.fill("#ends", "19:00")
    editor.check("input[name=weekdays][value=TU]")
    editor.check("input[name=weekdays][value=TH]")
    editor.fill("#until", f"{NEXT_YEAR}-03-31")
    first_thursday = next(date(NEXT_YEAR, 3, day) for day in range(2, 9) if date(NEXT_YEAR, 3, day).weekday() == 3)
    editor.fill("#skipped", f"{first_thursday:%d.%m.%Y}")
    editor.fill("#contact", "Anna Nowak, tel. 34 123 45 67")
    editor.fill("#accessibility", "Wejście bez schodów.")
    editor.click(f"text={words['preview']}")
    editor.wait_for_selector("#preview-heading")
    assert editor.input_value("#contact") == "Anna Nowak, tel. 34 123 45 67"  # the preview keeps what was typed
    tuesdays_and_thursdays = [day for day in range(first_day.day, 32) if date(NEXT_YEAR, 3, day).weekday() in (1, 3)]
    assert editor.locator(".preview li").count() == len(tuesdays_and_thursdays)
    assert editor.locator(".preview del").count() == 1
    screenshot(editor, f"staff-event-form-preview-{lang}")
    editor.click("button[name=save]")
    editor.wait_for_selector(f"text={words['saved']}")
    screenshot(editor, f"staff-our-events-{lang}")
    with apps["events"].extensions["osl"].database.session() as session:
        event = session.scalars(select(Event)).one()
        assert event.rrule == f"FREQ=WEEKLY;BYDAY=TU,TH;UNTIL={NEXT_YEAR}0331T235959"
        assert event.visibility == "review"
        assert (event.contact, event.accessibility) == ("Anna Nowak, tel. 34 123 45 67", "Wejście bez schodów.")
    district_page = f"{urls['events']}/districts/ostatni-grosz"

    # 3. It waits for moderation; the admin approves it; it is in the district's feed and page, and the
    # subscribed resident gets the notice.
    public = browser.new_context(viewport={"width": 390, "height": 844}, locale=locale).new_page()
    public.goto(district_page)
    assert public.locator("text=Klub szachowy").count() == 0
    assert _mails_to(system["mail"], "jan@example.org") == []
    admin.goto(f"{urls['events']}/staff/events/review")  # the same session, on the events service
    screenshot(admin, f"staff-review-queue-{lang}")
    assert admin.locator("html").get_attribute("lang") == lang
    admin.click(f"button[aria-label='{words['approve']}: Klub szachowy']")
    admin.wait_for_selector(f"text={words['published']}")
    screenshot(admin, f"staff-review-done-{lang}")
    public.goto(district_page)
    assert public.locator("text=Klub szachowy").count() >= 1
    screenshot(public, f"staff-approved-in-district-{lang}")
    feed = apps["events"].test_client().get("/feeds/districts/ostatni-grosz.ics").get_data(as_text=True)
    assert "Klub szachowy" in feed
    wait_until(lambda: _send_mail(apps["notify"]) or _mails_to(system["mail"], "jan@example.org"), timeout=30,
               message="the resident's notice")
    [notice] = _mails_to(system["mail"], "jan@example.org")
    assert "Klub szachowy" in notice["Subject"]
    # Who did what: each service's history, read from its outbox.
    admin.goto(f"{urls['events']}/staff/events/history")
    # The admin published the event by approving it: said in words, never the raw "account:1".
    assert admin.locator("td", has_text=words["account_1"]).count() >= 1
    assert admin.locator("td", has_text="account:1").count() == 0
    screenshot(admin, f"staff-history-events-{lang}")
    admin.goto(f"{urls['partners']}/staff/history")
    screenshot(admin, f"staff-history-partners-{lang}")
    admin.goto(f"{urls['partners']}/staff/")

    # 4. The editor, whose organisation coordinates the partnership, plans a partner meeting.
    editor.goto(f"{urls['partners']}/staff/")
    editor.click(f"text={words['meetings']}")
    editor.fill("#title", "Spotkanie partnerskie: plan pikniku")
    editor.fill("#day", f"{NEXT_YEAR}-04-14")
    editor.fill("#starts", "17:00")
    editor.fill("#ends", "19:00")
    editor.select_option("#centre", "osl-ostatni-grosz")
    editor.select_option("#room", label="Sala duża")  # the rooms grouped by centre, no script
    editor.fill("#agenda", "1. Piknik sąsiedzki.")
    editor.click(f"text={words['plan']}")
    editor.wait_for_selector(f"text={words['planned']}")
    screenshot(editor, f"staff-meeting-planned-{lang}")
    wait_until(lambda: _meeting_event(apps["events"]), timeout=30, message="the meeting in the partnership's calendar")
    # The coordinator changes the meeting's end, then cancels it, on its own page.
    editor.click("a:has-text('Spotkanie partnerskie: plan pikniku')")
    editor.wait_for_url(re.compile(r"/staff/meetings/\d+$"))  # the new page, loaded, before it is measured
    screenshot(editor, f"staff-meeting-change-{lang}")
    editor.fill("#ends", "20:00")
    editor.click(f"button:has-text('{words['save']}')")
    editor.wait_for_selector(f"text={words['changed']}")
    editor.click("a:has-text('Spotkanie partnerskie: plan pikniku')")
    editor.wait_for_url(re.compile(r"/staff/meetings/\d+$"))
    editor.click(f"text={words['cancel']}")
    editor.wait_for_url(re.compile(r"/staff/meetings/\d+/cancel\?version=\d+$"))
    screenshot(editor, f"staff-meeting-cancel-confirm-{lang}")  # the question first: nothing is cancelled yet
    editor.click(f"button:has-text('{words['confirm']}')")
    editor.wait_for_selector(f"text={words['cancelled']}")
    screenshot(editor, f"staff-meeting-cancelled-{lang}")
    # The coordinator finds the partnership's private feed link, signed in, with no key.
    editor.click(f"text={words['private']}: {partnership['name']}")
    editor.wait_for_url(re.compile(rf"/partnerships/{partnership['id']}/calendar\?token="))
    assert editor.locator("a[href^='webcal://']").count() >= 1
    screenshot(editor, f"staff-private-calendar-{lang}")

    # 5. The admin disables the editor, whose session stops working on events within 5 seconds.
    admin.click("[aria-label='" + words['disable'].format("ewa@sasiedzi.example") + "']")
    admin.click(f"button:has-text('{words['yes_disable']}')")  # it asks first
    admin.wait_for_selector(f"text={words['disabled']}")
    our_events = f"{urls['events']}/staff/events/"

    def refused() -> bool:
        editor.goto(our_events)
        return "/staff/sign-in" in editor.url

    wait_until(refused, timeout=5, interval=0.2, message="the editor's session refused on events")
    editor_context.close()
