"""Guards of a registration: one person (one e-mail address, or one phone number) is registered once per date, or
once for a whole series, while that registration is active (a double tap, two requests at once, staff registering
someone already registered): the second is answered as the first, and no second mail goes. A group bigger than the
date's places is refused naming ``people``, and the forms offer no bigger group. On SQLite and PostgreSQL."""

import re
import threading
from datetime import timedelta

from tests.notify.registrations import (
    ADMIN,
    EVENT_ID,
    counts_messages,
    in_days,
    publish_event,
    registrations,
    resident,
    send_all,
    slots,
)
from tests.notify.test_registration_pages import FORM, csrf_of
from tests.notify.test_registration_series import notices, whole_series
from tests.notify.test_registration_staff_pages import PAGE, by_phone, signed_in

API = "/api/v1/registrations/"
STAFF_API = f"/api/v1/registrations/events/{EVENT_ID}"


def people_offered(html: str) -> list[str]:
    """The numbers of people a form's select offers."""
    select = re.search(r'<select id="people".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select)


def test_the_same_address_again_for_a_date_is_answered_as_the_first_with_no_second_mail(notify):
    publish_event(notify, capacity=2)
    client = notify.test_client()
    first = client.post(API, json=resident(1))
    again = client.post(API, json=resident(1, email="Osoba1@Example.ORG", name="Ktoś inny"))
    # Answered as a new registration: the public answer never tells whether an address is registered for a date.
    assert (first.status_code, again.status_code) == (201, 201), again.json
    assert (again.json["status"], again.json["position"]) == ("confirmed", None)
    assert again.json["message"] == first.json["message"]
    [registration] = registrations(notify)
    assert registration.name == "Mieszkanka 1"
    assert (slots(notify)[0].confirmed, len(counts_messages(notify))) == (1, 1)
    assert send_all(notify) == 1
    # One waiting is answered with its place on the waiting list, as it was.
    client.post(API, json=resident(2, people=1))
    client.post(API, json=resident(3))
    waiting = client.post(API, json=resident(3))
    assert (waiting.status_code, waiting.json["status"], waiting.json["position"]) == (201, "waiting", 1)
    assert len(registrations(notify)) == 3


def test_once_cancelled_or_for_another_date_the_address_registers_anew(notify):
    first = in_days(7)
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=7)
    client = notify.test_client()
    dates = [(first + timedelta(days=7 * week)).replace(tzinfo=None).isoformat() for week in (0, 1)]
    assert client.post(API, json=resident(1, occurrence=dates[0])).status_code == 201
    assert client.post(API, json=resident(1, occurrence=dates[1])).status_code == 201
    registration = registrations(notify)[0]
    cancelled = client.post(f"{STAFF_API}/{registration.id}/cancel", headers=ADMIN)
    assert cancelled.status_code == 200
    assert client.post(API, json=resident(1, occurrence=dates[0])).status_code == 201
    assert sorted(r.status for r in registrations(notify)) == ["cancelled", "confirmed", "confirmed"]


def test_a_whole_series_takes_one_registration_per_address(notify):
    whole_series(notify, days=3, capacity=5)
    client = notify.test_client()
    assert client.post(API, json=resident(1)).status_code == 201
    assert client.post(API, json=resident(1)).status_code == 201
    assert len(registrations(notify)) == 1 and slots(notify)[0].confirmed == 1


def test_a_double_tap_on_the_form_shows_the_first_registration_again(notify, mail_dir):
    publish_event(notify, capacity=2)
    client = notify.test_client()
    form = {"csrf_token": csrf_of(client.get(FORM).text), "name": "Adam", "email": "adam@example.pl", "people": "1",
            "consent": "true"}
    assert client.post(FORM, data=form).status_code == 303
    again = client.post(FORM, data=form)
    assert again.status_code == 303
    page = client.get(again.headers["Location"])
    assert "Ma Pani/Pan miejsce" in page.text and "już zapisany" not in page.text  # as the first tap's page says
    assert len(registrations(notify)) == 1 and send_all(notify) == 1
    assert "zostało 1 z 2" in client.get(FORM).text


