"""Residents who subscribed by e-mail, and the subscribe attempts the rate limit counts."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.messaging.models import utcnow
from services.notify.models.base import Base

STATUSES = ("pending", "confirmed", "unsubscribed")
FREQUENCIES = ("immediate", "daily", "weekly")
LANGUAGES = ("pl", "en")


class Subscriber(Base):
    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Random and stable: what the signed links name, so that no link carries the address or a guessable id.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    #: Stored lower-cased, so that one mailbox is one subscriber.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: ``pending`` until the confirmation link is followed; ``unsubscribed`` after an unsubscribe.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    #: District slugs; empty means every district.
    districts: Mapped[list] = mapped_column(JSON, default=list)
    #: Audiences of the events service's list; empty means every audience.
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    frequency: Mapped[str] = mapped_column(String(20), default="immediate")
    reminders: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(2), default="pl")
    #: Choices sent by a new subscribe request for an already confirmed address, applied when it is confirmed.
    requested: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    #: The consent text agreed to, its version and when (services/notify/consent.py).
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_text: Mapped[str] = mapped_column(Text)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SubscribeAttempt(Base):
    """One subscribe request, counted against its IP and its address; rows older than the window are pruned."""

    __tablename__ = "subscribe_attempts"
    __table_args__ = (Index("ix_subscribe_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: HMAC-SHA256 of ``ip:<address>`` or ``email:<address>``: the address itself is never stored here.
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
