"""Places and the waiting list, on SQLite and PostgreSQL: the race for the last places, the waiting list in
commit order, promotion when someone cancels, a lower capacity, per date or whole series, and the counts that go
to the events service."""

import threading
from datetime import timedelta

from sqlalchemy import select

from services.notify import operations
from services.notify.models import Registration
from tests.notify.conftest import folder_mails
from tests.notify.registrations import (
    ADMIN,
    EVENT_ID,
    ORGANISATION_KEY,
    bearer,
    counts_messages,
    give_keys,
    in_days,
    link,
    one_place_three_residents,
    publish_event,
    registrations,
    resident,
    send_all,
    slots,
    utc_key,
    workshop,
)

LIMITS = {"REGISTRATION_LIMIT_PER_IP": 1000, "REGISTRATION_LIMIT_PER_ADDRESS": 1000}



def test_fifty_residents_at_once_for_twenty_places_get_twenty_places_and_thirty_waiting(notify):
    notify.config.update(LIMITS)
    publish_event(notify, capacity=20)
    barrier = threading.Barrier(50)
    answers: list[int] = []

    def register(number: int) -> None:
        client = notify.test_client()
        barrier.wait()
        answers.append(client.post("/api/v1/registrations/", json=resident(number)).status_code)

    threads = [threading.Thread(target=register, args=(number,)) for number in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [201] * 50
    rows = registrations(notify)
    assert [r.seq for r in rows] == list(range(1, 51))  # one number each, in the order they committed
    assert [r.status for r in rows] == ["confirmed"] * 20 + ["waiting"] * 30
    assert [r.id for r in rows] == sorted(r.id for r in rows)  # each inserted after the one before committed
    [slot] = slots(notify)
    assert (slot.confirmed, slot.waiting, slot.last_seq) == (20, 30, 50)
    counts = counts_messages(notify)
    assert [c["version"] for c in counts] == list(range(1, 51))
    assert counts[-1] == {"event_id": EVENT_ID, "occurrence": slot.occurrence, "version": 50, "capacity": 20,
                          "confirmed": 20, "waiting": 30}
    assert max(c["confirmed"] for c in counts) == 20


def test_cancelling_a_confirmed_place_moves_the_first_waiting_up_and_tells_them(notify, mail_dir):
    client = one_place_three_residents(notify)
    first_mail = folder_mails(mail_dir)[0]
    cancel = link(first_mail, "cancel")
    assert client.get(cancel).status_code == 200
    assert registrations(notify)[0].status == "confirmed"  # a GET (a mail scanner) changes nothing
    done = client.post(cancel)
    assert done.status_code == 200 and "Zapis anulowany" in done.text
    assert [r.status for r in registrations(notify)] == ["cancelled", "confirmed", "waiting"]
    assert client.post(cancel).status_code == 200  # a second click: nothing more
    assert send_all(notify) == 2  # the second's place; the first's own mail saying her registration is cancelled
    told = {m["To"].addresses[0].addr_spec: m["Subject"] for m in folder_mails(mail_dir)[-2:]}
    assert told == {"osoba1@example.org": "Zapis anulowany: Warsztaty z trenerem",
                    "osoba2@example.org": "Jest miejsce dla Pani/Pana: Warsztaty z trenerem"}
    assert (slots(notify)[0].confirmed, slots(notify)[0].waiting) == (1, 1)
    assert counts_messages(notify)[-1]["confirmed"] == 1


def test_the_waiting_list_keeps_its_order_when_a_party_does_not_fit(notify):
    publish_event(notify, capacity=3)
    client = notify.test_client()
    for number, people in ((1, 3), (2, 2), (3, 1)):
        client.post("/api/v1/registrations/", json=resident(number, people=people))
    ids = [r.id for r in registrations(notify)]
    assert [r.status for r in registrations(notify)] == ["confirmed", "waiting", "waiting"]
    assert client.post(f"/api/v1/registrations/events/{EVENT_ID}/{ids[0]}/cancel", headers=ADMIN).status_code == 200
    assert [r.status for r in registrations(notify)] == ["cancelled", "confirmed", "confirmed"]


def test_a_lower_capacity_cancels_nobody_and_staff_see_over_capacity(notify, mail_dir):
    publish_event(notify, capacity=3)
    client = notify.test_client()
    for number in range(4):
        client.post("/api/v1/registrations/", json=resident(number))
    publish_event(notify, "event.updated", capacity=1, version=2)
    assert [r.status for r in registrations(notify)] == ["confirmed"] * 3 + ["waiting"]
    [listed] = client.get(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN).json
    assert (listed["capacity"], listed["confirmed"], listed["over_capacity"], listed["places_left"]) == (1, 3, 2, 0)
    assert [row["position"] for row in listed["waiting_list"]] == [1]
    publish_event(notify, "event.updated", capacity=4, version=3)  # a higher one moves the waiting up
    assert [r.status for r in registrations(notify)] == ["confirmed"] * 4


def test_a_series_is_registered_per_date_unless_the_organiser_says_whole(notify):
    give_keys(notify)
    first = in_days(7)
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=7)
    client = notify.test_client()
    no_date = client.post("/api/v1/registrations/", json=resident(1))
    assert no_date.status_code == 422 and "occurrence" in no_date.json["errors"]["json"]
    wrong = client.post("/api/v1/registrations/", json=resident(1, occurrence=(first + timedelta(days=1))
                                                                 .replace(tzinfo=None).isoformat()))
    assert wrong.status_code == 422
    second_date = (first + timedelta(days=7)).replace(tzinfo=None).isoformat()
    assert client.post("/api/v1/registrations/", json=resident(1, occurrence=second_date)).status_code == 201
    assert [s.occurrence for s in slots(notify)] == [utc_key(first + timedelta(days=7))]
    # Once registered per date, the way stays.
    put = client.put(f"/api/v1/registrations/events/{EVENT_ID}/settings", json={"whole_series": True},
                     headers=bearer(ORGANISATION_KEY))
    assert put.status_code == 409


