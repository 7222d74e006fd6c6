"""A registration's mails and signed links: place or position and the confirm link, cancel links, a cancelled
event or date, the reminder the day before, an address that never confirms (moved up before it did: the confirm link
and until when), one given to staff."""

from datetime import timedelta

from sqlalchemy import select, update

from services.calendar.times import local
from services.messaging.models import utcnow
from services.notify.models import Notice, Registration
from services.notify.scheduler import tick
from services.ui.dates import GENITIVE_WEEKDAYS
from tests.notify.conftest import folder_mails
from tests.notify.registrations import (
    ADMIN,
    EVENT_ID,
    in_days,
    link,
    one_place_three_residents,
    publish_event,
    registrations,
    resident,
    send_all,
    slots,
    utc_key,
)
from tests.notify.test_mail import calendar_of


def sent_to(mail_dir, address: str):
    """The last mail sent to ``address``."""
    return [m for m in folder_mails(mail_dir) if m["To"].addresses[0].addr_spec == address][-1]


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


def test_a_forged_or_foreign_cancel_link_cancels_nothing(notify):
    publish_event(notify, capacity=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    assert client.post("/registrations/cancel/not-a-token").status_code == 404
    assert registrations(notify)[0].status == "confirmed"


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


def test_an_address_that_never_confirms_gives_its_place_back(notify, mail_dir):
    client = one_place_three_residents(notify)
    client.get(link(folder_mails(mail_dir)[1], "confirm"))  # the second, waiting, confirms; the others do not
    database = notify.extensions["osl"].database
    tick(database, notify.config, utcnow() + timedelta(hours=notify.config["REGISTRATION_CONFIRM_HOURS"] + 1))
    assert [r.status for r in registrations(notify)] == ["expired", "confirmed", "expired"]
    assert send_all(notify) == 1  # the second is told they moved up
    told = folder_mails(mail_dir)[-1]
    assert told["To"].addresses[0].addr_spec == "osoba2@example.org"
    assert "/registrations/confirm/" not in told.get_body(("plain",)).get_content()  # confirmed already


def test_a_person_moved_up_before_confirming_gets_the_confirm_link_and_until_when(notify, mail_dir):
    """Moved up from the waiting list before confirming the address: the mail saying a place came free carries the
    confirm link and says until when (Warsaw time, as e-mails say a moment) the place is kept for them."""
    client = one_place_three_residents(notify)
    client.post(link(folder_mails(mail_dir)[0], "cancel"))  # the first gives up her place; the second moves up
    assert send_all(notify) == 2  # and the first is told her registration is cancelled
    told = sent_to(mail_dir, "osoba2@example.org")
    text, html = (told.get_body((part,)).get_content() for part in ("plain", "html"))
    moved = registrations(notify)[1]
    deadline = local(moved.promoted_at + timedelta(hours=notify.config["REGISTRATION_CONFIRM_HOURS"]))
    until = f"do {GENITIVE_WEEKDAYS[deadline.weekday()]}, {deadline.day} "
    for shown in (text, html):
        assert "Zwolniło się miejsce" in shown and until in shown and f"{deadline.year}, {deadline:%H:%M}" in shown
    assert "/registrations/confirm/" in html and "Potwierdzam zapis" in html
    assert client.get(link(told, "confirm")).status_code == 200
    assert registrations(notify)[1].verified_at is not None


def test_the_first_mail_says_until_when_to_confirm(notify, mail_dir):
    """The registration's first mail asks to confirm the address and says until when (Warsaw time), as the mail of a
    place that came free does; not only that the registration expires some time."""
    publish_event(notify, capacity=5)
    notify.test_client().post("/api/v1/registrations/", json=resident(1))
    assert send_all(notify) == 1
    mail = folder_mails(mail_dir)[-1]
    made = registrations(notify)[0].created_at
    deadline = local(made + timedelta(hours=notify.config["REGISTRATION_CONFIRM_HOURS"]))
    until = f"do {GENITIVE_WEEKDAYS[deadline.weekday()]}, {deadline.day} "
    for shown in (mail.get_body((part,)).get_content() for part in ("plain", "html")):
        assert until in shown and f"{deadline.year}, {deadline:%H:%M}" in shown
    # The link on a line of its own: 'zapis wygaśnie:http://…' once ran the two together.
    lines = mail.get_body(("plain",)).get_content().splitlines()
    assert [line for line in lines if line.endswith(link(mail, "confirm"))][0].startswith("http")


def test_a_person_moved_up_before_confirming_has_the_whole_time_to_confirm_from_the_move(notify, mail_dir):
    """The time to confirm a place that came free counts from the move, not from the registration (which may be
    nearly over): the mail's "until when" holds. Released then without a mail: the address never confirmed that it
    is theirs, and double opt-in mails no stranger more than the confirm request."""
    client = one_place_three_residents(notify)
    hours = notify.config["REGISTRATION_CONFIRM_HOURS"]
    database = notify.extensions["osl"].database
    with database.session() as session:  # all three registered almost the whole time to confirm ago
        session.execute(update(Registration).values(created_at=utcnow() - timedelta(hours=hours - 1)))
    client.post(link(folder_mails(mail_dir)[0], "cancel"))
    send_all(notify)
    moved = registrations(notify)[1].promoted_at
    tick(database, notify.config, moved + timedelta(hours=2))
    # The third, still waiting, has the time from her registration: it is over.
    assert [r.status for r in registrations(notify)] == ["cancelled", "confirmed", "expired"]
    tick(database, notify.config, moved + timedelta(hours=hours + 1))
    assert [r.status for r in registrations(notify)] == ["cancelled", "expired", "expired"]
    assert send_all(notify) == 0


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


def test_a_moved_single_event_reminds_its_people_the_day_before_its_new_date(notify, mail_dir):
    """A single event's one date moves with the event: its people are reminded the day before the new date (not the
    old one), and their data are kept until the new date is over."""
    publish_event(notify, capacity=5, days=2)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    send_all(notify)
    client.get(link(folder_mails(mail_dir)[0], "confirm"))
    moved = in_days(5)
    publish_event(notify, "event.updated", capacity=5, version=2, sequence=1, starts_at=moved.isoformat(),
                  ends_at=(moved + timedelta(hours=2)).isoformat())
    database = notify.extensions["osl"].database
    for day_before in (in_days(1, hour=18), in_days(4, hour=18)):
        tick(database, notify.config, day_before)
    with database.session() as session:
        reminders = session.scalars(select(Notice).where(Notice.kind == "reg_reminder")).all()
        assert [r.payload["occurrence"]["starts_at"] for r in reminders] == [moved.isoformat()]
    [slot] = slots(notify)
    assert (slot.starts_at, slot.ends_at) == (moved, moved + timedelta(hours=2))


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
    assert send_all(notify) == 2  # the cancelled date's person; the moved one's is told its new time
    told = sent_to(mail_dir, "osoba1@example.org")
    assert told["Subject"].startswith("Odwołany termin")
    assert sent_to(mail_dir, "osoba2@example.org")["Subject"] == "Zmiana terminu: Warsztaty z trenerem"
    [registered] = calendar_of(folder_mails(mail_dir)[0]).walk("VEVENT")
    [cancelled] = calendar_of(told).walk("VEVENT")  # the date, cancelled, under the UID the first mail gave it
    assert (str(cancelled["STATUS"]), cancelled["UID"]) == ("CANCELLED", registered["UID"])
    assert cancelled.decoded("DTSTART") == second and "RRULE" not in cancelled
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


def test_a_registration_for_one_date_of_a_series_attaches_that_date_only(notify, mail_dir):
    """Tuesdays and Thursdays for weeks: the resident registered for one Thursday gets that Thursday in her
    calendar, not every date of the series (a place, or the waiting list alike)."""
    start = in_days(7)
    publish_event(notify, rrule="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=30", days=7, capacity=1)
    chosen = [o for o in (start + timedelta(days=d) for d in range(1, 8)) if o.isoweekday() in (2, 4)][0]
    client = notify.test_client()
    for number in (1, 2):
        made = client.post("/api/v1/registrations/", json=resident(number, occurrence=chosen.isoformat()))
        assert made.status_code == 201
    assert send_all(notify) == 2
    for mail in folder_mails(mail_dir):
        [vevent] = calendar_of(mail).walk("VEVENT")
        assert "RRULE" not in vevent and "RECURRENCE-ID" not in vevent
        assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (chosen, chosen + timedelta(hours=2))
        assert not str(vevent["UID"]).startswith(f"{EVENT_ID}@")  # not the series' UID


def test_a_place_on_the_waiting_list_is_tentative_in_the_calendar_until_promoted(notify, mail_dir):
    """One place on a date of a series: the first resident's mail puts the date in her calendar as confirmed; the
    second waits, so hers as TENTATIVE; when the first cancels, the second's "a place for you" mail confirms the
    same date (its UID)."""
    first = in_days(7)
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=7, capacity=1)
    client = notify.test_client()
    for number in (1, 2):
        made = client.post("/api/v1/registrations/",
                           json=resident(number, occurrence=first.replace(tzinfo=None).isoformat()))
        assert made.status_code == 201
    assert send_all(notify) == 2
    placed, waiting = ([v] for [v] in (calendar_of(m).walk("VEVENT") for m in folder_mails(mail_dir)))
    assert (str(placed[0]["STATUS"]), str(waiting[0]["STATUS"])) == ("CONFIRMED", "TENTATIVE")
    client.post(link(folder_mails(mail_dir)[0], "cancel"))
    send_all(notify)
    promoted = sent_to(mail_dir, "osoba2@example.org")
    assert promoted["Subject"].startswith("Jest miejsce")
    [confirmed] = calendar_of(promoted).walk("VEVENT")
    assert (str(confirmed["STATUS"]), confirmed["UID"]) == ("CONFIRMED", waiting[0]["UID"])


def test_a_place_on_the_waiting_list_for_a_single_event_is_tentative_in_the_calendar(notify, mail_dir):
    one_place_three_residents(notify)
    statuses = [str(v["STATUS"]) for m in folder_mails(mail_dir) for v in calendar_of(m).walk("VEVENT")]
    assert statuses == ["CONFIRMED", "TENTATIVE", "TENTATIVE"]
