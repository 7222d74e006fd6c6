"""The renderer's own line folding (services/calendar/ical.py): octet-based and fast, with the very bytes icalendar's
folding gives, so a stored VEVENT, a feed and a mail's attachment do not change with it."""

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline

from services.calendar.ical import fold_line, render_vevent, vevent_component
from tests.calendar.test_ical_hypothesis import calendar_events

#: Text that puts escapes, carets and characters of 1 to 4 octets at every place a line can be cut.
tricky = st.text(alphabet=st.sampled_from(list("ab;,:\\^\"") + ["ą", "€", "😀", "\u0301", "\t"]), min_size=30,
                 max_size=400)


def icalendar_folded(line: str) -> bytes:
    return _foldline(line).encode()


@settings(max_examples=500, deadline=None, database=None)
@given(st.text(max_size=300) | tricky)
def test_folding_gives_the_bytes_icalendar_gives(line):
    line = line.replace("\r", "").replace("\n", "")
    assert fold_line(line) == icalendar_folded(line)


@settings(max_examples=300, deadline=None, database=None)
@given(tricky)
def test_folded_lines_are_at_most_75_octets_and_never_split_a_character(line):
    folded = fold_line(line)
    pieces = folded.split(b"\r\n")
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.startswith(b" ") for piece in pieces[1:])
    assert [piece.decode() for piece in pieces]  # each piece whole UTF-8: a cut inside a character fails here
    assert b"".join([pieces[0], *(piece[1:] for piece in pieces[1:])]).decode() == line


def test_an_escape_is_never_cut_from_its_character():
    line = "DESCRIPTION:" + "x" * 61 + "\\,y" + "z" * 80
    first, second, *_ = fold_line(line).split(b"\r\n")
    assert first.endswith(b"x") and second.startswith(b" \\,")
    assert fold_line(line) == icalendar_folded(line)


def test_a_short_line_is_left_as_it_is():
    assert fold_line("SUMMARY:Gry planszowe") == b"SUMMARY:Gry planszowe"
    assert fold_line("S:" + "ż" * 36) == ("S:" + "ż" * 36).encode()  # 74 octets: no fold
    assert fold_line("S:" + "ż" * 36 + "a") == ("S:" + "ż" * 36).encode() + b"\r\n a"  # 75: folded


@settings(max_examples=60, deadline=None, database=None)
@given(calendar_events())
def test_a_rendered_vevent_is_byte_for_byte_what_icalendar_writes(event):
    assert render_vevent(event) == vevent_component(event).to_ical().decode()
