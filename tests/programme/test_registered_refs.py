"""Registrations reach the programme's roll calls from notify as pseudonymous references, never names: on both
databases, a registration made in notify arrives as its reference and people, staff tick it on the roll call, the
printed list in notify shows the same reference next to the name, and erasing in notify forgets the link."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text

from services.calendar.times import WARSAW
from services.messaging.envelope import Envelope
from services.notify.models import OutboxMessage as NotifyOutbox
from services.notify.models import Registration
from services.notify.operations.registrations import cancel_registration
from services.programme.models import Registered
from tests.notify.registrations import ADMIN, EVENT_ID, in_days, publish_event, resident, utc_key, workshop
from tests.programme.factories import deliver
from tests.staff.conftest import CSRF

NAME, PHONE, EMAIL = "Halina Żmijewska", "+48 600 123 457", "halina.zmijewska@example.org"


@pytest.fixture
def dates_come(monkeypatch):
    """Registrations are made before their dates, and the roll calls taken on them: programme's today moves a year
    on once the registrations are in (a roll call of a date still ahead is refused)."""
    from services.programme import operations

    monkeypatch.setattr(operations, "today", lambda: datetime.now(WARSAW).date() + timedelta(days=365))


def _programme(app) -> int:
    """A current programme, so that the workshop's date falls within it."""
    today = datetime.now(WARSAW).date()
    body = {"name": "Program bieżący", "funding": "EFS+", "starts_on": (today - timedelta(days=30)).isoformat(),
            "ends_on": (today + timedelta(days=365)).isoformat(), "target_total": 10, "target_women": 5,
            "target_men": 5}
    response = app.test_client().post("/api/v1/programmes/", json=body, headers=ADMIN)
    assert response.status_code == 201, response.json
    return response.json["id"]


def _registration_messages(notify_app) -> list[Envelope]:
    """notify's outbox, its registration.changed messages in order, as the bus carries them."""
    with notify_app.extensions["osl"].database.session() as session:
        rows = session.scalars(select(NotifyOutbox).where(NotifyOutbox.type == "registration.changed")
                               .order_by(NotifyOutbox.seq)).all()
        return [Envelope.new(row.type, json.loads(row.body)["data"]) for row in rows]


def _hand_over(notify_app, programme_app, already: int = 0) -> list[Envelope]:
    """Deliver notify's registration messages (from the ``already``-th on) to programme's handler of its queue."""
    messages = _registration_messages(notify_app)[already:]
    for envelope in messages:
        deliver(programme_app, "notify", envelope.type, envelope.data)
    return messages


def _everything_in(app) -> str:
    """Every row of every table of the service's database, as one text."""
    database = app.extensions["osl"].database
    with database.session() as session:
        names = inspect(session.connection()).get_table_names()
        return "\n".join(repr(row) for name in names
                         for row in session.execute(text(f'SELECT * FROM "{name}"')).all())


