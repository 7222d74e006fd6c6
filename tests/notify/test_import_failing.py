"""An organisation's calendar that has failed for a day: its contact address is told once per run of failures, in
Polish, through the bus (the events service's ``import_source.failing``)."""

from sqlalchemy import select

from services.messaging.envelope import Envelope
from services.notify.models import Notice
from services.notify.notices import Sender
from tests.notify.conftest import folder_mails
from tests.notify.test_consumers import worker
from tests.notify.test_meetings import organisation

FAILING = {"source_id": 7, "organisation_id": 1, "url": "https://calendar.google.com/calendar/ical/x/public/basic.ics",
           "failing_since": "2026-11-29T06:00:00+00:00", "failures": 6, "last_error": "HTTP 404"}


def deliver(app, type_name, data) -> Envelope:
    envelope = Envelope.new(type_name, data)
    worker(app).handle("imports" if type_name.startswith("import_source.") else "partners-replica", envelope)
    return envelope


def test_the_organisation_is_told_once_per_run_of_failures(notify, mail_dir):
    deliver(notify, "organisation.created", organisation(1, "biuro@fundacja.example.org"))
    deliver(notify, "import_source.failing", FAILING)
    deliver(notify, "import_source.failing", FAILING)  # the same run again (a second process, a replay)
    with notify.extensions["osl"].database.session() as session:
        assert session.scalars(select(Notice.kind).where(Notice.organisation_id == 1)).all() == ["import_failing"]
    assert Sender(notify.extensions["osl"].database, notify.config).send_due() == 1
    [mail] = folder_mails(mail_dir)
    assert mail["To"].addresses[0].addr_spec == "biuro@fundacja.example.org"
    assert mail["Subject"].startswith("Nie udaje się pobrać Państwa kalendarza")
    text = mail.get_body(("plain",)).get_content()
    assert FAILING["url"] in text and "HTTP 404" in text and "od niedzieli, 29 listopada 2026, 07:00" in text
    deliver(notify, "import_source.failing", {**FAILING, "failing_since": "2026-12-10T06:00:00+00:00"})
    with notify.extensions["osl"].database.session() as session:
        assert len(session.scalars(select(Notice.id).where(Notice.organisation_id == 1)).all()) == 2


def test_an_organisation_without_a_contact_address_is_not_told(notify):
    deliver(notify, "organisation.created", organisation(1, None))
    deliver(notify, "import_source.failing", FAILING)
    with notify.extensions["osl"].database.session() as session:
        assert session.scalars(select(Notice.id)).all() == []
