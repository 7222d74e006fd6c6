"""Residents' registrations for an event with limited places, and the per-occurrence row that counts the places.

A registration is for one occurrence of an event (its start in UTC ISO 8601, as ``Notice.occurrence``), or for the
whole series (``occurrence`` empty) when the organiser set the event so. Its ``status`` is its place: ``confirmed``
(it holds ``people`` places), ``waiting`` (on the waiting list, in ``seq`` order), ``cancelled`` or ``expired`` (an
e-mail registration whose address was not confirmed in time). An e-mail registration holds its place from the start
and keeps it once the address confirms (``verified_at``); its time to confirm starts at ``confirm_from``.
"""

from datetime import datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from services.messaging.models import UTCDateTime, utcnow
from services.notify.models.base import Base

STATUSES = ("confirmed", "waiting", "cancelled", "expired")
#: Statuses that still count: a place held or a place on the waiting list.
ACTIVE = ("confirmed", "waiting")
CONTACTS = ("email", "phone", "none")


class RegistrationSlot(Base):
    """The places of one occurrence (or of a whole series): the row every registration locks first, so that two
    registrations never take the same last place (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's one writer)."""

    __tablename__ = "registration_slots"
    __table_args__ = (UniqueConstraint("event_id", "occurrence", name="uq_registration_slots"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    #: The occurrence's start in UTC ISO 8601; empty for a registration for the whole series.
    occurrence: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: Made for one date of a series: the date stays the rule's (``occurrences.by_rule_key``) even after the event
    #: drops its rule, so the dates the single event left are called off, while a single event's date moves with it.
    of_series: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The occurrence's start and end: when reminders go and when the retention period starts.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: From the event's ``registration.capacity``; None for no limit.
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Places held by confirmed registrations, and people on the waiting list (kept in step with the rows).
    confirmed: Mapped[int] = mapped_column(Integer, default=0)
    waiting: Mapped[int] = mapped_column(Integer, default=0)
    #: The last ``seq`` given: registrations are numbered in the order they committed, under the row's lock.
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    #: Rises with every change of its counts: the ``version`` of its ``registration.counts`` messages.
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: Set when the registrations' personal data was removed (counts stay).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def over(self) -> int:
        """Places confirmed beyond the capacity (after it was lowered): nobody is cancelled for it."""
        return 0 if self.capacity is None else max(self.confirmed - self.capacity, 0)


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (Index("ix_registrations_slot_status_seq", "slot_id", "status", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Random: what the signed confirm and cancel links name.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("registration_slots.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    occurrence: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: For a registration for the whole series, the first date it covers: the next date that had not ended when it
    #: was made (its start as the rule gives it, UTC ISO 8601 as ``occurrence``), the date its mail names. Empty for
    #: one date, and for whole-series registrations made before it was kept. Sent to programme with every change.
    series_from: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: For one date of a series that the series moved to another start as its rule gives it (a new time of the
    #: series: ``occurrence`` changed with it), the ``occurrence`` it had before, which its mails' calendar names the
    #: date by (``recipient.date_uid``), so that every mail about the date updates the one entry. Empty otherwise.
    named_from: Mapped[str] = mapped_column(String(40), default="", server_default="")
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    people: Mapped[int] = mapped_column(Integer, default=1)
    #: ``email``, ``phone`` (staff only) or ``none`` (staff only: a senior signed up in person).
    contact: Mapped[str] = mapped_column(String(5))
    #: Personal data, emptied by the retention job and by erase.
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True)
    phone: Mapped[str | None] = mapped_column(String(30), nullable=True)
    language: Mapped[str] = mapped_column(String(2), default="pl")
    #: Made by staff or an organisation on someone's behalf.
    by_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_text: Mapped[str] = mapped_column(Text)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the e-mail address confirmed the registration; staff registrations need none.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When a waiting registration got a place.
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Random and short (``new_ref()``): printed next to the name on staff's list, and all the programme service
    #: gets of the person (``registration.changed``). Emptied with the personal data, so that nothing here links a
    #: reference the programme keeps back to a person.
    ref: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)

    @hybrid_property
    def confirm_from(self) -> datetime:
        """When the address's time to confirm began: the move up from the waiting list, if it came before the
        address confirmed (the place is news then, and the mail saying so asks to confirm, until when), else the
        registration. The expiry and the mail both count from it."""
        return self.promoted_at or self.created_at

    @confirm_from.inplace.expression
    @classmethod
    def _confirm_from(cls):
        return func.coalesce(cls.promoted_at, cls.created_at)


def confirm_deadline(confirm_from: datetime, hours: float, starts_at: datetime | None) -> datetime:
    """Until when an address that has not confirmed keeps its registration: ``hours`` from when its time began
    (``Registration.confirm_from``), but never past the start of the date its mail names (``starts_at``; for a whole
    series, the first date), when that comes first. A date that began already when the time began (one going on)
    does not end it. What the mail says, and when the expiry releases the registration."""
    deadline = confirm_from + timedelta(hours=hours)
    return starts_at if starts_at is not None and confirm_from < starts_at < deadline else deadline


class EventRegistrationSettings(Base):
    """What the organiser set for registrations of one event (notify's own, set through its API)."""

    __tablename__ = "registration_settings"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: One registration for every date of a series, instead of one per date.
    whole_series: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How many people one registration may bring (a parent with children).
    max_people: Mapped[int] = mapped_column(Integer, default=4)
