"""Fixtures of the notify tests: an app that writes mail to a folder (or to an in-process SMTP server)."""

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from services.notify.models import District
from tests.conftest import make_app
from tests.ports import free_port

#: The moment notify's meeting tests take as now: their meetings (tests/notify/events.py meeting_snapshot) are on 10
#: and 11 December 2026, so they stay ahead of it whenever the suite runs.
MEETINGS_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

DISTRICTS = {1: ("Raków", "rakow"), 2: ("Ostatni Grosz", "ostatni-grosz"), 3: ("Północ", "polnoc")}


def add_districts(app) -> None:
    with app.extensions["osl"].database.session() as session:
        for district_id, (name, slug) in DISTRICTS.items():
            session.add(District(id=district_id, name=name, slug=slug, version=1))


@pytest.fixture
def before_the_meetings(monkeypatch):
    """Notify's clock for partner meetings reads MEETINGS_NOW: a meeting that has started is told to nobody."""
    monkeypatch.setattr("services.notify.meetings.utcnow", lambda: MEETINGS_NOW)


@pytest.fixture
def mail_dir(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def notify(stack, mail_dir):
    """The notify app with three districts in its replica; mail goes to ``mail_dir``."""
    from services.notify import create_app

    app = make_app(create_app, stack, "notify", MAIL_DIR=mail_dir, SMTP=None, BASE_URL="https://osl.example",
                   PUBLIC_HOST="osl.example", SEND_RETRY_BASE_SECONDS=0.0, SEND_RETRY_MAX_SECONDS=0.0)
    add_districts(app)
    yield app
    app.extensions["osl"].database.dispose()


def folder_mails(folder) -> list:
    """The .eml files written so far, parsed with policy default, oldest first."""
    return [message_from_bytes(path.read_bytes(), policy=default) for path in sorted(folder.glob("*.eml"))]


class SmtpSink:
    """An aiosmtpd handler that keeps what it accepts and answers the next DATA commands with queued faults."""

    def __init__(self):
        self.accepted: list[bytes] = []
        self.peers: list = []
        self.faults: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        if self.faults:
            return self.faults.pop(0)
        self.accepted.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()
