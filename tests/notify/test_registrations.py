"""Registering for events with limited places, on SQLite and PostgreSQL: places, the waiting list in commit order,
promotion when someone cancels, a lower capacity, a cancelled event, keys, the reminder and the retention job."""

import threading
from datetime import timedelta

from sqlalchemy import select

from services.messaging.models import utcnow
from services.notify import operations
from services.notify.models import Notice, Registration
from services.notify.scheduler import tick
from tests.notify.conftest import folder_mails
from tests.notify.registrations import (
    ADMIN,
    ADMIN_KEY,
    EVENT_ID,
    ORGANISATION_KEY,
    OTHER_KEY,
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


def test_a_registration_gets_its_place_or_position_by_mail_and_the_link_confirms_it(notify, mail_dir):
    publish_event(notify, capacity=2)
    client = notify.test_client()
    first = client.post("/api/v1/registrations/", json=resident(1, people=2))
    second = client.post("/api/v1/registrations/", json=resident(2))
    assert (first.status_code, first.json["status"], first.json["position"]) == (201, "confirmed", None)
    assert (second.json["status"], second.json["position"]) == ("waiting", 1)
    assert send_all(notify) == 2
    mails = folder_mails(mail_dir)
    assert [m["Subject"] for m in mails] == ["Zapis na wydarzenie: Warsztaty z trenerem"] * 2
    assert "List-Unsubscribe" not in mails[0]  # a registration's own mail, not a list
    assert "Miejsce jest zarezerwowane" in mails[0].get_body(("plain",)).get_content()
    assert "na liście rezerwowej, na miejscu 1" in mails[1].get_body(("plain",)).get_content()
    assert "https://www.openstreetmap.org/" in mails[0].get_body(("plain",)).get_content()
    page = client.get(link(mails[0], "confirm"))
    assert page.status_code == 200 and "Zapis na wydarzenie potwierdzony" in page.text
    assert registrations(notify)[0].verified_at is not None


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
    assert send_all(notify) == 1
    told = folder_mails(mail_dir)[-1]
    assert told["To"].addresses[0].addr_spec == "osoba2@example.org"
    assert told["Subject"] == "Jest miejsce dla Pani/Pana: Warsztaty z trenerem"
    assert (slots(notify)[0].confirmed, slots(notify)[0].waiting) == (1, 1)
    assert counts_messages(notify)[-1]["confirmed"] == 1


def test_a_forged_or_foreign_cancel_link_cancels_nothing(notify):
    publish_event(notify, capacity=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    assert client.post("/registrations/cancel/not-a-token").status_code == 404
    assert registrations(notify)[0].status == "confirmed"


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


def test_a_cancelled_event_tells_everyone_registered_once(notify, mail_dir):
    publish_event(notify, capacity=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    client.post("/api/v1/registrations/", json=resident(2))
    client.post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN,
                json={"name": "Pan Józef", "contact": "phone", "phone": "+48 600 100 200", "consent": True})
    send_all(notify)
    cancelled = dict(status="cancelled", version=2, sequence=1, capacity=5)  # a higher capacity moves nobody up
    publish_event(notify, "event.cancelled", **cancelled)
    publish_event(notify, "event.cancelled", **{**cancelled, "version": 3})  # a replay or a later copy
    assert send_all(notify) == 2  # both addresses, once; the phone registration has none
    told = folder_mails(mail_dir)[-2:]
    assert sorted(m["To"].addresses[0].addr_spec for m in told) == ["osoba1@example.org", "osoba2@example.org"]
    assert {m["Subject"] for m in told} == {"Odwołane: Warsztaty z trenerem"}


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


def test_keys_organisation_sees_its_own_events_only_admin_keys_work_and_phone_is_staff_only(notify):
    give_keys(notify)
    publish_event(notify)
    client = notify.test_client()
    url = f"/api/v1/registrations/events/{EVENT_ID}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer("osl_unknown")).status_code == 401
    assert client.get(url, headers=bearer(OTHER_KEY)).status_code == 403
    assert client.get(url, headers=bearer(ORGANISATION_KEY)).status_code == 200
    assert client.get(url, headers=bearer(ADMIN_KEY)).status_code == 200
    # The admin API takes partners' admin keys too; an organisation's key it refuses.
    assert client.get("/api/v1/notices", headers=bearer(ADMIN_KEY)).status_code == 200
    assert client.get("/api/v1/notices", headers=bearer(ORGANISATION_KEY)).status_code == 403
    by_phone = client.post(url, headers=bearer(ORGANISATION_KEY), json={
        "name": "Pani Halina", "contact": "phone", "phone": "34 123 45 67", "people": 2, "consent": True})
    assert by_phone.status_code == 201 and by_phone.json["status"] == "confirmed"
    nobody = client.post(url, headers=ADMIN, json={"name": "Pan Zenon", "consent": True})
    assert nobody.status_code == 201
    public_phone = client.post("/api/v1/registrations/", json={**resident(1), "contact": "phone"})
    assert public_phone.status_code == 422  # the public API knows no phone registrations
    [listed] = client.get(url, headers=bearer(ORGANISATION_KEY)).json
    assert [(r["name"], r["people"], r["contact"], r["phone"]) for r in listed["confirmed_list"]] == [
        ("Pani Halina", 2, "phone", "34 123 45 67"), ("Pan Zenon", 1, "none", None)]


def test_a_revoked_key_stops_working(notify):
    from services.messaging.envelope import Envelope
    from tests.notify.registrations import key_message, worker

    give_keys(notify)
    publish_event(notify)
    revoked = key_message(1, ORGANISATION_KEY, 9, revoked_at="2026-11-30T06:00:00+00:00")
    worker(notify).handle("partners-replica", Envelope.new("organisation.api_key.revoked", revoked))
    url = f"/api/v1/registrations/events/{EVENT_ID}"
    assert notify.test_client().get(url, headers=bearer(ORGANISATION_KEY)).status_code == 401


def test_registration_is_rate_limited_per_address_and_per_client(notify):
    notify.config.update(REGISTRATION_LIMIT_PER_ADDRESS=2, REGISTRATION_LIMIT_PER_IP=3)
    publish_event(notify, capacity=None)
    client = notify.test_client()
    assert [client.post("/api/v1/registrations/", json=resident(1)).status_code for _ in range(3)] == [201, 201, 429]
    assert client.post("/api/v1/registrations/", json=resident(2)).status_code == 201
    limited = client.post("/api/v1/registrations/", json=resident(3))
    assert limited.status_code == 429 and limited.headers["Retry-After"]


def test_bad_registrations_get_422_naming_the_field(notify):
    publish_event(notify)
    client = notify.test_client()
    for body, field in ((resident(1, consent=False), "consent"), (resident(1, email="nope"), "email"),
                        (resident(1, name=""), "name"), (resident(1, people=0), "people"),
                        (resident(1, name="a\nb"), "name")):
        answer = client.post("/api/v1/registrations/", json=body)
        assert answer.status_code == 422 and field in answer.json["errors"]["json"], body
    unknown = client.post("/api/v1/registrations/", json=resident(1, event_id="00000000-0000-0000-0000-000000000099"))
    assert unknown.status_code == 404
    publish_event(notify, "event.updated", version=2, registration={"url": None, "required": False, "capacity": None})
    assert client.post("/api/v1/registrations/", json=resident(1)).status_code == 409  # no registration here


def test_an_address_that_never_confirms_gives_its_place_back(notify, mail_dir):
    client = one_place_three_residents(notify)
    client.get(link(folder_mails(mail_dir)[1], "confirm"))  # the second, waiting, confirms; the others do not
    database = notify.extensions["osl"].database
    tick(database, notify.config, utcnow() + timedelta(hours=notify.config["REGISTRATION_CONFIRM_HOURS"] + 1))
    assert [r.status for r in registrations(notify)] == ["expired", "confirmed", "expired"]
    assert send_all(notify) == 1  # the second is told they moved up
    assert folder_mails(mail_dir)[-1]["To"].addresses[0].addr_spec == "osoba2@example.org"


def test_the_day_before_confirmed_people_get_a_reminder_with_the_place_and_a_map(notify, mail_dir):
    publish_event(notify, capacity=1, days=2)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    client.post("/api/v1/registrations/", json=resident(2))
    send_all(notify)
    for mail in folder_mails(mail_dir):
        client.get(link(mail, "confirm"))
    database = notify.extensions["osl"].database
    day_before = in_days(1, hour=18)
    tick(database, notify.config, day_before)
    tick(database, notify.config, day_before + timedelta(minutes=5))
    with database.session() as session:
        reminders = session.scalars(select(Notice).where(Notice.kind == "reg_reminder")).all()
    assert len(reminders) == 1  # the confirmed person, once; not the waiting one
    send_all(notify)
    mail = folder_mails(mail_dir)[-1]
    text = mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == "Jutro: Warsztaty z trenerem"
    assert "ul. Łukasińskiego 40" in text and "openstreetmap.org" in text


def test_the_retention_job_anonymises_registrations_and_keeps_the_counts(notify, mail_dir):
    publish_event(notify, capacity=2, days=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1, people=2))
    client.post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN,
                json={"name": "Pan Józef", "contact": "phone", "phone": "600100200", "consent": True})
    database = notify.extensions["osl"].database
    days = notify.config["REGISTRATION_RETENTION_DAYS"]
    tick(database, notify.config, in_days(1 + int(days) - 1))  # not yet
    assert registrations(notify)[0].name == "Mieszkanka 1"
    tick(database, notify.config, in_days(2 + int(days)))
    rows = registrations(notify)
    assert [(r.name, r.email, r.phone) for r in rows] == [(None, None, None)] * 2
    assert [(r.people, r.status) for r in rows] == [(2, "confirmed"), (1, "waiting")]
    with database.session() as session:
        assert session.scalars(select(Notice).where(Notice.registration_id.is_not(None))).all() == []
    assert slots(notify)[0].anonymised_at is not None and slots(notify)[0].confirmed == 2


