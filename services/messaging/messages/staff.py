"""Messages about the people who run the centres: their accounts, their sessions, and the mails they are sent.

The partners service keeps the accounts and issues the sessions; events and notify keep a replica of both, checked
by ``services/messaging/staff.py``, so one sign-in works on every service behind the gateway. A session travels only
as the SHA-256 of its id: the id itself is in the browser's cookie and nowhere else. An account's e-mail address is
personal data and stays in the partners service, except in ``account.mail.requested``, which carries one mail (its
address and its one-time link) to notify, which sends it and then forgets both.
"""

from marshmallow import Schema, fields, validate

from services.messaging.registry import register

#: ``admin``: MOPS staff, everything in the registry. ``editor``: one organisation's details and events (and, where
#: that organisation coordinates a partnership, its meetings, as the organisation's key may).
ACCOUNT_ROLES = ("admin", "editor")
#: The mails an account is sent: an invitation to set a password, and a password reset.
ACCOUNT_MAILS = ("invitation", "password_reset")
LANGUAGES = ("pl", "en")
SHA256 = validate.Regexp(r"^[0-9a-f]{64}$")


class AccountSnapshot(Schema):
    id = fields.Integer(required=True, strict=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    role = fields.String(required=True, validate=validate.OneOf(ACCOUNT_ROLES))
    #: The editor's organisation; none for an admin.
    organisation_id = fields.Integer(required=False, load_default=None, allow_none=True, strict=True)
    #: Set when an admin disabled the account: it signs in nowhere, and its sessions end.
    disabled_at = fields.AwareDateTime(required=False, load_default=None, allow_none=True, format="iso")


class StaffSessionSnapshot(Schema):
    #: Hex SHA-256 of the session id the browser holds in its cookie.
    session_hash = fields.String(required=True, validate=SHA256)
    account_id = fields.Integer(required=True, strict=True)
    started_at = fields.AwareDateTime(required=True, format="iso")
    expires_at = fields.AwareDateTime(required=True, format="iso")
    #: Set by ``session.ended``: signed out, disabled, or replaced.
    ended_at = fields.AwareDateTime(required=False, load_default=None, allow_none=True, format="iso")


class AccountMailRequest(Schema):
    """One mail to one account holder, sent by notify. Its link holds a one-time token: never logged anywhere."""

    account_id = fields.Integer(required=True, strict=True)
    template = fields.String(required=True, validate=validate.OneOf(ACCOUNT_MAILS))
    to = fields.Email(required=True, validate=validate.Length(max=254))
    link = fields.Url(required=True, require_tld=False, validate=validate.Length(max=1000))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    #: When the link stops working, to say so in the mail.
    expires_at = fields.AwareDateTime(required=True, format="iso")


for _name in ("account.created", "account.updated", "account.disabled"):
    register(_name, "partners", AccountSnapshot())
for _name in ("session.started", "session.ended"):
    register(_name, "partners", StaffSessionSnapshot())
# The link's one-time token and the address stay in partners' outbox only until the relay has published them.
register("account.mail.requested", "partners", AccountMailRequest(), scrubbed=("to", "link"))
