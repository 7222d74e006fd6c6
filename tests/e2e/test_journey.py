"""The whole system through its real processes (`make run`'s script, embedded default).

MOPS registers an NGO and gives it a key; a resident subscribes and confirms from the e-mail; the NGO posts an event
in the events service; the resident gets exactly one notice, then a cancellation; one-click unsubscribe stops the
mail. Every hop crosses a process and the bus.
"""

import email
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date, timedelta
from email import policy
from pathlib import Path

import pytest

from services.messaging.testing import wait_until
from tests.e2e.test_make_run import ROOT, WORKER_PORTS, get_json, replica_districts
from tests.ports import free_port, free_port_range

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]  # the processes start slowly on a busy machine
RESIDENT = "mieszkanka.rakow@example.org"


def call(method: str, url: str, body=None, token: str | None = None) -> tuple[int, dict | None]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw.strip().startswith(b"{") else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw.strip().startswith(b"{") else None


def mails_to(folder: Path, address: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in str(message["To"]):
            found.append(message)
    return found


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def count_in_notify(database: Path, table: str, column: str, event_id: str) -> int:
    with sqlite3.connect(database) as connection:
        try:
            return connection.execute(f"SELECT count(*) FROM {table} WHERE {column} IN (?, ?)",
                                      (event_id, event_id.replace("-", ""))).fetchone()[0]
        except sqlite3.OperationalError:
            return 0


@pytest.fixture
def system(tmp_path, process_log):
    ports = {name: free_port() for name in ("PARTNERS_PORT", "EVENTS_PORT", "NOTIFY_PORT")}
    env = dict(os.environ, OSL_DATA_DIR=str(tmp_path), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
               NOTIFY_SEND_POLL_SECONDS="0.2", OSL_METRICS_BASE_PORT=str(free_port_range(len(WORKER_PORTS))),
               PROGRAMME_PORT=str(free_port()), **{name: str(port) for name, port in ports.items()})
    for name in ("OSL_ADMIN_TOKEN", "SMTP_HOST", "NOTIFY_BASE_URL", "OSL_MAIL_DIR", "BROKER_URL"):
        env.pop(name, None)
    log = process_log("run.log").open("wb")  # every process's output; a traceback in it fails the test
    process = subprocess.Popen(["bash", "deploy/run-local.sh"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    urls = {name.split("_")[0].lower(): f"http://127.0.0.1:{port}" for name, port in ports.items()}
    try:
        for url in urls.values():
            wait_until(lambda url=url: (get_json(f"{url}/readyz") or (0,))[0] == 200, timeout=180,
                       message=f"{url}/readyz")
        yield urls, tmp_path
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        log.close()


def test_the_whole_system_across_its_real_processes(system):
    """The two journeys share one start of the system (about half a minute): the partner meeting first, so that none
    of its mails can reach the resident, who subscribes after it."""
    a_partner_meeting_reaches_a_person_member_and_a_schools_contact_person_but_not_a_member_who_left(*system)
    subscribe_confirm_notice_cancel_unsubscribe(*system)


def subscribe_confirm_notice_cancel_unsubscribe(urls, data):
    mail = data / "mail"
    admin = (data / "admin-token").read_text().strip()

    status, ngo = call("POST", f"{urls['partners']}/api/v1/organisations/",
                       {"name": "Stowarzyszenie Sąsiedzi z Rakowa", "kind": "ngo"}, admin)
    assert status == 201, ngo
    status, issued = call("POST", f"{urls['partners']}/api/v1/organisations/{ngo['id']}/api-keys", None, admin)
    assert status == 201, issued

    # The seed's districts reach notify through the bus; a district it does not know yet is refused (422).
    wait_until(lambda: replica_districts(data / "notify.db") == 20, message="the districts replicated to notify")
    status, _ = call("POST", f"{urls['notify']}/api/v1/subscriptions/", {
        "email": RESIDENT, "districts": ["rakow"], "audiences": [], "frequency": "immediate",
        "language": "pl", "consent": True})
    assert status == 202
    confirmation = wait_until(lambda: mails_to(mail, RESIDENT), message="the confirmation mail")[0]
    link = re.search(r"https?://\S+/subscriptions/confirm/\S+", text_of(confirmation)).group(0)
    with urllib.request.urlopen(link, timeout=10) as response:
        assert response.status == 200

    day = date.today() + timedelta(days=7)
    event = {"title": "Piknik sąsiedzki na Rakowie", "description": "Grill, gry i zabawy dla całych rodzin.",
             "starts_at": f"{day}T10:00:00", "ends_at": f"{day}T13:00:00", "district": "rakow",
             "category": "picnic", "audiences": ["families"]}
    # The key reaches the events service through the bus; until then it is unknown there (401).
    posted = wait_until(lambda: (answer := call("POST", f"{urls['events']}/api/v1/events", event,
                                                issued["key"]))[0] == 201 and answer, message="the event posted")
    event_id = posted[1]["id"]

    notices = wait_until(lambda: (found := mails_to(mail, RESIDENT)) and len(found) >= 2 and found,
                         message="the notice of the new event")
    assert "Piknik sąsiedzki na Rakowie" in str(notices[1]["Subject"])
    assert any(part.get_content_type() == "text/calendar" for part in notices[1].iter_attachments())

    status, _ = call("DELETE", f"{urls['events']}/api/v1/events/{event_id}", None, issued["key"])
    assert status == 200
    after_cancel = wait_until(lambda: (found := mails_to(mail, RESIDENT)) and len(found) >= 3 and found,
                              message="the cancellation notice")
    cancellation = after_cancel[2]
    unsubscribe = re.search(r"<(https?://[^>]+)>", str(cancellation["List-Unsubscribe"])).group(1)
    one_click = urllib.request.Request(unsubscribe, data=b"", method="POST")
    with urllib.request.urlopen(one_click, timeout=10) as response:
        assert response.status == 200

    status, second = call("POST", f"{urls['events']}/api/v1/events",
                          {**event, "title": "Warsztaty budżetu domowego"}, issued["key"])
    assert status == 201
    database = data / "notify.db"
    wait_until(lambda: count_in_notify(database, "event_copies", "id", second["id"]), message="notify saw it")
    assert count_in_notify(database, "notices", "event_id", second["id"]) == 0
    assert count_in_notify(database, "notices", "event_id", event_id) == 2
    assert len(mails_to(mail, RESIDENT)) == 3, [str(m["Subject"]) for m in mails_to(mail, RESIDENT)]


def count_rows(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        try:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


PERSON, TEACHER, LEFT = "lucja.member@example.org", "nauczycielka.sp7@example.org", "dawny.czlonek@example.org"


def a_partner_meeting_reaches_a_person_member_and_a_schools_contact_person_but_not_a_member_who_left(urls, data):
    """Partners → (member_contacts.replaced, meeting.planned) → events → (event.published) → notify → mail."""
    mail, partners = data / "mail", urls["partners"]
    admin = (data / "admin-token").read_text().strip()

    def made(path, body):
        status, answer = call("POST", f"{partners}/api/v1/{path}", body, admin)
        assert status == 201, answer
        return answer

    partnership = made("partnerships/", {"name": "Partnerstwo Lokalne Raków (test)", "district": "rakow",
                                         "status": "active"})
    school = made("organisations/", {"name": "Szkoła Podstawowa nr 77", "kind": "school"})  # no public address
    former = made("organisations/", {"name": "Stowarzyszenie Dawne", "kind": "ngo", "email": LEFT})
    made("people/", {"name": "Anna Nowak", "email": TEACHER, "organisation_id": school["id"]})
    lucja = made("people/", {"name": "Łucja Żądło", "email": PERSON})
    members = f"partnerships/{partnership['id']}/members/"
    made(members, {"organisation_id": school["id"]})
    made(members, {"person_id": lucja["id"]})
    made(members, {"organisation_id": former["id"], "joined_on": "2020-01-01", "left_on": "2021-01-01"})
    wait_until(lambda: count_rows(data / "notify.db", "member_contacts") == 2, message="the contacts in notify")

    day = date.today() + timedelta(days=10)
    made(f"partnerships/{partnership['id']}/meetings/", {
        "title": "Plan na wiosnę", "starts_at": f"{day}T17:00:00",
        "ends_at": f"{day}T19:00:00", "address": "ul. Łukasińskiego 40, Częstochowa"})
    for address in (PERSON, TEACHER):
        [invitation] = wait_until(lambda address=address: mails_to(mail, address), message=f"the mail to {address}")
        assert str(invitation["Subject"]) == "Spotkanie partnerskie: Plan na wiosnę"
        [ics] = [part for part in invitation.iter_attachments() if part.get_content_type() == "text/calendar"]
        assert "BEGIN:VEVENT" in ics.get_content() and f"DTSTART;TZID=Europe/Warsaw:{day:%Y%m%d}T170000" in \
            ics.get_content()
    assert mails_to(mail, LEFT) == []

    # The addresses stay private: no public answer, feed or page, and no log line, shows them.
    public = [f"{partners}/api/v1/partnerships/{partnership['id']}/members/", f"{partners}/api/v1/organisations/",
              f"{partners}/partnerships/{partnership['id']}", f"{urls['events']}/feeds/all.ics",
              f"{urls['events']}/", f"{urls['events']}/api/v1/events"]
    for url in public:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read().decode()
        assert PERSON not in body and TEACHER not in body, url
    logged = (data / "run.log").read_text()
    assert "member_contacts.replaced" in logged and PERSON not in logged and TEACHER not in logged
