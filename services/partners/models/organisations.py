"""Who takes part: organisations (with their API keys) and individual people."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.messaging.models import EMAIL_LENGTH, NAME_LENGTH, PHONE_LENGTH, SLUG_LENGTH, OrganisationColumns
from services.partners.models.base import NEVER_REUSED_IDS, Base, Registered, UTCDateTime, utcnow


class Organisation(OrganisationColumns, Registered, Base):
    """An organisation; its kind and contacts are services/messaging/models.py OrganisationColumns."""

    __tablename__ = "organisations"

    #: The Polish name, as registered.
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)

    FIELDS = ("name", "slug", "kind", "krs", "email", "phone", "website", "needs_review")


class Person(Registered, Base):
    """An individual partner. Personal data: admins only, never in a message."""

    __tablename__ = "people"

    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(PHONE_LENGTH), nullable=True)
    #: The organisation this person is the contact for (a school's teacher, say): its partner meeting e-mails go to
    #: this person's address. One contact person per organisation; never published.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, unique=True)

    FIELDS = ("name", "email", "phone", "organisation_id")

    def snapshot(self) -> dict:
        raise TypeError("a person's data is personal: never in a message")


class ApiKey(Base):
    """A key's hash and facts; the key itself is shown once and never stored. No organisation: an admin key."""

    __tablename__ = "api_keys"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    #: The first 12 characters, to tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    #: Hex SHA-256 of the whole key.
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def is_admin(self) -> bool:
        return self.organisation_id is None

    def snapshot(self) -> dict:
        data = {"key_id": self.id, "prefix": self.prefix, "hash": self.hash, "scopes": list(self.scopes),
                "issued_at": self.issued_at.isoformat(),
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None}
        if not self.is_admin:
            data["organisation_id"] = self.organisation_id
        return data
