"""A partner meeting's room could not be booked (issue #13): the coordinator's contact address is told once per
meeting, room and time, in Polish, through the bus (the events service's ``meeting_room.taken``)."""

from sqlalchemy import select

from services.messaging.envelope import Envelope
from services.notify.models import Notice
from services.notify.notices import Sender
from tests.notify.conftest import folder_mails
from tests.notify.test_consumers import worker
from tests.notify.test_meetings import organisation

TAKEN = {"meeting_id": 3, "meeting_version": 1, "partnership_id": 7, "title": "Spotkanie partnerskie: piknik",
         "organisation_id": 1, "room_id": 5, "room_name": "Sala duża", "starts_at": "2027-03-09T17:00:00+01:00",
         "ends_at": "2027-03-09T19:00:00+01:00", "reason": "taken", "booking_id": None}


def deliver(app, type_name, data) -> Envelope:
    envelope = Envelope.new(type_name, data)
    worker(app).handle("meeting-rooms" if type_name.startswith("meeting_room.") else "partners-replica", envelope)
    return envelope


def notices(app) -> list[str]:
    with app.extensions["osl"].database.session() as session:
        return session.scalars(select(Notice.kind).where(Notice.organisation_id == 1)).all()


def test_the_coordinator_is_told_once_in_polish(notify, mail_dir):
    deliver(notify, "organisation.created", organisation(1, "biuro@fundacja.example.org"))
    deliver(notify, "meeting_room.taken", TAKEN)
    deliver(notify, "meeting_room.taken", TAKEN)  # the meeting's message again (an agenda change, a replay)
    assert notices(notify) == ["room_conflict"]
    assert Sender(notify.extensions["osl"].database, notify.config).send_due() == 1
    [mail] = folder_mails(mail_dir)
    assert mail["To"].addresses[0].addr_spec == "biuro@fundacja.example.org"
    assert mail["Subject"] == "Sala nie została zarezerwowana na spotkanie partnerskie: Spotkanie partnerskie: piknik"
    text = mail.get_body(("plain",)).get_content()
    assert "sala jest w tym czasie zajęta przez inną rezerwację" in text and "Sala duża" in text
    assert "9 marca 2027" in text and "konflikt sali" in text
    # Moved to another time that is taken too: that is a new conflict, told again.
    deliver(notify, "meeting_room.taken", {**TAKEN, "starts_at": "2027-03-10T17:00:00+01:00",
                                           "ends_at": "2027-03-10T19:00:00+01:00", "reason": "holiday"})
    assert notices(notify) == ["room_conflict", "room_conflict"]


def test_a_partnership_without_a_coordinator_address_tells_no_one(notify):
    deliver(notify, "organisation.created", organisation(1, None))
    deliver(notify, "meeting_room.taken", TAKEN)
    deliver(notify, "meeting_room.taken", {**TAKEN, "organisation_id": None})
    assert notices(notify) == []


def test_every_reason_the_events_service_sends_is_worded_in_both_languages():
    from services.messaging.messages.events import MEETING_ROOM_REASONS
    from services.notify.mail.compose import ROOM_REASONS
    from services.ui.labels import polish

    assert set(ROOM_REASONS) == set(MEETING_ROOM_REASONS)
    assert all(polish(words) != words for words in ROOM_REASONS.values())
