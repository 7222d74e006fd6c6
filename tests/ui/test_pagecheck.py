"""The page checker itself catches what it is meant to catch."""

from tests.ui.pagecheck import parse


def test_finds_unlabelled_fields_and_accepts_labelled_ones():
    page = parse('<html lang="pl"><label for="a">A</label><input id="a"><label>B <select name="b"></select></label>'
                 '<input id="c" aria-label="C"><input id="d"><input type="hidden" name="e"></html>')
    assert [f["id"] for f in page.unlabelled()] == ["d"]
    assert page.lang == "pl"


def test_finds_scripts_styles_and_fonts_from_other_sites():
    page = parse('<link rel="stylesheet" href="/ui/static/osl.css"><script src="https://cdn.example/x.js"></script>'
                 '<link rel="preload" as="font" href="//fonts.example/f.woff2"><a href="https://osm.org/">map</a>')
    assert page.external_loads() == [("script", "https://cdn.example/x.js"), ("link", "//fonts.example/f.woff2")]
