"""Staff accounts (admin): invite, list, disable and enable. Passwords are set on the pages, from the mailed link."""

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from services.messaging.http_guards import Blueprint
from services.messaging.web import request_session
from services.partners.api.common import admin_read, changing, get_or_404
from services.partners.auth import require_admin
from services.partners.models import Account
from services.partners.operations import accounts as operations
from services.partners.schemas.accounts import AccountSchema, InvitationSchema

blp = Blueprint("accounts", __name__, url_prefix="/api/v1/accounts",
                description="Accounts of MOPS staff (admins) and organisation editors, who sign in to the pages.")


@blp.route("/")
class Accounts(MethodView):
    @admin_read(blp, AccountSchema(many=True))
    def get(self):
        """List the accounts (admin)"""
        return request_session().scalars(select(Account).order_by(Account.id)).all()

    @blp.arguments(InvitationSchema)
    @blp.response(201, AccountSchema)
    def post(self, data):
        """Invite someone: the account is made, and notify mails them a link to set a password (admin)"""
        require_admin()
        with changing() as session:
            return operations.invite(session, current_app.config, data)


@blp.route("/<int:account_id>")
class AccountItem(MethodView):
    @admin_read(blp, AccountSchema)
    def get(self, account_id):
        """Get one account (admin)"""
        return get_or_404(Account, "account", id=account_id)


#: The two state changes an admin makes to an account.
STATE_CHANGES = {"disable": operations.disable, "enable": operations.enable}


@blp.route("/<int:account_id>/<any(disable, enable):change>")
class AccountState(MethodView):
    @blp.response(200, AccountSchema)
    def post(self, account_id, change):
        """Disable an account (it cannot sign in, and its sessions end on every service within seconds) or let it
        sign in again (admin)"""
        require_admin()
        account = get_or_404(Account, "account", id=account_id)
        with changing() as session:
            STATE_CHANGES[change](session, account)
        return account
