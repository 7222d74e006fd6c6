"""The shared guards every service's app is built with: an API write needs the service's caller (401 first), and an
admin-only action refuses anyone else (403). Each service passes its own way of finding the caller."""

from types import SimpleNamespace

import pytest
from flask import Flask, request
from flask_smorest import abort

from services.messaging.http_guards import authenticate_writes
from services.messaging.web import admin_only


def _app():
    """A bare app whose caller is the ``X-Who`` header: ``admin``, ``organisation``, or none (401)."""
    app = Flask(__name__)
    checked = []

    def require_caller():
        who = request.headers.get("X-Who")
        checked.append(request.method)
        if who is None:
            abort(401, message="Send credentials.")
        return SimpleNamespace(is_admin=who == "admin")

    authenticate_writes(app, require_caller)

    @app.route("/api/things", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def things():
        return {"ok": True}

    @app.post("/pages/form")
    def form():
        return {"ok": True}

    @app.post("/api/admin")
    def admin():
        admin_only(require_caller(), "Admins only here.")
        return {"ok": True}

    return app, checked


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_an_api_write_without_a_caller_is_401_before_the_view_runs(method):
    app, checked = _app()
    client = app.test_client()
    assert client.open("/api/things", method=method).status_code == 401
    assert client.open("/api/things", method=method, headers={"X-Who": "organisation"}).status_code == 200
    assert checked == [method, method]


def test_reads_and_pages_are_left_to_their_views():
    app, checked = _app()
    client = app.test_client()
    assert client.get("/api/things").status_code == 200
    assert client.post("/pages/form").status_code == 200
    assert checked == []


def test_admin_only_refuses_an_organisation_with_the_services_message_and_lets_an_admin_through():
    from werkzeug.exceptions import HTTPException

    with pytest.raises(HTTPException) as refused:
        admin_only(SimpleNamespace(is_admin=False), "Admins only here.")
    assert refused.value.code == 403
    assert refused.value.data["message"] == "Admins only here."
    admin = SimpleNamespace(is_admin=True)
    assert admin_only(admin, "Admins only here.") is admin


def test_an_admin_only_api_action_is_401_without_a_caller_and_403_for_an_organisation():
    app, _ = _app()
    client = app.test_client()
    assert client.post("/api/admin").status_code == 401
    assert client.post("/api/admin", headers={"X-Who": "organisation"}).status_code == 403
    assert client.post("/api/admin", headers={"X-Who": "admin"}).status_code == 200
