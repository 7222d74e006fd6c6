"""Partner meetings, as the events service's events with ``meeting_id``: an invitation goes to the contact address of
every current member (organisations and people, from partners' private member_contacts.replaced), once; changes and
cancellation to those invited."""

import re
from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import select

from services.messaging.envelope import Envelope
from services.messaging.messages.partners import meeting_event_id
from services.notify import operations
from services.notify.models import Notice
from services.notify.notices import Sender
from tests.notify.conftest import folder_mails
from tests.notify.events import meeting_snapshot
from tests.notify.test_consumers import worker

pytestmark = pytest.mark.usefixtures("before_the_meetings")


def organisation(id_, email, version=1):
    return {"id": id_, "version": version, "name": f"Stowarzyszenie {id_}", "slug": f"org-{id_}", "kind": "ngo",
            "krs": None, "email": email, "phone": None, "website": None}


def membership(id_, organisation_id, left_on=None, kind="organisation", version=1):
    return {"id": id_, "version": version, "partnership_id": 5, "member_kind": kind,
            "organisation_id": organisation_id if kind == "organisation" else None, "role": "member",
            "joined_on": "2026-01-10", "left_on": left_on, "potential": [{"kind": "ideas", "description": "Pomysły"}]}


def meeting(id_=3, **changes):
    return meeting_snapshot(id_, **changes)


def deliver(app, type_name, data) -> Envelope:
    envelope = Envelope.new(type_name, data)
    worker(app).handle("events" if type_name.startswith("event.") else "partners-replica", envelope)
    return envelope


#: What partners sends notify alone: each member's address (organisation 3, a school, has only a contact person).
CONTACTS = {1: "biuro@cma.example.org", 3: "nauczycielka@szkola.example.org", 4: "lucja@example.org",
            5: "kto@leaving.example.org"}


def contacts(version=1, **changes) -> dict:
    listed = {**CONTACTS, **{int(key.removeprefix("m")): value for key, value in changes.items()}}
    return {"partnership_id": 5, "version": version,
            "contacts": [{"membership_id": key, "email": value} for key, value in listed.items() if value]}


def setup(app) -> None:
    deliver(app, "partnership.created", {"id": 5, "version": 1, "name": "Partnerstwo Lokalne Raków",
                                         "district_id": 1, "centre_id": None, "status": "active",
                                         "description": ""})
    deliver(app, "organisation.created", organisation(1, "biuro@cma.example.org"))
    deliver(app, "organisation.created", organisation(2, "kontakt@old.example.org"))
    deliver(app, "organisation.created", organisation(3, None))
    deliver(app, "organisation.created", organisation(4, "kto@elsewhere.example.org"))
    deliver(app, "membership.added", membership(1, 1))
    deliver(app, "membership.added", membership(2, 2, left_on="2026-06-30"))  # left: partners lists no address
    deliver(app, "membership.added", membership(3, 3))
    deliver(app, "membership.added", membership(4, None, kind="person"))
    deliver(app, "membership.added", membership(5, 4, left_on="2026-12-05"))  # gone by the meeting's day
    deliver(app, "member_contacts.replaced", contacts())


def recipients(app) -> list[int]:
    with app.extensions["osl"].database.session() as session:
        return sorted(session.scalars(select(Notice.member_contact_id).where(Notice.kind == "meeting")))


def addressed(mails) -> list[str]:
    return sorted(mail["To"].addresses[0].addr_spec for mail in mails)


def test_a_planned_meeting_goes_once_to_every_current_member_with_an_address(notify, mail_dir):
    setup(notify)
    planned = deliver(notify, "event.published", meeting())
    assert recipients(notify) == [1, 3, 4]
    assert worker(notify).handle("events", planned) is False
    deliver(notify, "member_contacts.replaced", contacts(2, m1="nowy@cma.example.org"))
    deliver(notify, "member_contacts.replaced", contacts(1, m1="stary@late.example.org"))  # older: ignored
    assert recipients(notify) == [1, 3, 4]

    assert Sender(notify.extensions["osl"].database, notify.config).send_due() == 3
    mails = folder_mails(mail_dir)
    assert addressed(mails) == ["lucja@example.org", "nauczycielka@szkola.example.org", "nowy@cma.example.org"]
    mail = next(m for m in mails if m["To"].addresses[0].addr_spec == "lucja@example.org")
    assert mail["Subject"] == "Spotkanie partnerskie: Plan na zimę"
    text = mail.get_body(("plain",)).get_content()
    assert "czwartek, 10 grudnia 2026, 17:00–19:00" in text and "Partnerstwo Lokalne Raków" in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert all(attached_event(m)["UID"] == f"{meeting_event_id(3)}@osl.example" for m in mails)

    stop = re.search(r"https://osl\.example(/subscriptions/contact/\S+)", text).group(1)
    client = notify.test_client()
    assert client.get(stop).text.count("<button") == 1
    assert client.post(stop, data=b"").status_code == 200
    deliver(notify, "event.published", meeting(id_=4))
    with notify.extensions["osl"].database.session() as session:
        told = sorted(session.scalars(select(Notice.member_contact_id).where(Notice.event_id == "meeting:4")))
    assert told == [1, 3]  # the person stopped them; the others hear of the next meeting
    assert client.get("/subscriptions/contact/forged").status_code == 404