def test_gdpr_export_and_erase_cover_registrations(notify, mail_dir):
    publish_event(notify, capacity=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    client.post("/api/v1/registrations/", json=resident(2))
    send_all(notify)
    export = client.post("/api/v1/subscribers/export", json={"email": "osoba1@example.org"}, headers=ADMIN)
    assert export.status_code == 200
    [held] = export.json["registrations"]
    assert (held["name"], held["status"], held["event_id"]) == ("Mieszkanka 1", "confirmed", EVENT_ID)
    assert client.post("/api/v1/subscribers/erase", json={"email": "osoba1@example.org"},
                       headers=ADMIN).status_code == 204
    rows = registrations(notify)
    assert (rows[0].name, rows[0].email, rows[0].status) == (None, None, "cancelled")
    assert rows[1].status == "confirmed"  # the place went on to the next
    assert not any("osoba1@example.org" in str(m["To"]) for m in folder_mails(mail_dir))


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
            registration = operations.register_for(session, event, {"name": f"N{number}", "contact": "none"},
                                                   by_staff=True)
            registration_id = registration.id
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


def test_a_cancelled_date_tells_its_people_and_a_moved_date_keeps_them(notify, mail_dir):
    first = in_days(7)
    second, third = first + timedelta(days=7), first + timedelta(days=14)
    wall = [moment.replace(tzinfo=None).isoformat() for moment in (first, second, third)]
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=7, capacity=5)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1, occurrence=wall[1]))
    client.post("/api/v1/registrations/", json=resident(2, occurrence=wall[2]))
    send_all(notify)
    moved_start = third + timedelta(days=1, hours=1)
    overrides = [
        {"recurrence_id": wall[1], "starts_at": second.isoformat(), "ends_at": (second + timedelta(hours=2))
         .isoformat(), "status": "cancelled", "location": None, "sequence": 1},
        {"recurrence_id": wall[2], "starts_at": moved_start.isoformat(),
         "ends_at": (moved_start + timedelta(hours=2)).isoformat(), "status": "scheduled", "location": None,
         "sequence": 1}]
    publish_event(notify, "event.updated", rrule="FREQ=WEEKLY;COUNT=4", days=7, capacity=5, version=2,
                  overrides=overrides)
    assert send_all(notify) == 1
    told = folder_mails(mail_dir)[-1]
    assert told["To"].addresses[0].addr_spec == "osoba1@example.org" and told["Subject"].startswith("Odwołane")
    moved = [s for s in slots(notify) if s.occurrence == utc_key(third)]
    assert [s.starts_at for s in moved] == [moved_start]  # the moved date keeps its people, at its new time
    # Registering for the moved date by its new start finds the same date's places.
    assert client.post("/api/v1/registrations/", json=resident(3, occurrence=moved_start.replace(tzinfo=None)
                                                                 .isoformat())).status_code == 201
    assert [r.slot_id for r in registrations(notify)][1:] == [moved[0].id] * 2


def test_an_address_given_to_staff_needs_no_confirming(notify, mail_dir):
    publish_event(notify, capacity=5)
    client = notify.test_client()
    made = client.post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN, json={
        "name": "Pani Irena", "contact": "email", "email": "irena@example.org", "consent": True})
    assert made.status_code == 201
    assert registrations(notify)[0].verified_at is not None
    send_all(notify)
    [mail] = folder_mails(mail_dir)
    text = mail.get_body(("plain",)).get_content()
    assert "/registrations/confirm/" not in text and "/registrations/cancel/" in text
