"""Registration counts from notify's ``registration.counts`` messages: numbers only, never a name."""

import uuid

from sqlalchemy import Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.events.models.base import Base


class RegistrationCount(Base):
    """The places of one date of an event (``occurrence``: its start in UTC ISO 8601; empty: the whole series)."""

    __tablename__ = "registration_counts"

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    occurrence: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: The last message's ``version``; an older one is ignored.
    version: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    confirmed: Mapped[int] = mapped_column(Integer)
    waiting: Mapped[int] = mapped_column(Integer)
