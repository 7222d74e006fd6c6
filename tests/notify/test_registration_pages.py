"""The registration pages in Polish and English: the form (and its errors), the page after it, the signed-link
pages, and staff's printable list with its credentials; on SQLite and PostgreSQL."""

import re
from urllib.parse import quote

import pytest

from tests.notify.conftest import folder_mails
from tests.notify.registrations import (
    ADMIN,
    EVENT_ID,
    ORGANISATION_KEY,
    OTHER_KEY,
    bearer,
    give_keys,
    link,
    publish_event,
    resident,
    send_all,
)
from tests.ui.pagecheck import assert_accessible_page

FORM = f"/registrations/events/{EVENT_ID}"


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize(("lang", "heading", "places", "version"), [
    ("pl", "Zapis: Warsztaty z trenerem", "zostało 20 z 20", "Wersja treści zgody: 30 listopada 2026."),
    ("en", "Register: Warsztaty z trenerem", "20 of 20 places", "Consent text version 30 November 2026.")])
def test_the_form_speaks_both_languages_and_is_accessible(notify, lang, heading, places, version):
    publish_event(notify)
    page = notify.test_client().get(f"{FORM}?lang={lang}")
    assert page.status_code == 200
    assert_accessible_page(page.text, lang)
    assert heading in page.text and places in page.text
    assert version in page.text  # the consent text's version as a date the reader reads, not ISO


def test_the_form_registers_and_shows_the_place_then_errors_are_named(notify, mail_dir):
    publish_event(notify, capacity=1)
    client = notify.test_client()
    token = csrf_of(client.get(FORM).text)
    form = {"csrf_token": token, "name": "Helena", "email": "helena@example.org", "people": "1", "consent": "true"}
    answer = client.post(FORM, data=form)
    assert answer.status_code == 303
    after = client.get(answer.headers["Location"])
    assert "Ma Pani/Pan miejsce" in after.text
    waiting = client.get(client.post(FORM, data={**form, "email": "zenon@example.org"}).headers["Location"])
    assert "na miejscu 1" in waiting.text
    assert send_all(notify) == 2
    assert "brak miejsc" in client.get(FORM).text
    missing = client.post(FORM, data={**form, "consent": ""})
    assert missing.status_code == 422 and 'id="consent-error"' in missing.text
    forged = client.post(FORM, data={**form, "csrf_token": "x"})
    assert forged.status_code == 400


def test_too_few_places_left_for_the_group_says_how_many_are_left(notify, mail_dir):
    """1 of 3 places left and 2 people register: the page and the mail say only 1 place is left, too few for 2, so
    they wait; not that every place is taken."""
    publish_event(notify, capacity=3)
    client = notify.test_client()
    assert client.post("/api/v1/registrations/", json=resident(1, people=2)).json["status"] == "confirmed"
    form = {"csrf_token": csrf_of(client.get(FORM).text), "name": "Helena", "email": "helena@example.org",
            "people": "2", "consent": "true"}
    page = client.get(client.post(FORM, data=form).headers["Location"]).text
    said = "Zostało tylko 1 wolne miejsce, za mało dla 2 osób"
    assert said in page and "na miejscu 1" in page and "Wszystkie miejsca są zajęte" not in page
    assert send_all(notify) == 2
    mail = folder_mails(mail_dir)[-1].get_body(("plain",)).get_content()
    assert said in mail and "na miejscu 1" in mail and "Wszystkie miejsca są zajęte" not in mail
    html = folder_mails(mail_dir)[-1].get_body(("html",)).get_content()
    assert said in html and "Wszystkie miejsca są zajęte" not in html


def test_the_api_and_the_staff_page_do_not_say_every_place_is_taken_when_some_are_left(notify):
    """1 of 3 places left and a group of 2: the API's answer says there are too few places, which is true whether none
    or some are left; not that every place is taken. (The staff page's notice says the same:
    tests/browser/test_staff_registrations.py.)"""
    publish_event(notify, capacity=3)
    client = notify.test_client()
    assert client.post("/api/v1/registrations/", json=resident(1, people=2)).json["status"] == "confirmed"
    answer = client.post("/api/v1/registrations/", json=resident(2, people=2)).json
    assert answer["status"] == "waiting" and "Wszystkie miejsca" not in answer["message"]
    assert answer["message"].startswith("Za mało wolnych miejsc")