def test_a_meeting_that_has_started_is_told_to_nobody(notify):
    """Staff may record a meeting after it was held (or its message may come late): an invitation, a change or a
    cancellation of a meeting that has started (now is MEETINGS_NOW, 25 November 2026) would only confuse. A meeting
    that repeats is still told: its next dates are ahead."""
    setup(notify)
    held = {"starts_at": "2026-11-24T17:00:00+01:00", "ends_at": "2026-11-24T19:00:00+01:00"}
    deliver(notify, "event.published", meeting(**held))
    deliver(notify, "event.updated", {**meeting(version=2, sequence=1, title="Plan na zimę (notatki)", **held),
                                      "changed_fields": ["title"]})
    deliver(notify, "event.cancelled", meeting(version=3, sequence=2, status="cancelled", **held))
    under_way = {"starts_at": "2026-11-25T12:30:00+01:00", "ends_at": "2026-11-25T14:00:00+01:00"}  # 11:30 UTC
    deliver(notify, "event.published", meeting(id_=4, **under_way))
    with notify.extensions["osl"].database.session() as session:
        assert session.scalars(select(Notice).where(Notice.kind.like("meeting%"))).all() == []
    deliver(notify, "event.published", meeting(id_=5, rrule="FREQ=MONTHLY;COUNT=6", **held))
    with notify.extensions["osl"].database.session() as session:
        told = sorted(session.scalars(select(Notice.member_contact_id).where(Notice.event_id == "meeting:5")))
    assert told == [1, 3, 4, 5]  # member 5 leaves on 5 December, after the series' first date


def test_an_address_shared_by_two_members_is_told_once(notify, mail_dir):
    setup(notify)
    deliver(notify, "member_contacts.replaced", contacts(2, m3="Biuro@CMA.example.org"))
    deliver(notify, "event.published", meeting())
    assert recipients(notify) == [1, 4]


def test_a_member_who_leaves_or_is_erased_is_forgotten_and_not_told(notify):
    from services.notify.meetings import forget_former_members
    from services.notify.models import MemberContact

    setup(notify)
    held = lambda: sorted(session.scalars(select(MemberContact.membership_id)))  # noqa: E731
    deliver(notify, "membership.updated", membership(1, 1, left_on="2026-02-01", version=2))  # left: forgotten now
    with notify.extensions["osl"].database.session() as session:
        assert held() == [3, 4, 5]
    deliver(notify, "member_contacts.replaced", contacts(2, m1=None, m4=None))  # the person erased in partners
    with notify.extensions["osl"].database.session() as session:
        rows = {row.membership_id: row for row in session.scalars(select(MemberContact))}
        assert sorted(rows) == [3, 5]
        assert rows[3].basis == "membership #3 of partnership #5"
        assert forget_former_members(session, date(2026, 12, 4)) == 0
        assert forget_former_members(session, date(2026, 12, 5)) == 1  # the day they leave, by the core's rule
        assert held() == [3]
    deliver(notify, "event.published", meeting())
    assert recipients(notify) == [3]


def test_a_removed_membership_gets_no_meeting_notice(notify):
    setup(notify)
    deliver(notify, "membership.removed", {**membership(1, 1), "version": 2})
    deliver(notify, "event.published", meeting())
    assert recipients(notify) == [3, 4]


def changed(version, sequence, **changes):
    """A later version of the meeting's event; the events service raises SEQUENCE on a change of time, place,
    title or status."""
    return meeting(version=version, sequence=sequence, **changes)


def notices(app) -> list[tuple]:
    with app.extensions["osl"].database.session() as session:
        return sorted((n.kind, n.member_contact_id, n.sequence) for n in session.scalars(
            select(Notice).where(Notice.member_contact_id.is_not(None))))


def setup_one_member(app) -> None:
    """Only member 1 has an address."""
    setup(app)
    deliver(app, "member_contacts.replaced", contacts(2, m3=None, m4=None, m5=None))


def test_a_changed_and_a_cancelled_meeting_go_once_to_the_members_told(notify, mail_dir):
    setup_one_member(notify)
    deliver(notify, "event.published", meeting())
    deliver(notify, "organisation.created", organisation(6, "nowa@example.org"))
    # Joins after the meeting's day (a member who joined before it is invited when their address comes: see
    # test_a_meeting_planned_before_the_members_addresses_came_is_sent_when_they_come): not told, not updated.
    deliver(notify, "membership.added", {**membership(6, 6), "joined_on": "2026-12-20"})
    deliver(notify, "member_contacts.replaced", contacts(3, m3=None, m4=None, m5=None, m6="nowa@example.org"))
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


