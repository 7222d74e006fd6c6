"""Who may write: for now the bootstrap admin token (OSL_ADMIN_TOKEN)."""

import hmac

from flask import current_app, request
from flask_smorest import abort


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_admin() -> None:
    """Abort 401 without credentials and 403 with wrong ones."""
    token = bearer_token()
    if token is None:
        abort(401, message="This needs an admin token: send 'Authorization: Bearer <token>'.")
    expected = current_app.config.get("ADMIN_TOKEN") or ""
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        abort(403, message="This token may not change partners data.")
