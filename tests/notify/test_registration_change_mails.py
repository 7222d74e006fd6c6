"""Mails of a registration that changes after it was made: the resident cancels it (one mail confirming it, its
date CANCELLED in the calendar), or the organiser moves its date (each person registered for it told the new time,
the date in the calendar under the UID of the mails before, with a higher SEQUENCE)."""

from datetime import timedelta

import pytest

from services.notify.models import Notice
from services.ui import dates
from tests.notify.conftest import folder_mails
from tests.notify.registrations import ADMIN, EVENT_ID, in_days, link, publish_event, registrations, resident, send_all
from tests.notify.test_mail import calendar_of
from tests.notify.test_registration_gone_dates import wall, weekly_with_two_residents
from tests.notify.test_registration_staff_pages import PAGE, signed_in, token


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def html_of(mail) -> str:
    return mail.get_body(("html",)).get_content()


def vevent_of(mail):
    [vevent] = calendar_of(mail).walk("VEVENT")
    return vevent


def addressed_to(mail) -> str:
    return mail["To"].addresses[0].addr_spec


def test_cancelling_by_the_link_sends_one_mail_confirming_it_with_the_date_cancelled(notify, mail_dir):
    """A single event: the resident cancels with the link in her mail and gets a short mail saying the registration
    for that date is cancelled, with the event CANCELLED in her calendar under the UID of her first mail. Clicking the
    link again sends nothing more."""
    publish_event(notify, capacity=5)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    assert send_all(notify) == 1
    [registered] = folder_mails(mail_dir)
    assert client.post(link(registered, "cancel")).status_code == 200
    assert client.post(link(registered, "cancel")).status_code == 200  # a second click
    assert send_all(notify) == 1
    told = folder_mails(mail_dir)[-1]
    assert addressed_to(told) == "osoba1@example.org"
    assert told["Subject"] == "Zapis anulowany: Warsztaty z trenerem"
    start = in_days(10)
    day = dates.when(start, start + timedelta(hours=2), False, "pl", with_year=True)
    for shown in (text_of(told), html_of(told)):
        assert "zapis na to wydarzenie został odwołany" in shown and day in shown
        assert "/registrations/cancel/" not in shown  # nothing left to cancel
    cancelled, before = vevent_of(told), vevent_of(registered)
    assert (str(cancelled["STATUS"]), cancelled["UID"]) == ("CANCELLED", before["UID"])
    assert cancelled.decoded("DTSTART") == start
    client.post(link(registered, "cancel"))
    assert send_all(notify) == 0


def test_cancelling_one_date_of_a_series_cancels_that_date_alone_in_the_calendar(notify, mail_dir):
    """Registered for one date of a weekly series, and on its waiting list: cancelling tells her that date is
    cancelled for her, and her calendar gets that date alone, CANCELLED, under the UID her first mail gave it."""
    first = in_days(7)
    chosen = first + timedelta(days=7)
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=7, capacity=1)
    client = notify.test_client()
    for number in (1, 2):
        client.post("/api/v1/registrations/", json=resident(number, occurrence=chosen.replace(tzinfo=None)
                                                                   .isoformat()))
    assert send_all(notify) == 2
    waiting = folder_mails(mail_dir)[1]
    client.post(link(waiting, "cancel"))
    assert send_all(notify) == 1
    told = folder_mails(mail_dir)[-1]
    assert addressed_to(told) == "osoba2@example.org"
    assert "zapis na to wydarzenie został odwołany" in text_of(told)
    cancelled = vevent_of(told)
    assert (str(cancelled["STATUS"]), cancelled["UID"]) == ("CANCELLED", vevent_of(waiting)["UID"])
    assert cancelled.decoded("DTSTART") == chosen and "RRULE" not in cancelled


