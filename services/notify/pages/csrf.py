"""CSRF protection of the pages' forms: a signed double-submit token, made with itsdangerous.

A random value lives in a cookie; each form carries that value signed with the app's secret key. A POST is accepted
only when the form's token is genuine, not too old, and names the value of the cookie the browser sent. Another site
can make a browser send the cookie, but cannot read it or the page's token, so it cannot forge a matching pair.
"""

import hmac
import secrets

from flask import Flask, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "osl_notify_csrf"
FIELD = "csrf_token"
#: A form may stay open this long (a senior may fill it in slowly, or come back to the tab the next day).
MAX_AGE_SECONDS = 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="osl-notify-csrf")


def csrf_token() -> str:
    """The token for a form on this page; sets the cookie if the browser has none yet."""
    if "osl_csrf" not in g:
        value = request.cookies.get(COOKIE, "")
        if len(value) < 32:
            value = secrets.token_urlsafe(32)
            g.osl_csrf_new = True
        g.osl_csrf = value
    return _serializer().dumps(g.osl_csrf)


def valid() -> bool:
    """Whether this POST carries a genuine token matching the browser's cookie."""
    cookie = request.cookies.get(COOKIE, "")
    sent = request.form.get(FIELD, "")
    if not cookie or not sent:
        return False
    try:
        value = _serializer().loads(sent, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # also SignatureExpired
        return False
    return isinstance(value, str) and hmac.compare_digest(value, cookie)


def init_csrf(app: Flask) -> None:
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=FIELD)

    @app.after_request
    def _set_cookie(response):
        if g.get("osl_csrf_new"):
            response.set_cookie(COOKIE, g.osl_csrf, max_age=MAX_AGE_SECONDS, httponly=True, samesite="Lax",
                                secure=request.is_secure)
        return response
