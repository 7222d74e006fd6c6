"""Operation errors as HTTP answers, in the shape flask-smorest gives its own validation errors."""

from contextlib import contextmanager

from flask_smorest import abort

from services.events.operations import Conflict, FieldError, Forbidden


def field_error(location: str, field: str, message: str):
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
