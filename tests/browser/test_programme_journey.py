"""MOPS staff on a phone: a roll call for a weekly activity, the dashboard's charts, the XLSX download (issue #15)."""


import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, Served, _app, screenshot
from tests.programme.factories import ACTIVITY, known_programme


@pytest.fixture(scope="module")
def programme_server(tmp_path_factory):
    from services.programme import create_app

    served = Served(_app(create_app, tmp_path_factory.mktemp("browser-programme"), "programme"))
    try:
        yield {"url": served.url, "known": known_programme(served.app)}
    finally:
        served.stop()


@pytest.fixture
def staff_page(browser):
    # The admin token as the API takes it: the pages need no other login.
    context = browser.new_context(viewport=PHONE, locale="pl-PL", accept_downloads=True,
                                  extra_http_headers={"Authorization": "Bearer test-admin-token"})
    page = context.new_page()
    yield page
    context.close()


def test_staff_record_a_roll_call_see_the_charts_and_download_the_workbook(programme_server, staff_page, tmp_path):
    page, base, known = staff_page, programme_server["url"], programme_server["known"]
    ids = known["ids"]
    page.goto(f"{base}/programmes/{known['id']}/activities/{ACTIVITY}/")
    expect(page.get_by_role("heading", name="Warsztaty w Rakowie")).to_be_visible()
    screenshot(page, "programme-dates")
    page.get_by_role("link", name="22.05.2018, 17:00").click()
    expect(page.get_by_role("heading", name="Lista obecności")).to_be_visible()
    page.get_by_role("group", name=ids["P1"]).get_by_label("obecny", exact=True).check()
    page.get_by_role("group", name=ids["P2"]).get_by_label("usprawiedliwiony").check()
    page.get_by_role("group", name=ids["P4"]).get_by_label("nieobecny").check()
    page.get_by_label("Płeć").select_option(label="kobiety")
    page.get_by_label("Wiek").select_option(label="powyżej 54")
    page.get_by_label("Osoby policzone bez zapisu").fill("3")
    screenshot(page, "programme-roll-call")
    page.get_by_role("button", name="Zapisz listę obecności").click()
    expect(page.get_by_role("status")).to_contain_text("Lista obecności zapisana")
    expect(page.get_by_role("group", name=ids["P1"]).get_by_label("obecny", exact=True)).to_be_checked()
    screenshot(page, "programme-roll-call-saved")

    page.goto(f"{base}/programmes/{known['id']}/")
    expect(page.locator("figure svg")).to_have_count(7)
    # The new walk-in (a woman) is among the people supported: 3 women in the known set, now 4.
    expect(page.get_by_role("row", name="kobiety")).to_contain_text("4")
    assert page.evaluate("document.scripts.length") == 0
    screenshot(page, "programme-dashboard")
    # A plain link: the answer's Content-Disposition makes it a download (Chromium cancels a download= link here).
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz XLSX").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    book = load_workbook(saved)
    assert book["Wskaźniki"]["A1"].value == "Częstochowa silna dzielnicami"
    assert len(list(book["Uczestnicy"].iter_rows(min_row=8))) == 6
