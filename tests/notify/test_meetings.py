"""Partner meetings, as the events service's events with ``meeting_id``: an invitation goes to the contact addresses
of the current member organisations, once; changes and cancellation to those invited."""

import re

from icalendar import Calendar
from sqlalchemy import select

from services.messaging.envelope import Envelope
from services.messaging.messages.partners import meeting_event_id
from services.notify.models import Notice
from services.notify.notices import Sender
from tests.notify.conftest import folder_mails
from tests.notify.events import meeting_snapshot
from tests.notify.test_consumers import worker


def organisation(id_, email, version=1):
    return {"id": id_, "version": version, "name": f"Stowarzyszenie {id_}", "slug": f"org-{id_}", "kind": "ngo",
            "krs": None, "email": email, "phone": None, "website": None}


def membership(id_, organisation_id, left_on=None, kind="organisation"):
    return {"id": id_, "version": 1, "partnership_id": 5, "member_kind": kind,
            "organisation_id": organisation_id if kind == "organisation" else None, "role": "member",
            "joined_on": "2026-01-10", "left_on": left_on, "potential": [{"kind": "ideas", "description": "Pomysły"}]}


def meeting(id_=3, **changes):
    return meeting_snapshot(id_, **changes)


def deliver(app, type_name, data) -> Envelope:
    envelope = Envelope.new(type_name, data)
    worker(app).handle("events" if type_name.startswith("event.") else "partners-replica", envelope)
    return envelope


def setup(app) -> None:
    deliver(app, "partnership.created", {"id": 5, "version": 1, "name": "Partnerstwo Lokalne Raków",
                                         "district_id": 1, "centre_id": None, "status": "active",
                                         "description": ""})
    deliver(app, "organisation.created", organisation(1, "biuro@cma.example.org"))
    deliver(app, "organisation.created", organisation(2, "kontakt@old.example.org"))
    deliver(app, "organisation.created", organisation(3, None))
    deliver(app, "organisation.created", organisation(4, "kto@elsewhere.example.org"))
    deliver(app, "membership.added", membership(1, 1))
    deliver(app, "membership.added", membership(2, 2, left_on="2026-06-30"))
    deliver(app, "membership.added", membership(3, 3))
    deliver(app, "membership.added", membership(4, None, kind="person"))


def recipients(app) -> list[int]:
    with app.extensions["osl"].database.session() as session:
        return sorted(session.scalars(select(Notice.organisation_id).where(Notice.kind == "meeting")))


def test_a_planned_meeting_goes_once_to_current_member_organisations_with_an_address(notify, mail_dir):
    setup(notify)
    planned = deliver(notify, "event.published", meeting())
    assert recipients(notify) == [1]
    assert worker(notify).handle("events", planned) is False
    deliver(notify, "organisation.updated", organisation(1, "nowy@cma.example.org", version=2))
    assert recipients(notify) == [1]

    assert Sender(notify.extensions["osl"].database, notify.config).send_due() == 1
    [mail] = folder_mails(mail_dir)
    assert mail["To"].addresses[0].addr_spec == "nowy@cma.example.org"
    assert mail["Subject"] == "Spotkanie partnerskie: Plan na zimę"
    text = mail.get_body(("plain",)).get_content()
    assert "czwartek, 10 grudnia 2026, 17:00–19:00" in text and "Partnerstwo Lokalne Raków" in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    stop = re.search(r"https://osl\.example(/subscriptions/contact/\S+)", text).group(1)
    client = notify.test_client()
    assert client.get(stop).text.count("<button") == 1
    assert client.post(stop, data=b"").status_code == 200
    deliver(notify, "event.published", meeting(id_=4))
    assert recipients(notify) == [1]  # nothing new for the next meeting
    assert client.get("/subscriptions/contact/forged").status_code == 404


def test_a_removed_membership_gets_no_meeting_notice(notify):
    setup(notify)
    deliver(notify, "membership.removed", {**membership(1, 1), "version": 2})
    deliver(notify, "event.published", meeting())
    assert recipients(notify) == []


def changed(version, sequence, **changes):
    """A later version of the meeting's event; the events service raises SEQUENCE on a change of time, place,
    title or status."""
    return meeting(version=version, sequence=sequence, **changes)


def notices(app) -> list[tuple]:
    with app.extensions["osl"].database.session() as session:
        return sorted((n.kind, n.organisation_id, n.sequence) for n in session.scalars(
            select(Notice).where(Notice.organisation_id.is_not(None))))


