"""Logs: one JSON object (or readable line) per record, with service, process and correlation id; and no secret
in them, whatever a whole journey through the services logs at DEBUG."""

import io
import json
import logging
import re

from services.messaging.logs import log_handler, redact
from services.messaging.testing import running, wait_until
from services.notify.config import SmtpSettings
from services.notify.notices import Sender
from tests.conftest import make_app
from tests.events.factories import event_body
from tests.messaging.helpers import events_worker, inbox_count
from tests.notify.conftest import folder_mails
from tests.partners import helpers

ADMIN_TOKEN = "test-admin-token"
ADDRESS = "Anna.Nowak@example.org"
SMTP_PASSWORD = "smtp-pa55word-never-logged"
FEED_TOKEN = "feed-token-never-logged-0123456789"


def test_every_line_carries_service_process_and_correlation_id():
    stream = io.StringIO()
    logger = logging.getLogger("osl.test.logs")
    logger.addHandler(log_handler("partners", "json", stream))
    logger.propagate = False
    try:
        from services.messaging.correlation import correlation

        with correlation("req-0123456789"):
            logger.warning("district %s created", "Raków")
    finally:
        logger.handlers.clear()
        logger.propagate = True
    line = json.loads(stream.getvalue())
    assert (line["service"], line["process"], line["correlation_id"], line["message"], line["level"]) == (
        "partners", "cli", "req-0123456789", "district Raków created", "WARNING")
    assert isinstance(line["pid"], int) and line["logger"] == "osl.test.logs" and line["time"]


def test_the_safety_net_masks_what_looks_secret():
    assert redact("Authorization: Bearer osl_abc") == "Authorization: Bearer ***"
    assert redact("GET /feeds/partnerships/7.ics?token=abc&x=1") == "GET /feeds/partnerships/7.ics?token=***&x=1"
    assert redact("amqp://osl:s3cret@rabbit:5672//") == "amqp://osl:***@rabbit:5672//"
    assert redact("to anna%40example.org, b@example.org") == "to <address>, <address>"
    assert redact("/subscriptions/confirm/ImFiYyI.Z0xYzA.abcdefghijklmnopqrstuv") == "/subscriptions/confirm/***"
    assert redact("event 123e4567-e89b-12d3-a456-426614174000 handled") == (
        "event 123e4567-e89b-12d3-a456-426614174000 handled")


def test_a_journey_through_the_services_logs_no_secret(stack, partners_app, events_app, tmp_path):
    from services.notify import create_app

    mail_dir = tmp_path / "mail"
    notify = make_app(create_app, stack, "notify", MAIL_DIR=mail_dir, SMTP=None, BASE_URL="https://osl.example",
                      PUBLIC_HOST="osl.example", SEND_RETRY_BASE_SECONDS=0.0, SEND_RETRY_MAX_SECONDS=0.0)
    streams = {"json": io.StringIO(), "text": io.StringIO()}
    root = logging.getLogger()
    handlers = [log_handler("osl", kind, stream) for kind, stream in streams.items()]
    level = root.level
    root.setLevel(logging.DEBUG)
    for handler in handlers:
        root.addHandler(handler)
    try:
        secrets = _journey(partners_app, events_app, notify, mail_dir)
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(level)
        notify.extensions["osl"].database.dispose()
    for kind, stream in streams.items():
        text = stream.getvalue()
        assert text.count("\n") > 20, f"{kind}: the journey logged too little to judge"
        for name, secret in secrets.items():
            assert secret.lower() not in text.lower(), f"{kind} logs hold the {name}"
        assert not re.search(r"[\w.+-]+@example\.org", text, re.IGNORECASE), f"{kind} logs hold an address"
    for line in streams["json"].getvalue().splitlines():
        record = json.loads(line)
        assert {"service", "process", "correlation_id", "message", "level", "time"} <= set(record), record


def _journey(partners_app, events_app, notify, mail_dir) -> dict[str, str]:
    """Keys, tokens, an address, a password: used the way they are in production. Returns them by name."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    partners = partners_app.test_client()
    helpers.make_district(partners)
    organisation = helpers.make_organisation(partners)
    key = helpers.issue_key(partners, organisation["id"])["key"]
    assert partners.get("/api/v1/people/", headers={"Authorization": "Bearer osl_wrong_key_0123456789"}
                        ).status_code == 401
    relay = partners_app.extensions["osl"].relay()
    expected = len(helpers.outbox(partners_app))
    with running(relay), running(events_worker(events_app)):
        wait_until(lambda: inbox_count(events_app) >= expected, message="the registry replicated to events")
    events = events_app.test_client()
    body = event_body(district="ostatni-grosz", centre=...)
    assert events.post("/api/v1/events", json=body, headers={"Authorization": f"Bearer {key}"}).status_code == 201
    assert events.post("/api/v1/events", json=body, headers={"Authorization": "Bearer osl_bad_0123456789xyz"}
                       ).status_code == 401
    assert events.get(f"/feeds/partnerships/99.ics?token={FEED_TOKEN}").status_code == 404

    client = notify.test_client()
    request = {"email": ADDRESS, "districts": [], "audiences": [], "frequency": "immediate", "reminders": True,
               "language": "pl", "consent": True}
    assert client.post("/api/v1/subscriptions/", json=request).status_code == 202
    assert client.post("/api/v1/subscriptions/", json=request).status_code == 202
    Sender(notify.extensions["osl"].database, notify.config).send_due()
    mail = folder_mails(mail_dir)[-1]
    text = mail.get_body(("plain",)).get_content()
    tokens = dict(re.findall(r"https://osl\.example/subscriptions/(\w+)/(\S+)", text))
    assert client.get(f"/subscriptions/confirm/{tokens['confirm']}").status_code == 200
    assert client.get(f"/subscriptions/confirm/{tokens['confirm']}x").status_code == 404
    assert client.get("/api/v1/subscriptions/", headers=admin).status_code in (200, 404, 405)
    # A mail server that does not answer, with a password: the failure is logged, the password is not.
    closed = SmtpSettings(host="127.0.0.1", port=1, timeout=1, user="osl", password=SMTP_PASSWORD)
    client.post("/api/v1/subscriptions/", json={**request, "email": "second.person@example.org"})
    failing = Sender(notify.extensions["osl"].database, {**notify.config, "SMTP": closed})
    failing.send_due()
    failing.transport.close()
    return {"admin token": ADMIN_TOKEN, "organisation's key": key, "subscriber's address": ADDRESS,
            "confirmation token": tokens["confirm"], "second address": "second.person@example.org",
            "SMTP password": SMTP_PASSWORD, "feed token": FEED_TOKEN, "notify secret": notify.config["SECRET_KEY"],
            **{f"{purpose} token": token for purpose, token in tokens.items()}}
