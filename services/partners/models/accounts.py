"""Accounts of the people who run the centres, their sessions, their one-time links, and sign-in attempts.

Passwords are kept as argon2 hashes; session ids and one-time link tokens as SHA-256 hashes. The e-mail address is
personal data: it never leaves this service but in the one mail notify sends (``account.mail.requested``).
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.messaging.staff import StaffAccountMixin, StaffSessionMixin
from services.partners.models.base import NEVER_REUSED_IDS, Base, UTCDateTime, utcnow


class Account(StaffAccountMixin, Base):
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Lower-case; what the person signs in with.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: argon2id hash (argon2-cffi's encoded form); empty until the invitation is taken up.
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: ``pl`` or ``en``: the language of its mails.
    language: Mapped[str] = mapped_column(String(2), default="pl")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffSession(StaffSessionMixin, Base):
    pass


class AccountToken(Base):
    """A one-time link: an invitation, a password reset, or the first admin's on a fresh install."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ``invitation``, ``password_reset`` or ``first_admin`` (which has no account yet).
    purpose: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"), nullable=True, index=True)
    #: Hex SHA-256 of the token in the link.
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when the link was used, or replaced by a newer one: it works once.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SignInAttempt(Base):
    """A failed sign-in, counted per account and per client address; keyed by an HMAC, never the address itself."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (Index("ix_sign_in_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