def test_a_changed_and_a_cancelled_meeting_go_once_to_the_organisations_told(notify, mail_dir):
    setup(notify)
    deliver(notify, "event.published", meeting())
    deliver(notify, "organisation.created", organisation(6, "nowa@example.org"))
    deliver(notify, "membership.added", membership(6, 6))  # joined after the invitation: not told, not updated
    Sender(notify.extensions["osl"].database, notify.config).send_due()

    moved = deliver(notify, "event.updated", {**changed(2, 1, starts_at="2026-12-11T17:00:00+01:00",
                                                         ends_at="2026-12-11T19:00:00+01:00"),
                                              "changed_fields": ["starts_at", "ends_at"]})
    assert worker(notify).handle("events", moved) is False  # redelivered
    deliver(notify, "event.updated", {**changed(3, 1, starts_at="2026-12-11T17:00:00+01:00",
                                                ends_at="2026-12-11T19:00:00+01:00", description="1. Ferie"),
                                      "changed_fields": ["description"]})
    deliver(notify, "event.updated", {**changed(2, 1, title="Spóźniona, starsza wersja"),  # older: ignored
                                      "changed_fields": ["title"]})
    assert notices(notify) == [("meeting", 1, 0), ("meeting_updated", 1, 1)]

    cancelled = changed(4, 2, starts_at="2026-12-11T17:00:00+01:00", ends_at="2026-12-11T19:00:00+01:00",
                        status="cancelled")
    deliver(notify, "event.cancelled", cancelled)
    deliver(notify, "event.cancelled", cancelled)  # the same snapshot in a new message (a replay)
    assert notices(notify) == [("meeting", 1, 0), ("meeting_cancelled", 1, 2), ("meeting_updated", 1, 1)]

    assert Sender(notify.extensions["osl"].database, notify.config).send_due() == 2
    invitation, update, cancellation = folder_mails(mail_dir)
    assert update["Subject"] == "Zmiana spotkania partnerskiego: Plan na zimę"
    text = update.get_body(("plain",)).get_content()
    assert ("termin: było „czwartek, 10 grudnia 2026, 17:00–19:00”, jest „piątek, 11 grudnia 2026, 17:00–19:00”"
            in text)
    assert "<del>czwartek, 10 grudnia 2026, 17:00–19:00</del>" in update.get_body(("html",)).get_content()
    assert cancellation["Subject"] == "Odwołane spotkanie partnerskie: Plan na zimę"
    assert "Spotkanie partnerskie zostało odwołane" in cancellation.get_body(("plain",)).get_content()
    assert {m["To"].addresses[0].addr_spec for m in (update, cancellation)} == {"biuro@cma.example.org"}
    assert cancellation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Each carries the meeting as an .ics under its feed UID, each later one with a higher SEQUENCE, so a calendar
    # app moves, then cancels, the meeting it took from the invitation.
    vevents = [attached_event(mail) for mail in (invitation, update, cancellation)]
    assert {str(v["UID"]) for v in vevents} == {f"{meeting_event_id(3)}@osl.example"}
    assert [(v["SEQUENCE"], str(v["STATUS"])) for v in vevents] == [(0, "CONFIRMED"), (1, "CONFIRMED"),
                                                                  (2, "CANCELLED")]
    assert [v.decoded("DTSTART").isoformat() for v in vevents] == [
        "2026-12-10T17:00:00+01:00", "2026-12-11T17:00:00+01:00", "2026-12-11T17:00:00+01:00"]
    assert str(vevents[0]["LOCATION"]) == "ul. Łukasińskiego 40" and "Ferie zimowe" in str(vevents[0]["DESCRIPTION"])


def attached_event(mail):
    [attachment] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    [vevent] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    return vevent


def test_an_organisation_that_stopped_meeting_notices_hears_of_no_change(notify, mail_dir):
    setup(notify)
    deliver(notify, "event.published", meeting())
    Sender(notify.extensions["osl"].database, notify.config).send_due()
    text = folder_mails(mail_dir)[0].get_body(("plain",)).get_content()
    stop = re.search(r"https://osl\.example(/subscriptions/contact/\S+)", text).group(1)
    assert notify.test_client().post(stop, data=b"").status_code == 200

    deliver(notify, "event.updated", {**changed(2, 1, title="Plan na ferie"), "changed_fields": ["title"]})
    deliver(notify, "event.cancelled", changed(3, 2, status="cancelled"))
    assert notices(notify) == [("meeting", 1, 0)]


def test_a_change_of_a_meeting_nobody_was_told_of_sends_nothing(notify):
    setup(notify)
    # planned before notify ran
    deliver(notify, "event.updated", {**changed(2, 1, title="Plan na ferie"), "changed_fields": ["title"]})
    deliver(notify, "event.cancelled", changed(3, 2, status="cancelled"))
    assert notices(notify) == []


def test_the_attachment_is_the_events_services_vevent_byte_for_byte(notify, mail_dir):
    setup(notify)
    event = meeting()
    deliver(notify, "event.published", event)
    Sender(notify.extensions["osl"].database, notify.config).send_due()
    [mail] = folder_mails(mail_dir)
    [attachment] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    ics = attachment.get_content().replace("\n", "\r\n") if "\r\n" not in attachment.get_content() else \
        attachment.get_content()
    assert event["ical"] in ics and "METHOD:PUBLISH" in ics
