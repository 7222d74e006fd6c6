"""An event in the calendars: posted through the API by an organisation, or made from a partners meeting."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.calendar.recurrence import Override, Series, quarantined
from services.events.models.base import Base, UTCDateTime
from services.messaging.models import ADDRESS_LENGTH, TITLE_LENGTH, utcnow

#: ``review``: waiting for MOPS, or rejected (services/events/moderation.py); in no feed, page or message.
VISIBILITIES = ("public", "partnership", "review")
STATUSES = ("scheduled", "cancelled")
AUDIENCES = ("children", "youth", "adults", "seniors", "families", "disabilities", "everyone")
CATEGORIES = ("workshop", "meeting", "picnic", "training", "consultation", "culture", "sport", "forum", "other")


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        # An imported event is found again by its calendar's UID: upserted, never purged and re-inserted.
        UniqueConstraint("import_source_id", "import_uid", name="uq_events_import_uid"),
    )

    #: Stable forever; the iCal UID is ``f"{id}@{host}"``.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    #: The organiser (replica organisation id); None for a meeting of a partnership without a coordinator.
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    partnership_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    #: Set for an event made from a partners ``meeting.*`` message.
    meeting_id: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    #: The version of the last meeting snapshot applied, so that an older, late one is ignored.
    meeting_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: ``public``, or ``partnership``: only in that partnership's private feed; ``review``: withheld until approved.
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Aware; for an all-day event, local midnight (Europe/Warsaw) of the first day.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: Aware; for an all-day event, local midnight of the day after the last day (exclusive).
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The RRULE value without the ``RRULE:`` prefix, e.g. ``FREQ=WEEKLY;BYDAY=TU``.
    rrule: Mapped[str | None] = mapped_column(String(500), nullable=True)
    #: ISO 8601 local date-times or dates, Europe/Warsaw.
    exdates: Mapped[list] = mapped_column(JSON, default=list)
    #: Dates of the series changed on their own, each ``{"recurrence_id": local start the rule gives, "starts_at",
    #: "ends_at" (ISO 8601 with offset), "status": scheduled|cancelled, "location", "sequence"}``, by recurrence_id.
    overrides: Mapped[list] = mapped_column(JSON, default=list)
    district_id: Mapped[int] = mapped_column(Integer, index=True)
    centre_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(30))
    location: Mapped[str | None] = mapped_column(String(ADDRESS_LENGTH), nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    contact: Mapped[str | None] = mapped_column(String(300), nullable=True)
    accessibility: Mapped[str | None] = mapped_column(Text, nullable=True)
    registration_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    registration_required: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: ``scheduled`` or ``cancelled``.
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    #: Raised on every significant change (time, place, title, status), as iCal SEQUENCE.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: Raised on every change (1 when made): the ordering of this event's messages and its ETag.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The rendered VEVENT; whoever changes the event or a name it shows sets it to None, and the feeds re-render.
    #: Title, description, location and the names of its organiser, centre and district, folded (queries.search_text).
    search_text: Mapped[str] = mapped_column(Text, default="")
    vevent: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: Set for an event kept in sync with an organisation's calendar (``ImportSource``): changed only by the sync.
    import_source_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    #: The UID the calendar gives it.
    import_uid: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    #: Content hashes of what was imported: ``""`` for the VEVENT without RECURRENCE-ID, else by RECURRENCE-ID.
    import_hashes: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    #: Cancelled here by its organisation or an administrator: the sync leaves it cancelled.
    cancelled_here: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def series(self) -> Series:
        """What the calendar core expands: the first start and end, the rule and the excluded dates."""
        return Series(self.starts_at, self.ends_at, self.rrule, tuple(self.exdates or ()), self.all_day, str(self.id),
                      tuple(Override.of(data) for data in self.overrides or ()))

    @property
    def repeats(self) -> bool:
        """Whether the event shows as a series: it has a rule that is not quarantined (one stored before the calendar
        core's checks that breaks them shows its first date only)."""
        return bool(self.rrule) and quarantined(self.series) is None


class IdempotencyRecord(Base):
    """The response to a POST made with an ``Idempotency-Key``, replayed when the same key comes again."""

    __tablename__ = "idempotency_keys"

    #: ``organisation:<id>`` or ``admin``: keys of different callers never collide.
    caller: Mapped[str] = mapped_column(String(50), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    #: SHA-256 of the request body, to refuse the same key with a different body.
    request_hash: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("events.id"))
    status_code: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
