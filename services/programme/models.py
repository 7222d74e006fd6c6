"""The programme service's tables: programmes and their targets, pseudonymous participants and their stays, roll
calls, and its copies of the events' activities and of the API key hashes.

No name, PESEL, address or birth date is held here: a participant is a random pseudonym per programme with the few
dimensions the ESF common indicators need (Regulation 1304/2013, Annex I). Every count is a query over these rows.
"""

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.calendar.recurrence import Override, Series
from services.calendar.times import local_midnight
from services.messaging.models import (
    DISTRICT_NAME_LENGTH,
    DISTRICT_SLUG_LENGTH,
    NAME_LENGTH,
    TITLE_LENGTH,
    ApiKeyMixin,
    ReplicaMixin,
    UTCDateTime,
    service_tables,
    utcnow,
)
from services.messaging.staff import StaffAccountMixin, StaffSessionMixin

GENDERS = ("female", "male")
AGE_BANDS = ("under_25", "25_54", "over_54")
#: Labour-market status at entry (ESF common output indicators), or the refusal to say.
ENTRY_STATUSES = ("unemployed", "long_term_unemployed", "inactive", "employed", "refused")
#: Status at exit (ESF common result indicators).
EXIT_STATUSES = ("job_seeking", "in_education", "qualified", "employed", "unemployed", "inactive", "refused")
#: The special-category answers: refusing to say never refuses support.
ANSWERS = ("yes", "no", "refused")
#: The special categories of the ESF indicators, each answered yes, no or refused.
FLAGS = ("disability", "migrant_or_minority", "homeless", "other_disadvantage")
ATTENDANCE_STATUSES = ("present", "excused", "absent")
#: The statuses that count as attendance.
COUNTED = ("present",)
#: The legal basis recorded by default: ESF reporting is a legal obligation.
LEGAL_BASIS = ("RODO art. 6 ust. 1 lit. c i art. 9 ust. 2 lit. g: obowiązek prawny sprawozdawczości EFS "
               "(rozporządzenie 1304/2013, załącznik I)")


