"""The events service's tables, including its replica of the partners data it needs."""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.messaging.models import InboxMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class District(Base):
    """A copy of the partners service's district, kept up to date by its messages."""

    __tablename__ = "districts"

    #: The partners service's id.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(100), index=True)
    #: The version of the last snapshot applied.
    version: Mapped[int] = mapped_column(Integer)
    #: Set when the district was deleted; the row stays so that an older, late snapshot cannot revive it.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class OutboxMessage(OutboxMixin, Base):
    pass


class InboxMessage(InboxMixin, Base):
    pass
