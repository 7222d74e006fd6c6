"""Whether a member of a Local Partnership is current on a day: one definition for every service.

A member is current from the day they join (``joined_on``, if known) up to the day before they leave: on the day
given as ``left_on`` they are no longer a member. Days are Warsaw dates.

Two questions, both answered here: :func:`is_current` (a member on that day: what permissions, meeting notices and
feeds ask) and :func:`has_left` (gone by that day: when a former member's contact address is forgotten; a member
who joins later has not left, and their address is kept for the meetings after they join).
"""

from datetime import date


def has_left(left_on: date | None, day: date) -> bool:
    """Whether a member whose membership ends on ``left_on`` has left by ``day``."""
    return left_on is not None and left_on <= day


def is_current(left_on: date | None, day: date, joined_on: date | None) -> bool:
    """Whether a membership with these dates is current on ``day``."""
    return (joined_on is None or joined_on <= day) and not has_left(left_on, day)
