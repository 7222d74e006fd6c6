"""Registrations on the staff pages, signed in (a staff session from partners): each date's list with places left,
the waiting list and "over capacity by N"; registering someone by phone or with no contact; cancelling on their
behalf. The API's operations and schema; a CSRF token on each form; MOPS and the event's own organisation only."""

import re

import pytest
from sqlalchemy import select

from services.messaging.staff import COOKIE
from services.notify.models import Registration
from tests.notify.conftest import folder_mails
from tests.notify.registrations import (
    EVENT_ID,
    ORGANISATION_KEY,
    bearer,
    give_keys,
    link,
    publish_event,
    registrations,
    resident,
    send_all,
    staff_session,
)
from tests.staff.conftest import CSRF

PAGE = f"/registrations/staff/events/{EVENT_ID}"


def signed_in(app, account_id: int = 1, role: str = "admin", organisation_id: int | None = None):
    client = app.test_client()
    client.set_cookie(COOKIE, staff_session(app, account_id, role, organisation_id))
    return client


def token(client) -> str:
    """A form token of this browser, from the sign-up form, which is always there (every notify page shares the
    token's cookie)."""
    return CSRF.search(client.get("/subscribe").get_data(as_text=True)).group(1)


def by_phone(client, **changes):
    form = {"name": "Stanisława Wójcik", "contact": "phone", "phone": "34 360 00 01", "people": "1",
            "consent": "true", "csrf_token": token(client), **changes}
    return client.post(PAGE, data=form)


def test_staff_register_a_senior_by_phone_and_see_the_list_and_the_places_left(notify):
    publish_event(notify, capacity=2)
    client = signed_in(notify)
    page = client.get(PAGE)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Nikt się jeszcze nie zapisał." in page.get_data(as_text=True)
    sent = by_phone(client)
    assert sent.status_code == 303 and "done=confirmed" in sent.headers["Location"]
    [registration] = registrations(notify)
    assert (registration.contact, registration.phone, registration.by_staff, registration.status) == (
        "phone", "34 360 00 01", True, "confirmed")
    # No contact at all, two people: the second place and one over, so the waiting list.
    assert by_phone(client, name="Józef Nowak", contact="none", phone="", people="2").status_code == 303
    html = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Stanisława Wójcik" in html and "34 360 00 01" in html and registration.ref in html
    assert "Zajęte miejsca: 1 · Wolne miejsca: 1 · lista rezerwowa: 2" in html and "Józef Nowak" in html
    assert "brak kontaktu" in html
    assert f'href="/registrations/events/{EVENT_ID}/list"' in html
    # The printable list opens with the same session, with the reference beside the name.
    printed = client.get(f"/registrations/events/{EVENT_ID}/list")
    assert printed.status_code == 200 and registration.ref in printed.get_data(as_text=True)


def test_cancelling_on_someones_behalf_moves_the_first_waiting_up(notify):
    publish_event(notify, capacity=1)
    client = signed_in(notify)
    by_phone(client)
    by_phone(client, name="Józef Nowak", contact="none", phone="")
    first, second = registrations(notify)
    assert (first.status, second.status) == ("confirmed", "waiting")
    cancelled = client.post(f"{PAGE}/{first.id}/cancel", data={"csrf_token": token(client)})
    assert cancelled.status_code == 303
    assert [r.status for r in registrations(notify)] == ["cancelled", "confirmed"]
    assert "Zapis odwołany" in client.get(cancelled.headers["Location"]).get_data(as_text=True)


def test_a_lower_capacity_shows_over_capacity_by_n(notify):
    publish_event(notify, capacity=3)
    client = signed_in(notify)
    for number in range(3):
        client.post("/api/v1/registrations/", json=resident(number))
    publish_event(notify, "event.updated", capacity=1, version=2)
    html = client.get(PAGE).get_data(as_text=True)
    assert "ponad limit o 2" in html
    assert "over capacity by 2" in client.get(PAGE, query_string={"lang": "en"}).get_data(as_text=True)


