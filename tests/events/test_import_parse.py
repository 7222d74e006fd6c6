"""The feed parser on its own: bounds checked before icalendar builds anything, and the readings of odd input."""

import pytest

from services.events.imports import blocks
from services.events.imports.parse import READ, FeedError, parse
from tests.events.feedserver import fixture


def calendar(*lines: str) -> bytes:
    return ("\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR")) + "\r\n").encode()


def event(uid: str, *lines: str) -> tuple:
    return ("BEGIN:VEVENT", f"UID:{uid}", "DTSTART:20270105T170000Z", "DTEND:20270105T180000Z", *lines, "END:VEVENT")


def test_a_very_long_uid_is_kept_by_its_hash():
    feed = parse(calendar(*event("x" * 5000)))
    [item] = feed.items
    assert item.uid.startswith("sha256:") and len(item.uid) == 71


@pytest.mark.parametrize("body, message", [
    (calendar(*event("a"), *event("b"), *event("c")), "more than 2 events"),
    (b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VTODO\r\n" * 5 + b"END:VTODO\r\n" * 5 + b"END:VCALENDAR\r\n", "nested"),
    (calendar(*event("a"))[:-len("END:VCALENDAR\r\n")], "cut short"),
    (b"PK\x03\x04 not a calendar", "not an iCalendar feed"),
])
def test_feeds_refused_whole(body, message):
    with pytest.raises(FeedError, match=message):
        parse(body, max_events=2)


def test_a_windows_1250_body_reads_in_windows_1250():
    latin2 = fixture("latin2.ics").decode("iso8859_2")
    feed = parse(latin2.encode("cp1250"))
    assert feed.items[0].values["title"] == "Świetlica: zajęcia dla dzieci, źródła i łąki"
    assert feed.warnings == ["The feed is not UTF-8 and names no charset; read as cp1250."]


def test_the_charset_the_server_names_wins():
    latin2 = fixture("latin2.ics")
    assert parse(latin2, "iso-8859-2").warnings == []


@pytest.mark.parametrize("line, seconds", [("REFRESH-INTERVAL;VALUE=DURATION:PT5M", 900),
                                           ("REFRESH-INTERVAL;VALUE=DURATION:P1W", 86400),
                                           ("X-PUBLISHED-TTL:PT2H", 7200), ("X-PUBLISHED-TTL:nonsense", None)])
def test_the_refresh_the_feed_asks_for_is_bounded(line, seconds):
    assert parse(calendar(line, *event("a"))).refresh_seconds == seconds


def test_a_cancelled_event_and_an_unreadable_start():
    feed = parse(calendar(*event("a", "STATUS:CANCELLED"),
                          "BEGIN:VEVENT", "UID:b", "DTSTART:garbage", "END:VEVENT"))
    assert [(i.uid, i.values["status"]) for i in feed.items] == [("a", "cancelled")]
    assert any("'b'" in warning for warning in feed.warnings)


def test_floating_times_and_unknown_zones_fall_back_to_the_feeds_x_wr_timezone():
    feed = parse(calendar("X-WR-TIMEZONE:Europe/London",
                          "BEGIN:VEVENT", "UID:f", "DTSTART:20270105T100000", "END:VEVENT",
                          "BEGIN:VEVENT", "UID:u", "DTSTART;TZID=Mars/Olympus:20270105T100000", "END:VEVENT"))
    assert [i.values["starts_at"] for i in feed.items] == ["2027-01-05T10:00:00+00:00"] * 2  # 11:00 in Warsaw
    assert feed.warnings == ["Times without a zone (floating) are read as Europe/London.",
                             "Unknown time zone 'Mars/Olympus': its times are read as Europe/London."]


def test_an_unknown_x_wr_timezone_is_a_warning_and_warsaw_is_used():
    feed = parse(calendar("X-WR-TIMEZONE:Atlantis/Capital",
                          "BEGIN:VEVENT", "UID:f", "DTSTART:20270705T100000", "END:VEVENT"))
    assert feed.items[0].values["starts_at"] == "2027-07-05T08:00:00+00:00"
    assert "X-WR-TIMEZONE 'Atlantis/Capital' is not a known zone; Europe/Warsaw is used." in feed.warnings


def test_vevents_unchanged_since_the_last_sync_are_not_parsed_again():
    first = parse(fixture("google.ics"))
    known = {item.uid: item.raw for item in first.items}
    assert all(len(item.raw) >= 1 for item in first.items) and len(known["3k1v8e6c2qv0h1kq2o4r5t6u7v@google.com"]) == 2
    restamped = fixture("google.ics").replace(b"DTSTAMP:20261130T050000Z", b"DTSTAMP:20261201T050000Z") \
        .replace(b"SUMMARY:Piknik majowy", b"SUMMARY:Piknik czerwcowy")
    again = parse(restamped, known=known)
    assert sorted(again.unchanged) == ["3k1v8e6c2qv0h1kq2o4r5t6u7v@google.com", "5lmn6opq7rst8uvw@google.com"]
    assert [item.values["title"] for item in again.items] == ["Piknik czerwcowy"]


@pytest.mark.parametrize("name", ["google.ics", "outlook.ics", "gancio.ics", "odd.ics", "latin2.ics"])
def test_only_the_lines_read_are_parsed_and_they_give_what_the_whole_feed_gives(name, monkeypatch):
    cut = parse(fixture(name))
    monkeypatch.setattr(blocks, "read_lines", lambda block, names: block)
    whole = parse(fixture(name))
    assert [(i.uid, i.values, i.overrides) for i in cut.items] == [(i.uid, i.values, i.overrides) for i in whole.items]
    assert cut.warnings == whole.warnings and cut.refresh_seconds == whole.refresh_seconds


def test_attendees_alarms_and_x_properties_are_left_out_with_their_folded_lines():
    block = "\r\n".join(["BEGIN:VEVENT", "UID:a", "ATTENDEE;CN=Ala:mailto:ala@example.org", " .pl", "SUMMARY:Gry",
                         " planszowe", "X-GOOGLE-CONFERENCE:https://meet", "BEGIN:VALARM", "ACTION:DISPLAY",
                         "DESCRIPTION:Przypomnienie", "END:VALARM", "DTSTART:20270105T170000Z", "END:VEVENT", ""])
    assert blocks.read_lines(block, READ) == "\r\n".join(["BEGIN:VEVENT", "UID:a", "SUMMARY:Gry", " planszowe",
                                                          "DTSTART:20270105T170000Z", "END:VEVENT", ""])


def test_a_change_only_to_what_is_not_read_does_not_parse_the_event_again():
    first = parse(fixture("google.ics"))
    known = {item.uid: item.raw for item in first.items}
    body = fixture("google.ics").replace(b"TRANSP:OPAQUE", b"TRANSP:TRANSPARENT").replace(
        b"END:VEVENT", b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:ala@example.org\r\nEND:VEVENT")
    again = parse(body, known=known)
    assert again.items == [] and sorted(again.unchanged) == sorted(known)
    refolded = parse(body.replace(b"SUMMARY:Piknik majowy", b"SUMMARY:Piknik\r\n  majowy"), known=known)
    assert refolded.items == [] and sorted(refolded.unchanged) == sorted(known)
    moved = parse(body.replace(b"SUMMARY:Piknik majowy", b"SUMMARY:Piknik czerwcowy"), known=known)
    assert [item.values["title"] for item in moved.items] == ["Piknik czerwcowy"]


def test_an_alarms_uid_is_not_taken_for_its_events():
    body = calendar("BEGIN:VEVENT", "BEGIN:VALARM", "UID:alarm-1", "ACTION:DISPLAY", "TRIGGER:-PT15M",
                    "DESCRIPTION:Przypomnienie", "END:VALARM", "UID:event-1", "DTSTART:20270105T170000Z",
                    "END:VEVENT")
    [item] = parse(body).items
    assert item.uid == "event-1" and len(item.raw) == 1
    assert parse(body, known={"event-1": item.raw}).unchanged == ["event-1"]


def test_a_series_that_ends_before_it_starts_is_imported_as_its_one_date():
    """RFC 5545 counts DTSTART as the first date whatever the rule says: a rule whose UNTIL is before it (the API
    refuses it) leaves that one date, not a skipped event."""
    feed = parse(calendar(*event("a", "RRULE:FREQ=WEEKLY;UNTIL=20261201T000000Z")))
    [item] = feed.items
    assert (item.values["starts_at"], item.values["rrule"]) == ("2027-01-05T17:00:00+00:00", None)
    assert feed.warnings == ["The repeat rule of 'a' ends (UNTIL) before its first date; it is imported as that one "
                             "date."]
