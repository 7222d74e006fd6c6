"""A partner meeting's room booking ended after it was made (the events service's ``meeting_room.cancelled``: MOPS
cancelled it, or the room was deleted): the coordinator's contact address is told once, in Polish, why, and that
another room can be chosen on the meeting's page; nobody is told about a meeting that is over or cancelled."""

import pytest

from services.notify.notices import Sender
from tests.notify.conftest import MEETINGS_NOW, folder_mails
from tests.notify.events import meeting_snapshot
from tests.notify.test_meetings import deliver as deliver_event
from tests.notify.test_meetings import organisation
from tests.notify.test_room_conflict import TAKEN, deliver, notices

pytestmark = pytest.mark.usefixtures("before_the_meetings")

#: MOPS cancelled meeting 3's booking of room 5 (no reason); its meeting is on 10 December 2026, after MEETINGS_NOW.
CANCELLED = {**TAKEN, "starts_at": "2026-12-10T17:00:00+01:00", "ends_at": "2026-12-10T19:00:00+01:00",
             "reason": None, "booking_id": "7d1f7f1e-5b7a-4a53-9d0a-3b0f8e0f2c11"}


def sent(app) -> int:
    return Sender(app.extensions["osl"].database, app.config).send_due()


def test_the_coordinator_is_told_once_that_mops_cancelled_the_booking(notify, mail_dir):
    deliver(notify, "organisation.created", organisation(1, "biuro@fundacja.example.org"))
    deliver(notify, "meeting_room.cancelled", CANCELLED)
    deliver(notify, "meeting_room.cancelled", CANCELLED)  # the same answer again (a replay)
    assert notices(notify) == ["room_cancelled"]
    assert sent(notify) == 1
    [mail] = folder_mails(mail_dir)
    assert mail["To"].addresses[0].addr_spec == "biuro@fundacja.example.org"
    assert mail["Subject"] == "Odwołano rezerwację sali na spotkanie partnerskie: Spotkanie partnerskie: piknik"
    text = mail.get_body(("plain",)).get_content()
    assert "Sala nie jest już zarezerwowana na spotkanie Państwa partnerstwa: MOPS odwołał rezerwację." in text
    assert "Sala duża" in text and "10 grudnia 2026" in text
    assert "Inną salę można wybrać na stronie spotkania:" in text and "/staff/meetings/3" in text
    html = mail.get_body(("html",)).get_content()
    assert "MOPS odwołał rezerwację" in html and 'href="http://127.0.0.1:8001/staff/meetings/3"' in html


def test_a_deleted_room_is_said_in_plain_words(notify, mail_dir):
    deliver(notify, "organisation.created", organisation(1, "biuro@fundacja.example.org"))
    deliver(notify, "meeting_room.cancelled", {**CANCELLED, "reason": "no_room"})
    assert sent(notify) == 1
    [mail] = folder_mails(mail_dir)
    assert "Sala nie jest już zarezerwowana na spotkanie Państwa partnerstwa: sala została usunięta." in \
        mail.get_body(("plain",)).get_content()


def test_a_room_cancelled_again_after_the_meeting_chose_it_again_is_told_again(notify):
    """MOPS cancels the booking, the coordinator chooses the same room at the same time again (a newer version of
    the meeting), and MOPS cancels that booking too: a second message, a second mail."""
    deliver(notify, "organisation.created", organisation(1, "biuro@fundacja.example.org"))
    deliver(notify, "meeting_room.cancelled", CANCELLED)
    deliver(notify, "meeting_room.cancelled", {**CANCELLED, "meeting_version": 3})
    assert notices(notify) == ["room_cancelled", "room_cancelled"]


def test_a_room_conflict_and_a_cancelled_booking_of_the_same_room_and_time_are_each_told(notify):
    deliver(notify, "organisation.created", organisation(1, "biuro@fundacja.example.org"))
    deliver(notify, "meeting_room.taken", {**CANCELLED, "reason": "taken"})
    deliver(notify, "meeting_room.cancelled", CANCELLED)
    assert sorted(notices(notify)) == ["room_cancelled", "room_conflict"]


def test_no_mail_about_a_meeting_that_is_over(notify):
    deliver(notify, "organisation.created", organisation(1, "biuro@fundacja.example.org"))
    over = MEETINGS_NOW.isoformat()
    deliver(notify, "meeting_room.cancelled", {**CANCELLED, "starts_at": "2026-11-25T10:00:00+00:00",
                                               "ends_at": over})
    assert notices(notify) == []


def test_no_mail_about_a_cancelled_meeting(notify):
    deliver(notify, "organisation.created", organisation(1, "biuro@fundacja.example.org"))
    deliver_event(notify, "event.cancelled", meeting_snapshot(3, status="cancelled", version=2, sequence=1))
    deliver(notify, "meeting_room.cancelled", CANCELLED)
    assert notices(notify) == []


def test_a_meeting_that_goes_on_is_told_though_another_meeting_is_cancelled(notify):
    deliver(notify, "organisation.created", organisation(1, "biuro@fundacja.example.org"))
    deliver_event(notify, "event.published", meeting_snapshot(3))
    deliver_event(notify, "event.cancelled", meeting_snapshot(4, status="cancelled", version=2, sequence=1))
    deliver(notify, "meeting_room.cancelled", CANCELLED)
    assert notices(notify) == ["room_cancelled"]


def test_a_partnership_without_a_coordinator_address_tells_no_one(notify):
    deliver(notify, "organisation.created", organisation(1, None))
    deliver(notify, "meeting_room.cancelled", CANCELLED)
    deliver(notify, "meeting_room.cancelled", {**CANCELLED, "organisation_id": None})
    assert notices(notify) == []
