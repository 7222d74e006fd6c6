"""Browser journey of the people who run the centres (Playwright, Debian Chromium, axe-core on every page, Polish,
at phone and desktop width): the first admin is made from the install's one-time link and invites an NGO editor; the
editor sets a password from the e-mail notify sent, signs in once and posts a weekly activity on the events service
through the form, with a preview of its dates; the admin disables the editor, whose session then stops working on
events within 5 seconds.

Partners, events and notify are real servers on one filesystem bus, with the partners relay and the events and
notify consumers running, so the session and its end reach events as in production.
"""

import re
import threading
from datetime import date

import pytest
from sqlalchemy import select

from services.events.models import Event
from services.messaging.testing import wait_until
from tests.browser.conftest import NEXT_YEAR, Served, screenshot
from tests.conftest import fast_bus
from tests.notify.conftest import folder_mails
from tests.partners.helpers import ADMIN, make_centre, make_district, make_organisation

pytestmark = pytest.mark.slow
PASSWORD = "zielona herbata o siódmej"


class Running:
    """A relay or consumer in a thread, until stopped."""

    def __init__(self, runner):
        self.runner = runner
        self.thread = threading.Thread(target=runner.run, daemon=True)
        self.thread.start()

    def stop(self):
        self.runner.stop()
        self.thread.join(timeout=15)


@pytest.fixture(scope="module")
def system(tmp_path_factory):
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
               Running(apps["events"].extensions["osl"].worker()),
               Running(apps["notify"].extensions["osl"].worker())]
    try:
        yield {"apps": apps, "urls": {name: s.url for name, s in served.items()}, "mail": folder / "mail"}
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


def test_admin_invites_an_editor_who_posts_a_weekly_activity_and_is_disabled(system, browser):
    apps, urls = system["apps"], system["urls"]
    client = apps["partners"].test_client()
    make_district(client)
    make_centre(client)
    organisation = make_organisation(client, name="Stowarzyszenie Sąsiedzi")
    assert client.get("/api/v1/organisations/", headers=ADMIN).status_code == 200

    admin = browser.new_context(viewport={"width": 390, "height": 844}, locale="pl-PL").new_page()
    link = _first_admin_link(apps["partners"])
    assert link.startswith(f"{urls['partners']}/staff/first-admin#token=")
    admin.goto(link)
    screenshot(admin, "staff-first-admin")
    admin.fill("#email", "anna@mops.example")
    admin.fill("#password", PASSWORD)
    admin.click("button[type=submit]")
    admin.wait_for_url(re.compile(r"/staff/sign-in"))
    screenshot(admin, "staff-sign-in")
    admin.fill("#email", "anna@mops.example")
    admin.fill("#password", PASSWORD)
    admin.click("form.stack button[type=submit]")
    admin.wait_for_url(re.compile(r"/staff/$"))

    # 1. The admin invites an NGO editor.
    admin.fill("#invite-email", "ewa@sasiedzi.example")
    admin.select_option("#invite-organisation", str(organisation["id"]))
    admin.click("text=Wyślij zaproszenie")
    admin.wait_for_selector("text=Zaproszenie jest w drodze")
    screenshot(admin, "staff-admin-home")

    # 2. notify mails the invitation; the editor sets a password from it, signs in and posts a weekly activity.
    wait_until(lambda: _send_mail(apps["notify"]) or list(system["mail"].glob("*.eml")), timeout=30,
               message="the invitation mail")
    [mail] = folder_mails(system["mail"])
    assert mail["To"] == "ewa@sasiedzi.example"
    invitation = re.search(r"(http://\S+/staff/password#token=\S+)", mail.get_body(("plain",)).get_content()).group(1)
    editor_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="pl-PL")
    editor = editor_context.new_page()
    editor.goto(invitation)
    screenshot(editor, "staff-set-password")
    editor.fill("#password", PASSWORD)
    editor.click("button[type=submit]")
    editor.wait_for_url(re.compile(r"/staff/sign-in\?password_set=1"))
    editor.fill("#email", "ewa@sasiedzi.example")
    editor.fill("#password", PASSWORD)
    editor.click("form.stack button[type=submit]")
    editor.wait_for_url(re.compile(r"/staff/$"))
    editor.click("text=Nasze wydarzenia")
    editor.wait_for_url(re.compile(r"/staff/events/$"))  # the one session works on events too
    screenshot(editor, "staff-our-events-empty")
    editor.click("text=Dodaj wydarzenie")
    editor.fill("#title", "Klub szachowy")
    editor.fill("#description", "Gramy w szachy, uczymy początkujących.")
    editor.select_option("#district", "ostatni-grosz")
    editor.select_option("#centre", "osl-ostatni-grosz")
    editor.check("input[name=audiences][value=seniors]")
    editor.fill("#day", f"{NEXT_YEAR}-03-02")
    editor.fill("#starts", "17:00")
    editor.fill("#ends", "19:00")
    editor.check("input[name=weekdays][value=TU]")
    editor.check("input[name=weekdays][value=TH]")
    editor.fill("#until", f"{NEXT_YEAR}-03-31")
    first_thursday = next(date(NEXT_YEAR, 3, day) for day in range(2, 9) if date(NEXT_YEAR, 3, day).weekday() == 3)
    editor.fill("#skipped", f"{first_thursday:%d.%m.%Y}")
    editor.click("text=Pokaż terminy")
    editor.wait_for_selector("#preview-heading")
    tuesdays_and_thursdays = [day for day in range(2, 32) if date(NEXT_YEAR, 3, day).weekday() in (1, 3)]
    assert editor.locator(".preview li").count() == len(tuesdays_and_thursdays)
    assert editor.locator(".preview del").count() == 1
    screenshot(editor, "staff-event-form-preview")
    editor.click("button[name=save]")
    editor.wait_for_selector("text=Wydarzenie jest zapisane")
    screenshot(editor, "staff-our-events")
    with apps["events"].extensions["osl"].database.session() as session:
        event = session.scalars(select(Event)).one()
        assert event.rrule == f"FREQ=WEEKLY;BYDAY=TU,TH;UNTIL={NEXT_YEAR}0331T235959"

    # 5. The admin disables the editor, whose session stops working on events within 5 seconds.
    admin.reload()
    admin.click("button[aria-label='Wyłącz konto ewa@sasiedzi.example']")
    admin.wait_for_selector("text=Konto jest wyłączone")
    our_events = f"{urls['events']}/staff/events/"

    def refused() -> bool:
        editor.goto(our_events)
        return "/staff/sign-in" in editor.url

    wait_until(refused, timeout=5, interval=0.2, message="the editor's session refused on events")
    editor_context.close()
