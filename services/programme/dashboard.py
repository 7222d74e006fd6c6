"""The MOPS dashboard: progress against the targets and the breakdowns, as SVG charts drawn on the server (pygal),
so that the page works with no JavaScript and prints well."""

import re
import sys

import pygal
from flask import Blueprint, Flask, abort, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from pygal.style import Style
from sqlalchemy import select

from services.calendar.times import today
from services.messaging.web import request_session
from services.programme.api import get_programme
from services.programme.auth import require_admin, require_page_caller
from services.programme.labels import DIMENSION_LABELS, GENDER_LABELS, SUPPORTED
from services.programme.models import Programme
from services.programme.queries import (
    activities_by_district,
    activities_within,
    attendance,
    district_names,
    indicators,
)
from services.ui.links import staff_url
from services.ui.naming import polish_key
from services.ui.pages import GENERAL_WORDS, for_admins_only, private_page, problem_page

# pygal adds an import hook for its map plugins that lacks find_spec: every later import then warns (or fails). No
# map is drawn here, so the hook goes.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

pages = Blueprint("programme_pages", __name__, template_folder="templates")
#: Dark enough for print and for contrast on white; the two genders and the target.
STYLE = Style(background="white", plot_background="white", foreground="#222", foreground_strong="#000",
              foreground_subtle="#555", colors=("#8e2c48", "#1f5f8b", "#777777", "#3d7a3d"),
              font_family="system-ui, sans-serif", title_font_size=18, label_font_size=13,
              major_label_font_size=13, legend_font_size=13, value_font_size=12)
#: pygal puts a configuration script in every chart even without its tooltips; the page has no JavaScript.
SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


#: The age bands and the statuses at entry, short enough for an axis or a form.
AGE_NAMES = {"under_25": "poniżej 25", "25_54": "25–54", "over_54": "powyżej 54"}
STATUS_NAMES = {key: text.removesuffix(" przy wejściu").removeprefix("status na rynku pracy przy wejściu: ")
                for key, text in DIMENSION_LABELS["status_at_entry"].items()}


def register_dashboard(app: Flask) -> None:
    """The programme's pages: the site's staff pages (the ui package's shell, words and links), with the CSRF token
    the roll call's form carries."""
    from services.programme import roll_call_pages  # noqa: F401  (its views join the blueprint)
    from services.ui import init_ui
    from services.ui.csrf import init_csrf

    init_ui(app)
    init_csrf(app)
    app.register_blueprint(pages)


def in_polish(render, *args, **kwargs):
    """``render(*args, **kwargs)`` in Polish, whatever language the reader chose on the other pages: the programme's
    pages are written in Polish, as MOPS's reports are, and the site's shell around them speaks it too."""
    with force_locale("pl"):
        return render(*args, **kwargs)


def _problem(error):
    """A 400, 403 or 404 on programme's pages: the staff pages' one problem page with the general words for it, in
    Polish as these pages are (the errors' own words are the API's, in English), not the API's JSON."""
    return _problem_page(error.code, lambda: str(GENERAL_WORDS[error.code]))


def _problem_page(status: int, words):
    with force_locale("pl"):
        return problem_page(status, words(), staff_url(current_app.config), _("Staff pages"))


def _mops_caller():
    """Who opens a MOPS-only page (the dashboard, the downloads): an admin; anyone else (an editor) is told, in
    Polish, that the page is for MOPS administrators (403)."""
    caller = require_page_caller()
    if not caller.is_admin:
        abort(_problem_page(403, for_admins_only))
    return require_admin(caller)


for _code in GENERAL_WORDS:
    pages.register_error_handler(_code, _problem)


