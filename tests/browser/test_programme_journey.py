"""MOPS staff on a phone: sign in once at partners, follow the staff home's link to the programmes, then a roll call
for a weekly activity, the dashboard's charts (and how it prints), the XLSX download (issues #15 and #12). Partners
and programme are real servers on one filesystem bus, with the partners relay and the programme consumer running, so
the session reaches programme as in production."""


import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from services.messaging.testing import wait_until
from services.programme.models import StaffSession
from tests.browser.conftest import Served, _app, phone_page, screenshot, sign_in
from tests.browser.test_staff_journey import Running
from tests.programme.factories import ACTIVITY, known_programme
from tests.staff.conftest import PASSWORD, Staff

EMAIL = "anna@mops.example"


@pytest.fixture(scope="module")
def programme_server(tmp_path_factory):
    from services.partners import create_app as create_partners
    from services.programme import create_app as create_programme

    folder = tmp_path_factory.mktemp("browser-programme")
    served = [Served(_app(create_programme, folder, "programme")), Served(_app(create_partners, folder, "partners"))]
    programme, partners = (s.app for s in served)
    partners.config["PROGRAMME_URL"] = served[0].url  # the staff home's link to the programmes
    runners = [Running(partners.extensions["osl"].relay()), Running(programme.extensions["osl"].worker())]
    try:
        # An invited MOPS admin who has set a password (the mailed link's page is the staff journey's).
        staff = Staff(partners, None, None)
        staff.invite(EMAIL, None, role="admin")
        assert staff.set_password(staff.mailed_token()).status_code == 303
        yield {"url": served[0].url, "partners": served[1].url, "known": known_programme(programme),
               "programme": programme}
    finally:
        for runner in runners:
            runner.stop()
        for s in served:
            s.stop()


@pytest.fixture
def staff_page(browser):
    with phone_page(browser, accept_downloads=True) as page:
        yield page


def _sessions(app) -> int:
    with app.extensions["osl"].database.session() as session:
        return len(session.scalars(select(StaffSession.session_hash)).all())


def test_staff_record_a_roll_call_see_the_charts_and_download_the_workbook(programme_server, staff_page, tmp_path):
    page, base, known = staff_page, programme_server["url"], programme_server["known"]
    ids = known["ids"]
    # No bearer header: staff sign in once at partners; the cookie is the origin's (the gateway's in production).
    page.goto(f"{programme_server['partners']}/staff/sign-in")
    sign_in(page, EMAIL, PASSWORD)
    wait_until(lambda: _sessions(programme_server["programme"]) == 1, timeout=30,
               message="the session on programme")
    # From the staff home, as MOPS staff find it: the programmes, each with its dashboard and its activities.
    page.get_by_role("link", name="Program unijny: wskaźniki i listy obecności").click()
    expect(page.get_by_role("heading", name="Programy", exact=True)).to_be_visible()
    screenshot(page, "programme-list")
    page.get_by_role("link", name="Warsztaty w Rakowie").click()
    expect(page.get_by_role("heading", name="Warsztaty w Rakowie")).to_be_visible()
    assert page.url == f"{base}/programmes/{known['id']}/activities/{ACTIVITY}/"
    screenshot(page, "programme-dates")
    page.get_by_role("link", name="22.05.2018, 17:00").click()
    expect(page.get_by_role("heading", name="Lista obecności")).to_be_visible()
    page.get_by_role("group", name=ids["P1"]).get_by_label("obecny", exact=True).check()
    page.get_by_role("group", name=ids["P2"]).get_by_label("usprawiedliwiony").check()
    page.get_by_role("group", name=ids["P4"]).get_by_label("nieobecny").check()
    page.get_by_label("Płeć").select_option(label="kobiety")
    page.get_by_label("Wiek").select_option(label="powyżej 54")
    page.get_by_label("Dzielnica").select_option(label="Ostatni Grosz")  # by its Polish name, not its slug
    page.get_by_label("Osoby policzone bez zapisu").fill("3")
    screenshot(page, "programme-roll-call")
    page.get_by_role("button", name="Zapisz listę obecności").click()
    expect(page.get_by_role("status")).to_contain_text("Lista obecności zapisana")
    expect(page.get_by_role("group", name=ids["P1"]).get_by_label("obecny", exact=True)).to_be_checked()
    screenshot(page, "programme-roll-call-saved")

    page.goto(f"{base}/programmes/")
    page.get_by_role("link", name="Wskaźniki i raport").click()
    expect(page.locator("figure svg")).to_have_count(7)
    # The new walk-in (a woman) is among the people supported: 3 women in the known set, now 4.
    expect(page.get_by_role("row", name="kobiety")).to_contain_text("4")
    assert page.evaluate("document.scripts.length") == 0
    screenshot(page, "programme-dashboard")
    # Printed: the figures and charts only, not the site's header, menu or the downloads.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Eksport")).to_be_hidden()
    expect(page.locator("figure svg").first).to_be_visible()
    page.emulate_media(media="screen")
    # A plain link: the answer's Content-Disposition makes it a download (Chromium cancels a download= link here).
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz XLSX").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    book = load_workbook(saved)
    assert book["Wskaźniki"]["A1"].value == "Częstochowa silna dzielnicami"
    assert len(list(book["Uczestnicy"].iter_rows(min_row=8))) == 6
    # The walk-ins' districts as chosen (W1 of the known set in Raków, the new one in Ostatni Grosz).
    walk_ins = [row[3] for row in book["Uczestnicy"].iter_rows(min_row=8, values_only=True) if row[9] == "tak"]
    assert sorted(walk_ins) == ["ostatni-grosz", "rakow"]
