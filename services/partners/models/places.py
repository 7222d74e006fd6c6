"""Where things happen: the city's districts and the centres (OSL, DOSL) in them."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.messaging.models import (
    DISTRICT_NAME_LENGTH,
    DISTRICT_SLUG_LENGTH,
    NAME_LENGTH,
    SLUG_LENGTH,
    CentreContactColumns,
    RoomColumns,
)
from services.partners.models.base import Base, Registered


class District(Registered, Base):
    __tablename__ = "districts"

    #: The Polish name, as written: "Śródmieście".
    name: Mapped[str] = mapped_column(String(DISTRICT_NAME_LENGTH), unique=True)
    #: ASCII form for URLs: "srodmiescie".
    slug: Mapped[str] = mapped_column(String(DISTRICT_SLUG_LENGTH), unique=True)

    FIELDS = ("name", "slug")


class Centre(CentreContactColumns, Registered, Base):
    __tablename__ = "centres"

    #: "OSL Raków", "DOSL Błeszno".
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    #: "osl" or "dosl".
    kind: Mapped[str] = mapped_column(String(10))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    #: The organisation that runs it; NULL where the sources do not say.
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    district: Mapped[District] = relationship()

    @property
    def district_slug(self) -> str:
        return self.district.slug

    FIELDS = ("name", "slug", "kind", "district_id", "operator_id", "address", "opening_hours", "email", "phone",
              "website", "started_year", "latitude", "longitude")


class Room(RoomColumns, Registered, Base):
    """A bookable room of a centre; its columns are services/messaging/models.py RoomColumns."""

    __tablename__ = "rooms"

    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    centre: Mapped[Centre] = relationship()

    FIELDS = ("centre_id", "name", "capacity", "step_free", "accessible_toilet", "equipment", "bookable_hours",
              "closures", "open_on", "buffer_minutes", "horizon_days", "requires_approval")

    @property
    def centre_slug(self) -> str:
        return self.centre.slug
