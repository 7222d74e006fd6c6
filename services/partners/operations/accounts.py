"""Accounts of the people who run the centres: invitations, passwords, sign-in, sessions, disabling.

Every change writes its message in the caller's transaction (``account.*``, ``session.*``), so events and notify
learn of it from the bus; mails go through notify (``account.mail.requested``), never from here. Passwords are
hashed with argon2id; one-time tokens and session ids are stored only as SHA-256 hashes. No log line holds an
address, a token, a password or a session id: they name the account's id.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from services.messaging import ratelimit
from services.messaging.actor import acting
from services.messaging.addresses import normalise_email
from services.messaging.errors import Conflict, FieldError
from services.messaging.messages.staff import ACCOUNT_ROLES
from services.messaging.models import utcnow
from services.messaging.staff import new_session_id, session_hash
from services.partners.models import Account, AccountToken, Organisation, SignInAttempt, StaffSession
from services.partners.operations.common import log, publish
from services.ui.links import staff_url

#: argon2-cffi's defaults (argon2id, RFC 9106's low-memory profile).
_hasher = PasswordHasher()
#: What a password must be: long enough to resist guessing, short enough that hashing it is bounded.
PASSWORD_MIN, PASSWORD_MAX = 12, 200
#: A hash to verify against when the account is unknown, so that an unknown address takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
#: The first admin's link works this long.
FIRST_ADMIN_HOURS = 24


class SignInRefused(Exception):
    """Wrong address or password, or a disabled account: one message for all, so none is told apart."""


@dataclass(frozen=True)
class Started:
    account: Account
    #: The session id for the browser's cookie; stored nowhere.
    session_id: str
    max_age_seconds: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise FieldError("password", f"A password has {PASSWORD_MIN} to {PASSWORD_MAX} characters.")
    return _hasher.hash(password)


def _password_matches(account: Account | None, password: str) -> bool:
    stored = account.password_hash if account is not None and account.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password[:PASSWORD_MAX])
    except (VerificationError, InvalidHashError):
        return False
    return account is not None and account.password_hash is not None


def find_account(session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == normalise_email(email)))


def _announce(session, account: Account, type_name: str) -> None:
    session.flush()
    publish(session, type_name, account.snapshot())
    log.info("%s: account #%s version %s", type_name, account.id, account.version)


# --- one-time links ------------------------------------------------------------------------------------------------


def _new_token(session, purpose: str, account: Account | None, hours: int) -> tuple[str, AccountToken]:
    """A one-time token; any earlier unused one of the same purpose and account stops working."""
    owner = AccountToken.account_id.is_(None) if account is None else AccountToken.account_id == account.id
    session.execute(update(AccountToken).where(AccountToken.purpose == purpose, owner, AccountToken.used_at.is_(None))
                    .values(used_at=utcnow()))
    token = secrets.token_urlsafe(32)
    row = AccountToken(purpose=purpose, account_id=account.id if account else None, hash=token_hash(token),
                       expires_at=utcnow() + timedelta(hours=hours))
    session.add(row)
    session.flush()
    return token, row


def _take_token(session, token: str, purposes: tuple[str, ...]) -> AccountToken:
    """The live token of one of ``purposes``, now used; FieldError naming ``token`` otherwise."""
    row = session.scalar(select(AccountToken).where(AccountToken.hash == token_hash(token or "")).with_for_update())
    if row is None or row.purpose not in purposes or row.used_at is not None or row.expires_at <= utcnow():
        raise FieldError("token", "This link has expired or was already used; ask for a new one.")
    row.used_at = utcnow()
    return row


def password_link(config, token: str) -> str:
    """The page where a password is set. The token is in the fragment, which browsers never send: so it is in no
    server's or proxy's access log. The page's form carries it (services/partners/staff/)."""
    return staff_url(config, f"/staff/password#token={token}")


def first_admin_link(config, token: str) -> str:
    return staff_url(config, f"/staff/first-admin#token={token}")


def _mail(session, account: Account, template: str, link: str, expires_at) -> None:
    publish(session, "account.mail.requested", {
        "account_id": account.id, "template": template, "to": account.email, "link": link,
        "language": account.language, "expires_at": expires_at.isoformat()})
    log.info("account #%s: %s mail requested", account.id, template)


# --- accounts ------------------------------------------------------------------------------------------------------


def invite(session, config: dict, data: dict) -> Account:
    """A new account (an editor of an organisation, or an admin) and its invitation mail, sent by notify."""
    role = data.get("role", "editor")
    if role not in ACCOUNT_ROLES:
        raise FieldError("role", f"One of {', '.join(ACCOUNT_ROLES)}.")
    organisation_id = data.get("organisation_id")
    if role == "editor":
        if organisation_id is None or session.get(Organisation, organisation_id) is None:
            raise FieldError("organisation_id", "An editor needs the id of an existing organisation.")
    elif organisation_id is not None:
        raise FieldError("organisation_id", "An admin belongs to no organisation.")
    email = normalise_email(data["email"])
    if find_account(session, email) is not None:
        raise Conflict("An account with this e-mail address already exists.", field="email")
    account = Account(email=email, role=role, organisation_id=organisation_id, version=1,
                      language=data.get("language") or "pl")
    session.add(account)
    _announce(session, account, "account.created")
    token, row = _new_token(session, "invitation", account, config["INVITATION_HOURS"])
    _mail(session, account, "invitation", password_link(config, token), row.expires_at)
    return account


def disable(session, account: Account) -> bool:
    """Disable the account and end its sessions, here and (by the messages) on every service. Again: no change."""
    if account.disabled_at is not None:
        return False
    account.disabled_at = utcnow()
    account.version += 1
    _announce(session, account, "account.disabled")
    _end_sessions(session, account)
    return True


