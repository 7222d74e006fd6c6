"""The programme's pages are the site's staff pages: the shared shell (services/ui/templates/ui/base.html: the skip
link, the header and its menu, osl.css), in Polish as MOPS's reports are, whatever language the reader chose
elsewhere; and MOPS's entry page to them, the list of programmes, each with its dashboard and the roll calls of its
activities."""

import pytest

from tests.programme.factories import ACTIVITY, ADMIN, MEETING, OWN_KEY, PICNIC, known_programme, page_of, statuses

WHEN = "2018-05-22T17:00:00+02:00"


@pytest.mark.parametrize("path", [f"activities/{ACTIVITY}/", f"roll-calls/{ACTIVITY}/{WHEN}", ""])
def test_each_page_is_in_the_sites_shell_and_in_polish(programme_app, path):
    page = page_of(programme_app, known_programme(programme_app), f"{path}?lang=en")
    assert '<html lang="pl">' in page
    assert '<a class="skip-link" href="#main">Przejdź do treści</a>' in page
    assert 'class="site-header"' in page and 'aria-label="Menu główne"' in page
    assert "/ui/static/osl.css" in page
    assert "<style>\n    body" not in page  # no page shell of its own
    # The pages speak Polish only: no switch to a language they do not speak.
    assert "hreflang=" not in page


def test_a_refusal_is_the_sites_problem_page_in_polish(programme_app):
    known = known_programme(programme_app)
    response = programme_app.test_client().get(
        f"/programmes/{known['id']}/roll-calls/{ACTIVITY}/2018-05-23T17:00:00+02:00?lang=en", headers=ADMIN)
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and response.headers["Cache-Control"] == "no-store"
    assert 'class="site-header"' in page and "<h1>To się nie udało</h1>" in page
    assert ">Strony dla pracowników</a>" in page


def test_mops_finds_each_programmes_dashboard_and_roll_calls_on_one_page(programme_app):
    known = known_programme(programme_app)
    client = programme_app.test_client()
    assert statuses(client, "/programmes/", None, OWN_KEY, ADMIN) == [303, 403, 200]
    page = client.get("/programmes/", headers=ADMIN).get_data(as_text=True)
    assert 'class="site-header"' in page and "<script" not in page
    assert f'href="/programmes/{known["id"]}/"' in page
    assert f'href="/programmes/{known["id"]}/activities/{ACTIVITY}/"' in page
    assert f'href="/programmes/{known["id"]}/activities/{PICNIC}/"' in page
    assert str(MEETING) not in page  # a partner meeting has no roll call here


@pytest.mark.parametrize("path", [f"activities/{ACTIVITY}/", f"roll-calls/{ACTIVITY}/{WHEN}", ""])
def test_the_pages_with_pseudonyms_and_counts_are_never_cached(programme_app, path):
    """The roll call lists participants' pseudonyms and the dashboard their counts: like every staff page with
    people's data (ui.pages.private_page), a browser or proxy must not keep them."""
    known = known_programme(programme_app)
    response = programme_app.test_client().get(f"/programmes/{known['id']}/{path}", headers=ADMIN)
    assert response.status_code == 200 and response.headers.get("Cache-Control") == "no-store"
