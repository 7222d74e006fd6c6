"""The stylesheet and script are served by the service itself and load nothing from elsewhere."""

from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "services/ui/static"


def test_static_files_are_served(ui_app):
    client = ui_app.test_client()
    with client.get("/ui/static/osl.css") as css, client.get("/ui/static/copy.js") as script:
        assert css.status_code == 200 and css.mimetype == "text/css"
        assert script.status_code == 200 and "clipboard" in script.get_data(as_text=True)


def test_no_file_loads_anything_from_another_site():
    for path in STATIC.iterdir():
        # An SVG's namespace is a name, never loaded.
        text = path.read_text().replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "http:" not in text and "https:" not in text and "//" not in text.replace("// ", ""), path
        assert "@import" not in text and "url(" not in text, path


def test_focus_is_visible_and_type_is_large():
    css = (STATIC / "osl.css").read_text()
    assert ":focus-visible" in css and "outline: 3px" in css
    assert "font-size: 112.5%" in css
