"""Personal data of registrations: the retention job, and GDPR export and erase."""

from sqlalchemy import select

from services.notify.models import Notice
from services.notify.scheduler import tick
from tests.notify.conftest import folder_mails
from tests.notify.registrations import (
    ADMIN,
    EVENT_ID,
    in_days,
    publish_event,
    registrations,
    resident,
    send_all,
    slots,
)


def test_the_retention_job_anonymises_registrations_and_keeps_the_counts(notify, mail_dir):
    publish_event(notify, capacity=2, days=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1, people=2))
    client.post(f"/api/v1/registrations/events/{EVENT_ID}", headers=ADMIN,
                json={"name": "Pan Józef", "contact": "phone", "phone": "600100200", "consent": True})
    database = notify.extensions["osl"].database
    days = notify.config["REGISTRATION_RETENTION_DAYS"]
    tick(database, notify.config, in_days(1 + int(days) - 1))  # not yet
    assert registrations(notify)[0].name == "Mieszkanka 1" and all(r.ref for r in registrations(notify))
    tick(database, notify.config, in_days(2 + int(days)))
    rows = registrations(notify)
    # The reference goes with the name: what programme keeps of it leads back to nobody.
    assert [(r.name, r.email, r.phone, r.ref) for r in rows] == [(None, None, None, None)] * 2
    assert [(r.people, r.status) for r in rows] == [(2, "confirmed"), (1, "waiting")]
    with database.session() as session:
        assert session.scalars(select(Notice).where(Notice.registration_id.is_not(None))).all() == []
    assert slots(notify)[0].anonymised_at is not None and slots(notify)[0].confirmed == 2


def test_gdpr_export_and_erase_cover_registrations(notify, mail_dir):
    publish_event(notify, capacity=1)
    client = notify.test_client()
    client.post("/api/v1/registrations/", json=resident(1))
    client.post("/api/v1/registrations/", json=resident(2))
    send_all(notify)
    export = client.post("/api/v1/subscribers/export", json={"email": "osoba1@example.org"}, headers=ADMIN)
    assert export.status_code == 200
    [held] = export.json["registrations"]
    assert (held["name"], held["status"], held["event_id"]) == ("Mieszkanka 1", "confirmed", EVENT_ID)
    assert client.post("/api/v1/subscribers/erase", json={"email": "osoba1@example.org"},
                       headers=ADMIN).status_code == 204
    rows = registrations(notify)
    assert (rows[0].name, rows[0].email, rows[0].status) == (None, None, "cancelled")
    assert rows[1].status == "confirmed"  # the place went on to the next
    assert not any("osoba1@example.org" in str(m["To"]) for m in folder_mails(mail_dir))