def svg(chart) -> Markup:
    """The chart's SVG, counted on a whole-number axis, with pygal's script taken out."""
    top = max((value or 0 for serie in chart.raw_series for value in serie[0]), default=0)
    step = max(1, -(-top // 8))
    chart.y_labels = list(range(0, top + step + 1, step))
    return Markup(SCRIPT.sub("", chart.render(is_unicode=True)))


def _chart(kind, title: str, labels, **options):
    chart = kind(js=[], disable_xml_declaration=True, style=STYLE, width=800, height=360, title=title,
                 no_data_text=_("No data"), print_values=True, legend_at_bottom=True, truncate_label=-1,
                 truncate_legend=-1, **options)
    chart.x_labels = labels
    return chart


def _by_gender(title: str, breakdown: dict, names: dict | None = None, **options) -> Markup:
    labels = [names.get(value, value) if names else value for value in breakdown]
    chart = _chart(pygal.Bar, title, labels, **options)
    for gender in ("female", "male"):
        chart.add(GENDER_LABELS[gender], [counts[gender] for counts in breakdown.values()])
    return svg(chart)


def in_polish_order(by_slug: dict, names: dict) -> dict:
    """Counts kept by district slug, in the Polish order of the districts' names (Stradom before Śródmieście,
    which their slugs would reverse)."""
    return dict(sorted(by_slug.items(), key=lambda item: polish_key(names.get(item[0], item[0]))))


def charts(found: dict, visits: dict, places: dict, districts: dict | None = None) -> list[tuple[str, Markup]]:
    """The dashboard's charts; ``districts`` names each district's slug in Polish, where an activity told it."""
    districts = districts or {}
    places = in_polish_order(places, districts)
    progress = _chart(pygal.Bar, f"{SUPPORTED} a cel", [GENDER_LABELS[g] for g in GENDER_LABELS])
    progress.add("objęte wsparciem", [found["supported"][g] for g in GENDER_LABELS])
    progress.add("cel", [found["targets"][g] for g in GENDER_LABELS])
    per_month = _chart(pygal.Bar, "Obecności w miesiącu", [m["month"] for m in visits["months"]],
                       show_legend=False)
    per_month.add("obecności", [m["attended"] for m in visits["months"]])
    per_activity = _chart(pygal.HorizontalBar, "Obecności na zajęciach", [a["title"] for a in visits["activities"]],
                          show_legend=False)
    per_activity.add("obecności", [a["attended"] for a in visits["activities"]])
    per_district = _chart(pygal.Bar, "Zajęcia i spotkania partnerskie według dzielnicy",
                          [districts.get(slug, slug) for slug in places])
    per_district.add("zajęcia", [counts["activities"] for counts in places.values()])
    per_district.add("spotkania partnerskie", [counts["meetings"] for counts in places.values()])
    dims = found["dimensions"]
    return [
        ("Postęp", svg(progress)),
        ("Dzielnice", _by_gender("Uczestnicy według dzielnicy", in_polish_order(dims["district"], districts),
                                 names=districts)),
        ("Wiek", _by_gender("Uczestnicy według wieku przy wejściu", dims["age_band"], names=AGE_NAMES)),
        ("Status", _by_gender("Status na rynku pracy przy wejściu", dims["status_at_entry"], names=STATUS_NAMES,
                              x_label_rotation=15)),
        ("Miesiące", svg(per_month)),
        ("Zajęcia", svg(per_activity)),
        ("Zajęcia w dzielnicach", svg(per_district)),
    ]


@pages.route("/programmes/")
def programmes_page():
    """MOPS's entry to the programme (linked from the staff home): every programme, the newest first, with its
    dashboard and the activities with a date within it, each to its roll calls."""
    _mops_caller()
    session = request_session()
    found = [(programme, activities_within(session, programme))
             for programme in session.scalars(select(Programme).order_by(Programme.starts_on.desc(), Programme.id))]
    return in_polish(private_page, "programme/programmes.html", programmes=found)


@pages.route("/programmes/<int:programme_id>/")
def dashboard(programme_id: int):
    """The dashboard, in Polish as MOPS's reports are: its words are the catalogue's, its numbers written the Polish
    way (whatever language the reader chose on the public pages)."""
    _mops_caller()
    session = request_session()
    programme = get_programme(session, programme_id)
    found = indicators(session, programme, today())
    visits = attendance(session, programme)
    with force_locale("pl"):
        return private_page("programme/dashboard.html", programme=programme, found=found, visits=visits,
                            charts=charts(found, visits, activities_by_district(session, programme),
                                          district_names(session)),
                            genders=GENDER_LABELS)


@pages.route("/programmes/<int:programme_id>/export.<any(xlsx, csv):extension>")
def export_page(programme_id: int, extension: str):
    """The dashboard's downloads, for a signed-in MOPS admin (the API's exports take only a bearer token)."""
    from services.programme.api import download

    return download(programme_id, {}, extension, _mops_caller())
