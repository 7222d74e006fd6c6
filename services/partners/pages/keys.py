"""An organisation's API keys on the staff pages (admins): issue one (shown once, with a copy button), revoke one.
The same operations as the API: only the key's hash is kept, and the events service hears of both by message."""

from flask import redirect, request, url_for
from flask_babel import gettext as _

from services.messaging.web import request_session
from services.partners.models import ApiKey, Organisation
from services.partners.operations import issue_key, organisation_keys, revoke_key
from services.partners.pages.guards import admins_only, found, staff_blueprint
from services.ui.pages import private_page

key_pages = staff_blueprint("staff_keys", "/staff/organisations")


def _page(organisation: Organisation, status: int = 200, **context):
    # The page that shows a new key is never cached.
    return private_page("partners_pages/staff/keys.html", status, organisation=organisation,
                        keys=organisation_keys(request_session(), organisation), **context)


key_pages.before_request(admins_only)


def _organisation(organisation_id: int) -> Organisation:
    return found(Organisation, organisation_id, _("No such organisation."))


@key_pages.get("/<int:organisation_id>/keys")
def keys(organisation_id: int):
    return _page(_organisation(organisation_id), revoked=request.args.get("revoked"))


@key_pages.post("/<int:organisation_id>/keys")
def issue(organisation_id: int):
    organisation = _organisation(organisation_id)
    session = request_session()
    _row, key = issue_key(session, organisation)
    session.commit()
    return _page(organisation, new_key=key)


@key_pages.post("/<int:organisation_id>/keys/<int:key_id>/revoke")
def revoke(organisation_id: int, key_id: int):
    session = request_session()
    row = found(ApiKey, key_id, _("No such key."), belongs=lambda key: key.organisation_id == organisation_id)
    revoke_key(session, row)
    session.commit()
    return redirect(url_for("staff_keys.keys", organisation_id=organisation_id, revoked=row.prefix), 303)
