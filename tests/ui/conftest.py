import pytest
from flask import Flask, render_template_string

from services.ui import init_ui


@pytest.fixture
def ui_app():
    """A bare app with the UI package and one page that extends the base template."""
    app = Flask(__name__)
    app.config["TESTING"] = True
    init_ui(app)

    @app.get("/page")
    def page():
        return render_template_string('{% extends "ui/base.html" %}{% block title %}T{% endblock %}'
                                      '{% block content %}<p id="said">{{ _("Upcoming events") }}</p>{% endblock %}')

    return app
