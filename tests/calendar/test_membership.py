"""The one rule of membership (services/calendar/membership.py): current from ``joined_on`` up to the day before
``left_on``; gone from ``left_on`` on, and a member who joins later has not left."""

from datetime import date

import pytest

from services.calendar.membership import has_left, is_current

DAY = date(2026, 11, 30)


@pytest.mark.parametrize("joined_on, left_on, current, left", [
    (None, None, True, False),
    (date(2026, 1, 10), date(2026, 11, 29), False, True),  # left yesterday
    (date(2026, 1, 10), DAY, False, True),  # leaves today: no longer a member today
    (date(2026, 1, 10), date(2026, 12, 1), True, False),  # leaves tomorrow
    (DAY, None, True, False),  # joins today
    (date(2026, 12, 1), None, False, False),  # joins tomorrow: not yet a member, and has not left
])
def test_current_and_left_on_the_boundaries(joined_on, left_on, current, left):
    assert is_current(left_on, DAY, joined_on) is current
    assert has_left(left_on, DAY) is left
