"""The meeting-at-a-room saga end to end on RabbitMQ and PostgreSQL (issue #13): partners, events and notify, each
with its own database, relay and consumer, talking only over the broker.

Two meetings of a partnership are planned in one room at overlapping times. The events service books the first and
answers that the second's room is taken; partners marks the second "room conflict"; notify e-mails the coordinator
once. Moved to a free time, the second is booked and its mark cleared. The room is never double-booked. MOPS then
cancels the first meeting's booking: partners marks it so, and the meeting names no room any more.
"""

from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from services.calendar.meetings import at_centre
from services.events.models import Booking, BookingDate, Event
from services.messaging.connection import connect
from services.messaging.testing import running, wait_until
from services.messaging.topology import Topology
from services.notify.models import Notice
from services.notify.notices import Sender
from tests.conftest import make_app
from tests.events.rooms import fixed_clock  # noqa: F401 (a fixture)
from tests.partners.helpers import (
    ADMIN,
    add_member,
    created,
    make_centre,
    make_district,
    make_organisation,
    make_partnership,
    with_etag,
)
from tests.partners.test_rooms import ROOM

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300), pytest.mark.usefixtures("fixed_clock"),
              pytest.mark.parametrize("stack", ["servers"], indirect=True)]
COORDINATOR = "biuro@sasiedzi.example.org"


@pytest.fixture
def notify_app(stack, tmp_path):
    from services.notify import create_app

    app = make_app(create_app, stack, "notify", MAIL_DIR=tmp_path / "mail", SMTP=None, BASE_URL="https://osl.example",
                   PUBLIC_HOST="osl.example")
    yield app
    app.extensions["osl"].database.dispose()


def _rows(app, query):
    with app.extensions["osl"].database.session() as session:
        return session.execute(query).all()


def _meeting(client, url: str) -> dict:
    return client.get(url, headers=ADMIN).json


