"""A fan-out copy of a prepared e-mail says exactly what ``build_message`` says, with each recipient's own links."""

from email import message_from_bytes
from email.policy import default

import pytest

from services.notify.mail import fanout
from services.notify.mail.compose import build_message
from tests.notify.events import event_snapshot, with_vevent
from tests.notify.test_mail import CONFIG

MEETING = event_snapshot(id="7f9b0c1e-0000-5000-8000-000000000003", title="Plan na zimę <b>!</b>",
                         description="1. Ferie", meeting_id=3, partnership_id=5, visibility="partnership",
                         partnership_name="Partnerstwo Lokalne Raków", category="meeting", audiences=[],
                         starts_at="2026-12-10T17:00:00+01:00", ends_at="2026-12-10T19:00:00+01:00")
PAYLOADS = {
    "published": {"event": event_snapshot(description="Grill & <gry>\nDruga linia " + "długa " * 40)},
    "updated": {"event": event_snapshot(sequence=1, version=2, title="Nowy tytuł"), "previous": event_snapshot()},
    "cancelled": {"event": event_snapshot(status="cancelled", sequence=2, version=3)},
    "reminder": {"event": event_snapshot()},
    "meeting": {"event": MEETING},
    "meeting_updated": {"event": MEETING, "previous": {**MEETING, "title": "Plan"}},
    "meeting_cancelled": {"event": with_vevent({**MEETING, "status": "cancelled", "sequence": 1})},
}


def links(n: int, kind: str = "published") -> dict[str, str]:
    """A resident's two links; a partner meeting's contact address has only the unsubscribe one."""
    unsubscribe = {"unsubscribe": f"https://osl.example/subscriptions/unsubscribe/{n}." + "u" * 150}
    if kind.startswith("meeting"):
        return unsubscribe
    return {"preferences": f"https://osl.example/subscriptions/preferences/p{n}.x-y_z", **unsubscribe}


def parse(raw: bytes):
    return message_from_bytes(raw, policy=default)


def summary(message) -> dict:
    """Everything a reader or a mail client sees, part by part."""
    parts = [(p.get_content_type(), p.get_filename(), p.get_content()) for p in message.walk()
             if not p.is_multipart()]
    headers = {name: str(message[name]) for name in (
        "From", "To", "Subject", "Message-ID", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
        "Auto-Submitted", "Content-Language", "MIME-Version")}
    return {"headers": headers, "parts": parts, "types": [p.get_content_type() for p in message.walk()]}


@pytest.mark.parametrize("kind", list(PAYLOADS))
@pytest.mark.parametrize("language", ["pl", "en"])
def test_each_copy_reads_as_the_message_built_whole(kind, language):
    payload, names = PAYLOADS[kind], tuple(sorted(links(0, kind)))
    for n in range(3):  # the first recipient prepares the message, the next ones reuse it
        shared = fanout.prepared(CONFIG, kind, language, payload, names)
        raw = shared.copy(f"osoba{n}@example.org", links(n, kind), f"<n{n}@osl.example>")
        whole = build_message(CONFIG, kind=kind, language=language, to=f"osoba{n}@example.org", links=links(n, kind),
                              payload=payload, message_id=f"<n{n}@osl.example>")
        copy = parse(raw)
        assert summary(copy) == summary(parse(whole.as_bytes()))
        assert copy["Date"].datetime is not None
        raw.decode("ascii")
        assert max(len(line) for line in raw.split(b"\r\n")) <= 998
        assert all(not part.defects for part in copy.walk())
        assert all(not header.defects for part in copy.walk() for header in part.values()
                   if hasattr(header, "defects"))
        html = copy.get_body(("html",)).get_content()
        assert all(f'href="{url}"' in html for url in links(n, kind).values())
        assert shared.mail_from == "powiadomienia@osl.example"
    assert fanout.prepared(CONFIG, kind, language, payload, names) is shared


def test_per_person_kinds_are_built_whole():
    assert fanout.prepared(CONFIG, "digest", "pl", {"frequency": "daily", "events": []}, ("unsubscribe",)) is None
    assert fanout.prepared(CONFIG, "confirmation", "pl", {"language": "pl"}, ("confirm",)) is None


def test_a_copy_with_other_links_or_a_non_ascii_address_is_left_to_build_message():
    shared = fanout.prepared(CONFIG, "published", "pl", PAYLOADS["published"], ("preferences", "unsubscribe"))
    assert shared.copy("józef@example.org", links(1), "<n@osl.example>") is None
    assert shared.copy("a@example.org", {"unsubscribe": links(1)["unsubscribe"]}, "<n@osl.example>") is None


def test_a_meeting_notice_queued_before_meetings_came_as_events_is_still_sent():
    meeting = {"id": 3, "version": 2, "partnership_id": 5, "title": "Plan", "agenda": "1. Ferie",
               "starts_at": "2026-12-10T17:00:00+01:00", "ends_at": "2026-12-10T19:00:00+01:00",
               "timezone": "Europe/Warsaw", "centre_id": None, "address": "ul. Łukasińskiego 40", "status": "planned",
               "updated_at": "2026-11-23T10:00:00+00:00"}
    message = build_message(CONFIG, kind="meeting_updated", language="pl", to="a@example.org",
                            links=links(0, "meeting"),
                            payload={"meeting": meeting, "partnership_name": "P",
                                     "previous": {**meeting, "starts_at": "2026-12-09T17:00:00+01:00"}},
                            message_id="<m@osl.example>")
    text = message.get_body(("plain",)).get_content()
    assert "Gdzie: ul. Łukasińskiego 40" in text and "środa, 9 grudnia 2026" in text
