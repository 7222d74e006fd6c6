"""Free slots as range arithmetic (bookable hours − closures − holidays − bookings widened by buffers), checked
against a brute-force search minute by minute, across both changes of the clocks."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.calendar.rooms import WEEKDAYS, RoomRules, free_ranges, slot_starts
from services.calendar.times import WARSAW

MINUTE = timedelta(minutes=1)
#: Weeks around the changes of the clocks of 2027 (28 March, 31 October) and around 3 May.
WINDOWS = [datetime(2027, 3, 25, tzinfo=WARSAW), datetime(2027, 10, 28, tzinfo=WARSAW),
           datetime(2027, 4, 30, tzinfo=WARSAW)]


def _boundaries():
    # Half hours from 03:00 to 24:00, and midnight: a room's hours never start in the hour the clocks repeat.
    return st.sampled_from([0] + list(range(180, 1441, 30)))


@st.composite
def spans(draw):
    chosen = sorted(set(draw(st.lists(_boundaries(), min_size=0, max_size=4))))
    pairs = [(a, b) for a, b in zip(chosen[::2], chosen[1::2], strict=False) if b > a]
    return [f"{a // 60:02d}:{a % 60:02d}-{'24:00' if b == 1440 else f'{b // 60:02d}:{b % 60:02d}'}"
            for a, b in pairs]


@st.composite
def cases(draw):
    start = draw(st.sampled_from(WINDOWS)).astimezone(UTC)
    days = 5
    hours = {weekday: draw(spans()) for weekday in WEEKDAYS}
    first = start.astimezone(WARSAW).date()
    closures = [{"from": (first + timedelta(days=d)).isoformat(), "to": (first + timedelta(days=d)).isoformat()}
                for d in draw(st.lists(st.integers(0, days), max_size=1))]
    rules = RoomRules.of({"bookable_hours": {k: v for k, v in hours.items() if v}, "closures": closures,
                          "open_on": draw(st.sampled_from([[], ["2027-05-03"]])),
                          "buffer_minutes": draw(st.sampled_from([0, 10, 15, 30])), "horizon_days": 730})
    busy = []
    for offset, length in draw(st.lists(st.tuples(st.integers(0, days * 96), st.integers(1, 16)), max_size=8)):
        since = start + timedelta(minutes=15 * offset)
        busy.append((since, since + timedelta(minutes=15 * length)))
    length = timedelta(minutes=draw(st.sampled_from([30, 45, 60, 90, 120, 180])))
    return rules, busy, start, start + timedelta(days=days), length


def brute_force(rules: RoomRules, busy, start: datetime, end: datetime, length: timedelta) -> list[datetime]:
    """Every full or half hour from which each minute of the slot is open and no minute within the buffer of the
    slot is busy, tested minute by minute on the Warsaw wall clock."""
    def open_at(moment: datetime) -> bool:
        wall = moment.astimezone(WARSAW)
        if rules.closed_because(wall.date()):
            return False
        minute = wall.hour * 60 + wall.minute
        return any(a <= minute < b for a, b in rules.hours.get(wall.weekday(), ()))

    def busy_at(moment: datetime) -> bool:
        return any(since <= moment < until for since, until in busy)

    total = int((end - start) / MINUTE)
    opened = [open_at(start + i * MINUTE) for i in range(total)]
    margin = int(rules.buffer / MINUTE)
    taken = {i for i in range(-margin - 1, total + margin + 1) if busy_at(start + i * MINUTE)}
    slots = []
    steps = int(length / MINUTE)
    for first in range(0, total - steps + 1, 30):
        if all(opened[first:first + steps]) and not any(
                i in taken for i in range(first - margin, first + steps + margin)):
            slots.append(start + first * MINUTE)
    return slots


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_free_slots_match_a_minute_by_minute_search(case):
    rules, busy, start, end, length = case
    assert slot_starts(free_ranges(rules, busy, start, end), length) == brute_force(rules, busy, start, end, length)


def test_a_room_open_9_to_17_is_open_9_to_17_on_both_sides_of_the_change_of_the_clocks():
    # 28 March 2027 is Easter Sunday too: the room opens on it after all.
    rules = RoomRules.of({"bookable_hours": {"SA": ["09:00-17:00"], "SU": ["09:00-17:00"]},
                          "open_on": ["2027-03-28"]})
    for first, offsets in ((datetime(2027, 3, 27, tzinfo=WARSAW), ("+01:00", "+02:00")),
                           (datetime(2027, 10, 30, tzinfo=WARSAW), ("+02:00", "+01:00"))):
        free = free_ranges(rules, [], first, first + timedelta(days=2))
        days = [first.date(), first.date() + timedelta(days=1)]
        assert [(a.astimezone(WARSAW).isoformat(), b.astimezone(WARSAW).isoformat()) for a, b in free] == [
            (f"{day}T09:00:00{offset}", f"{day}T17:00:00{offset}") for day, offset in zip(days, offsets, strict=True)]
        assert [b - a for a, b in free] == [timedelta(hours=8)] * 2


def test_holidays_and_closures_close_whole_days():
    rules = RoomRules.of({"bookable_hours": {day: ["09:00-17:00"] for day in WEEKDAYS},
                          "closures": [{"from": "2027-05-05", "to": "2027-05-06"}], "open_on": ["2027-05-01"]})
    start = datetime(2027, 5, 1, tzinfo=WARSAW)
    days = [a.astimezone(WARSAW).date() for a, _ in free_ranges(rules, [], start, start + timedelta(days=7))]
    # 3 May (Constitution Day) is closed, 1 May is a holiday the room opens on, 5-6 May are a closure.
    assert days == [date(2027, 5, 1), date(2027, 5, 2), date(2027, 5, 4), date(2027, 5, 7)]


@settings(max_examples=40, deadline=None)
@given(cases(), st.lists(st.tuples(st.integers(-96, 7 * 96), st.integers(1, 40)), min_size=1, max_size=20))
def test_the_refusals_of_a_series_are_each_dates_own(case, picks):
    rules, _busy, start, _end, _length = case
    now = start + timedelta(hours=12)
    dates = sorted({(start + timedelta(minutes=15 * a), start + timedelta(minutes=15 * (a + n))) for a, n in picks})
    expected = {s: rules.refusal(s, e, now) for s, e in dates}
    assert rules.refusals(dates, now) == {s: reason for s, reason in expected.items() if reason}
