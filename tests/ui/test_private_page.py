"""The one answer of a page with a member's or a person's data: rendered, with its status, never cached."""

from flask import Flask
from jinja2 import DictLoader

from services.ui.pages import private_page


def test_a_private_page_is_rendered_with_its_status_and_never_stored():
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": "<p>{{ name }}</p>"})
    with app.test_request_context():
        response = private_page("page.html", 422, name="Anna")
    assert response.status_code == 422
    assert response.get_data(as_text=True) == "<p>Anna</p>"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_status_is_200_unless_said():
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": "ok"})
    with app.test_request_context():
        assert private_page("page.html").status_code == 200