def test_a_moved_single_event_tells_everyone_registered_its_new_time(notify, mail_dir):
    """The organiser moves the event: the confirmed and the waiting person each get one mail with the new time in
    words, and the event at its new time in the calendar under the same UID, with a higher SEQUENCE. The same
    message again (a replay) tells nobody twice."""
    publish_event(notify, capacity=1)
    client = notify.test_client()
    for number in (1, 2):
        client.post("/api/v1/registrations/", json=resident(number))
    assert send_all(notify) == 2
    before = {addressed_to(mail): vevent_of(mail) for mail in folder_mails(mail_dir)}
    moved = in_days(12, hour=18)
    changed = dict(capacity=1, version=2, sequence=1, starts_at=moved.isoformat(),
                   ends_at=(moved + timedelta(hours=2)).isoformat())
    publish_event(notify, "event.updated", **changed)
    publish_event(notify, "event.updated", **changed)
    assert send_all(notify) == 2
    told = folder_mails(mail_dir)[-2:]
    assert sorted(addressed_to(mail) for mail in told) == ["osoba1@example.org", "osoba2@example.org"]
    day = dates.when(moved, moved + timedelta(hours=2), False, "pl", with_year=True)
    for mail in told:
        assert mail["Subject"] == "Zmiana terminu: Warsztaty z trenerem"
        for shown in (text_of(mail), html_of(mail)):
            assert f"ma nowy termin: {day}." in shown and "zapis pozostaje ważny" in shown
        vevent, earlier = vevent_of(mail), before[addressed_to(mail)]
        assert vevent["UID"] == earlier["UID"] and vevent["SEQUENCE"] > earlier["SEQUENCE"]
        assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (moved, moved + timedelta(hours=2))
    assert send_all(notify) == 0


def test_a_date_of_a_series_moved_on_its_own_tells_its_people_alone(notify, mail_dir):
    """One date of a weekly series moved to the next day: the people registered for it are told; those of another
    date are not. The date's UID is the one of their first mail, with a higher SEQUENCE."""
    second = weekly_with_two_residents(notify)[1]  # resident 1 for the second date, resident 2 for the third
    registered = folder_mails(mail_dir)[0]
    moved = second + timedelta(days=1, hours=1)
    override = {"recurrence_id": wall(second), "starts_at": moved.isoformat(), "ends_at": (moved + timedelta(hours=2))
                .isoformat(), "status": "scheduled", "location": None, "sequence": 1}
    publish_event(notify, "event.updated", rrule="FREQ=WEEKLY;COUNT=4", days=7, capacity=5, version=2, sequence=1,
                  overrides=[override])
    assert send_all(notify) == 1
    told = folder_mails(mail_dir)[-1]
    assert addressed_to(told) == "osoba1@example.org"
    assert dates.when(moved, moved + timedelta(hours=2), False, "pl", with_year=True) in text_of(told)
    vevent, earlier = vevent_of(told), vevent_of(registered)
    assert vevent["UID"] == earlier["UID"] and vevent["SEQUENCE"] > earlier["SEQUENCE"]
    assert vevent.decoded("DTSTART") == moved and "RRULE" not in vevent


def test_a_series_at_a_new_hour_tells_each_date_its_new_time_under_its_first_uid(notify, mail_dir):
    """The whole series moves from 17:00 to 18:00: a person registered for one date keeps it (its places follow the
    date) and is told its new time; her calendar's entry is the one of her first mail (same UID), updated."""
    first = in_days(7)
    second = first + timedelta(days=7)
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=7, capacity=5)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1, occurrence=second.replace(tzinfo=None).isoformat()))
    assert send_all(notify) == 1
    [registered] = folder_mails(mail_dir)
    later = in_days(7, hour=18)
    publish_event(notify, "event.updated", rrule="FREQ=WEEKLY;COUNT=4", capacity=5, version=2, sequence=1,
                  starts_at=later.isoformat(), ends_at=(later + timedelta(hours=2)).isoformat())
    assert send_all(notify) == 1
    told = folder_mails(mail_dir)[-1]
    moved = second + timedelta(hours=1)
    assert dates.when(moved, moved + timedelta(hours=2), False, "pl", with_year=True) in text_of(told)
    vevent, earlier = vevent_of(told), vevent_of(registered)
    assert vevent["UID"] == earlier["UID"] and vevent["SEQUENCE"] > earlier["SEQUENCE"]
    assert vevent.decoded("DTSTART") == moved
    # Later mails about the date keep naming it so: her cancelling takes the one entry out of her calendar.
    client.post(link(registered, "cancel"))
    assert send_all(notify) == 1
    cancelled = vevent_of(folder_mails(mail_dir)[-1])
    assert (cancelled["UID"], str(cancelled["STATUS"]), cancelled.decoded("DTSTART")) == (
        earlier["UID"], "CANCELLED", moved)


