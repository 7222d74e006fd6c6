"""HTTP schemas of staff accounts. Never a password, its hash, a token or a session."""

from marshmallow import fields, validate

from services.messaging.fields import email_field
from services.messaging.messages.staff import ACCOUNT_ROLES, LANGUAGES
from services.partners.schemas.common import InputSchema, optional, record_id


class InvitationSchema(InputSchema):
    email = email_field(required=True)
    role = fields.String(load_default="editor", validate=validate.OneOf(ACCOUNT_ROLES),
                         metadata={"description": "editor (of an organisation, the default) or admin (MOPS)."})
    organisation_id = optional(record_id, strict=True,
                               metadata={"description": "The editor's organisation; none for an admin."})
    language = fields.String(load_default="pl", validate=validate.OneOf(LANGUAGES),
                             metadata={"description": "The language of the account's mails."})


class AccountSchema(InputSchema):
    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    organisation_id = fields.Integer(dump_only=True, allow_none=True)
    language = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    disabled_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    #: Whether the invitation was taken up.
    has_password = fields.Function(lambda account: account.password_hash is not None, dump_only=True)
    version = fields.Integer(dump_only=True)
