"""Sending notices through SMTP (an in-process aiosmtpd server): reuse, 4xx retry, 5xx failure, admin resend."""

from datetime import datetime
from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from services.notify.config import SmtpSettings
from services.notify.models import Notice
from services.notify.notices import Sender
from tests.notify.test_operations import REQUEST

ADMIN = {"Authorization": "Bearer test-admin-token"}


def subscribe(app, *emails) -> None:
    client = app.test_client()
    for email in emails:
        assert client.post("/api/v1/subscriptions/", json={**REQUEST, "email": email}).status_code == 202


def smtp_sender(app, port: int) -> Sender:
    config = {**app.config, "SMTP": SmtpSettings(host="127.0.0.1", port=port, timeout=5)}
    return Sender(app.extensions["osl"].database, config)


def refused_once(app, smtp_sink, answer: str, **config) -> tuple[Sender, object]:
    """One subscriber's confirmation, tried once against a server that gives ``answer`` (then accepts)."""
    sink, port = smtp_sink
    sink.faults.append(answer)
    subscribe(app, "a@example.org")
    sender = smtp_sender(app, port)
    sender.config.update(config)
    assert sender.send_due() == 1
    return sender, sink


def notices(app) -> list[Notice]:
    with app.extensions["osl"].database.session() as session:
        return session.scalars(select(Notice).order_by(Notice.id)).all()


def test_notices_go_through_one_reused_smtp_connection(notify, smtp_sink):
    sink, port = smtp_sink
    subscribe(notify, "a@example.org", "b@example.org", "c@example.org")
    sender = smtp_sender(notify, port)
    assert sender.send_due() == 3
    sender.transport.close()
    assert len(sink.accepted) == 3 and len(set(sink.peers)) == 1
    recipients = sorted(message_from_bytes(raw, policy=default)["To"].addresses[0].addr_spec for raw in sink.accepted)
    assert recipients == ["a@example.org", "b@example.org", "c@example.org"]
    assert [(n.status, n.attempts, n.last_error) for n in notices(notify)] == [("sent", 1, None)] * 3
    assert all(n.message_id and n.sent_at for n in notices(notify))
    assert sender.send_due() == 0


def test_a_4xx_answer_is_retried_and_the_mail_is_delivered_once(notify, smtp_sink):
    sender, sink = refused_once(notify, smtp_sink, "451 4.3.0 Mailbox busy, try later")
    [notice] = notices(notify)
    assert (notice.status, notice.attempts) == ("queued", 1)
    assert "451" in notice.last_error
    assert sink.accepted == []
    sender.send_due()  # the test's backoff is zero: due at once
    sender.transport.close()
    [notice] = notices(notify)
    assert (notice.status, notice.attempts, notice.last_error) == ("sent", 2, None)
    assert len(sink.accepted) == 1
    assert message_from_bytes(sink.accepted[0], policy=default)["Message-ID"] == notice.message_id


def test_a_temporary_failure_waits_for_its_backoff(notify, smtp_sink):
    sender, sink = refused_once(notify, smtp_sink, "421 4.7.0 Too many connections", SEND_RETRY_BASE_SECONDS=600,
                                SEND_RETRY_MAX_SECONDS=600)
    assert sender.send_due() == 0  # not due for ten minutes
    sender.transport.close()
    [notice] = notices(notify)
    assert (notice.status, notice.attempts) == ("queued", 1)
    assert notice.next_attempt_at is not None and sink.accepted == []


def test_the_sender_loop_writes_eml_files_without_smtp_and_logs_the_subject(notify, mail_dir, caplog):
    from services.messaging.testing import running, wait_until

    caplog.set_level("INFO")
    subscribe(notify, "a@example.org")
    notify.config["SEND_POLL_SECONDS"] = 0.05
    with running(Sender(notify.extensions["osl"].database, notify.config)):
        wait_until(lambda: list(mail_dir.glob("*.eml")), message="an .eml file")
    [path] = mail_dir.glob("*.eml")
    assert message_from_bytes(path.read_bytes(), policy=default)["To"].addresses[0].addr_spec == "a@example.org"
    assert "Potwierdź zapis na powiadomienia: OSL Częstochowa" in caplog.text
    assert notices(notify)[0].status == "sent"


