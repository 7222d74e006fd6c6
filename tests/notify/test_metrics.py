"""The sender's metrics: notices by status, sending outcomes, SMTP time, the scheduler's runs."""

from prometheus_client import REGISTRY, generate_latest

from services.notify.notices import Sender, notices_by_status
from tests.messaging.test_metrics import WORKERS, check_series, samples, scrape, value
from tests.notify.test_delivery import subscribe


def test_the_sender_shows_notices_by_status_smtp_time_and_the_scheduler(notify, mail_dir):
    database = notify.extensions["osl"].database
    subscribe(notify, "a@example.org", "b@example.org")
    queued = {s.labels["status"]: s.value for s in samples(scrape(notices_by_status(database)))["osl_notify_notices"]}
    assert queued == {"queued": 2, "sending": 0, "sent": 0, "failed": 0}
    sent = value("osl_notify_notices_sent_total", kind="confirmation", outcome="sent")
    timed = value("osl_notify_smtp_seconds_count")
    runs = value("osl_job_runs_total", task="notify_scheduler")
    sender = Sender(database, notify.config)
    assert sender.send_due() == 2
    sender.schedule()
    sender.transport.close()
    assert value("osl_notify_notices_sent_total", kind="confirmation", outcome="sent") - sent == 2
    assert value("osl_notify_smtp_seconds_count") - timed == 2
    assert value("osl_job_runs_total", task="notify_scheduler") - runs == 1
    assert value("osl_job_last_success_timestamp_seconds", task="notify_scheduler") > 0
    text = scrape(notices_by_status(database))
    assert {s.labels["status"]: s.value for s in samples(text)["osl_notify_notices"]} == {
        "queued": 0, "sending": 0, "sent": 2, "failed": 0}
    assert check_series(text + generate_latest(REGISTRY).decode(), WORKERS["sender"]) == []