def test_a_member_who_stopped_meeting_notices_hears_of_no_change(notify, mail_dir):
    setup_one_member(notify)
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
    setup_one_member(notify)
    event = meeting()
    deliver(notify, "event.published", event)
    Sender(notify.extensions["osl"].database, notify.config).send_due()
    [mail] = folder_mails(mail_dir)
    [attachment] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    ics = attachment.get_content().replace("\n", "\r\n") if "\r\n" not in attachment.get_content() else \
        attachment.get_content()
    assert event["ical"] in ics and "METHOD:PUBLISH" in ics


def test_an_organisation_that_stopped_meeting_notices_before_member_contacts_stays_stopped(notify):
    from services.notify.models import Organisation

    deliver(notify, "partnership.created", {"id": 5, "version": 1, "name": "Partnerstwo Lokalne Raków",
                                            "district_id": 1, "centre_id": None, "status": "active",
                                            "description": ""})
    deliver(notify, "organisation.created", organisation(1, "biuro@cma.example.org"))
    deliver(notify, "membership.added", membership(1, 1))
    deliver(notify, "membership.added", membership(4, None, kind="person"))
    with notify.extensions["osl"].database.session() as session:
        operations.stop_notices(session, session.get(Organisation, 1))  # its old link, followed before the upgrade
    deliver(notify, "member_contacts.replaced", {"partnership_id": 5, "version": 1, "contacts": [
        {"membership_id": 1, "email": "Biuro@cma.example.org"}, {"membership_id": 4, "email": "lucja@example.org"}]})
    deliver(notify, "event.published", meeting())
    assert recipients(notify) == [4]
    deliver(notify, "member_contacts.replaced", {"partnership_id": 5, "version": 2, "contacts": [
        {"membership_id": 1, "email": "sekretariat@cma.example.org"}]})  # a new address: it has not stopped them
    deliver(notify, "event.published", meeting(id_=4))
    with notify.extensions["osl"].database.session() as session:
        told = sorted(session.scalars(select(Notice.member_contact_id).where(Notice.event_id == "meeting:4")))
    assert told == [1]


def test_a_meeting_moved_into_a_membership_invites_the_member_once_and_tells_the_invited_of_the_change(
        notify, mail_dir):
    """A member who joins on 1 January 2027 is not invited to a meeting on 28 December; moved to 11 January, the
    meeting concerns them: they get the invitation (not a change of a meeting they never heard of), once. A member
    invited who leaves before the new date is told of the change as any member invited (the calendar entry they took
    moves)."""
    setup_one_member(notify)
    deliver(notify, "organisation.created", organisation(6, "nowa@example.org"))
    deliver(notify, "membership.added", {**membership(6, 6), "joined_on": "2027-01-01"})
    deliver(notify, "organisation.created", organisation(7, "odchodzi@example.org"))
    deliver(notify, "membership.added", membership(7, 7, left_on="2027-01-05"))
    deliver(notify, "member_contacts.replaced", contacts(3, m3=None, m4=None, m5=None, m6="nowa@example.org",
                                                         m7="odchodzi@example.org"))
    december = {"starts_at": "2026-12-28T17:00:00+01:00", "ends_at": "2026-12-28T19:00:00+01:00"}
    january = {"starts_at": "2027-01-11T17:00:00+01:00", "ends_at": "2027-01-11T19:00:00+01:00"}
    deliver(notify, "event.published", meeting(**december))
    assert notices(notify) == [("meeting", 1, 0), ("meeting", 7, 0)]

    moved = deliver(notify, "event.updated", {**changed(2, 1, **january), "changed_fields": ["starts_at", "ends_at"]})
    assert worker(notify).handle("events", moved) is False  # redelivered
    deliver(notify, "event.updated", {**changed(3, 1, description="1. Ferie", **january),
                                      "changed_fields": ["description"]})
    assert notices(notify) == [("meeting", 1, 0), ("meeting", 6, 1), ("meeting", 7, 0),
                               ("meeting_updated", 1, 1), ("meeting_updated", 7, 1)]
    deliver(notify, "event.updated", {**changed(4, 2, title="Plan na ferie", **january), "changed_fields": ["title"]})
    assert ("meeting_updated", 6, 2) in notices(notify)  # invited now: told of the next change
    assert [n for n in notices(notify) if n[:2] == ("meeting", 6)] == [("meeting", 6, 1)]

    Sender(notify.extensions["osl"].database, notify.config).send_due()
    to_six = [m for m in folder_mails(mail_dir) if m["To"].addresses[0].addr_spec == "nowa@example.org"]
    assert [m["Subject"] for m in to_six] == ["Spotkanie partnerskie: Plan na zimę",
                                              "Zmiana spotkania partnerskiego: Plan na ferie"]
    assert "poniedziałek, 11 stycznia 2027, 17:00–19:00" in to_six[0].get_body(("plain",)).get_content()