def test_a_registration_reaches_the_roll_call_as_a_reference_and_is_ticked(notify_app, programme_app, dates_come):
    event = publish_event(notify_app, capacity=2)
    deliver(programme_app, "events", "event.published", workshop(capacity=2))
    programme_id = _programme(programme_app)
    notify = notify_app.test_client()
    by_phone = notify.post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN, json={
        "name": NAME, "contact": "phone", "phone": PHONE, "people": 2, "consent": True})
    assert by_phone.status_code == 201 and by_phone.json["status"] == "confirmed"
    by_mail = notify.post("/api/v1/registrations/", json=resident(1, name="Jan Ćwik", email=EMAIL))
    assert by_mail.json["status"] == "waiting"

    messages = _hand_over(notify_app, programme_app)
    with notify_app.extensions["osl"].database.session() as session:
        refs = {r.name: r.ref for r in session.scalars(select(Registration))}
    assert all(refs.values()) and len(set(refs.values())) == 2
    # The message carries the reference, the event, the date, the people and the status: nothing of the person.
    assert [m.data for m in messages] == [
        {"ref": refs[NAME], "event_id": EVENT_ID, "occurrence": datetime.fromisoformat(event["starts_at"])
         .astimezone(UTC).isoformat(), "series_from": "", "people": 2, "status": "confirmed"},
        {"ref": refs["Jan Ćwik"], "event_id": EVENT_ID, "occurrence": messages[0].data["occurrence"],
         "series_from": "", "people": 1, "status": "waiting"}]
    carried = json.dumps([m.data for m in messages], ensure_ascii=False)
    stored = _everything_in(programme_app)
    for personal in (NAME, "Jan Ćwik", PHONE, "600 123 457", EMAIL, "Żmijewska"):
        assert personal not in carried and personal not in stored

    # The printed list in notify shows the same reference next to the name, for ticking on the day.
    printed = notify.get(f"/registrations/events/{EVENT_ID}/list", headers=ADMIN).get_data(as_text=True)
    assert NAME in printed and refs[NAME] in printed and refs["Jan Ćwik"] in printed

    # The roll call lists both references to tick; staff tick the confirmed one present through the form.
    client = programme_app.test_client()
    url = f"/programmes/{programme_id}/roll-calls/{EVENT_ID}/{event['starts_at']}"
    form = client.get(url, headers=ADMIN)
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert f'name="reg-{refs[NAME]}"' in html and f'name="reg-{refs["Jan Ćwik"]}"' in html
    assert "lista rezerwowa" in html and NAME not in html
    sent = client.post(url, headers=ADMIN, data={"csrf_token": CSRF.search(html).group(1),
                                                 f"reg-{refs[NAME]}": "present", "anonymous_count": "1"})
    assert sent.status_code == 303
    api = client.get(f"/api/v1/programmes/{programme_id}/roll-calls/{EVENT_ID}/{event['starts_at']}",
                     headers=ADMIN).json
    assert api["registered"] == [
        {"ref": refs[NAME], "people": 2, "registration": "confirmed", "status": "present"},
        {"ref": refs["Jan Ćwik"], "people": 1, "registration": "waiting", "status": None}]
    assert api["anonymous_count"] == 1
    # The attendance counts the registration's two people as present, beside the one counted anonymously.
    [activity] = client.get(f"/api/v1/programmes/{programme_id}/attendance", headers=ADMIN).json["activities"]
    assert (activity["present"], activity["anonymous"], activity["attended"]) == (2, 1, 3)

    # A reference not registered for this date is refused, naming the field.
    refused = client.put(f"/api/v1/programmes/{programme_id}/roll-calls/{EVENT_ID}/{event['starts_at']}",
                         headers=ADMIN, json={"registered": [{"ref": "ABCDEF0123", "status": "present"}]})
    assert refused.status_code == 422 and "registered.0.ref" in json.dumps(refused.json)


def test_cancelling_and_erasing_in_notify_reach_programme_as_the_reference_alone(notify_app, programme_app):
    publish_event(notify_app, capacity=1)
    deliver(programme_app, "events", "event.published", workshop(capacity=1))
    notify = notify_app.test_client()
    notify.post("/api/v1/registrations/", json=resident(1, email=EMAIL))
    notify.post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN, json={
        "name": NAME, "contact": "none", "consent": True})
    _hand_over(notify_app, programme_app)
    with notify_app.extensions["osl"].database.session() as session:
        first, second = session.scalars(select(Registration).order_by(Registration.seq)).all()
        first_ref, second_ref = first.ref, second.ref
    # GDPR erase of the first address: cancelled (the second moves up), and notify forgets the reference.
    erased = notify.post("/api/v1/subscribers/erase", json={"email": EMAIL}, headers=ADMIN)
    assert erased.status_code in (200, 204), erased.get_data(as_text=True)
    handed = _hand_over(notify_app, programme_app, already=2)
    assert [(m.data["ref"], m.data["status"]) for m in handed] == [(first_ref, "cancelled"), (second_ref, "confirmed")]
    with notify_app.extensions["osl"].database.session() as session:
        row = session.get(Registration, first.id)
        assert (row.ref, row.name, row.email) == (None, None, None)
        assert session.scalars(select(Registration).where(Registration.ref == first_ref)).first() is None
    with programme_app.extensions["osl"].database.session() as session:
        kept = {r.ref: r.status for r in session.scalars(select(Registered))}
    assert kept == {first_ref: "cancelled", second_ref: "confirmed"}
    # An older message arriving late never moves a status back.
    deliver(programme_app, "notify", "registration.changed", {**handed[1].data, "status": "waiting"})
    with programme_app.extensions["osl"].database.session() as session:
        assert session.scalars(select(Registered.status).where(Registered.ref == second_ref)).one() == "confirmed"


