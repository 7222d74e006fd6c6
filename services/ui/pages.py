"""What a staff page, or a page that shows a signed-in member's or a person's data, answers with: rendered, never
kept by a cache; and the one problem page every staff page shows when something did not work."""

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, make_response, redirect, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

#: What the problem page says for an error raised without words of its own (werkzeug's are English)
GENERAL_WORDS = {
    400: _l("The form has expired or did not come from this page: reload the page and send it again."),
    403: _l("Your account may not open this page."),
    404: _l("We could not find this page"),
}


def private_page(template: str, status: int = 200, **context):
    """The template rendered with ``context``, answered with ``Cache-Control: no-store``."""
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def problem_page(status: int, message: str, back_url: str, back_text: str):
    """What did not work (``message``, already in the page's language), with ``status`` and a link back to the
    service's staff home (``back_url``, worded ``back_text``)."""
    return private_page("ui/problem.html", status, message=message, back_url=back_url, back_text=back_text)


#: The field only a confirmation page's form sends: a post without it (a one-click form) does nothing yet.
CONFIRM_FIELD = "confirm"


def confirm_page(question: str, consequences: list[str], back_url: str, already_done: bool = False,
                 carried: dict[str, str] | None = None, yes: str | None = None, undo: str | None = None):
    """The step before cancelling (or deleting) something for good, with no script: ``question`` as its heading, what
    will happen (``consequences``, in the page's language) and that it cannot be undone, a "Yes, cancel" form (or
    ``yes``: its button's words, such as "Yes, delete") posting back to this page's URL with ``CONFIRM_FIELD``, the
    CSRF token and the ``carried`` fields (hidden: the record's version the cancel is based on, say), and a link back
    (``back_url``). ``already_done`` (it is cancelled already): nothing to ask, a 303 back. ``undo``: for a step that
    can be undone, how (said instead of "This cannot be undone.")."""
    if already_done:
        return redirect(back_url, 303)
    return private_page("ui/confirm.html", question=question, consequences=consequences, action=request.path,
                        back_url=back_url, confirm_field=CONFIRM_FIELD, carried=carried or {}, yes=yes,
                        undo=undo)


def unconfirmed():
    """For the POST of a confirmation step: None when the post came from the confirmation page's form; else a 303 to
    that page (the same URL), so a post without the confirmation changes nothing."""
    if request.form.get(CONFIRM_FIELD) == "1":
        return None
    return redirect(request.path, 303)


def confirm_versioned(record, question: str, consequences: list[str], back_url: str, already_done: bool = False):
    """``confirm_page`` for a step based on a version of ``record`` (a cancel): the form carries the version of the
    page the staff member came from (the link carries it), else the one the question shows."""
    version = request.args.get("version", str(record.version))
    return confirm_page(question, consequences, back_url, already_done, carried={"version": version})


def confirmed_versioned(stale_answer: Callable[[], object], change: Callable[[object], object], done_url: str):
    """The POST of ``confirm_versioned``'s step: a 303 to the question when the post did not come from it; the form
    based on an older version, ``stale_answer()`` (it answers ``None`` when the version is current); else
    ``change(session)``, committed, and a 303 to ``done_url``."""
    from services.messaging.web import request_session

    if (ask := unconfirmed()) is not None:
        return ask
    if (refused := stale_answer()) is not None:
        return refused
    session = request_session()
    change(session)
    session.commit()
    return redirect(done_url, 303)


def saved_record(record, schema, create, update, data: dict, labels: dict, refused: Callable[[int, str], object],
                 done_url: str):
    """A form's record saved through the API's ``schema`` and operations: ``create(session, loaded)`` when ``record``
    is None, else ``update(session, record, loaded)`` (``data`` loaded partially); committed, then a 303 to
    ``done_url``. Refused (bad input, a conflict), nothing changes: ``refused(status, words)`` answers
    (services/ui/errors.py ``refusal``, naming the field by its label in ``labels``)."""
    from marshmallow import ValidationError

    from services.messaging.errors import Conflict, FieldError
    from services.messaging.web import request_session
    from services.ui.errors import refusal

    session = request_session()
    try:
        loaded = schema(partial=record is not None).load(data)
        if record is None:
            create(session, loaded)
        else:
            update(session, record, loaded)
    except (ValidationError, FieldError, Conflict) as exc:
        session.rollback()
        return refused(*refusal(exc, labels))
    session.commit()
    return redirect(done_url, 303)


def add_problem_pages(pages: Blueprint, problem: Callable[[int, str], object]) -> None:
    """A 400, 403 or 404 raised in ``pages`` answers with the service's ``problem`` page, not the API's JSON: the
    error's own words when it was raised with some, else the general words for its status."""

    def answer(error: HTTPException):
        own = error.description if error.description != type(error).description else None
        return problem(error.code, own or str(GENERAL_WORDS[error.code]))

    for code in GENERAL_WORDS:
        pages.register_error_handler(code, answer)


def only_admins() -> str:
    """What a staff page says to anyone but MOPS staff (admins) who tries what only they may do."""
    return gettext("Only MOPS staff (admins) may do this.")


def for_admins_only() -> str:
    """What a page only MOPS staff (admins) may open says to anyone else who opens it (an editor)."""
    return gettext("This page is for MOPS administrators.")


def changes_page(outbox_model, limit: int = 100):
    """The staff page of a service's changes, newest first, read from its outbox (services/messaging/history.py), in
    words (services/ui/history.py)."""
    from services.messaging.history import history
    from services.messaging.web import request_session
    from services.ui.history import entry_words

    entries = history(request_session(), outbox_model, limit=limit)
    return private_page("ui/history.html", entries=[entry_words(entry) for entry in entries])


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


#: What a staff form's page says when the form (or a cancel) was based on an older version of its record: the page
#: then shows what is saved now, with its version, so that sending the form again cannot overwrite the other change.
STALE_FORM = _l("Someone else saved this data meanwhile, so nothing was changed. The form now shows what is saved: "
                "check it and try again.")


def stale(record) -> bool:
    """Whether the posted form carries a version other than ``record``'s (or none): it was based on an older one, as
    a stale If-Match in the API, and must change nothing."""
    return str(record.version) != request.form.get("version")
