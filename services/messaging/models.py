"""The outbox and inbox tables, and the aware-datetime column type. Each service declares the tables on its own
declarative base:

    class OutboxMessage(OutboxMixin, Base): pass
    class InboxMessage(InboxMixin, Base): pass
"""

import hashlib
from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, Index, Integer, String, Text, false, select
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An aware datetime, stored in UTC; read back aware on SQLite too, which keeps no offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime cannot be stored: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class OutboxMixin:
    __tablename__ = "outbox"

    #: Publication order.
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    #: The envelope's id; consumers dedupe on it.
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    #: The message type, which is also its routing key.
    type: Mapped[str] = mapped_column(String(100))
    #: The whole CloudEvents envelope as JSON text, published byte for byte.
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: When the broker confirmed it; NULL while it waits for the relay.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @declared_attr.directive
    def __table_args__(cls):
        return (Index("ix_outbox_pending", "published_at", "seq"), Index("ix_outbox_created_at", "created_at"))


class InboxMixin:
    __tablename__ = "inbox"

    #: The envelope id of a message this service has handled.
    message_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: The handler that handled it: one message may feed several handlers of one service.
    handler: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReplicaMixin:
    """A row of another service's record, kept from its messages' snapshots (``replica.apply_snapshot``): keyed by
    that service's id, with the version of the last snapshot applied, and kept as a tombstone when deleted, so that
    a late, older snapshot cannot revive it."""

    #: The other service's id.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: The version of the last snapshot applied.
    version: Mapped[int] = mapped_column(Integer)
    #: Set when the record was deleted.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiKeyMixin:
    """A service's copy of an organisation's or an administrator's API key (services/messaging/replica.py
    apply_key): only its SHA-256 hash, never the key.

    Key snapshots carry no version; a key only ever moves from issued to revoked, so a revocation, once applied,
    is never undone by a late ``issued`` snapshot.
    """

    __tablename__ = "api_keys"

    #: ``organisation`` or ``admin``: the two kinds are numbered separately by the partners service.
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: The partners service's key id.
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: Set for an organisation's key.
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prefix: Mapped[str] = mapped_column(String(16))
    #: Hex SHA-256 of the whole key.
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @classmethod
    def live_by_token(cls, session, token: str):
        """The key whose hash is the SHA-256 of ``token``, unless it is unknown or revoked (then None)."""
        key = session.scalars(select(cls).where(cls.hash == hashlib.sha256(token.encode()).hexdigest())).first()
        return None if key is None or key.revoked_at is not None else key


def service_tables() -> tuple[type, type, type]:
    """A service's declarative base (its datetimes stored as ``UTCDateTime``), with its outbox and inbox tables."""

    class Base(DeclarativeBase):
        type_annotation_map = {datetime: UTCDateTime}

    class OutboxMessage(OutboxMixin, Base):
        pass

    class InboxMessage(InboxMixin, Base):
        pass

    return Base, OutboxMessage, InboxMessage


#: The longest slug of a district, and of a centre or an organisation (whose names may be 200 characters): partners'
#: schemas and columns, the replicas' columns and the inputs that name one by its slug all take these.
DISTRICT_SLUG_LENGTH = 100
SLUG_LENGTH = 200

#: The longest name of a district, of a centre, an organisation or a partnership, and of a centre's room, and the
#: longest title of an event (or of a partner meeting, shown as one): partners' inputs and messages, the events
#: replica, the events' messages (which name the event's district, centre, organiser, partnership and room) and the
#: columns of every consumer that copies them take these, so a longer one is a bad message, never a database error.
DISTRICT_NAME_LENGTH = 100
NAME_LENGTH = 200
ROOM_NAME_LENGTH = 100
TITLE_LENGTH = 200

#: The longest of a centre's and an organisation's public contacts (and a partner meeting's address, a person's
#: e-mail address and phone number): partners' inputs, columns and messages, the events replica (whose events take
#: a meeting's or a centre's address as their location) and notify's copies of the e-mail addresses take these.
ADDRESS_LENGTH = 300
OPENING_HOURS_LENGTH = 500
EMAIL_LENGTH = 200
PHONE_LENGTH = 50
WEBSITE_LENGTH = 300
#: An NGO's number in the National Court Register (KRS): exactly this many digits (services/messaging/fields.py
#: ``Digits``), in partners' input and message and the organisation's column.
KRS_LENGTH = 10


class CentreContactColumns:
    """Where a centre is and how to reach it, as the partners service keeps it and the events service copies it."""

    address: Mapped[str | None] = mapped_column(String(ADDRESS_LENGTH), nullable=True)
    #: Plain text as people write it: "pon.–pt. 9:00–17:00"; empty where not known.
    opening_hours: Mapped[str | None] = mapped_column(String(OPENING_HOURS_LENGTH), nullable=True)
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(PHONE_LENGTH), nullable=True)
    website: Mapped[str | None] = mapped_column(String(WEBSITE_LENGTH), nullable=True)
    started_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)


class OrganisationColumns:
    """What an organisation is and how to reach it, as the partners service keeps it and the events service copies
    it (its name and slug each table declares: unique in partners, an indexed copy in events)."""

    #: One of ORGANISATION_KINDS: ngo, municipal, school...
    kind: Mapped[str] = mapped_column(String(30))
    #: The NGO register number: 10 digits, or NULL.
    krs: Mapped[str | None] = mapped_column(String(KRS_LENGTH), nullable=True)
    #: Public contacts.
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(PHONE_LENGTH), nullable=True)
    website: Mapped[str | None] = mapped_column(String(WEBSITE_LENGTH), nullable=True)
    #: MOPS reviews this organisation's events before they are published (and residents told); else trusted.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RoomColumns:
    """A room's record, as the partners service keeps it and as the events service copies it (its ``centre_id``
    each table declares: a foreign key in partners, a plain copy in events). When it may be booked is the calendar
    core's rule (services/calendar/rooms.py)."""

    #: "Sala duża", unique within its centre.
    name: Mapped[str] = mapped_column(String(ROOM_NAME_LENGTH))
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
