"""Copies of other services' records, kept up to date by their messages."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from services.messaging.models import (
    DISTRICT_NAME_LENGTH,
    DISTRICT_SLUG_LENGTH,
    EMAIL_LENGTH,
    NAME_LENGTH,
    SLUG_LENGTH,
    ApiKeyMixin,
    UTCDateTime,
)
from services.notify.models.base import Base


class District(Base):
    """A copy of the partners service's district, kept up to date by its messages."""

    __tablename__ = "districts"

    #: The partners service's id.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(DISTRICT_NAME_LENGTH))
    slug: Mapped[str] = mapped_column(String(DISTRICT_SLUG_LENGTH), index=True)
    #: The version of the last snapshot applied.
    version: Mapped[int] = mapped_column(Integer)
    #: Set when the district was deleted; the row stays so that an older, late snapshot cannot revive it.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class EventCopy(Base):
    """The last snapshot of an event seen in the events service's messages: what an update is compared with."""

    __tablename__ = "event_copies"

    #: The events service's id (a UUID as text).
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: The snapshot's ``version``; an older or equal one is ignored.
    version: Mapped[int] = mapped_column(Integer)
    #: From the snapshot, for the scheduler's reminders and digests (the first occurrence of a recurring event).
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: Whether the snapshot has an RRULE: a series that began before a window may still occur in it.
    recurring: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    #: The partnership of a meeting's event (the snapshot's ``partnership_id`` when it has a ``meeting_id``), None for
    #: any other event: a partnership's meetings ahead are found by it, not by reading every snapshot.
    partnership_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    #: The whole snapshot as the message carried it (JSON form).
    snapshot: Mapped[dict] = mapped_column(JSON)


class Organisation(Base):
    """A copy of the partners service's organisation: its contact address gets its partnerships' meetings."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: Set when the contact address followed the unsubscribe link of a meeting notice; snapshots never clear it.
    notices_stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Partnership(Base):
    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    district_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Membership(Base):
    """Only what notices need: which organisation belongs to which partnership, and until when."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    partnership_id: Mapped[int] = mapped_column(Integer, index=True)
    member_kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    joined_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    left_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ContactList(Base):
    """The version of the last list of a partnership's member contacts applied: an older list is ignored."""

    __tablename__ = "contact_lists"

    partnership_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)


class MemberContact(Base):
    """A partnership member's address for partner meeting e-mails, from partners' private member_contacts.replaced.

    Personal data (a person's own address, or an organisation's contact person's). Its basis is the membership: it is
    kept while the member has not left, used for that partnership's meeting e-mails only, never published or logged,
    and deleted when the member leaves or partners no longer lists it (the person erased or their address removed).
    """

    __tablename__ = "member_contacts"

    #: The partners service's membership id: one address per member.
    membership_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    partnership_id: Mapped[int] = mapped_column(Integer, index=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    #: Why it is held, in words (recorded with the row): the membership it comes from.
    basis: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when the address followed the unsubscribe link of a meeting e-mail; cleared when the address changes.
    notices_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiKey(ApiKeyMixin, Base):
    """An organisation's or an administrator's API key from the partners messages: only its SHA-256 hash."""
