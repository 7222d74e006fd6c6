"""What every service's public pages share: languages, the base template, the stylesheet and formatting.

No business logic here, and no service imports: a service calls ``init_ui(app)`` and extends ``ui/base.html``.
"""

from urllib.parse import urlencode

from flask import Blueprint, Flask, render_template, request

from services.ui import formatting, i18n, links
from services.ui.naming import polish_sorted, public_name

blueprint = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/ui/static")


def init_ui(app: Flask) -> None:
    """Babel with Polish by default, the ``ui/`` templates and filters, and ``/ui/static/`` files."""
    i18n.init_babel(app)
    links.init_links(app)
    app.register_blueprint(blueprint)
    app.jinja_env.filters.update(formatting.FILTERS, polish_sort=polish_sorted)
    app.jinja_env.globals.update(lang_url=lang_url, public_name=public_name)


def add_not_found_page(pages: Blueprint, back_endpoint: str, back_text) -> None:
    """A 404 of ``pages`` answers with the one "not found" page, linking back to ``back_endpoint``."""

    @pages.errorhandler(404)
    def not_found(error):
        return render_template("ui/not_found.html", message=error.description, back_endpoint=back_endpoint,
                               back_text=back_text), 404


def lang_url(code: str) -> str:
    """The current page in language ``code``; the ``lang`` parameter also sets the cookie."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"{request.script_root}{request.path}?{urlencode(args, doseq=True)}"
