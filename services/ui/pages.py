"""What a staff page, or a page that shows a signed-in member's or a person's data, answers with: rendered, never
kept by a cache; and the one problem page every staff page shows when something did not work."""

from collections.abc import Callable
from functools import wraps

from flask import make_response, render_template
from flask_babel import gettext


def private_page(template: str, status: int = 200, **context):
    """The template rendered with ``context``, answered with ``Cache-Control: no-store``."""
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def problem_page(status: int, message: str, back_endpoint: str, back_text: str):
    """What did not work (``message``, already in the page's language), with ``status`` and a link back to the
    service's staff home (``back_endpoint``, worded ``back_text``)."""
    return private_page("ui/problem.html", status, message=message, back_endpoint=back_endpoint,
                        back_text=back_text)


def only_admins() -> str:
    """What a staff page says to anyone but MOPS staff (admins) who tries what only they may do."""
    return gettext("Only MOPS staff (admins) may do this.")


def admin_page(is_admin: Callable[[], bool], problem: Callable[[int, str], object]):
    """A decorator for the views only MOPS staff (admins) may use: anyone else, signed in or not, gets the
    service's ``problem`` page with 403. ``is_admin`` is how the service knows its signed-in caller."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not is_admin():
                return problem(403, only_admins())
            return view(*args, **kwargs)

        return guarded

    return decorate