def test_the_form_says_too_many_with_retry_after_and_a_bad_date_by_name(notify, mail_dir):
    notify.config.update(REGISTRATION_LIMIT_PER_ADDRESS=1, REGISTRATION_LIMIT_PER_IP=10)
    publish_event(notify, capacity=None)
    client = notify.test_client()
    form = {"csrf_token": csrf_of(client.get(FORM).text), "name": "Helena", "email": "helena@example.org",
            "people": "1", "consent": "true"}
    assert client.post(FORM, data=form).status_code == 303
    limited = client.post(FORM, data=form)
    assert limited.status_code == 429 and limited.headers["Retry-After"] and 'role="alert"' in limited.text
    bad_date = client.post(FORM, data={**form, "email": "zenon@example.org", "occurrence": "2001-01-01T10:00:00"})
    assert bad_date.status_code == 422 and 'href="#occurrence"' in bad_date.text
    # A one-date event: the link leads to the date shown, which says why (there is no list to choose from).
    assert 'id="occurrence"' in bad_date.text and 'id="occurrence-error"' in bad_date.text
    assert "Na ten termin nie przyjmujemy już zapisów." in bad_date.text


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_signed_link_pages_are_accessible(notify, mail_dir, lang):
    publish_event(notify)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1, language=lang))
    send_all(notify)
    [mail] = folder_mails(mail_dir)
    for purpose in ("confirm", "cancel"):
        page = client.get(link(mail, purpose))
        assert page.status_code == 200 and page.headers["X-Robots-Tag"] == "noindex"
        assert_accessible_page(page.text, lang)
    assert client.get("/registrations/confirm/forged").status_code == 404


def test_the_printable_list_is_for_staff_and_the_organiser_only(notify):
    give_keys(notify)
    publish_event(notify, capacity=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1, people=1))
    client.post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN,
                json={"name": "Pan Józef", "contact": "phone", "phone": "600100200", "consent": True})
    publish_event(notify, "event.updated", capacity=1, version=2)
    listing = f"{FORM}/list"
    assert client.get(listing).status_code == 401
    assert client.get(listing, headers=bearer(OTHER_KEY)).status_code == 403
    page = client.get(listing, headers=bearer(ORGANISATION_KEY))
    assert page.status_code == 200
    assert_accessible_page(page.text, "pl")
    assert "Mieszkanka 1" in page.text and "Pan Józef" in page.text and "600100200" in page.text
    assert 'media="print"' in page.text
    assert "Lista rezerwowa" in page.text


def test_the_form_of_a_cancelled_event_says_it_is_cancelled(notify):
    """Not "registration is not open here; the event's page says how to take part": there is nothing to take part in."""
    publish_event(notify, version=2, status="cancelled", cancelled_at="2026-11-30T10:00:00+00:00")
    page = notify.test_client().get(FORM).text
    assert "To wydarzenie jest odwołane." in page and "nie zapisujemy tutaj" not in page
    assert 'name="email"' not in page


@pytest.mark.parametrize("location", ["ul. Łukasińskiego 40, sala nr 2",
                                      "OSL Ostatni Grosz, ul. Łukasińskiego 40, sala nr 2"])
def test_the_form_says_where_as_the_event_page_and_calendar_do_and_maps_it_in_the_city(notify, location):
    """The centre's name once, before the room and address (``ical.place_words``); the map search names the city."""
    publish_event(notify, centre_name="OSL Ostatni Grosz", district_name="Ostatni Grosz", location=location,
                  latitude=None, longitude=None)
    page = notify.test_client().get(FORM).text
    map_url = "https://www.openstreetmap.org/search?query=" + quote(f"{location}, Częstochowa")
    assert "<strong>Gdzie:</strong> OSL Ostatni Grosz, ul. Łukasińskiego 40, sala nr 2 · " in page
    assert f'href="{map_url}"' in page