def test_a_5xx_answer_fails_the_notice_without_retrying_and_an_admin_can_resend_it(notify, smtp_sink):
    sender, sink = refused_once(notify, smtp_sink, "550 5.1.1 No such user here")
    [notice] = notices(notify)
    assert (notice.status, notice.attempts) == ("failed", 1)
    assert "550" in notice.last_error
    assert sender.send_due() == 0 and len(sink.peers) == 1  # no retry loop

    client = notify.test_client()
    assert client.get("/api/v1/notices").status_code == 401
    failed = client.get("/api/v1/notices?status=failed", headers=ADMIN)
    assert failed.status_code == 200
    assert [(n["id"], n["status"], n["kind"]) for n in failed.json] == [(notice.id, "failed", "confirmation")]
    assert "550" in failed.json[0]["last_error"]
    assert client.get("/api/v1/notices?status=sent", headers=ADMIN).json == []
    assert client.get("/api/v1/notices?status=lost", headers=ADMIN).status_code == 422

    assert client.post(f"/api/v1/notices/{notice.id}/resend", headers=ADMIN).json["status"] == "queued"
    assert sender.send_due() == 1
    sender.transport.close()
    assert notices(notify)[0].status == "sent" and len(sink.accepted) == 1
    assert client.post(f"/api/v1/notices/{notice.id}/resend", headers=ADMIN).status_code == 409
    assert client.post("/api/v1/notices/999/resend", headers=ADMIN).status_code == 404


def test_a_connection_error_is_temporary_and_fails_after_the_last_try(notify):
    from tests.ports import free_port

    subscribe(notify, "a@example.org")
    sender = smtp_sender(notify, free_port())  # nobody listens there
    # Retried while the backoff so far is under a minute: 30 s after the first try, none after the second.
    sender.config.update(SEND_RETRY_SECONDS=60, SEND_RETRY_BASE_SECONDS=30, SEND_RETRY_MAX_SECONDS=30)
    sender.send_due()
    [notice] = notices(notify)
    assert (notice.status, notice.attempts) == ("queued", 1)
    assert "Connection" in notice.last_error or "refused" in notice.last_error
    with notify.extensions["osl"].database.session() as session:  # its 30 s are up
        session.get(Notice, notice.id).next_attempt_at = notice.created_at
    sender.send_due()
    assert (notices(notify)[0].status, notices(notify)[0].attempts) == ("failed", 2)


@pytest.mark.traceback_expected
def test_a_notice_that_cannot_be_built_fails_instead_of_looping(notify):
    subscribe(notify, "a@example.org")
    with notify.extensions["osl"].database.session() as session:
        session.scalars(select(Notice)).one().payload = {"language": "xx"}  # no such template
    sender = Sender(notify.extensions["osl"].database, notify.config)
    assert sender.send_due() == 1
    [notice] = notices(notify)
    assert notice.status == "failed" and "xx" in notice.last_error
    assert sender.send_due() == 0


def test_the_notices_api_gives_every_time_with_its_offset(notify):
    subscribe(notify, "a@example.org")
    Sender(notify.extensions["osl"].database, notify.config).send_due()
    [notice] = notify.test_client().get("/api/v1/notices", headers=ADMIN).json
    for name in ("created_at", "next_attempt_at", "sent_at"):
        assert datetime.fromisoformat(notice[name]).utcoffset() is not None, (name, notice[name])


def test_an_answer_naming_the_address_is_kept_and_logged_without_it():
    import smtplib

    from services.notify.delivery import PermanentFailure, _classify

    refused = smtplib.SMTPRecipientsRefused({"lucja.zadlo@example.org": (550, b"5.1.1 <lucja.zadlo@example.org>: "
                                                                               b"Recipient address rejected")})
    failure = _classify(refused)
    assert isinstance(failure, PermanentFailure)
    assert "example.org" not in str(failure) and "<address>" in str(failure) and "550" in str(failure)
