"""The events service's copy of the partners data it needs, kept up to date by the partners messages.

Each row is keyed by the partners service's id, holds the ``version`` of the last snapshot applied, and stays as a
tombstone (``deleted_at`` set) when deleted, so that a late, older snapshot cannot revive it.
"""

from datetime import date

from sqlalchemy import JSON, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.events.models.base import Base
from services.messaging.models import (
    DISTRICT_NAME_LENGTH,
    DISTRICT_SLUG_LENGTH,
    NAME_LENGTH,
    SLUG_LENGTH,
    ApiKeyMixin,
    CentreContactColumns,
    OrganisationColumns,
    ReplicaMixin,
)


class District(ReplicaMixin, Base):
    __tablename__ = "districts"

    name: Mapped[str] = mapped_column(String(DISTRICT_NAME_LENGTH))
    slug: Mapped[str] = mapped_column(String(DISTRICT_SLUG_LENGTH), index=True)


class Centre(CentreContactColumns, ReplicaMixin, Base):
    __tablename__ = "centres"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    district_id: Mapped[int] = mapped_column(Integer, index=True)
    #: The organisation that runs it, when known.
    operator_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Organisation(OrganisationColumns, ReplicaMixin, Base):
    """A copy of a partners organisation (columns: services/messaging/models.py OrganisationColumns)."""

    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), index=True)


class Partnership(ReplicaMixin, Base):
    __tablename__ = "partnerships"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    district_id: Mapped[int] = mapped_column(Integer, index=True)
    centre_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: forming, active or ended.
    status: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")


class Membership(ReplicaMixin, Base):
    __tablename__ = "memberships"

    partnership_id: Mapped[int] = mapped_column(Integer, index=True)
    #: organisation or person; a person is never named here.
    member_kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    #: coordinator, member or observer.
    role: Mapped[str] = mapped_column(String(20))
    joined_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    left_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    potential: Mapped[list] = mapped_column(JSON, default=list)


class ApiKey(ApiKeyMixin, Base):
    """An organisation's or an administrator's API key: only its SHA-256 hash, never the key."""
