"""Browser journey of MOPS staff keeping a Local Partnership (Playwright, Debian Chromium, axe-core on every page,
Polish, at phone width first): an admin opens the partnership from the staff pages, adds a member with what it
brings, records the agreement that member signed, adds a person (private), and keeps a centre's rooms: adds one,
changes it and deletes it through the confirmation page."""

import re

import pytest
from sqlalchemy import select

from services.partners.models import Agreement, Membership, Room
from tests.browser.conftest import PHONE, Served, screenshot, sign_in
from tests.conftest import fast_bus
from tests.partners.helpers import make_centre, make_district, make_organisation, make_partnership

pytestmark = pytest.mark.slow
PASSWORD = "zielona herbata o siódmej"


@pytest.fixture(scope="module")
def partners(tmp_path_factory):
    from services.partners import create_app

    folder = tmp_path_factory.mktemp("partnership-journey")
    bus = fast_bus(broker_url="filesystem://", bus_dir=folder / "bus", prefix="osl-partnership-journey")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'partners'}.db", "BUS": bus,
                      "ADMIN_TOKEN": "test-admin-token", "TESTING": True})
    app.extensions["osl"].upgrade_database()
    served = Served(app)
    app.config["PARTNERS_URL"] = served.url
    yield app, served.url
    served.stop()


def test_an_admin_adds_a_member_with_potential_and_records_an_agreement(partners, browser):
    app, url = partners
    client = app.test_client()
    make_district(client)
    partnership = make_partnership(client, status="active")
    make_organisation(client, name="Szkoła Podstawowa nr 5")
    make_centre(client)
    page = browser.new_context(viewport=PHONE, locale="pl-PL").new_page()
    page.goto(app.test_cli_runner().invoke(args=["first-admin"]).output.strip())
    page.fill("#email", "anna@mops.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/sign-in"))
    sign_in(page, "anna@mops.example", PASSWORD)

    page.click("text=Partnerstwa Lokalne")
    page.wait_for_url(re.compile(r"/staff/partnerships/$"))
    screenshot(page, "staff-partnerships-pl")
    page.click(f"text={partnership['name']}")
    page.wait_for_url(re.compile(rf"/staff/partnerships/{partnership['id']}$"))
    assert page.locator("html").get_attribute("lang") == "pl"
    screenshot(page, "staff-partnership-empty-pl")

    page.select_option("#member", label="Szkoła Podstawowa nr 5")
    page.select_option("#role", "coordinator")
    page.fill("#joined_on", "2026-09-01")
    page.fill("#potential-people", "dwóch nauczycieli")
    page.fill("#potential-material_resources", "sala gimnastyczna w soboty")
    page.click("text=Dodaj członka >> nth=-1")
    page.wait_for_selector("text=Zapisano.")
    assert page.locator(".member-list", has_text="sala gimnastyczna w soboty").count() == 1
    screenshot(page, "staff-partnership-member-pl")

    page.fill("#agreement-signed_on", "2026-09-15")
    page.fill("#agreement-valid_from", "2026-10-01")
    page.fill("#agreement-document_ref", "teczka MOPS 12/2026")
    page.check("input[name=signatory_ids]")
    page.click("text=Zapisz porozumienie")
    page.wait_for_selector("text=Podpisane 15 września 2026")
    assert page.locator("text=Podpisali: Szkoła Podstawowa nr 5").count() == 1
    screenshot(page, "staff-partnership-agreement-pl")

    page.goto(f"{url}/staff/people/")
    page.fill("#new-name", "Maria Nowak")
    page.fill("#new-email", "maria@example.org")
    page.click("text=Dodaj osobę >> nth=-1")
    page.wait_for_selector("text=Zapisano.")
    screenshot(page, "staff-people-pl")
    with app.extensions["osl"].database.session() as session:
        membership = session.scalars(select(Membership)).one()
        assert membership.potential[1] == {"kind": "material_resources", "description": "sala gimnastyczna w soboty"}
        assert session.scalars(select(Agreement)).one().signatory_ids == [membership.id]

    # A centre's rooms: from the centres page, add one (a capacity of 0 refused, naming the field), change, delete.
    page.goto(f"{url}/staff/")
    page.click("text=Ośrodki")
    page.click("text=Sale: OSL Ostatni Grosz")
    page.wait_for_url(re.compile(r"/staff/centres/\d+/rooms$"))
    page.click("text=Dodaj salę")
    page.wait_for_url(re.compile(r"/staff/centres/\d+/rooms/new$"))  # loaded before it is measured
    screenshot(page, "staff-room-new-pl")
    page.fill("#name", "Sala duża")
    page.fill("#equipment", "projektor\nczajnik")
    page.check("input[name=step_free]")
    page.fill("#hours_MO_from", "09:00")
    page.fill("#hours_MO_to", "17:00")
    page.evaluate("document.querySelector('#capacity').removeAttribute('min')")  # as a phone's keyboard allows
    page.fill("#capacity", "0")
    page.click("text=Zapisz")
    page.wait_for_selector("text=Proszę sprawdzić pole Liczba miejsc")
    assert page.input_value("#name") == "Sala duża"
    screenshot(page, "staff-room-refused-pl")
    page.fill("#capacity", "40")
    page.click("text=Zapisz")
    page.wait_for_selector("text=Zapisano.")
    assert page.locator("text=poniedziałek: 09:00–17:00").count() == 1
    screenshot(page, "staff-rooms-pl")
    page.click("text=Sala duża")
    page.fill("#hours_TU_from", "16:00")
    page.fill("#hours_TU_to", "20:00")
    page.click("text=Zapisz")
    page.wait_for_selector("text=wtorek: 16:00–20:00")
    page.click("text=Sala duża")
    page.click("text=Usuń tę salę")
    page.wait_for_url(re.compile(r"/staff/rooms/\d+/delete\?version=\d+$"))
    screenshot(page, "staff-room-delete-pl")
    page.click("text=Tak, usuń")
    page.wait_for_selector("text=Sala została usunięta.")
    with app.extensions["osl"].database.session() as session:
        assert session.scalars(select(Room)).all() == []
    page.context.close()
