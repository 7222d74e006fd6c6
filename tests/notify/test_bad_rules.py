"""Series stored before repeat rules were checked never hold up notify's scheduler or sender."""

from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.envelope import Envelope
from services.notify.models import Notice, Subscriber
from services.notify.notices import Sender
from services.notify.operations import queue_confirmation
from services.notify.scheduler import tick
from tests.notify.conftest import folder_mails
from tests.notify.events import event_snapshot
from tests.notify.test_consumers import worker

STORED = ("FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MINUTELY")


@pytest.mark.timeout(60)
def test_the_sender_still_sends_a_confirmation_with_bad_series_in_notify(notify, mail_dir):
    for n, rule in enumerate(STORED):
        event = event_snapshot(id=f"00000000-0000-4000-8000-00000000000{n}", rrule=rule, version=1,
                               starts_at="2016-03-01T17:00:00+01:00", ends_at="2016-03-01T19:00:00+01:00")
        worker(notify).handle("events", Envelope.new("event.published", event))
    database = notify.extensions["osl"].database
    with database.session() as session:
        subscriber = Subscriber(key="nowa", email="nowa@example.org", status="confirmed", frequency="daily",
                                districts=[], audiences=[], reminders=True, language="pl",
                                consent_version="2026-11-23", consent_text="…", consent_at=datetime.now(UTC))
        session.add(subscriber)
        session.flush()
        queue_confirmation(session, subscriber, "pl")
    now = datetime.now(UTC)
    for hour in range(0, 48, 6):  # two days of scheduler ticks, reminders and digests included
        tick(database, notify.config, now + timedelta(hours=hour))
    assert Sender(database, notify.config).send_due() >= 1
    subjects = [mail["Subject"] for mail in folder_mails(mail_dir)]
    assert any(subject.startswith("Potwierdź zapis na powiadomienia") for subject in subjects)
    with database.session() as session:
        assert session.query(Notice).filter(Notice.kind == "reminder").count() == 0  # first dates in 2016
