"""What the events service's feeds say about themselves; the calendar itself comes from the calendar core."""

from dataclasses import dataclass

from services.calendar import ical

PRODID = "-//Ostatni Grosz//OSL events//PL"


@dataclass(frozen=True)
class CalendarMeta:
    """What a feed says about itself: its name and description, as calendar apps show them."""

    name: str = "Ostatni Grosz: wydarzenia"
    description: str = "Wydarzenia organizacji pozarządowych w Lokalnych Ośrodkach Społecznych Częstochowy"

    def core(self) -> ical.CalendarMeta:
        return ical.CalendarMeta(self.name, self.description, PRODID)


def calendar_header(meta: CalendarMeta) -> str:
    """Everything of the feed before its VEVENTs, with the VTIMEZONE they refer to."""
    return ical.calendar_header(meta.core())


def assemble_calendar(meta: CalendarMeta, components) -> bytes:
    """The feed's bytes: the cached header, the given rendered VEVENTs as they are, and the footer."""
    return ical.assemble_calendar(meta.core(), components)