def test_bad_input_and_a_missing_form_token_register_nobody(notify):
    publish_event(notify, capacity=5)
    client = signed_in(notify)
    bad_phone = by_phone(client, phone="zadzwonię")
    assert bad_phone.status_code == 422 and 'id="phone-error"' in bad_phone.get_data(as_text=True)
    no_consent = by_phone(client, consent="")
    assert no_consent.status_code == 422 and 'id="consent-error"' in no_consent.get_data(as_text=True)
    no_name = by_phone(client, name="")
    assert no_name.status_code == 422 and 'id="name-error"' in no_name.get_data(as_text=True)
    too_many = by_phone(client, people="x")
    assert too_many.status_code == 422 and 'id="people-error"' in too_many.get_data(as_text=True)
    forged = client.post(PAGE, data={"name": "Ktoś", "contact": "none", "consent": "true"})
    assert forged.status_code == 400
    assert registrations(notify) == []


@pytest.mark.parametrize("who, expected", [("own editor", 200), ("other editor", 403), ("admin", 200)])
def test_only_mops_and_the_events_own_organisation(notify, who, expected):
    publish_event(notify, capacity=5)
    account = {"own editor": (2, "editor", 9), "other editor": (3, "editor", 8), "admin": (1, "admin", None)}[who]
    client = signed_in(notify, *account)
    assert client.get(PAGE).status_code == expected
    assert by_phone(client).status_code == (303 if expected == 200 else 403)
    assert client.get(f"/registrations/events/{EVENT_ID}/list").status_code == expected
    if expected == 403:
        with notify.extensions["osl"].database.session() as session:
            assert session.scalars(select(Registration)).all() == []
        # Nor may they cancel another organisation's registration.
        admin = signed_in(notify, 1, "admin")
        by_phone(admin)
        [registration] = registrations(notify)
        refused = client.post(f"{PAGE}/{registration.id}/cancel", data={"csrf_token": token(client)})
        assert refused.status_code == 403 and registrations(notify)[0].status == "confirmed"


def test_nobody_signed_in_is_sent_to_sign_in(notify):
    publish_event(notify, capacity=5)
    response = notify.test_client().get(PAGE)
    assert response.status_code == 303 and re.search(
        r"/staff/sign-in\?next=http%3A%2F%2F127\.0\.0\.1%3A8003%2Fregistrations%2Fstaff%2Fevents%2F",
        response.headers["Location"])


def test_behind_the_gateway_the_sign_in_is_where_every_staff_page_is(notify):
    """The sign-in redirect comes from STAFF_URL (services/ui/links.py staff_url), as events' and programme's do,
    not from partners' own address."""
    publish_event(notify, capacity=5)
    notify.config["PARTNERS_URL"] = "https://osl.example/partners"
    notify.config["STAFF_URL"] = "https://osl.example"
    response = notify.test_client().get(PAGE)
    assert response.status_code == 303 and response.headers["Location"].startswith("https://osl.example/staff/sign-in?")


def test_a_refusal_or_an_unknown_event_is_the_polish_problem_page_not_the_apis_json(notify):
    publish_event(notify, capacity=5)
    other = signed_in(notify, 3, "editor", 8)
    for answer, says in [(other.get(PAGE), "Twoje konto nie może otworzyć tej strony."),
                         (signed_in(notify).get("/registrations/staff/events/00000000-0000-0000-0000-0000000000ff"),
                          "Nie znaleźliśmy tej strony")]:
        html = answer.get_data(as_text=True)
        assert answer.mimetype == "text/html" and answer.headers["Cache-Control"] == "no-store", html[:200]
        assert says in html and "To się nie udało" in html and "/staff/events/" in html


def _anchors_missing(html: str) -> list[str]:
    """The page's links to a place on it (the error summary's, to the refused field) that lead nowhere."""
    return [name for name in re.findall(r'href="#([^"]+)"', html) if f'id="{name}"' not in html]


def test_a_one_date_event_refused_for_its_date_says_so_at_the_date_shown(notify):
    """The page shows one date (an event of one date, or a whole series: the fieldset ``occurrence`` with its list of
    dates is a per-date series'): a refusal for its date (a form loaded while the event was a series, a whole series
    whose first date is over) links to the date the page shows, with a sentence about it, not "choose a date from the
    list"."""
    publish_event(notify)
    client = signed_in(notify)
    assert client.get(PAGE).status_code == 200
    refused = by_phone(client, occurrence="2026-01-01T10:00:00")  # a date of the series it was when loaded
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422, html
    assert 'href="#occurrence"' in html and _anchors_missing(html) == []
    assert "Proszę wybrać termin z listy." not in html and "Na ten termin nie przyjmujemy już zapisów." in html
    assert registrations(notify) == []


