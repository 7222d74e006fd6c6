"""The partners service's tables."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.messaging.models import OutboxMixin


class Base(DeclarativeBase):
    pass


class District(Base):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The Polish name, as written: "Śródmieście".
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: ASCII form for URLs: "srodmiescie".
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    #: Increases on every change; the ETag and the replicas' ordering.
    version: Mapped[int] = mapped_column(Integer, default=1)

    def snapshot(self) -> dict:
        return {"id": self.id, "name": self.name, "slug": self.slug, "version": self.version}


class OutboxMessage(OutboxMixin, Base):
    pass
