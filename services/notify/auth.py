"""Who may use the admin API: the bootstrap admin token (OSL_ADMIN_TOKEN)."""


from flask_smorest import abort

from services.messaging.web import bearer_token, is_admin_token


def require_admin() -> None:
    """Abort 401 without credentials and 403 with wrong ones."""
    token = bearer_token()
    if token is None:
        abort(401, message="This needs an admin token: send 'Authorization: Bearer <token>'.")
    if not is_admin_token(token):
        abort(403, message="This token may not use the notify admin API.")