def test_a_whole_series_refused_for_its_date_links_to_the_date_shown(notify):
    """Refused once its last date is over (a page loaded before): the page has no date left, and says so there."""
    give_keys(notify)
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=-22)
    put = notify.test_client().put(f"/api/v1/registrations/events/{EVENT_ID}/settings", json={"whole_series": True},
                                   headers=bearer(ORGANISATION_KEY))
    assert put.status_code == 200, put.json
    client = signed_in(notify)
    refused = by_phone(client)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422, html
    assert 'href="#occurrence"' in html and _anchors_missing(html) == []
    assert "Proszę wybrać termin z listy." not in html and "Na ten termin nie przyjmujemy już zapisów." in html
    assert "Nie ma już terminów, na które można się zapisać." in html and registrations(notify) == []


def test_cancelling_a_waiting_registration_on_someones_behalf_moves_nobody_up(notify):
    publish_event(notify, capacity=1)
    client = signed_in(notify)
    by_phone(client)
    by_phone(client, name="Józef Nowak", contact="none", phone="")
    waiting = registrations(notify)[1]
    cancelled = client.post(f"{PAGE}/{waiting.id}/cancel", data={"csrf_token": token(client)})
    assert [r.status for r in registrations(notify)] == ["confirmed", "cancelled"]
    html = client.get(cancelled.headers["Location"]).get_data(as_text=True)
    assert "Zapis odwołany." in html and "dostała miejsce" not in html


def test_cancelling_the_last_place_with_nobody_waiting_says_nobody_moved_up(notify):
    publish_event(notify, capacity=1)
    client = signed_in(notify)
    by_phone(client)
    [confirmed] = registrations(notify)
    cancelled = client.post(f"{PAGE}/{confirmed.id}/cancel", data={"csrf_token": token(client)})
    assert [r.status for r in registrations(notify)] == ["cancelled"]
    html = client.get(cancelled.headers["Location"]).get_data(as_text=True)
    assert "Zapis odwołany." in html and "dostała miejsce" not in html


def group(html: str, heading: str) -> str:
    """The people listed under one heading of a date's list ("" when the page has no such heading)."""
    found = re.search(rf"<h3>{heading}</h3>(.*?)</[uo]l>", html, re.S)
    return found.group(1) if found else ""


def test_a_place_whose_address_is_not_confirmed_is_listed_apart_from_the_confirmed(notify, mail_dir):
    """A place held by an e-mail address that has not confirmed yet (it goes back if it never does) is not among
    the confirmed: staff see "a place, address not confirmed", and on the waiting list, "address not confirmed"."""
    publish_event(notify, capacity=3)
    client = signed_in(notify)
    by_phone(client)  # what staff took needs no confirming
    for number in (1, 2, 3):  # two places and the waiting list, none confirmed yet
        notify.test_client().post("/api/v1/registrations/", json=resident(number))
    send_all(notify)
    client.get(link(folder_mails(mail_dir)[1], "confirm"))  # the second confirms
    html = client.get(PAGE).get_data(as_text=True)
    confirmed, unconfirmed = group(html, "Potwierdzeni"), group(html, "Miejsce, adres niepotwierdzony")
    assert "Stanisława Wójcik" in confirmed and "Mieszkanka 2" in confirmed and "Mieszkanka 1" not in confirmed
    assert "Mieszkanka 1" in unconfirmed and "Mieszkanka 2" not in unconfirmed
    waiting = group(html, "Lista rezerwowa")
    assert "Mieszkanka 3" in waiting and "adres niepotwierdzony" in waiting
    printed = client.get(f"/registrations/events/{EVENT_ID}/list").get_data(as_text=True)
    assert "osoba1@example.org (adres niepotwierdzony)" in printed and "osoba2@example.org (" not in printed
    client.get(link(folder_mails(mail_dir)[0], "confirm"))
    html = client.get(PAGE).get_data(as_text=True)
    assert "Mieszkanka 1" in group(html, "Potwierdzeni") and group(html, "Miejsce, adres niepotwierdzony") == ""
