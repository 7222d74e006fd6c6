"""Whether a member of a Local Partnership is current on a day: one definition for every service.

A member is current from the day they join (``joined_on``, if known) up to the day before they leave: on the day
given as ``left_on`` they are no longer a member. Days are Warsaw dates.
"""

from datetime import date


def is_current(left_on: date | None, day: date, joined_on: date | None = None) -> bool:
    """Whether a membership with these dates is current on ``day``."""
    return (joined_on is None or joined_on <= day) and (left_on is None or day < left_on)
