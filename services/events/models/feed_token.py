"""The secret token of a partnership's private feed URL."""

import hmac
from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.events.models.base import Base, UTCDateTime
from services.messaging.models import utcnow


class PartnershipFeedToken(Base):
    __tablename__ = "partnership_feed_tokens"

    #: The replica partnership's id.
    partnership_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: Random (``secrets.token_urlsafe``); compare with ``hmac.compare_digest``.
    token: Mapped[str] = mapped_column(String(100))
    rotated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def matches(self, token: str | None) -> bool:
        """Whether ``token`` is this one, compared in constant time."""
        return token is not None and hmac.compare_digest(self.token.encode(), token.encode())
