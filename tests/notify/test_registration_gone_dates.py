"""Registrations for a date a series no longer has: skipped (an excluded date), cancelled on its own, or left out by a
new rule or first start, or by dropping the rule (the series becomes one event). Each registration with an address is
told once, by a mail naming that date and saying that the date (not the whole activity) is cancelled; the staff lists
show the date as cancelled, not as places held. A single event that moves keeps its people; so does a series' date
that the series gives another time on its day, and its people are told the new time. Cancelling a place on the
waiting list frees no place."""

from datetime import timedelta

from services.notify.mail.render import format_when
from services.notify.models import RegistrationSlot
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

WEEKLY = "FREQ=WEEKLY;COUNT=4"
SERIES = dict(rrule=WEEKLY, days=7, capacity=5)


def wall(moment) -> str:
    """A date of the series as the API names it: Warsaw wall-clock time without an offset."""
    return moment.replace(tzinfo=None).isoformat()


def named(moment) -> str:
    """How a Polish mail names the date starting at ``moment`` (two hours long, as the tests' workshop)."""
    return format_when({"starts_at": moment.isoformat(), "ends_at": (moment + timedelta(hours=2)).isoformat(),
                        "all_day": False}, "pl")


def text(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def weekly_with_two_residents(app) -> list:
    """A weekly series of four dates from a week from now: resident 1 registered for its second date, resident 2 for
    its third, their mails sent. Returns the four starts (Warsaw time)."""
    first = in_days(7)
    dates = [first + timedelta(days=7 * n) for n in range(4)]
    publish_event(app, **SERIES)
    client = app.test_client()
    for number, moment in ((1, dates[1]), (2, dates[2])):
        assert client.post("/api/v1/registrations/", json=resident(number, occurrence=wall(moment))).status_code == 201
    send_all(app)
    return dates


def told_what(app, mail_dir) -> list[tuple[str, str]]:
    """The addresses the mails sent now went to, with their subjects."""
    before = len(folder_mails(mail_dir))
    send_all(app)
    return [(m["To"].addresses[0].addr_spec, m["Subject"]) for m in folder_mails(mail_dir)[before:]]


def told(app, mail_dir) -> list[str]:
    """The addresses the mails sent now went to."""
    return [address for address, _ in told_what(app, mail_dir)]


NEW_TIME = "Zmiana terminu: Warsztaty z trenerem"


def test_a_skipped_date_tells_its_people_once_naming_the_date(notify, mail_dir):
    dates = weekly_with_two_residents(notify)
    skipped = dict(SERIES, version=2, exdates=[wall(dates[1])])
    publish_event(notify, "event.updated", **skipped)
    publish_event(notify, "event.updated", **{**skipped, "version": 3})  # a later copy tells nobody again
    assert told(notify, mail_dir) == ["osoba1@example.org"]
    mail = folder_mails(mail_dir)[-1]
    assert mail["Subject"] == "Odwołany termin: Warsztaty z trenerem"
    assert named(dates[1]) in text(mail) and "Termin, na który" in text(mail)


def test_the_staff_lists_show_a_skipped_date_as_cancelled(notify):
    dates = weekly_with_two_residents(notify)
    publish_event(notify, "event.updated", **SERIES, version=2, exdates=[wall(dates[1])])
    client = notify.test_client()
    lists = client.get(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN).json
    assert [(found["occurrence"], found["cancelled"]) for found in lists] == [
        (utc_key(dates[1]), True), (utc_key(dates[2]), False)]
    printed = client.get(f"/registrations/events/{EVENT_ID}/list", headers=ADMIN).get_data(as_text=True)
    assert printed.count("Termin odwołany") == 1


def test_a_date_a_new_rule_leaves_out_tells_its_people(notify, mail_dir):
    weekly_with_two_residents(notify)
    publish_event(notify, "event.updated", **{**SERIES, "rrule": "FREQ=WEEKLY;COUNT=2"}, version=2)
    assert told(notify, mail_dir) == ["osoba2@example.org"]


TUE_THU = dict(rrule="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=12", days=7, capacity=3)


def tue_thu_with_a_resident(app) -> list:
    """Tuesdays and Thursdays from a week from now, 17:00-19:00: resident 1 registered for its third date, her mail
    sent. Returns the series' first dates (Warsaw time)."""
    first = in_days(7)
    dates = [d for d in (first + timedelta(days=n) for n in range(21)) if d.isoweekday() in (2, 4)]
    publish_event(app, **TUE_THU)
    made = app.test_client().post("/api/v1/registrations/", json=resident(1, occurrence=wall(dates[2])))
    assert made.status_code == 201
    send_all(app)
    return dates


def at_hour(moment, hour: int):
    return moment.replace(hour=hour)


def test_a_series_moved_to_another_hour_keeps_each_dates_people(notify, mail_dir):
    """The series' time changes (17:00 to 18:00): each date is the same date on its day; its places follow it, its
    people keep them and are told the new time, not "cancelled"; the new time's date has the places that were left,
    not all."""
    dates = tue_thu_with_a_resident(notify)
    later = at_hour(in_days(7), 18)
    publish_event(notify, "event.updated", **TUE_THU, version=2, starts_at=later.isoformat(),
                  ends_at=(later + timedelta(hours=2)).isoformat())
    assert told_what(notify, mail_dir) == [("osoba1@example.org", NEW_TIME)]
    moved = at_hour(dates[2], 18)
    [slot] = slots(notify)
    assert (slot.occurrence, slot.starts_at, slot.ends_at) == (
        utc_key(moved), moved, moved + timedelta(hours=2))
    assert [(r.status, r.occurrence) for r in registrations(notify)] == [("confirmed", utc_key(moved))]
    client = notify.test_client()
    lists = client.get(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN).json
    assert [(found["occurrence"], found["cancelled"]) for found in lists] == [(utc_key(moved), False)]
    assert "Termin odwołany" not in client.get(f"/registrations/events/{EVENT_ID}/list",
                                               headers=ADMIN).get_data(as_text=True)
    again = client.post("/api/v1/registrations/", json=resident(2, occurrence=wall(moved), people=3))
    assert again.json["status"] == "waiting"  # 2 of 3 places left: the resident's place still counts


def test_a_date_whose_new_time_has_places_already_is_not_merged_into_them(notify, mail_dir):
    """A row of places for the new time exists already (made before rows followed their date): the two are not
    merged; the old row stays on its gone date and its people are told, as for any date gone."""
    dates = tue_thu_with_a_resident(notify)
    moved = at_hour(dates[2], 18)
    with notify.extensions["osl"].database.session() as session:
        session.add(RegistrationSlot(event_id=EVENT_ID, occurrence=utc_key(moved), starts_at=moved,
                                     ends_at=moved + timedelta(hours=2), capacity=3, confirmed=0, waiting=0,
                                     last_seq=0, version=0, of_series=True))
        session.commit()
    later = at_hour(in_days(7), 18)
    publish_event(notify, "event.updated", **TUE_THU, version=2, starts_at=later.isoformat(),
                  ends_at=(later + timedelta(hours=2)).isoformat())
    assert told(notify, mail_dir) == ["osoba1@example.org"]
    assert sorted(slot.occurrence for slot in slots(notify)) == sorted([utc_key(dates[2]), utc_key(moved)])


def test_a_series_starting_later_at_another_hour_tells_only_the_dates_gone(notify, mail_dir):
    """The first start moves a week later and an hour later, on the same weekdays: a date before the new start is
    gone and its people told; a later one follows to its new time and keeps its people, told the new time."""
    dates = tue_thu_with_a_resident(notify)
    client = notify.test_client()
    assert client.post("/api/v1/registrations/", json=resident(2, occurrence=wall(dates[0]))).status_code == 201
    send_all(notify)
    later = at_hour(dates[1], 18)
    publish_event(notify, "event.updated", **TUE_THU, version=2, starts_at=later.isoformat(),
                  ends_at=(later + timedelta(hours=2)).isoformat())
    assert sorted(told_what(notify, mail_dir)) == [("osoba1@example.org", NEW_TIME),
                                                   ("osoba2@example.org", "Odwołany termin: Warsztaty z trenerem")]
    assert [(r.status, r.occurrence) for r in registrations(notify)] == [
        ("confirmed", utc_key(at_hour(dates[2], 18))), ("confirmed", utc_key(dates[0]))]


def test_a_single_event_that_moves_keeps_its_people(notify, mail_dir):
    publish_event(notify, capacity=5)
    notify.test_client().post("/api/v1/registrations/", json=resident(1))
    send_all(notify)
    later = in_days(11)
    publish_event(notify, "event.updated", capacity=5, version=2, starts_at=later.isoformat(),
                  ends_at=(later + timedelta(hours=2)).isoformat())
    assert told_what(notify, mail_dir) == [("osoba1@example.org", NEW_TIME)]
    assert [r.status for r in registrations(notify)] == ["confirmed"]


def test_a_cancelled_date_mail_names_that_date_not_the_first(notify, mail_dir):
    dates = weekly_with_two_residents(notify)
    cancelled = {"recurrence_id": wall(dates[1]), "starts_at": dates[1].isoformat(),
                 "ends_at": (dates[1] + timedelta(hours=2)).isoformat(), "status": "cancelled", "location": None,
                 "sequence": 1}
    publish_event(notify, "event.updated", **SERIES, version=2, overrides=[cancelled])
    assert told(notify, mail_dir) == ["osoba1@example.org"]
    mail = folder_mails(mail_dir)[-1]
    body = text(mail)
    assert named(dates[1]) in body and named(dates[0]) not in body
    assert "Termin, na który" in body and "Wydarzenie, na które" not in body
    html = mail.get_body(("html",)).get_content()
    assert f"<s>{named(dates[1])}</s>" in html and "<s>Warsztaty" not in html  # the date struck, not the activity


def test_a_cancelled_event_still_says_the_event_is_cancelled(notify, mail_dir):
    weekly_with_two_residents(notify)
    publish_event(notify, "event.cancelled", **SERIES, version=2, status="cancelled")
    assert sorted(told(notify, mail_dir)) == ["osoba1@example.org", "osoba2@example.org"]
    mail = folder_mails(mail_dir)[-1]
    assert mail["Subject"] == "Odwołane: Warsztaty z trenerem" and "Wydarzenie, na które" in text(mail)
    assert "<s>Warsztaty z trenerem</s>" in mail.get_body(("html",)).get_content()


def test_cancelling_a_place_on_the_waiting_list_does_not_promise_a_place_to_the_next(notify, mail_dir):
    client = one_place_three_residents(notify)
    mails = folder_mails(mail_dir)
    waiting = client.post(link(mails[1], "cancel")).get_data(as_text=True)
    assert "Miejsce dostanie" not in waiting and "Zapis został odwołany" in waiting
    confirmed = client.post(link(mails[0], "cancel")).get_data(as_text=True)
    assert "Miejsce dostanie następna osoba" in confirmed


def test_cancelling_a_place_nobody_waits_for_promises_it_to_nobody(notify, mail_dir):
    publish_event(notify, capacity=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    send_all(notify)
    page = client.post(link(folder_mails(mail_dir)[0], "cancel")).get_data(as_text=True)
    assert "Miejsce dostanie" not in page and "Zapis został odwołany" in page
    assert told_what(notify, mail_dir) == [  # no "moved up" mail to anyone: hers saying it is cancelled
        ("osoba1@example.org", "Zapis anulowany: Warsztaty z trenerem")]


def test_a_series_that_drops_its_rule_tells_the_people_of_its_other_dates_once(notify, mail_dir):
    dates = weekly_with_two_residents(notify)
    client = notify.test_client()
    assert client.post("/api/v1/registrations/", json=resident(3, occurrence=wall(dates[0]))).status_code == 201
    send_all(notify)
    single = dict(SERIES, rrule=None, version=2)  # the series becomes one event, on its first date
    publish_event(notify, "event.updated", **single)
    publish_event(notify, "event.updated", **{**single, "version": 3})  # a later copy tells nobody again
    assert sorted(told(notify, mail_dir)) == ["osoba1@example.org", "osoba2@example.org"]
    mail = folder_mails(mail_dir)[-1]
    assert mail["Subject"] == "Odwołany termin: Warsztaty z trenerem"
    assert named(dates[2]) in text(mail) or named(dates[1]) in text(mail)
    assert named(dates[0]) not in text(mail)
    [vevent] = calendar_of(mail).walk("VEVENT")  # the date alone, cancelled in the calendar; not the event left
    assert vevent["STATUS"] == "CANCELLED" and vevent.decoded("DTSTART") in (dates[1], dates[2])
    lists = client.get(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN).json
    assert [(found["occurrence"], found["cancelled"]) for found in lists] == [
        (utc_key(dates[0]), False), (utc_key(dates[1]), True), (utc_key(dates[2]), True)]
    # The one date left keeps its people, and moves with the event as a single event's date does (told so).
    later = dates[0] + timedelta(hours=1)
    publish_event(notify, "event.updated", **{**single, "version": 4, "starts_at": later.isoformat(),
                                                "ends_at": (later + timedelta(hours=2)).isoformat()})
    assert told_what(notify, mail_dir) == [("osoba3@example.org", NEW_TIME)]
    lists = client.get(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN).json
    assert [found["cancelled"] for found in lists] == [False, True, True]
    assert [r.status for r in registrations(notify)] == ["confirmed"] * 3
