"""One notice per person and event change, in words that fit the day: a registration's reminder says "today" or
"tomorrow" as the date is (Warsaw), none comes right after the registration, and the time to confirm never runs past
the date's start; a person both registered and subscribed is told of a change once (as registered); a subscriber
is not reminded of what the digest of the same day lists; the weekly digest goes out on Mondays, as the form says."""

from datetime import datetime, timedelta

from sqlalchemy import select, update

from services.calendar.times import WARSAW, local
from services.messaging.models import utcnow
from services.notify.models import Notice, Registration, Subscriber
from services.notify.scheduler import digest_period, tick
from tests.notify.conftest import folder_mails
from tests.notify.registrations import in_days, link, publish_event, registrations, resident, send_all
from tests.notify.test_scheduler import EVENTS, MONDAY_8, event_id, queued, setup


def confirmed_resident(app, mail_dir, days: int = 2) -> None:
    """A workshop ``days`` from today at 17:00, and a resident registered for it and confirmed, her mails sent."""
    publish_event(app, capacity=5, days=days)
    client = app.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    send_all(app)
    client.get(link(folder_mails(mail_dir)[-1], "confirm"))


def reminders(app) -> list[Notice]:
    with app.extensions["osl"].database.session() as session:
        return list(session.scalars(select(Notice).where(Notice.kind == "reg_reminder")))


def test_a_reminder_sent_on_the_day_of_the_event_says_today(notify, mail_dir):
    confirmed_resident(notify, mail_dir)
    tick(notify.extensions["osl"].database, notify.config, in_days(2, hour=3))  # the sender was down the evening before
    send_all(notify)
    mail = folder_mails(mail_dir)[-1]
    text = mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == "Dziś: Warsztaty z trenerem"
    assert "Przypominamy: dziś wydarzenie" in text and "jutro" not in text


def test_no_reminder_right_after_a_registration_made_within_the_reminder_hours(notify, mail_dir):
    """Registered (and confirmed) at 03:15 for 17:00 the same day: the registration's own mail said when; a reminder
    queued at once would only repeat it."""
    confirmed_resident(notify, mail_dir)
    registered = in_days(2, hour=3) + timedelta(minutes=15)
    with notify.extensions["osl"].database.session() as session:
        session.execute(update(Registration).values(created_at=registered, verified_at=registered))
    tick(notify.extensions["osl"].database, notify.config, registered + timedelta(minutes=1))
    assert reminders(notify) == []


def test_the_time_to_confirm_ends_when_the_event_starts_if_that_comes_first(notify, mail_dir):
    start = (datetime.now(WARSAW) + timedelta(hours=5)).replace(second=0, microsecond=0)
    publish_event(notify, capacity=5, starts_at=start.isoformat(), ends_at=(start + timedelta(hours=2)).isoformat())
    notify.test_client().post("/api/v1/registrations/", json=resident(1))
    send_all(notify)
    made = registrations(notify)[0].created_at
    late = local(made + timedelta(hours=notify.config["REGISTRATION_CONFIRM_HOURS"]))
    for shown in (folder_mails(mail_dir)[-1].get_body((part,)).get_content() for part in ("plain", "html")):
        assert f"{start.day} " in shown and f"{start:%H:%M}, czyli do rozpoczęcia wydarzenia" in shown
        assert f"{late:%H:%M}" not in shown  # not the later moment, the REGISTRATION_CONFIRM_HOURS after



def test_an_address_not_confirmed_by_the_start_its_mail_names_is_released_then(notify, mail_dir):
    """The date starts sooner than REGISTRATION_CONFIRM_HOURS after the registration: its mail asks to confirm by the
    start, and the place is released then (the next person waiting, confirmed, moves up), not hours later."""
    start = (datetime.now(WARSAW) + timedelta(hours=5)).replace(second=0, microsecond=0)
    publish_event(notify, capacity=1, starts_at=start.isoformat(), ends_at=(start + timedelta(hours=2)).isoformat())
    client = notify.test_client()
    for number in (1, 2):
        client.post("/api/v1/registrations/", json=resident(number))
    send_all(notify)
    client.get(link(folder_mails(mail_dir)[1], "confirm"))  # the second, waiting, confirms; the first does not
    database = notify.extensions["osl"].database
    tick(database, notify.config, start - timedelta(minutes=1))
    assert [r.status for r in registrations(notify)] == ["confirmed", "waiting"]
    tick(database, notify.config, start + timedelta(minutes=1))
    assert [r.status for r in registrations(notify)] == ["expired", "confirmed"]

