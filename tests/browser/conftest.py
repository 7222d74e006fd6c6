"""Real servers and Debian's Chromium for the browser journeys.

The events and partners apps are served by werkzeug in threads on free ports (SQLite and the filesystem bus),
seeded through the services' own API and message handler. Chromium is ``/usr/bin/chromium`` from Debian, never a
downloaded browser: without it the tests skip with the reason, or fail when CI=true.
"""

import os
import re
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI, fast_bus
from tests.events.factories import deliver, event_body, seed
from tests.partners.helpers import (
    ADMIN,
    add_member,
    created,
    make_centre,
    make_district,
    make_organisation,
    make_partnership,
)

CHROMIUM = Path(os.environ.get("OSL_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
NEXT_YEAR = datetime.now().year + 1
PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}


class Served:
    """One app served on 127.0.0.1 at a free port, in a thread, until ``stop``."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join()
        self.app.extensions["osl"].database.dispose()


def _app(create_app, folder: Path, service: str):
    bus = fast_bus(broker_url="filesystem://", bus_dir=folder / "bus", prefix="osl-browser")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / service}.db", "BUS": bus,
                      "ADMIN_TOKEN": "test-admin-token"})
    app.extensions["osl"].upgrade_database()
    return app


def _seed_events(app) -> dict:
    world = seed(app)
    client = app.test_client()
    bodies = {
        "seniors": event_body(title="Gimnastyka dla seniorów", audiences=["seniors"], category="sport",
                              starts_at=f"{NEXT_YEAR}-03-14T10:00:00", ends_at=f"{NEXT_YEAR}-03-14T12:00:00",
                              accessibility="Sala na parterze, bez progów. Toaleta dostosowana.",
                              registration={"required": True, "capacity": 20,
                                            "url": "https://zapisy.example.org/gimnastyka"},
                              contact="tel. 34 000 00 00"),
        "children": event_body(title="Bajki w ośrodku", audiences=["children", "families"], category="culture",
                               starts_at=f"{NEXT_YEAR}-03-15T16:00:00", ends_at=f"{NEXT_YEAR}-03-15T17:00:00"),
        "script": event_body(title="Spotkanie z niespodzianką", district="ostatni-grosz",
                             centre="dosl-ostatni-grosz", audiences=["seniors"], category="meeting",
                             starts_at=f"{NEXT_YEAR}-03-16T17:00:00", ends_at=f"{NEXT_YEAR}-03-16T19:00:00",
                             description="Zapraszamy!\n<script>window.osl_pwned = true</script>\n"
                                         '<img src=x onerror="window.osl_pwned = true">'),
    }
    bodies["series"] = event_body(title="Klub szachowy", district="ostatni-grosz", centre="dosl-ostatni-grosz",
                                  audiences=["families"], category="culture", rrule="FREQ=WEEKLY;COUNT=6",
                                  starts_at=f"{NEXT_YEAR}-03-02T17:00:00", ends_at=f"{NEXT_YEAR}-03-02T19:00:00")
    made = {}
    for name, body in bodies.items():
        response = client.post("/api/v1/events", json=body, headers=world.own)
        assert response.status_code == 201, response.json
        made[name] = response.json["id"]
    # One date of the series moved on its own: the fourth, two days later at 18:00.
    series = client.get(f"/api/v1/events/{made['series']}")
    moved = client.put(f"/api/v1/events/{made['series']}/occurrences/{NEXT_YEAR}-03-23T17:00:00",
                       json={"starts_at": f"{NEXT_YEAR}-03-25T18:00:00", "ends_at": f"{NEXT_YEAR}-03-25T20:00:00"},
                       headers={**world.own, "If-Match": series.headers["ETag"]})
    assert moved.status_code == 200, moved.json
    deliver(app, "district.created", {"id": 3, "version": 1, "name": "Śródmieście", "slug": "srodmiescie"})
    deliver(app, "centre.updated", {"id": 10, "version": 2, "name": "OSL Raków", "slug": "osl-rakow", "kind": "osl",
                                    "district_id": 1, "address": "ul. Łukasińskiego 40, Częstochowa",
                                    "opening_hours": "pon.–pt. 9:00–17:00", "phone": "34 000 00 00",
                                    "email": "osl.rakow@example.org", "operator_id": 200})
    # A centre whose point is known (test coordinates): phones get a geo: link to their map app.
    deliver(app, "centre.updated", {"id": 20, "version": 2, "name": "DOSL Ostatni Grosz", "slug": "dosl-ostatni-grosz",
                                    "kind": "dosl", "district_id": 2, "address": "ul. Zbierskiego 2, Częstochowa",
                                    "latitude": 50.79, "longitude": 19.14})
    return made


def _seed_partners(app) -> dict:
    client = app.test_client()
    make_district(client)
    make_centre(client)
    partnership = make_partnership(client, status="active", centre="osl-ostatni-grosz")
    organisation = make_organisation(client)
    add_member(client, partnership["id"], organisation_id=organisation["id"], role="coordinator",
               potential=[{"kind": "ideas", "description": "Pikniki sąsiedzkie"}])
    person = created(client.post("/api/v1/people/", json={"name": "Łucja Żądło"}, headers=ADMIN))
    member = add_member(client, partnership["id"], person_id=person["id"],
                        potential=[{"kind": "free_time", "description": "Pomoc przy pikniku"}])
    url = f"/api/v1/partnerships/{partnership['id']}"
    created(client.post(f"{url}/agreements/", json={"signed_on": "2024-10-30", "valid_until": f"{NEXT_YEAR}-12-31",
                                                    "signatory_ids": [member["id"]]}, headers=ADMIN))
    # A second agreement with its signing date typed a year too late: the page flags it.
    created(client.post(f"{url}/agreements/", json={"signed_on": f"{NEXT_YEAR}-10-30"}, headers=ADMIN))
    created(client.post(f"{url}/meetings/", json={"title": "Spotkanie partnerskie: plan pikniku",
                                                  "starts_at": f"{NEXT_YEAR}-03-14T17:00:00",
                                                  "ends_at": f"{NEXT_YEAR}-03-14T19:00:00"}, headers=ADMIN))
    return partnership


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    from services.events import create_app as create_events
    from services.partners import create_app as create_partners

    folder = tmp_path_factory.mktemp("browser")
    events, partners = Served(_app(create_events, folder, "events")), Served(_app(create_partners, folder, "partners"))
    for served in (events, partners):
        served.app.config.update(EVENTS_URL=events.url, PARTNERS_URL=partners.url)
    try:
        yield {"events": events.url, "partners": partners.url, "made": _seed_events(events.app),
               "partnership": _seed_partners(partners.app)}
    finally:
        events.stop()
        partners.stop()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing; install Debian's chromium (`apt-get install -y chromium`)"
        if IN_CI:
            pytest.fail(f"{reason}. In CI (CI=true) the browser is required.")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--lang=pl-PL"])
        yield browser
        browser.close()


@contextmanager
def phone_page(browser, **options):
    """A page in a new phone-sized Polish browser context (``options`` as ``browser.new_context`` takes them), the
    context closed after."""
    context = browser.new_context(viewport=PHONE, locale="pl-PL", **options)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser):
    with phone_page(browser, bypass_csp=True) as page:
        yield page


def sign_in(page, email: str, password: str) -> None:
    """Sign in on the partners sign-in page the browser is on; wait for the staff home page."""
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/$"))


def axe_violations(page) -> list[tuple]:
    """What axe-core (from node_modules, ``npm ci``) finds wrong on the page as it is now: (rule, help, where)."""
    if not AXE.exists():
        reason = f"{AXE} is missing; run `npm ci`"
        if IN_CI:
            pytest.fail(f"{reason}. In CI (CI=true) axe-core is required.")
        pytest.skip(reason)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["help"], [node["target"] for node in v["nodes"]][:3]) for v in result["violations"]]


def screenshot(page, name: str) -> Path:
    """Save the whole page under tests/screenshots/ (git-ignored) at phone and desktop width.

    At each width the page must fit: nothing wider than the screen, so nobody has to scroll sideways; and axe-core
    must find nothing wrong.
    """
    SCREENSHOTS.mkdir(exist_ok=True)
    paths = []
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], f"{name} is too wide"
        assert axe_violations(page) == [], f"{name} at {label} width"
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(PHONE)
    return paths


@pytest.fixture(scope="module")
def notify_server(tmp_path_factory):
    """The notify app served in a thread; its mail goes to ``mail`` as .eml files; three districts in its replica.

    Nothing sends in the background: a test sends the due notices with ``send``, so it knows when mail is written.
    """
    from services.notify import create_app as create_notify
    from services.notify.notices import Sender
    from tests.notify.conftest import add_districts

    folder = tmp_path_factory.mktemp("browser-notify")
    bus = fast_bus(broker_url="filesystem://", bus_dir=folder / "bus", prefix="osl-browser-notify")
    app = create_notify({"DATABASE_URL": f"sqlite:///{folder / 'notify'}.db", "BUS": bus, "TESTING": True,
                         "ADMIN_TOKEN": "test-admin-token", "MAIL_DIR": folder / "mail", "SMTP": None})
    app.extensions["osl"].upgrade_database()
    add_districts(app)
    served = Served(app)
    app.config.update(BASE_URL=served.url, NOTIFY_URL=served.url)  # the links in e-mails point to this server
    try:
        yield {"url": served.url, "app": app, "mail": folder / "mail",
               "send": lambda: Sender(app.extensions["osl"].database, app.config).send_due()}
    finally:
        served.stop()