def test_whole_series_registration_and_the_people_limit(notify):
    give_keys(notify)
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=7)
    client = notify.test_client()
    put = client.put(f"/api/v1/registrations/events/{EVENT_ID}/settings",
                     json={"whole_series": True, "max_people": 2}, headers=bearer(ORGANISATION_KEY))
    assert put.status_code == 200 and put.json == {"whole_series": True, "max_people": 2}
    too_many = client.post("/api/v1/registrations/", json=resident(1, people=3))
    assert too_many.status_code == 422 and "people" in too_many.json["errors"]["json"]
    assert client.post("/api/v1/registrations/", json=resident(1, people=2)).status_code == 201
    [slot] = slots(notify)
    assert slot.occurrence == "" and slot.ends_at > in_days(7 + 21)


def test_a_series_set_whole_tells_the_events_service_its_places_before_anyone_registers(notify):
    """The event page said "Zapisy na każdy termin osobno" of a whole-series registration until the first person
    registered (the events service knew the way only from the counts): the counts of the whole series go at once."""
    give_keys(notify)
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=7)
    client = notify.test_client()
    whole = {"whole_series": True}
    assert client.put(f"/api/v1/registrations/events/{EVENT_ID}/settings", json=whole,
                      headers=bearer(ORGANISATION_KEY)).status_code == 200
    first = {"event_id": EVENT_ID, "occurrence": "", "version": 1, "capacity": 20, "confirmed": 0, "waiting": 0}
    assert counts_messages(notify) == [first]
    assert client.put(f"/api/v1/registrations/events/{EVENT_ID}/settings", json={**whole, "max_people": 2},
                      headers=bearer(ORGANISATION_KEY)).status_code == 200
    assert counts_messages(notify) == [first]  # no change of the way, nothing new to say
    assert client.post("/api/v1/registrations/", json=resident(1)).status_code == 201
    [slot] = slots(notify)
    assert slot.occurrence == "" and slot.ends_at > in_days(7 + 21)
    assert counts_messages(notify)[1:] == [{**first, "version": 2, "confirmed": 1}]