def test_staff_registering_a_number_or_an_address_registered_already_change_nothing(notify):
    publish_event(notify, capacity=5)
    client = notify.test_client()
    phone = {"name": "Pan Józef", "contact": "phone", "phone": "600 100 200", "consent": True}
    first = client.post(STAFF_API, headers=ADMIN, json=phone)
    again = client.post(STAFF_API, headers=ADMIN, json={**phone, "phone": "+48 600-100-200"})
    assert (first.status_code, again.status_code) == (201, 200), again.json
    assert again.json["id"] == first.json["id"] and again.json["status"] == "confirmed"
    # The address a resident registered with, given to staff: the resident's registration stands.
    resident_first = client.post(API, json=resident(1))
    by_staff = client.post(STAFF_API, headers=ADMIN, json={"name": "Mieszkanka 1", "contact": "email",
                                                           "email": "OSOBA1@example.org", "consent": True})
    assert (resident_first.status_code, by_staff.status_code) == (201, 200)
    # No contact at all: nothing to know the person by, so two namesakes are two registrations.
    nobody = {"name": "Pani Halina", "contact": "none", "consent": True}
    assert [client.post(STAFF_API, headers=ADMIN, json=nobody).status_code for _ in range(2)] == [201, 201]
    assert len(registrations(notify)) == 4 and slots(notify)[0].confirmed == 4
    assert len(notices(notify, "registered")) == 1


def test_the_staff_page_says_the_person_is_registered_already(notify):
    publish_event(notify, capacity=5)
    client = signed_in(notify)
    assert "done=confirmed" in by_phone(client).headers["Location"]
    again = by_phone(client, phone="34-360-00-01")
    assert again.status_code == 303 and "done=again" in again.headers["Location"]
    html = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Ta osoba jest już zapisana na ten termin" in html
    assert len(registrations(notify)) == 1


def test_two_requests_at_once_for_one_address_make_one_registration(notify):
    publish_event(notify, capacity=20)
    barrier = threading.Barrier(4)
    answers: list[int] = []

    def register() -> None:
        client = notify.test_client()
        barrier.wait()
        answers.append(client.post(API, json=resident(1)).status_code)

    threads = [threading.Thread(target=register) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 201, 201, 201]
    assert len(registrations(notify)) == 1 and slots(notify)[0].confirmed == 1
    assert len(notices(notify, "registered")) == 1


def test_a_group_bigger_than_the_places_is_refused_naming_people(notify):
    publish_event(notify, capacity=2)
    client = notify.test_client()
    refused = client.post(API, json=resident(1, people=3))
    assert refused.status_code == 422 and "people" in refused.json["errors"]["json"], refused.json
    assert "2 places" in refused.json["errors"]["json"]["people"][0]
    by_staff = client.post(STAFF_API, headers=ADMIN, json={"name": "Pan Zenon", "people": 3, "consent": True})
    assert by_staff.status_code == 422 and "people" in by_staff.json["errors"]["json"]
    assert registrations(notify) == []
    # Two fit though both places may be taken: the waiting list, where they can move up.
    client.post(API, json=resident(2))
    assert client.post(API, json=resident(1, people=2)).json["status"] == "waiting"


def test_the_forms_offer_no_bigger_group_than_the_places_and_say_how_many_there_are(notify):
    publish_event(notify, capacity=2)
    client = notify.test_client()
    page = client.get(FORM)
    assert people_offered(page.text) == ["1", "2"]
    form = {"csrf_token": csrf_of(page.text), "name": "Adam", "email": "adam@example.pl", "people": "3",
            "consent": "true"}
    refused = client.post(FORM, data=form)
    assert refused.status_code == 422 and 'id="people-error"' in refused.text
    assert "Ten termin ma tylko 2 miejsca: proszę wybrać mniej osób." in refused.text
    staff = signed_in(notify)
    assert people_offered(staff.get(PAGE).get_data(as_text=True)) == ["1", "2"]
    refused = by_phone(staff, people="3")
    assert refused.status_code == 422 and "Ten termin ma tylko 2 miejsca" in refused.get_data(as_text=True)
    assert registrations(notify) == []
    publish_event(notify, "event.updated", capacity=1, version=2)
    one = client.get(FORM).text
    assert people_offered(one) == ["1"]
    single = client.post(FORM, data={**form, "people": "2"})
    assert "Ten termin ma tylko 1 miejsce: proszę wybrać mniej osób." in single.text
    publish_event(notify, "event.updated", capacity=None, version=3)
    assert people_offered(client.get(FORM).text) == ["1", "2", "3", "4"]