def enable(session, account: Account) -> bool:
    if account.disabled_at is None:
        return False
    account.disabled_at = None
    account.version += 1
    _announce(session, account, "account.updated")
    return True


def set_password(session, token: str, password: str) -> Account:
    """Take up an invitation or a reset link: the account's password is set, and its other sessions end."""
    password_hash = hash_password(password)
    row = _take_token(session, token, ("invitation", "password_reset"))
    account = session.get(Account, row.account_id)
    if account.disabled_at is not None:
        raise FieldError("token", "This account is disabled.")
    account.password_hash = password_hash
    _end_sessions(session, account)
    log.info("account #%s: password set (%s)", account.id, row.purpose)
    return account


def request_reset(session, config: dict, email: str) -> None:
    """A reset mail, if the address is an account's that may sign in; the caller answers the same either way."""
    account = find_account(session, email)
    if account is None or account.disabled_at is not None:
        return
    token, row = _new_token(session, "password_reset", account, config["RESET_HOURS"])
    _mail(session, account, "password_reset", password_link(config, token), row.expires_at)


def has_admin(session) -> bool:
    return session.scalar(select(Account.id).where(Account.role == "admin").limit(1)) is not None


def first_admin_token(session) -> str:
    """On a fresh install (no admin account yet), a one-time token to make the first one; Conflict otherwise."""
    if has_admin(session):
        raise Conflict("An admin account exists already: admins invite each other.")
    token, _row = _new_token(session, "first_admin", None, FIRST_ADMIN_HOURS)
    log.info("first admin link made")
    return token


def make_first_admin(session, token: str, email: str, password: str) -> Account:
    password_hash = hash_password(password)
    _take_token(session, token, ("first_admin",))
    if has_admin(session):
        raise Conflict("An admin account exists already: admins invite each other.")
    if find_account(session, email) is not None:
        raise Conflict("An account with this e-mail address already exists.", field="email")
    account = Account(email=normalise_email(email), role="admin", password_hash=password_hash, version=1)
    session.add(account)
    session.flush()
    with acting(f"account:{account.id}"):
        _announce(session, account, "account.created")
    return account


# --- sign-in and sessions ------------------------------------------------------------------------------------------


def _attempt_keys(config: dict, email: str, client: str | None) -> list[tuple[str, int]]:
    secret = config["SECRET_KEY"]
    return [(ratelimit.attempt_key(secret, "email", normalise_email(email)), config["SIGN_IN_LIMIT_PER_ACCOUNT"]),
            (ratelimit.attempt_key(secret, "ip", client or "-"), config["SIGN_IN_LIMIT_PER_ADDRESS"])]


def check_sign_in_limits(session, config: dict, email: str, client: str | None) -> None:
    """RateLimited when this account or this client address has had too many failed sign-ins in the window."""
    ratelimit.check(session, SignInAttempt, _attempt_keys(config, email, client), config["SIGN_IN_WINDOW_SECONDS"])


def record_failed_sign_in(session, config: dict, email: str, client: str | None) -> None:
    """Count a failed sign-in, in a transaction of the caller's that is committed although the sign-in failed."""
    ratelimit.record(session, SignInAttempt, [key for key, _ in _attempt_keys(config, email, client)])


class IdentityCheck(Protocol):
    """A way to tell who someone is. Passwords are the one built (``sign_in``); a city's single sign-on (OIDC) would
    be another: it verifies the provider's ID token, finds the account by its e-mail address (refusing a disabled
    one) and calls ``start_session``, so sessions, their messages and every service's check stay as they are."""

    def __call__(self, session, config: dict, **credentials) -> Account: ...


def check_password(session, config: dict, *, email: str, password: str) -> Account:
    """The account these credentials open (SignInRefused otherwise); the caller checked the limits."""
    account = find_account(session, email)
    if not _password_matches(account, password) or account.disabled_at is not None:
        raise SignInRefused("Wrong e-mail address or password.")
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return account


def start_session(session, config: dict, account: Account) -> Started:
    """A new session for an account whose identity was checked, announced to every service."""
    hours = config["STAFF_SESSION_HOURS"]
    session_id = new_session_id()
    now = utcnow()
    row = StaffSession(session_hash=session_hash(session_id), account_id=account.id, started_at=now,
                       expires_at=now + timedelta(hours=hours))
    session.add(row)
    session.flush()
    with acting(f"account:{account.id}"):
        publish(session, "session.started", row.snapshot())
    log.info("account #%s signed in", account.id)
    return Started(account, session_id, hours * 3600)


def sign_in(session, config: dict, email: str, password: str, check: IdentityCheck = check_password) -> Started:
    """Check who it is (SignInRefused) and start a session."""
    return start_session(session, config, check(session, config, email=email, password=password))


def sign_out(session, digest: str) -> None:
    """End the session with this hash, here and on every service."""
    row = session.get(StaffSession, digest)
    if row is not None and hmac.compare_digest(row.session_hash, digest) and row.ended_at is None:
        _end(session, row)
        log.info("account #%s signed out", row.account_id)


def _end(session, row: StaffSession) -> None:
    row.ended_at = utcnow()
    session.flush()
    publish(session, "session.ended", row.snapshot())


def _end_sessions(session, account: Account) -> None:
    now = utcnow()
    live = select(StaffSession).where(StaffSession.account_id == account.id, StaffSession.ended_at.is_(None),
                                      StaffSession.expires_at > now)
    for row in session.scalars(live):
        _end(session, row)
