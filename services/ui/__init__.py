"""What every service's public pages share: languages, the base template, the stylesheet and formatting.

No business logic here, and no service imports: a service calls ``init_ui(app)`` and extends ``ui/base.html``.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Flask, current_app, render_template, request, send_from_directory
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from services.ui import formatting, i18n, links
from services.ui.naming import polish_sorted, public_name
from services.ui.pages import problem_page

blueprint = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/ui/static")


#: How long a browser keeps the site's icon before asking again (a day).
ICON_MAX_AGE = 24 * 60 * 60


@blueprint.get("/favicon.ico")
def favicon():
    """The site's icon (ui/static/favicon.svg, which the page shell links) where browsers and bots ask for it
    without reading a page: one answer for every service, never a 404."""
    return send_from_directory(blueprint.static_folder, "favicon.svg", mimetype="image/svg+xml",
                               max_age=ICON_MAX_AGE)


def init_ui(app: Flask) -> None:
    """Babel with Polish by default, the ``ui/`` templates and filters, ``/ui/static/`` files and ``/favicon.ico``."""
    i18n.init_babel(app)
    links.init_links(app)
    app.register_blueprint(blueprint)
    app.jinja_env.filters.update(formatting.FILTERS, polish_sort=polish_sorted)
    app.jinja_env.globals.update(lang_url=lang_url, public_name=public_name)


#: Where the machines' addresses are: an error under these stays the API's JSON.
MACHINE_PATHS = ("/api/", "/docs", "/openapi.json", "/healthz", "/readyz", "/metrics", "/feeds/")
#: What a page says of a 422 raised with no page of its own: a guard refused its query (a control character, say;
#: services/messaging/http_guards.py), whose words are the API's, in English.
BAD_ADDRESS = _l("Check the address of this page: it holds a value this page cannot take.")


def not_found_page(back_url: str, back_text):
    """The one "not found" page, linking back to ``back_url``, worded ``back_text``."""
    return render_template("ui/not_found.html", back_url=back_url, back_text=back_text), 404


def add_page_errors(app: Flask, back_url: Callable[[], str], back_text) -> None:
    """A page's 404 (a record not there, or an address no page takes: "/events/not-a-uuid", which no blueprint's
    handler sees) or a query the guards refuse (422): the one "not found" or problem page in the page's language,
    linking back to ``back_url()``, never the API's English JSON. Under ``MACHINE_PATHS``, and to a client whose
    Accept names no HTML (a script, a test client asking nothing), the API's JSON answers as before;
    a blueprint's own handler of the code (the staff pages' ``add_problem_pages``) still comes first."""

    def answer(error: HTTPException):
        if request.path.startswith(MACHINE_PATHS) or not request.accept_mimetypes.accept_html:
            return _api_answer(error)  # the API, or a client that asks for no HTML (every browser asks for it)
        if error.code == 404:
            return not_found_page(back_url(), back_text)
        return problem_page(error.code, str(BAD_ADDRESS), back_url(), back_text)

    for code in (404, 422):
        app.register_error_handler(code, answer)


def _api_answer(error: HTTPException):
    """The API's JSON answer to ``error`` (flask-smorest's handler), as the app gives it where no page is asked."""
    apis = current_app.extensions.get("flask-smorest", {}).get("apis", {})
    return next(iter(apis.values()))["ext_obj"].handle_http_exception(error) if apis else error


def lang_url(code: str) -> str:
    """The current page in language ``code``; the ``lang`` parameter also sets the cookie."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"{request.script_root}{request.path}?{urlencode(args, doseq=True)}"