def test_a_taken_room_is_marked_told_once_and_cleared_when_the_meeting_moves(stack, partners_app, events_app,
                                                                              notify_app, tmp_path):
    services = [app.extensions["osl"] for app in (partners_app, events_app, notify_app)]
    with connect(stack.bus) as connection:
        Topology(stack.bus).declare_all(connection.channel())  # the queues exist before anything is published
    processes = [service.relay() for service in services] + [service.worker() for service in services]
    client = partners_app.test_client()
    with running(processes[0]), running(processes[1]), running(processes[2]), running(processes[3]), \
            running(processes[4]), running(processes[5]):
        make_district(client)
        make_centre(client)
        partnership = make_partnership(client)
        organisation = make_organisation(client, name="Stowarzyszenie Sąsiedzi", email=COORDINATOR)
        add_member(client, partnership["id"], organisation_id=organisation["id"], role="coordinator")
        room = created(client.post("/api/v1/rooms/", json={**ROOM, "requires_approval": False}, headers=ADMIN))
        url = f"/api/v1/partnerships/{partnership['id']}/meetings/"
        first = created(client.post(url, json={"title": "Spotkanie partnerskie", "starts_at": "2027-03-09T17:00:00",
                                               "ends_at": "2027-03-09T19:00:00", "room_id": room["id"]},
                                    headers=ADMIN))
        wait_until(lambda: _meeting(client, f"{url}{first['id']}")["room_status"] == "booked", timeout=60,
                   message="the first meeting's room booked")
        second = created(client.post(url, json={"title": "Zespół roboczy", "starts_at": "2027-03-09T18:00:00",
                                                "ends_at": "2027-03-09T19:30:00", "room_id": room["id"]},
                                     headers=ADMIN))
        second_url = f"{url}{second['id']}"
        wait_until(lambda: _meeting(client, second_url)["room_status"] == "conflict", timeout=60,
                   message="the second meeting marked room conflict")
        assert _meeting(client, second_url)["room_reason"] == "taken"
        # Its members' invitation and the partnership's feed name the centre and its address, not the room.
        place = select(Event.location).where(Event.meeting_id == second["id"])
        [(location,)] = _rows(events_app, place)
        assert "Sala duża" not in (location or "")  # the centre (its address, if it has one)
        told = select(Notice.kind, Notice.organisation_id).where(Notice.kind == "room_conflict")
        wait_until(lambda: len(_rows(notify_app, told)) == 1, timeout=60, message="the coordinator's notice queued")

        # An agenda change goes round again (events tries the room once more): still one notice, one mark.
        changed = client.patch(second_url, json={"agenda": "Budżet"}, headers=with_etag(client, second_url))
        assert changed.status_code == 200
        version = select(Event.meeting_version).where(Event.meeting_id == second["id"])
        wait_until(lambda: _rows(events_app, version) == [(2,)], timeout=60, message="events has taken the change")

        moved = client.patch(second_url, json={"starts_at": "2027-03-16T18:00:00", "ends_at": "2027-03-16T19:30:00"},
                             headers=with_etag(client, second_url))
        assert moved.status_code == 200 and moved.json["room_status"] is None
        wait_until(lambda: _meeting(client, second_url)["room_status"] == "booked", timeout=60,
                   message="the moved meeting booked and its conflict cleared")
        assert _rows(events_app, place) == [(at_centre("Sala duża", location),)]  # booked: named (a change of place)
        # Never double-booked: the room's blocking dates are the two meetings', at different times.
        held = _rows(events_app, select(BookingDate.busy_from, BookingDate.busy_until, Booking.meeting_id)
                     .join(Booking, Booking.id == BookingDate.booking_id)
                     .where(BookingDate.room_id == room["id"], BookingDate.blocks.is_(True))
                     .order_by(BookingDate.busy_from))
        assert sorted(row.meeting_id for row in held) == sorted([first["id"], second["id"]])
        assert held[0].busy_until <= held[1].busy_from

        # MOPS cancels the first meeting's booking at the events service: partners hears of it (outbox, bus, inbox),
        # and the meeting names no room any more.
        [(booking_id,)] = _rows(events_app, select(Booking.id).where(Booking.meeting_id == first["id"]))
        assert events_app.test_client().delete(f"/api/v1/bookings/{booking_id}", headers=ADMIN).status_code == 200
        first_url = f"{url}{first['id']}"
        wait_until(lambda: _meeting(client, first_url)["room_status"] == "cancelled", timeout=60,
                   message="the first meeting told its booking was cancelled")
        assert _meeting(client, first_url)["room_id"] is None
        # Notify hears of it too (the same message, its own queue): the coordinator is told, once.
        cancelled = select(Notice.kind, Notice.organisation_id).where(Notice.kind == "room_cancelled")
        wait_until(lambda: len(_rows(notify_app, cancelled)) == 1, timeout=60,
                   message="the coordinator's notice of the cancelled booking queued")

    assert len(_rows(notify_app, told)) == 1
    statuses = [m.data["room_status"] for m in _partners_outbox(partners_app, second["id"])]
    assert statuses == ["conflict", "booked"]
    assert [m.data["room_status"] for m in _partners_outbox(partners_app, first["id"])] == ["booked", "cancelled"]

    Sender(services[2].database, notify_app.config).send_due()  # the meetings' own notices to members go too
    mails = [message_from_bytes(path.read_bytes(), policy=default) for path in (tmp_path / "mail").glob("*.eml")]
    [mail] = [m for m in mails if m["Subject"].startswith("Sala nie została zarezerwowana")]
    assert mail["To"].addresses[0].addr_spec == COORDINATOR
    assert mail["Subject"] == "Sala nie została zarezerwowana na spotkanie partnerskie: Zespół roboczy"
    [mail] = [m for m in mails if m["Subject"].startswith("Odwołano rezerwację sali")]
    assert mail["To"].addresses[0].addr_spec == COORDINATOR
    assert "MOPS odwołał rezerwację" in mail.get_body(("plain",)).get_content()


def _partners_outbox(app, meeting_id: int) -> list:
    from tests.partners.helpers import outbox

    return [m for m in outbox(app) if m.type == "meeting.room_status" and m.data["id"] == meeting_id]
