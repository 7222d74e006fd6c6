"""CSRF protection of the notify pages' forms: the shared signed double-submit token (services/ui/csrf.py)."""

from flask import Flask

from services.ui import csrf
from services.ui.csrf import FIELD, MAX_AGE_SECONDS, csrf_token, valid

__all__ = ["COOKIE", "FIELD", "MAX_AGE_SECONDS", "csrf_token", "init_csrf", "valid"]

COOKIE = "osl_notify_csrf"


def init_csrf(app: Flask) -> None:
    csrf.init_csrf(app, COOKIE)
