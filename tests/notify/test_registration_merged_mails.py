"""One mail per person and change: a registration mail not sent yet (its place, a place that came free, a new time)
takes in a later change of the same registration instead of a second mail, so the person gets one mail with the final
state."""

from datetime import timedelta

from services.ui import dates
from tests.notify.conftest import folder_mails
from tests.notify.registrations import in_days, publish_event, resident, send_all
from tests.notify.test_registration_change_mails import addressed_to, text_of, vevent_of


def moved_to(days: int, hour: int, version: int, sequence: int, capacity: int) -> dict:
    start = in_days(days, hour=hour)
    return dict(capacity=capacity, version=version, sequence=sequence, starts_at=start.isoformat(),
                ends_at=(start + timedelta(hours=2)).isoformat())


def day_of(days: int, hour: int) -> str:
    start = in_days(days, hour=hour)
    return dates.when(start, start + timedelta(hours=2), False, "pl", with_year=True)


def test_moved_up_from_the_waiting_list_by_the_change_that_moves_the_date_gets_one_mail(notify, mail_dir):
    """One change gives the date more places and a new time: the person waiting moves up and is told so in one
    mail, with the new time (in words and in the calendar); the person confirmed already is told the new time."""
    publish_event(notify, capacity=1)
    client = notify.test_client()
    for number in (1, 2):
        client.post("/api/v1/registrations/", json=resident(number))
    assert send_all(notify) == 2
    waited = folder_mails(mail_dir)[1]
    publish_event(notify, "event.updated", **moved_to(12, 18, version=2, sequence=1, capacity=2))
    assert send_all(notify) == 2
    told = [mail for mail in folder_mails(mail_dir)[2:] if addressed_to(mail) == "osoba2@example.org"]
    assert len(told) == 1
    [mail] = told
    assert mail["Subject"].startswith("Jest miejsce dla")
    assert day_of(12, 18) in text_of(mail)
    vevent = vevent_of(mail)
    assert vevent.decoded("DTSTART") == in_days(12, hour=18) and vevent["SEQUENCE"] > vevent_of(waited)["SEQUENCE"]


def test_a_date_moved_twice_before_the_sender_runs_gives_one_mail_with_the_last_time(notify, mail_dir):
    publish_event(notify, capacity=5)
    notify.test_client().post("/api/v1/registrations/", json=resident(1))
    assert send_all(notify) == 1
    publish_event(notify, "event.updated", **moved_to(12, 18, version=2, sequence=1, capacity=5))
    publish_event(notify, "event.updated", **moved_to(13, 16, version=3, sequence=2, capacity=5))
    assert send_all(notify) == 1
    mail = folder_mails(mail_dir)[-1]
    assert mail["Subject"] == "Zmiana terminu: Warsztaty z trenerem"
    assert day_of(13, 16) in text_of(mail) and day_of(12, 18) not in text_of(mail)
    vevent = vevent_of(mail)
    assert vevent.decoded("DTSTART") == in_days(13, hour=16) and vevent["SEQUENCE"] == 2
    # A later move, once that mail went, is told again.
    publish_event(notify, "event.updated", **moved_to(14, 16, version=4, sequence=3, capacity=5))
    assert send_all(notify) == 1


def test_a_date_moved_before_the_registration_mail_went_gives_that_mail_at_the_new_time(notify, mail_dir):
    """Registered, and the date moved before the sender sent her registration's mail: one mail, her registration
    (with its confirm link) at the new time, not a registration at the old time and then a new time."""
    publish_event(notify, capacity=5)
    notify.test_client().post("/api/v1/registrations/", json=resident(1))
    publish_event(notify, "event.updated", **moved_to(12, 18, version=2, sequence=1, capacity=5))
    assert send_all(notify) == 1
    mail = folder_mails(mail_dir)[-1]
    assert mail["Subject"] == "Zapis na wydarzenie: Warsztaty z trenerem"
    assert day_of(12, 18) in text_of(mail) and "/registrations/confirm/" in text_of(mail)
    assert vevent_of(mail).decoded("DTSTART") == in_days(12, hour=18)