def subscriber_registering(app) -> None:
    """Resident 1, subscribed to every district's events straight away, and a workshop she is told of."""
    with app.extensions["osl"].database.session() as session:
        session.add(Subscriber(key="osoba1", email="osoba1@example.org", status="confirmed", frequency="immediate",
                               districts=[], audiences=[], reminders=False, language="pl",
                               consent_version="2026-11-23", consent_text="…", consent_at=utcnow()))
    publish_event(app, capacity=5)


def test_a_registered_subscriber_is_told_of_a_cancellation_once_as_registered(notify, mail_dir):
    subscriber_registering(notify)
    notify.test_client().post("/api/v1/registrations/", json=resident(1, email="Osoba1@Example.org"))
    send_all(notify)
    publish_event(notify, "event.cancelled", status="cancelled", version=2, sequence=1)
    with notify.extensions["osl"].database.session() as session:
        told = session.scalars(select(Notice.kind).where(Notice.sequence == 1)).all()
    assert told == ["reg_cancelled"]
    send_all(notify)
    assert [m["Subject"] for m in folder_mails(mail_dir)][-1:] == ["Odwołane: Warsztaty z trenerem"]


def test_a_registered_subscriber_is_told_of_a_new_time_once_as_registered(notify, mail_dir):
    subscriber_registering(notify)
    notify.test_client().post("/api/v1/registrations/", json=resident(1))
    send_all(notify)
    moved = in_days(11)
    publish_event(notify, "event.updated", capacity=5, version=2, sequence=1, starts_at=moved.isoformat(),
                  ends_at=(moved + timedelta(hours=2)).isoformat())
    with notify.extensions["osl"].database.session() as session:
        told = session.scalars(select(Notice.kind).where(Notice.sequence == 1)).all()
    assert told == ["reg_moved"]


def test_no_reminder_of_what_the_digest_of_the_same_day_lists(notify):
    """A weekly subscriber who wants reminders: the Monday digest lists this evening's event, and tomorrow's; neither
    is reminded that day. An event the digest did not list (next Monday's, reminded on Sunday) is."""
    setup(notify)
    with notify.extensions["osl"].database.session() as session:
        session.execute(update(Subscriber).where(Subscriber.key == "weekly").values(reminders=True))
    database = notify.extensions["osl"].database
    tick(database, notify.config, MONDAY_8)
    tick(database, notify.config, MONDAY_8.replace(hour=18))
    assert queued(notify, "digest")["weekly"][0][1] == ["Wydarzenie 1", "Wydarzenie 2", "Wydarzenie 3"]
    assert "weekly" not in queued(notify, "reminder")
    tick(database, notify.config, datetime(2026, 11, 26, 11, 0, tzinfo=WARSAW))  # Thursday, the day before event 3
    assert queued(notify, "reminder")["weekly"] == [(event_id(3), "Wydarzenie 3")]
    assert EVENTS[3][0].startswith("2026-11-27")


def test_the_weekly_digest_goes_out_on_mondays_only(notify):
    """The form says "on Mondays": a subscriber who switches to the weekly digest on a Tuesday gets the first one
    the next Monday, not that Tuesday."""
    assert digest_period("weekly", datetime(2026, 11, 24, 8, 0, tzinfo=WARSAW), 7) is None
    setup(notify)
    database = notify.extensions["osl"].database
    tick(database, notify.config, datetime(2026, 11, 24, 8, 0, tzinfo=WARSAW))
    assert "weekly" not in queued(notify, "digest")
    tick(database, notify.config, MONDAY_8 + timedelta(days=7))
    assert [key for key, _ in queued(notify, "digest")["weekly"]] == ["weekly:2026-W49"]
