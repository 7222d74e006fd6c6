"""Kept only for services/events/feeds/views.py, which imports ``field_error`` from here: the one copy is in
services/messaging/errors.py. Remove this module once that import names the shared one."""

from services.messaging.errors import field_error

__all__ = ["field_error"]
