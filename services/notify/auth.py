"""Who may use the admin API: the bootstrap admin token (OSL_ADMIN_TOKEN)."""

import hmac

from flask import current_app, request
from flask_smorest import abort


def require_admin() -> None:
    """Abort 401 without credentials and 403 with wrong ones."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        abort(401, message="This needs an admin token: send 'Authorization: Bearer <token>'.")
    expected = current_app.config.get("ADMIN_TOKEN") or ""
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        abort(403, message="This token may not use the notify admin API.")
