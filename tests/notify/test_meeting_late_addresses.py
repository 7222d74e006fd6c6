"""Partner meetings whose members' addresses come after the meeting's event (order across queues is not
guaranteed): the members are invited when their addresses come, once, and never to a meeting held or cancelled."""

import pytest
from sqlalchemy import select

from services.notify.models import EventCopy, Notice
from tests.events.factories import statements
from tests.notify.events import event_snapshot
from tests.notify.test_meetings import changed, contacts, deliver, meeting, membership, organisation, setup

pytestmark = pytest.mark.usefixtures("before_the_meetings")


#: A planned meeting well ahead of any run of the tests, and one already held.
AHEAD = {"starts_at": "2036-12-11T17:00:00+01:00", "ends_at": "2036-12-11T19:00:00+01:00"}
HELD = {"starts_at": "2020-12-10T17:00:00+01:00", "ends_at": "2020-12-10T19:00:00+01:00"}


def setup_without_contacts(app) -> None:
    """The partnership and its members as in setup(), before partners' first list of their addresses."""
    deliver(app, "partnership.created", {"id": 5, "version": 1, "name": "Partnerstwo Lokalne Raków",
                                         "district_id": 1, "centre_id": None, "status": "active",
                                         "description": ""})
    for id_, email in [(1, "biuro@cma.example.org"), (2, "kontakt@old.example.org"), (3, None),
                       (4, "kto@elsewhere.example.org")]:
        deliver(app, "organisation.created", organisation(id_, email))
    deliver(app, "membership.added", membership(1, 1))
    deliver(app, "membership.added", membership(2, 2, left_on="2026-06-30"))
    deliver(app, "membership.added", membership(3, 3))
    deliver(app, "membership.added", membership(4, None, kind="person"))
    deliver(app, "membership.added", membership(5, 4, left_on="2026-12-05"))


def invited(app) -> list[tuple]:
    with app.extensions["osl"].database.session() as session:
        return sorted((n.event_id, n.member_contact_id) for n in session.scalars(
            select(Notice).where(Notice.kind == "meeting")))


def test_a_meeting_planned_before_the_members_addresses_came_is_sent_when_they_come(notify):
    """The meeting's event came first (order across queues is not guaranteed): the members are invited once their
    addresses arrive, once each, however many lists follow; a meeting already held is not sent."""
    setup_without_contacts(notify)
    deliver(notify, "event.published", meeting(**AHEAD))
    deliver(notify, "event.published", meeting(id_=4, **HELD))
    deliver(notify, "event.published", meeting(id_=6, partnership_id=7, **AHEAD))  # another partnership's
    assert invited(notify) == []
    deliver(notify, "member_contacts.replaced", contacts(m3=None))
    assert invited(notify) == [("meeting:3", 1), ("meeting:3", 4)]
    deliver(notify, "member_contacts.replaced", contacts(2, m1="nowy@cma.example.org"))  # the address of 3 comes
    assert invited(notify) == [("meeting:3", 1), ("meeting:3", 3), ("meeting:3", 4)]
    deliver(notify, "member_contacts.replaced", contacts(3, m4="Biuro@CMA.example.org"))  # shared with 1: told
    assert invited(notify) == [("meeting:3", 1), ("meeting:3", 3), ("meeting:3", 4)]


def test_a_meeting_planned_after_the_members_addresses_came_is_sent_once(notify):
    setup(notify)
    deliver(notify, "event.published", meeting(**AHEAD))
    deliver(notify, "member_contacts.replaced", contacts(2))
    assert invited(notify) == [("meeting:3", 1), ("meeting:3", 3), ("meeting:3", 4)]


def test_a_cancelled_meeting_is_not_sent_when_the_addresses_come(notify):
    setup_without_contacts(notify)
    deliver(notify, "event.published", meeting(**AHEAD))
    deliver(notify, "event.cancelled", changed(2, 1, status="cancelled", **AHEAD))
    deliver(notify, "member_contacts.replaced", contacts())
    assert invited(notify) == []


def test_the_addresses_coming_read_only_their_partnerships_meeting_copies(notify):
    """A city has thousands of upcoming events and a partnership a few meetings: a list of its members' addresses
    selects that partnership's meeting copies by their own column, never every event copy ahead."""
    setup_without_contacts(notify)
    deliver(notify, "event.published", meeting(**AHEAD))
    deliver(notify, "event.published", meeting(id_=6, partnership_id=7, **AHEAD))  # another partnership's
    for number in range(8, 11):  # public events ahead, one organised by the partnership itself (not a meeting)
        deliver(notify, "event.published", event_snapshot(id=f"00000000-0000-0000-0000-{number:012d}",
                                                          partnership_id=5 if number == 8 else None, **AHEAD))
    with notify.extensions["osl"].database.session() as session:
        assert {copy.snapshot.get("meeting_id"): copy.partnership_id
                for copy in session.scalars(select(EventCopy))} == {3: 5, 6: 7, None: None}
    with statements(notify) as sent:
        deliver(notify, "member_contacts.replaced", contacts(m3=None))
    copies = [statement for statement in sent if "FROM EVENT_COPIES" in statement]
    assert copies and all("EVENT_COPIES.PARTNERSHIP_ID =" in statement for statement in copies), copies
    assert invited(notify) == [("meeting:3", 1), ("meeting:3", 4)]