def test_a_whole_series_registration_is_told_when_the_series_moves(notify, mail_dir):
    """Registered for every date of a series: the series at a new hour is told once, with the series (its UID, a
    higher SEQUENCE) in the calendar at the new hour."""
    publish_event(notify, rrule="FREQ=WEEKLY;COUNT=4", days=7, capacity=5)
    client = notify.test_client()
    settings = client.put(f"/api/v1/registrations/events/{resident(1)['event_id']}/settings",
                          headers={"Authorization": "Bearer test-admin-token"}, json={"whole_series": True})
    assert settings.status_code == 200, settings.text
    client.post("/api/v1/registrations/", json=resident(1))
    assert send_all(notify) == 1
    [registered] = folder_mails(mail_dir)
    later = in_days(7, hour=18)
    changed = dict(rrule="FREQ=WEEKLY;COUNT=4", capacity=5, version=2, sequence=1, starts_at=later.isoformat(),
                   ends_at=(later + timedelta(hours=2)).isoformat())
    publish_event(notify, "event.updated", **changed)
    publish_event(notify, "event.updated", **{**changed, "version": 3})  # a later copy, the same times
    assert send_all(notify) == 1
    told = folder_mails(mail_dir)[-1]
    assert "18:00" in text_of(told)
    vevent, earlier = vevent_of(told), vevent_of(registered)
    assert vevent["UID"] == earlier["UID"] and vevent["SEQUENCE"] > earlier["SEQUENCE"]
    assert vevent.decoded("DTSTART") == later and "RRULE" in vevent


def test_a_change_that_keeps_the_time_tells_nobody(notify, mail_dir):
    publish_event(notify, capacity=5)
    notify.test_client().post("/api/v1/registrations/", json=resident(1))
    send_all(notify)
    publish_event(notify, "event.updated", capacity=5, version=2, sequence=1, title="Warsztaty z trenerką")
    assert send_all(notify) == 0
    with notify.extensions["osl"].database.session() as session:
        assert session.query(Notice).count() == 1


@pytest.mark.parametrize("by", ["page", "api"])
def test_staff_cancelling_a_registration_sends_the_resident_one_mail_like_her_own(notify, mail_dir, by):
    """Staff cancel a resident's place (the staff page, or the API): she gets one mail, as when she cancels herself
    ("Zapis anulowany", the event CANCELLED in her calendar under the UID of her first mail), saying the organiser
    cancelled it. Cancelling again sends nothing more."""
    publish_event(notify, capacity=5)
    notify.test_client().post("/api/v1/registrations/", json=resident(1))
    assert send_all(notify) == 1
    [registered] = folder_mails(mail_dir)
    [registration] = registrations(notify)
    for _again in range(2):
        if by == "page":
            client = signed_in(notify)
            cancelled = client.post(f"{PAGE}/{registration.id}/cancel", data={"csrf_token": token(client)})
            assert cancelled.status_code == 303
        else:
            cancelled = notify.test_client().post(f"/api/v1/registrations/events/{EVENT_ID}/{registration.id}/cancel",
                                                  headers=ADMIN)
            assert cancelled.status_code == 200
    assert send_all(notify) == 1
    told = folder_mails(mail_dir)[-1]
    assert addressed_to(told) == "osoba1@example.org"
    assert told["Subject"] == "Zapis anulowany: Warsztaty z trenerem"
    for shown in (text_of(told), html_of(told)):
        assert "został odwołany przez organizatora" in shown
        assert "Zgodnie z" not in shown  # not "as you asked"
        assert "/registrations/cancel/" not in shown
    cancelled_vevent, before = vevent_of(told), vevent_of(registered)
    assert (str(cancelled_vevent["STATUS"]), cancelled_vevent["UID"]) == ("CANCELLED", before["UID"])



@pytest.mark.parametrize("series", [False, True])
def test_a_cancellation_carries_a_higher_sequence_than_the_mail_before(notify, mail_dir, series):
    """RFC 5546: a calendar app takes a cancellation only with a SEQUENCE above the last one it got for the UID. The
    event itself did not change (its own SEQUENCE stays), so the cancelled date must carry a higher one than the
    registration's first mail: for a single event, and for one date of a series."""
    chosen = in_days(14) if series else None
    publish_event(notify, capacity=5, **(dict(rrule="FREQ=WEEKLY;COUNT=4", days=7) if series else {}))
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1, **(
        dict(occurrence=chosen.replace(tzinfo=None).isoformat()) if series else {})))
    assert send_all(notify) == 1
    [registered] = folder_mails(mail_dir)
    client.post(link(registered, "cancel"))
    assert send_all(notify) == 1
    cancelled, before = vevent_of(folder_mails(mail_dir)[-1]), vevent_of(registered)
    assert cancelled["UID"] == before["UID"] and cancelled["SEQUENCE"] > before["SEQUENCE"]
    assert cancelled.decoded("DTSTART") == before.decoded("DTSTART")
