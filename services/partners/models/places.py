"""Where things happen: the city's districts and the centres (OSL, DOSL) in them."""

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.partners.models.base import Base, Registered


class District(Registered, Base):
    __tablename__ = "districts"

    #: The Polish name, as written: "Śródmieście".
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: ASCII form for URLs: "srodmiescie".
    slug: Mapped[str] = mapped_column(String(100), unique=True)

    FIELDS = ("name", "slug")


class Centre(Registered, Base):
    __tablename__ = "centres"

    #: "OSL Raków", "DOSL Błeszno".
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    #: "osl" or "dosl".
    kind: Mapped[str] = mapped_column(String(10))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    #: The organisation that runs it; NULL where the sources do not say.
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    #: Plain text as people write it: "pon.–pt. 9:00–17:00"; empty where not known.
    opening_hours: Mapped[str | None] = mapped_column(String(500), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    website: Mapped[str | None] = mapped_column(String(300), nullable=True)
    started_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    district: Mapped[District] = relationship()

    @property
    def district_slug(self) -> str:
        return self.district.slug

    FIELDS = ("name", "slug", "kind", "district_id", "operator_id", "address", "opening_hours", "email", "phone",
              "website", "started_year", "latitude", "longitude")


class Room(Registered, Base):
    """A bookable room of a centre. When it may be booked is the calendar core's rule (services/calendar/rooms.py)."""

    __tablename__ = "rooms"

    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    #: "Sala duża", unique within its centre.
    name: Mapped[str] = mapped_column(String(100))
    #: People it seats; NULL where not known.
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    accessible_toilet: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ["projektor", "kuchnia"].
    equipment: Mapped[list] = mapped_column(JSON, default=list)
    #: {"MO": ["09:00-17:00"], ...}, Warsaw wall-clock time; a weekday left out is not bookable.
    bookable_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    #: [{"from": "2026-07-01", "to": "2026-07-31", "reason": "remont"}], both ends inclusive.
    closures: Mapped[list] = mapped_column(JSON, default=list)
    #: Public holidays on which this room is open after all: ["2026-11-11"].
    open_on: Mapped[list] = mapped_column(JSON, default=list)
    #: Kept free before (setting up) and after (cleaning) every booking.
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    #: How far ahead it may be booked; a series is stored up to here.
    horizon_days: Mapped[int] = mapped_column(Integer, default=365)
    #: Bookings by organisations wait for MOPS to approve them (they hold their slot meanwhile, as tentative).
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    centre: Mapped[Centre] = relationship()

    FIELDS = ("centre_id", "name", "capacity", "step_free", "accessible_toilet", "equipment", "bookable_hours",
              "closures", "open_on", "buffer_minutes", "horizon_days", "requires_approval")

    @property
    def centre_slug(self) -> str:
        return self.centre.slug