Base, OutboxMessage, InboxMessage = service_tables()


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    #: E.g. "RPO WSL 2014–2020, działanie 9.1.2".
    funding: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    target_total: Mapped[int] = mapped_column(Integer)
    target_women: Mapped[int] = mapped_column(Integer)
    target_men: Mapped[int] = mapped_column(Integer)
    #: Any other indicator's target, by its name, e.g. {"employed_at_exit": 40}.
    other_targets: Mapped[dict] = mapped_column(JSON, default=dict)
    legal_basis: Mapped[str] = mapped_column(Text, default=LEGAL_BASIS)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def holds(self, day: date) -> bool:
        """Whether ``day`` (a Warsaw date) is within the programme's period, first and last day included."""
        return self.starts_on <= day <= self.ends_on

    def window(self) -> tuple[datetime, datetime]:
        """The programme's period as times: from its first day's Warsaw midnight to the midnight after its last."""
        return local_midnight(self.starts_on), local_midnight(self.ends_on + timedelta(days=1))


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("programme_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    #: Random, per programme; MOPS's own paperwork links it to the person.
    pseudonym: Mapped[str] = mapped_column(String(20))
    gender: Mapped[str] = mapped_column(String(10))
    age_band: Mapped[str] = mapped_column(String(10))
    status_at_entry: Mapped[str] = mapped_column(String(30))
    disability: Mapped[str] = mapped_column(String(10), default="refused")
    migrant_or_minority: Mapped[str] = mapped_column(String(10), default="refused")
    homeless: Mapped[str] = mapped_column(String(10), default="refused")
    other_disadvantage: Mapped[str] = mapped_column(String(10), default="refused")
    #: The district's slug.
    district: Mapped[str] = mapped_column(String(100), index=True)
    #: Added at a roll call rather than enrolled beforehand.
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stays: Mapped[list["Stay"]] = relationship(order_by="Stay.entered_on", cascade="all, delete-orphan",
                                               lazy="selectin")


class Stay(Base):
    """One period in the programme; a participant who comes back has several, and is still one person supported."""

    __tablename__ = "stays"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    entered_on: Mapped[date] = mapped_column(Date)
    exited_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status_at_exit: Mapped[str | None] = mapped_column(String(30), nullable=True)


class RollCall(Base):
    """The roll call of one occurrence of an activity: keyed by the event's id and the occurrence's start."""

    __tablename__ = "roll_calls"
    __table_args__ = (UniqueConstraint("programme_id", "event_id", "occurrence_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    occurrence_start: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Walk-ins counted without being recorded as participants.
    anonymous_count: Mapped[int] = mapped_column(Integer, default=0)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    marks: Mapped[list["Attendance"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    registered_marks: Mapped[list["RegisteredMark"]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("roll_call_id", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    roll_call_id: Mapped[int] = mapped_column(ForeignKey("roll_calls.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))


#: A registration's places as notify reports them (``registration.changed``), in the only order they move.
REGISTRATION_STATUSES = ("waiting", "confirmed", "cancelled", "expired")


class Registered(Base):
    """Someone registered in notify for an activity's date, known here only by notify's random reference (``ref``):
    no name, address or phone number ever reaches this service. notify prints the same reference next to the name on
    its list, so staff can tick it on the day; once notify erases or anonymises the registration, nothing anywhere
    leads from the reference back to a person."""

    __tablename__ = "registered_refs"
    __table_args__ = (UniqueConstraint("event_id", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    #: The date's start as the rule gives it; None: registered for every date of the series.
    occurrence_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: For every date of the series: the start (as the rule gives it) of the first date it covers, registered once
    #: the series had begun; None: every date (registered before it began, or said by no message).
    series_from: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ref: Mapped[str] = mapped_column(String(12))
    #: How many people the registration is for.
    people: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegisteredMark(Base):
    """A registered reference ticked at a roll call: present, excused or absent (for all its ``people``)."""

    __tablename__ = "registered_marks"
    __table_args__ = (UniqueConstraint("roll_call_id", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    roll_call_id: Mapped[int] = mapped_column(ForeignKey("roll_calls.id", ondelete="CASCADE"), index=True)
    ref: Mapped[str] = mapped_column(String(12))
    people: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10))


class Activity(Base):
    """A copy of a public event of the events service, from its event.* messages: what a roll call needs. A partner
    meeting is kept too, to be counted per district (its roll calls are the partnership's own business)."""

    __tablename__ = "activities"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    organisation_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    district_slug: Mapped[str] = mapped_column(String(DISTRICT_SLUG_LENGTH))
    district_name: Mapped[str] = mapped_column(String(DISTRICT_NAME_LENGTH))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    rrule: Mapped[str | None] = mapped_column(String(500), nullable=True)
    exdates: Mapped[list] = mapped_column(JSON, default=list)
    #: The dates moved or called off on their own, in their wire form (the event message's ``overrides``).
    overrides: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    #: A partner meeting (a partnership's private event), not an activity with roll calls.
    meeting: Mapped[bool] = mapped_column(Boolean, default=False)

    def series(self) -> Series:
        """Its dates, as the calendar core expands them: a date moved on its own at its new time, one called off
        gone."""
        return Series(self.starts_at, self.ends_at, self.rrule, tuple(self.exdates or ()), self.all_day, str(self.id),
                      tuple(Override.of(data) for data in self.overrides or ()))


class District(ReplicaMixin, Base):
    """The city's districts, from the partners' district.* messages: their Polish names for the dashboard."""

    __tablename__ = "districts"

    name: Mapped[str] = mapped_column(String(DISTRICT_NAME_LENGTH))
    slug: Mapped[str] = mapped_column(String(DISTRICT_SLUG_LENGTH), index=True)


class ApiKey(ApiKeyMixin, Base):
    """The hashes of the API keys, from the partners messages (as in the events service)."""


class StaffAccount(StaffAccountMixin, Base):
    """A copy of a staff account (services/messaging/staff.py), from the partners messages."""


class StaffSession(StaffSessionMixin, Base):
    """A copy of a staff session: one sign-in at partners opens the programme's pages too."""