def test_the_reference_goes_from_notify_outbox_over_the_bus_to_programme(notify_app, programme_app):
    """notify's relay publishes the message; programme's consumer (its notify queue, through the inbox) keeps it."""
    from services.messaging.testing import running, wait_until

    publish_event(notify_app, capacity=2)
    response = notify_app.test_client().post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN, json={
        "name": NAME, "contact": "phone", "phone": PHONE, "consent": True})
    assert response.status_code == 201
    with notify_app.extensions["osl"].database.session() as session:
        ref = session.scalars(select(Registration.ref)).one()

    def kept():
        with programme_app.extensions["osl"].database.session() as session:
            return session.scalars(select(Registered).where(Registered.ref == ref)).first() is not None

    with running(programme_app.extensions["osl"].worker()), running(notify_app.extensions["osl"].relay()):
        wait_until(kept, timeout=60, message="the registration.changed message handled by the programme service")
    with programme_app.extensions["osl"].database.session() as session:
        row = session.scalars(select(Registered)).one()
        assert (str(row.event_id), row.people, row.status) == (EVENT_ID, 1, "confirmed")
    assert NAME not in _everything_in(programme_app) and PHONE not in _everything_in(programme_app)


WEEKS = (0, 7, 14, 21)  # the days of a weekly series of four dates, from its first


def _series_in_both(notify_app, programme_app, days: int) -> list[datetime]:
    """A weekly series of four dates, the first ``days`` from today, registered for as a whole, in notify and as
    programme's activity, and a current programme. Returns its dates."""
    from tests.notify.test_registration_series import whole_series

    whole_series(notify_app, days=days, capacity=5)
    deliver(programme_app, "events", "event.published", workshop(capacity=5, days=days, rrule="FREQ=WEEKLY;COUNT=4"))
    return [in_days(days + week) for week in WEEKS]


def _listed(programme_app, programme_id: int, start: datetime) -> list[str]:
    """The references the roll call of the date starting at ``start`` lists (API), in order."""
    answer = programme_app.test_client().get(
        f"/api/v1/programmes/{programme_id}/roll-calls/{EVENT_ID}/{start.isoformat()}", headers=ADMIN)
    assert answer.status_code == 200, answer.json
    return [row["ref"] for row in answer.json["registered"]]


def test_a_whole_series_registration_made_after_its_first_date_is_listed_from_the_next_date(notify_app,
                                                                                            programme_app,
                                                                                            dates_come):
    dates = _series_in_both(notify_app, programme_app, days=-2)  # the first date was two days ago
    programme_id = _programme(programme_app)
    answer = notify_app.test_client().post("/api/v1/registrations/", json=resident(1))
    assert answer.status_code == 201, answer.json
    [message] = _hand_over(notify_app, programme_app)
    ref = message.data["ref"]
    # For every date left, from the next: its start as the rule gives it, in UTC, as ``occurrence`` is written.
    assert (message.data["occurrence"], message.data["series_from"]) == ("", utc_key(dates[1]))
    assert _listed(programme_app, programme_id, dates[0]) == []
    assert [_listed(programme_app, programme_id, start) for start in dates[1:]] == [[ref]] * 3
    # The page of the earlier date does not offer it to tick either, and the API refuses a tick of it there.
    client = programme_app.test_client()
    earlier = client.get(f"/programmes/{programme_id}/roll-calls/{EVENT_ID}/{dates[0].isoformat()}", headers=ADMIN)
    assert earlier.status_code == 200 and f'name="reg-{ref}"' not in earlier.get_data(as_text=True)
    later = client.get(f"/programmes/{programme_id}/roll-calls/{EVENT_ID}/{dates[1].isoformat()}", headers=ADMIN)
    assert f'name="reg-{ref}"' in later.get_data(as_text=True)
    refused = _tick(client, programme_id, dates[0], ref)
    assert refused.status_code == 422 and "registered.0.ref" in json.dumps(refused.json)
    ticked = _tick(client, programme_id, dates[1], ref)
    assert ticked.status_code == 200, ticked.json

    # Cancelled in notify: the message of its new status keeps the start, and so does programme's row.
    with notify_app.extensions["osl"].database.session() as session:
        cancel_registration(session, session.scalars(select(Registration)).one())
    [cancelled] = _hand_over(notify_app, programme_app, already=1)
    assert (cancelled.data["status"], cancelled.data["series_from"]) == ("cancelled", utc_key(dates[1]))
    with programme_app.extensions["osl"].database.session() as session:
        row = session.scalars(select(Registered)).one()
        assert (row.status, row.series_from) == ("cancelled", dates[1])
    # A cancelled reference may still be ticked (they may come anyway) at a date it was registered for, never before.
    assert _listed(programme_app, programme_id, dates[1]) == [ref] and _listed(programme_app, programme_id,
                                                                                 dates[0]) == []
    refused = _tick(client, programme_id, dates[0], ref)
    assert refused.status_code == 422 and "registered.0.ref" in json.dumps(refused.json)
    ticked = _tick(client, programme_id, dates[2], ref)
    assert ticked.status_code == 200, ticked.json



