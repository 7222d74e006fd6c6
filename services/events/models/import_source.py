"""An organisation's calendar (an iCal address), pulled on a schedule and kept in sync with its events."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.events.models.base import Base, UTCDateTime
from services.messaging.models import utcnow

#: ``new`` (never pulled), ``ok``, ``not_modified`` (304), ``failed`` (backing off), ``gone`` (410: switched off),
#: ``refused`` (an address the fetcher will not reach).
SOURCE_STATUSES = ("new", "ok", "not_modified", "failed", "gone", "refused")


class ImportSource(Base):
    __tablename__ = "import_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The replica organisation whose events these are.
    organisation_id: Mapped[int] = mapped_column(Integer, index=True)
    #: ``https://`` or ``webcal://`` (fetched as https), as the organisation gave it.
    url: Mapped[str] = mapped_column(String(2000))
    #: Defaults for the events it gives: a feed says none of these.
    district_id: Mapped[int] = mapped_column(Integer)
    centre_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(30))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The validators of the last answer, sent back as If-None-Match / If-Modified-Since.
    etag: Mapped[str | None] = mapped_column(String(500), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: SHA-256 of the last body synced, DTSTAMPs left out: the same again (a server that sends no validators, or
    #: Google's new DTSTAMPs on every request) is not parsed.
    body_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    #: Why the last pull failed or what it refused, for the organisation (never a secret).
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Counts of the last complete sync: events made, changed, cancelled (vanished or cancelled there), unchanged.
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    #: What the last parse read in a way worth a look (an unknown zone, a duplicate UID, a rule refused...).
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    #: Failed pulls in a row, and since when; reset by a success.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When the organisation was told that this source has failed for a day (once per run of failures).
    failure_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The refresh interval the feed asks for (REFRESH-INTERVAL / X-PUBLISHED-TTL), in seconds, bounded.
    refresh_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Raised on every change by its owner, as the ETag of the source in the API.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
