"""The error types every service's operations raise, and how an API answers them (one shape for all three).

Operations raise these with no thought of HTTP; a view runs them inside ``answering_errors()``.
"""

from contextlib import contextmanager

from flask_smorest import abort


class FieldError(Exception):
    """Input that breaks a rule of one field: HTTP 422 naming it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Forbidden(Exception):
    """The caller may not do this: HTTP 403 with the message."""


class Conflict(Exception):
    """The change would break a uniqueness, reference or state rule: HTTP 409 with the message, which says which.
    ``field``: the field whose value clashes with another record's, where one does (a page names it by its label)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def field_error(location: str, field: str, message: str):
    """Abort 422 in the shape flask-smorest gives its own validation errors, naming the field in the message too."""
    abort(422, message=f"{field}: {message}", errors={location: {field: [message]}})


@contextmanager
def answering_errors():
    """Turn FieldError into 422 naming the field, Forbidden into 403 and Conflict into 409."""
    try:
        yield
    except FieldError as exc:
        field_error("json", exc.field, exc.message)
    except Forbidden as exc:
        abort(403, message=str(exc))
    except Conflict as exc:
        abort(409, message=str(exc))
