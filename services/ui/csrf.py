"""CSRF protection of every service's forms: a signed double-submit token, made with itsdangerous.

A random value lives in a cookie; each form carries that value signed with the app's secret key. A POST is accepted
only when the form's token is genuine, not too old, and names the value of the cookie the browser sent. Another site
can make a browser send the cookie, but cannot read it or the page's token, so it cannot forge a matching pair.

A service calls ``init_csrf(app)`` once; its templates put ``<input type="hidden" name="{{ csrf_field }}"
value="{{ csrf_token() }}">`` in each form; its views check ``valid()`` (answering with their own page) or call
``require_valid()`` (a 400 page).
"""

import hmac
import secrets

from flask import Flask, abort, current_app, g, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

FIELD = "csrf_token"
#: A form may stay open this long (a senior may fill it in slowly, or come back to the tab the next day).
MAX_AGE_SECONDS = 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="osl-csrf")


def _cookie() -> str:
    return current_app.config["CSRF_COOKIE"]


def csrf_token() -> str:
    """The token for a form on this page; sets the cookie if the browser has none yet."""
    if "osl_csrf" not in g:
        value = request.cookies.get(_cookie(), "")
        if len(value) < 32:
            value = secrets.token_urlsafe(32)
            g.osl_csrf_new = True
        g.osl_csrf = value
    return _serializer().dumps(g.osl_csrf)


def valid() -> bool:
    """Whether this POST carries a genuine token matching the browser's cookie."""
    cookie = request.cookies.get(_cookie(), "")
    sent = request.form.get(FIELD, "")
    if not cookie or not sent:
        return False
    try:
        value = _serializer().loads(sent, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # also SignatureExpired
        return False
    return isinstance(value, str) and hmac.compare_digest(value, cookie)


def require_valid() -> None:
    """Abort 400 unless this POST carries a valid token."""
    if not valid():
        abort(400, description=_("This form has expired or did not come from this site: go back, reload the page "
                                 "and send it again."))


def init_csrf(app: Flask, cookie: str = "osl_csrf") -> None:
    app.config.setdefault("CSRF_COOKIE", cookie)
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=FIELD)

    @app.after_request
    def _set_cookie(response):
        if g.get("osl_csrf_new"):
            response.set_cookie(_cookie(), g.osl_csrf, max_age=MAX_AGE_SECONDS, httponly=True, samesite="Lax",
                                secure=request.is_secure)
        return response