def _tick(client, programme_id: int, day, ref: str):
    """The roll call of the series' date ``day``, ticking ``ref`` present."""
    return client.put(f"/api/v1/programmes/{programme_id}/roll-calls/{EVENT_ID}/{day.isoformat()}", headers=ADMIN,
                      json={"registered": [{"ref": ref, "status": "present"}]})

def test_a_whole_series_registration_made_before_its_first_date_is_listed_at_every_date(notify_app, programme_app):
    dates = _series_in_both(notify_app, programme_app, days=3)
    programme_id = _programme(programme_app)
    assert notify_app.test_client().post("/api/v1/registrations/", json=resident(1)).status_code == 201
    [message] = _hand_over(notify_app, programme_app)
    assert message.data["series_from"] == utc_key(dates[0])
    assert [_listed(programme_app, programme_id, start) for start in dates] == [[message.data["ref"]]] * 4


def _deliver_old(programme_app, data: dict) -> None:
    """A registration.changed message queued before ``series_from`` existed: its data without the field."""
    envelope = Envelope(type="registration.changed", data={k: v for k, v in data.items() if k != "series_from"},
                        source="/osl/notify")
    with programme_app.extensions["osl"].database.session() as session:
        programme_app.extensions["osl"].handlers["notify"](session, envelope)


def test_an_old_message_without_the_start_is_listed_at_every_date_and_a_later_one_keeps_the_start(programme_app):
    deliver(programme_app, "events", "event.published", workshop(capacity=5, days=-2, rrule="FREQ=WEEKLY;COUNT=4"))
    dates = [in_days(-2 + week) for week in WEEKS]
    programme_id = _programme(programme_app)
    old = {"ref": "AAAA01", "event_id": EVENT_ID, "occurrence": "", "people": 1, "status": "confirmed"}
    _deliver_old(programme_app, old)
    assert [_listed(programme_app, programme_id, start) for start in dates] == [["AAAA01"]] * 4

    # A status change without the field (an old one, or one arriving late) never loses a start already kept...
    deliver(programme_app, "notify", "registration.changed", {
        **old, "ref": "BBBB02", "status": "waiting", "series_from": utc_key(dates[1])})
    _deliver_old(programme_app, {**old, "ref": "BBBB02", "status": "confirmed"})
    # ...and a start arriving with a message older than the status kept is kept all the same.
    _deliver_old(programme_app, {**old, "ref": "CCCC03", "status": "cancelled"})
    deliver(programme_app, "notify", "registration.changed", {
        **old, "ref": "CCCC03", "status": "confirmed", "series_from": utc_key(dates[2])})
    with programme_app.extensions["osl"].database.session() as session:
        kept = {row.ref: (row.status, row.series_from) for row in session.scalars(select(Registered))}
    assert kept == {"AAAA01": ("confirmed", None), "BBBB02": ("confirmed", dates[1]),
                    "CCCC03": ("cancelled", dates[2])}
    assert [_listed(programme_app, programme_id, start) for start in dates] == [
        ["AAAA01"], ["AAAA01", "BBBB02"], ["AAAA01", "BBBB02"], ["AAAA01", "BBBB02"]]
