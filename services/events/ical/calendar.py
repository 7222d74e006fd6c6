"""What the events service's feeds say about themselves; the calendar itself comes from the calendar core."""

from dataclasses import dataclass, field

from services.calendar import ical
from services.ui.naming import feed_name, public_name


@dataclass(frozen=True)
class CalendarMeta:
    """What a feed says about itself: its name and description, as calendar apps show them, and who made it.

    ``product`` is the installation's public name (``OSL_PUBLIC_NAME``), in the name and the PRODID.
    """

    name: str = field(default_factory=feed_name)
    description: str = "Wydarzenia Ośrodków Społeczności Lokalnych i ich partnerów"
    product: str = field(default_factory=public_name)

    def core(self) -> ical.CalendarMeta:
        return ical.CalendarMeta(self.name, self.description, ical.prodid(self.product, "OSL events"))


def calendar_header(meta: CalendarMeta) -> str:
    """Everything of the feed before its VEVENTs, with the VTIMEZONE they refer to."""
    return ical.calendar_header(meta.core())


def assemble_calendar(meta: CalendarMeta, components) -> bytes:
    """The feed's bytes: the cached header, the given rendered VEVENTs as they are, and the footer."""
    return ical.assemble_calendar(meta.core(), components)
