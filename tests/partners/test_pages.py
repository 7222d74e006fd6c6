"""The public directory: districts → centres → Local Partnerships, with no personal data on any page."""

from datetime import datetime

import pytest

from services.calendar.times import WARSAW
from tests.partners.helpers import ADMIN, created
from tests.ui.pagecheck import assert_accessible_page, html, words

NEXT_YEAR = datetime.now(WARSAW).year + 1


@pytest.fixture
def partnership(partners):
    client = partners.client
    partners.make_district()
    partners.make_district("Raków")
    partners.make_centre()
    partnership = partners.make_partnership(description="Razem dla dzielnicy <b>Ostatni Grosz</b>", status="active",
                                            centre="osl-ostatni-grosz")
    organisation = partners.make_organisation()
    coordinator = partners.add_member(partnership["id"], organisation_id=organisation["id"], role="coordinator",
                                      potential=[{"kind": "ideas", "description": "Pikniki sąsiedzkie"}])
    person = created(client.post("/api/v1/people/", json={"name": "Łucja Żądło", "email": "lucja@example.org",
                                                          "phone": "600 100 200"}, headers=ADMIN))
    partners.add_member(partnership["id"], person_id=person["id"],
                        potential=[{"kind": "free_time", "description": "Dwa popołudnia w miesiącu"}])
    url = f"/api/v1/partnerships/{partnership['id']}"
    created(client.post(f"{url}/agreements/", json={"signed_on": "2024-10-30", "valid_until": f"{NEXT_YEAR}-12-31",
                                                    "signatory_ids": [coordinator["id"]],
                                                    "document_ref": "Umowa nr 1/2024"}, headers=ADMIN))
    created(client.post(f"{url}/meetings/", json={"title": "Spotkanie partnerskie", "agenda": "Tajny porządek obrad",
                                                  "starts_at": f"{NEXT_YEAR}-03-14T10:00:00",
                                                  "ends_at": f"{NEXT_YEAR}-03-14T12:00:00"}, headers=ADMIN))
    created(client.post(f"{url}/meetings/", json={"title": "Dawne spotkanie", "starts_at": "2020-01-10T10:00:00",
                                                  "ends_at": "2020-01-10T11:00:00"}, headers=ADMIN))
    return partnership


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_pages_answer_in_both_languages_and_are_accessible(partners, partnership, lang):
    client = partners.client
    for url in ("/", f"/partnerships/{partnership['id']}"):
        assert_accessible_page(html(client, url, lang=lang), lang)


def test_directory_goes_from_districts_to_centres_to_partnerships(partners, partnership):
    page = html(partners.app.test_client(), "/")
    district = page.index('id="district-ostatni-grosz"')
    assert page.index("OSL Ostatni Grosz", district) < page.index("Partnerstwo Lokalne Ostatni Grosz", district)
    assert f'href="/partnerships/{partnership["id"]}"' in page
    assert 'href="http://127.0.0.1:8002/districts/ostatni-grosz?lang=pl"' in page
    assert 'href="http://127.0.0.1:8002/centres/osl-ostatni-grosz?lang=pl"' in page
    assert page.index('id="district-ostatni-grosz"') < page.index('id="district-rakow"')


def test_partnership_page_shows_members_agreements_and_meetings_but_no_personal_data(partners, partnership):
    page = html(partners.app.test_client(), f"/partnerships/{partnership['id']}")
    assert "Stowarzyszenie Żółty Żuraw" in page and "Koordynator" in page and "Pikniki sąsiedzkie" in page
    assert "Osoba prywatna" in page and "Dwa popołudnia w miesiącu" in page
    for private in ("Łucja", "Żądło", "lucja@example.org", "600 100 200"):
        assert private not in page
    assert "Podpisane 30 października 2024" in page and f"ważne do 31 grudnia {NEXT_YEAR}" in page
    assert "Spotkanie partnerskie" in page and "10:00–12:00" in page
    assert "Tajny porządek obrad" not in page and "Dawne spotkanie" not in page
    assert "&lt;b&gt;Ostatni Grosz&lt;/b&gt;" in page


def test_person_member_in_english(partners, partnership):
    page = html(partners.app.test_client(), f"/partnerships/{partnership['id']}?lang=en", lang="en")
    assert "Private person" in page, page[page.find("<main"):]
    assert "Signed on 30 October 2024" in page


def test_unknown_partnership_is_a_page_not_json(partners):
    page = html(partners.app.test_client(), "/partnerships/999", status=404)
    assert "Nie znaleźliśmy tej strony" in page


def test_links_to_the_events_pages_use_the_configured_base_url(partners, partnership):
    partners.app.config["EVENTS_URL"] = "https://osl.example.pl/wydarzenia"
    page = html(partners.app.test_client(), f"/partnerships/{partnership['id']}")
    assert 'href="https://osl.example.pl/wydarzenia/districts/ostatni-grosz?lang=pl"' in page
    assert 'href="https://osl.example.pl/wydarzenia/centres/osl-ostatni-grosz?lang=pl"' in page


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_an_agreement_signed_in_the_future_is_flagged_where_it_is_shown(partners, partnership, lang):
    client = partners.client
    url = f"/api/v1/partnerships/{partnership['id']}/agreements/"
    answer = created(client.post(url, json={"signed_on": f"{NEXT_YEAR + 1}-01-15"}, headers=ADMIN))
    assert answer["warnings"]
    page = html(client, f"/partnerships/{partnership['id']}", lang=lang)
    said = {"pl": "Data podpisania jest w przyszłości", "en": "The signing date is in the future"}[lang]
    assert page.count(said) == 1  # the 2024 agreement is not flagged
    start = page.index(said)
    assert str(NEXT_YEAR + 1) in page[page.rindex("<li", 0, start):start]
    assert_accessible_page(page, lang)


def test_a_meetings_time_and_its_title_read_without_a_stray_space(partners, partnership):
    said = words(html(partners.app.test_client(), f"/partnerships/{partnership['id']}"))
    assert "10:00–12:00: Spotkanie partnerskie" in said and " : " not in said and " , " not in said
    page = html(partners.app.test_client(), f"/partnerships/{partnership['id']}")
    assert '<span class="nowrap">10:00–12:00:</span></strong> Spotkanie partnerskie' in page