def test_operations_never_confirm_past_the_capacity_in_any_order_of_cancels(notify):
    """Registrations and cancellations interleaved from many threads: the confirmed places never pass the capacity
    and the waiting list is always served before newcomers."""
    publish_event(notify, capacity=5)
    database = notify.extensions["osl"].database
    event = workshop(capacity=5)
    barrier = threading.Barrier(12)

    def work(number: int) -> None:
        barrier.wait()
        with database.session() as session:
            registered = operations.register_for(session, event, {"name": f"N{number}", "contact": "none"},
                                                 by_staff=True)
            registration_id = registered.registration.id
        if number % 3 == 0:
            with database.session() as session:
                operations.cancel_registration(session, session.get(Registration, registration_id))

    threads = [threading.Thread(target=work, args=(number,)) for number in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = registrations(notify)
    active = [r for r in rows if r.status == "confirmed"]
    assert len(active) == 5 and sum(r.people for r in active) == slots(notify)[0].confirmed == 5
    waiting = [r for r in rows if r.status == "waiting"]
    assert all(w.seq > max(a.seq for a in active if a.promoted_at is None) for w in waiting)
    assert slots(notify)[0].waiting == len(waiting) == 12 - 4 - 5


def test_counts_go_from_notify_outbox_over_the_bus_to_the_events_page(notify, events_app):
    """notify's relay publishes the counts; the events service's consumer keeps them; its page shows them."""
    from services.events.models import RegistrationCount
    from services.messaging.testing import running, wait_until

    publish_event(notify, capacity=20)
    client = notify.test_client()
    for number in range(3):
        client.post("/api/v1/registrations/", json=resident(number))

    def shown():
        with events_app.extensions["osl"].database.session() as session:
            row = session.scalars(select(RegistrationCount)).first()
            return row is not None and row.version == 3 and (row.confirmed, row.capacity) == (3, 20)

    with running(events_app.extensions["osl"].worker()), running(notify.extensions["osl"].relay()):
        wait_until(shown, timeout=60, message="the third counts message handled by the events service")
    with events_app.extensions["osl"].database.session() as session:
        [row] = session.scalars(select(RegistrationCount)).all()
        assert str(row.event_id) == EVENT_ID and row.waiting == 0


def test_a_waiting_group_a_lower_capacity_can_never_hold_is_told_and_released_and_blocks_nobody(notify, mail_dir):
    publish_event(notify, capacity=3)
    client = notify.test_client()
    for number, people in ((1, 1), (2, 3), (3, 1)):
        client.post("/api/v1/registrations/", json=resident(number, people=people))
    send_all(notify)
    assert [r.status for r in registrations(notify)] == ["confirmed", "waiting", "waiting"]
    publish_event(notify, "event.updated", capacity=2, version=2)
    publish_event(notify, "event.updated", capacity=2, version=3)  # a later copy tells nobody again
    # The group of 3 no longer fits in 2 places: released; the one person behind it moves up to the free place.
    assert [r.status for r in registrations(notify)] == ["confirmed", "cancelled", "confirmed"]
    assert send_all(notify) == 2
    told = {m["To"].addresses[0].addr_spec: m for m in folder_mails(mail_dir)[-2:]}
    assert told["osoba3@example.org"]["Subject"] == "Jest miejsce dla Pani/Pana: Warsztaty z trenerem"
    too_big = told["osoba2@example.org"]
    assert too_big["Subject"] == "Za mało miejsc dla Państwa grupy: Warsztaty z trenerem"
    body = too_big.get_body(("plain",)).get_content()
    assert "(osób: 3)" in body and "miejsc: 2" in body and "zapisać się ponownie" in body
    assert "/registrations/cancel/" not in body  # nothing left to cancel
    assert "text/calendar" not in [part.get_content_type() for part in too_big.walk()]  # nothing to go to
    [slot] = slots(notify)
    assert (slot.capacity, slot.confirmed, slot.waiting) == (2, 2, 0)
    assert counts_messages(notify)[-1]["waiting"] == 0


def test_a_waiting_group_by_phone_that_no_longer_fits_stays_but_lets_smaller_ones_by(notify):
    publish_event(notify, capacity=3)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    client.post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN, json={
        "name": "Pan Józef", "contact": "phone", "phone": "+48 600 100 200", "people": 3, "consent": True})
    client.post("/api/v1/registrations/", json=resident(3))
    client.post("/api/v1/registrations/", json=resident(4))
    publish_event(notify, "event.updated", capacity=2, version=2)
    # Staff phone the group (nobody mails it); the first person behind it takes the free place, in order.
    assert [r.status for r in registrations(notify)] == ["confirmed", "waiting", "confirmed", "waiting"]
