"""Local Partnerships: their members (with potential), signed agreements and partner meetings."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.calendar.times import TZID, to_wire, today
from services.messaging.models import ADDRESS_LENGTH, NAME_LENGTH, TITLE_LENGTH
from services.partners.models.base import Base, Registered, UTCDateTime, utcnow
from services.partners.models.organisations import Person
from services.partners.models.places import Centre, District


class Partnership(Registered, Base):
    __tablename__ = "partnerships"

    #: "Partnerstwo Lokalne Ostatni Grosz".
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    #: The coordinating centre, if any.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), nullable=True, index=True)
    #: forming, active or ended.
    status: Mapped[str] = mapped_column(String(10), default="forming")
    description: Mapped[str] = mapped_column(Text, default="")
    #: The version of the last list of its members' contact addresses sent to notify (member_contacts.replaced).
    contacts_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    district: Mapped[District] = relationship()
    centre: Mapped[Centre | None] = relationship()

    FIELDS = ("name", "district_id", "centre_id", "status", "description")

    @property
    def district_slug(self) -> str:
        return self.district.slug

    @property
    def centre_slug(self) -> str | None:
        return self.centre.slug if self.centre else None


class Membership(Registered, Base):
    """One partner in one partnership: an organisation or a person (exactly one of the two)."""

    __tablename__ = "memberships"

    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True, index=True)
    #: coordinator, member or observer.
    role: Mapped[str] = mapped_column(String(12), default="member")
    joined_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: Set when the member leaves; a member who left may join again as a new membership.
    left_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: What the member brings: [{"kind": "ideas", "description": "..."}].
    potential: Mapped[list] = mapped_column(JSON, default=list)
    person: Mapped[Person | None] = relationship()

    FIELDS = ("organisation_id", "person_id", "role", "joined_on", "left_on", "potential")

    @property
    def member_kind(self) -> str:
        return "person" if self.person_id is not None else "organisation"

    def snapshot(self) -> dict:
        """The public facts: a person is never named here."""
        return {
            "id": self.id, "version": self.version, "partnership_id": self.partnership_id,
            "member_kind": self.member_kind, "organisation_id": self.organisation_id, "role": self.role,
            "joined_on": _iso(self.joined_on), "left_on": _iso(self.left_on), "potential": list(self.potential or []),
        }


agreement_signatories = Table(
    "agreement_signatories",
    Base.metadata,
    Column("agreement_id", ForeignKey("agreements.id"), primary_key=True),
    Column("membership_id", ForeignKey("memberships.id"), primary_key=True),
)


class Agreement(Registered, Base):
    __tablename__ = "agreements"

    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: Where the signed paper is, or where and when it was signed when that is all that is known.
    document_ref: Mapped[str | None] = mapped_column(String(300), nullable=True)
    signatories: Mapped[list[Membership]] = relationship(secondary=agreement_signatories, order_by=Membership.id)
    #: An agreement entered by mistake is withdrawn, never deleted: kept, marked, with the admin's reason.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)

    FIELDS = ("signed_on", "valid_from", "valid_until", "document_ref")

    @property
    def signed_in_future(self) -> bool:
        """Whether its signing date is after today (Warsaw): most likely a typing mistake."""
        return self.signed_on is not None and self.signed_on > today()

    @property
    def warnings(self) -> list[str]:
        """What an admin should look at again; none of it stops the agreement from being recorded."""
        if self.signed_in_future:
            return [f"signed_on {self.signed_on.isoformat()} is in the future; check the date on the paper"]
        return []

    @property
    def signatory_ids(self) -> list[int]:
        return [membership.id for membership in self.signatories]

    def snapshot(self) -> dict:
        return {
            "id": self.id, "version": self.version, "partnership_id": self.partnership_id,
            "signed_on": _iso(self.signed_on), "valid_from": _iso(self.valid_from),
            "valid_until": _iso(self.valid_until), "signatory_ids": self.signatory_ids,
            "document_ref": self.document_ref,
            "withdrawn_at": self.withdrawn_at.isoformat() if self.withdrawn_at else None,
            "withdrawal_reason": self.withdrawal_reason,
        }


class Meeting(Registered, Base):
    """A partner meeting. Times are stored in UTC and shown in Europe/Warsaw."""

    __tablename__ = "meetings"

    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    agenda: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Where: a centre, or a free-text address, or neither while not known.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), nullable=True, index=True)
    address: Mapped[str | None] = mapped_column(String(ADDRESS_LENGTH), nullable=True)
    #: planned, held or cancelled.
    status: Mapped[str] = mapped_column(String(10), default="planned")
    #: Written after the meeting; only admins and the coordinators read them, never in a message.
    minutes: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A room of its centre, booked by the events service when the meeting's message arrives.
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), nullable=True, index=True)
    #: What became of that booking (the events service's ``meeting_room.*`` message): booked, conflict, or None
    #: while not heard; ``room_reason`` says why a conflict (taken, or the room's rule that refuses the time).
    room_status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    room_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    centre: Mapped[Centre | None] = relationship()

    @property
    def centre_slug(self) -> str | None:
        return self.centre.slug if self.centre else None

    FIELDS = ("title", "agenda", "starts_at", "ends_at", "centre_id", "address", "status", "minutes", "room_id")

    def snapshot(self) -> dict:
        return {
            "id": self.id, "version": self.version, "partnership_id": self.partnership_id, "title": self.title,
            "agenda": self.agenda, "starts_at": to_wire(self.starts_at),
            "ends_at": to_wire(self.ends_at), "timezone": TZID,
            "centre_id": self.centre_id, "address": self.address, "status": self.status,
            "updated_at": self.updated_at.isoformat(), "room_id": self.room_id, "room_status": self.room_status,
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
