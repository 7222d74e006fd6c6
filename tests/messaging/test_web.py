"""Every service: health checks, JSON errors, OpenAPI and offline docs."""

import json

import pytest

from services.events import create_app as create_events
from services.messaging.settings import BusSettings
from services.notify import create_app as create_notify
from services.partners import create_app as create_partners
from services.programme import create_app as create_programme

FACTORIES = {"partners": create_partners, "events": create_events, "notify": create_notify,
             "programme": create_programme}


def _app(name, tmp_path):
    bus = BusSettings(broker_url="filesystem://", bus_dir=tmp_path / "bus", prefix="osl-web")
    app = FACTORIES[name]({"DATABASE_URL": f"sqlite:///{tmp_path}/{name}.db", "BUS": bus})
    app.extensions["osl"].upgrade_database()
    return app


@pytest.fixture(params=["events", "notify", "programme"])
def consumer_app(request, tmp_path):
    return _app(request.param, tmp_path)


@pytest.fixture(params=sorted(FACTORIES))
def app(request, tmp_path):
    app = _app(request.param, tmp_path)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    return app


def test_healthz_says_the_process_is_alive(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "service": app.extensions["osl"].name}


def test_readyz_is_200_when_database_and_broker_answer(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"] == {"database": "ok", "broker": "ok"}


def test_readyz_is_503_and_names_a_broker_that_is_down(app):
    app.extensions["osl"].bus = BusSettings(broker_url="amqp://guest:guest@127.0.0.1:1//")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["down"] == ["broker"]
    assert response.json["checks"]["database"] == "ok"
    assert "guest:guest" not in response.get_data(as_text=True)


def test_readyz_is_503_and_names_a_database_that_is_down(tmp_path):
    bus = BusSettings(broker_url="filesystem://", bus_dir=tmp_path / "bus")
    app = create_events({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none", "BUS": bus})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["down"] == ["database"]


@pytest.mark.parametrize(("method", "path", "status"), [("get", "/no/such/page", 404), ("post", "/healthz", 405)])
def test_http_errors_are_json(app, method, path, status):
    response = getattr(app.test_client(), method)(path)
    assert response.status_code == status
    assert response.is_json
    assert response.json["code"] == status
    assert response.json["status"]


@pytest.mark.traceback_expected
def test_an_unexpected_error_is_a_json_500_without_a_traceback(app, caplog):
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.json == {"code": 500, "status": "Internal Server Error"}
    assert "secret internals" not in response.get_data(as_text=True)
    assert "secret internals" in caplog.text  # but the log has it, for the people who run the service


def test_openapi_and_offline_docs_are_served(app):
    client = app.test_client()
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    assert spec.json["info"]["title"] == f"OSL {app.extensions['osl'].name}"
    docs = client.get("/docs")
    assert docs.status_code == 200
    page = docs.get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in page
    assert "https://" not in page.split("<body", 1)[0]  # no CDN in the head
    asset = client.get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()


def test_a_request_id_is_echoed_and_made_when_missing(app):
    client = app.test_client()
    assert client.get("/healthz", headers={"X-Request-ID": "req-12345678"}).headers["X-Request-ID"] == "req-12345678"
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 36
    assert client.get("/healthz", headers={"X-Request-ID": "bad id <x>"}).headers["X-Request-ID"] != "bad id <x>"


def _dead_letter(settings, service: str) -> None:
    from kombu import Producer

    from services.messaging.connection import connect
    from services.messaging.topology import Topology

    topology = Topology(settings)
    with connect(settings) as connection:
        channel = connection.channel()
        topology.declare_all(channel)
        Producer(channel).publish(b"{}", exchange="", routing_key=topology.dead_letter_queue(service).name)


def test_readyz_shows_dead_letters_as_a_warning_not_a_failure(app):
    service = app.extensions["osl"]
    ready = app.test_client().get("/readyz")
    if not service.handlers:  # partners consumes nothing, so has no dead-letter queue
        assert "dead_letters" not in ready.json
        return
    assert (ready.status_code, ready.json["dead_letters"], ready.json["warnings"]) == (200, 0, [])
    _dead_letter(service.bus, service.name)
    _dead_letter(service.bus, service.name)
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json["dead_letters"] == 2
    assert ready.json["warnings"] == ["2 message(s) in the dead-letter queue"]


def test_a_consumer_logs_its_dead_letters_at_a_fixed_interval_while_there_are_any(consumer_app, caplog):
    import dataclasses

    from services.messaging.testing import running, wait_until

    service = consumer_app.extensions["osl"]
    service.bus = dataclasses.replace(service.bus, dead_letter_log_seconds=0.2, poll_seconds=0.02)
    _dead_letter(service.bus, service.name)
    caplog.set_level("WARNING")
    with running(service.worker()):
        wait_until(lambda: caplog.text.count("1 message(s) in the dead-letter queue") >= 2, timeout=20,
                   message="the dead letter logged twice")


def test_every_operation_declares_its_security_and_the_pagination_header_its_real_type(app):
    spec = app.test_client().get("/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    operations = [(path, method, operation) for path, item in spec["paths"].items()
                  for method, operation in item.items() if method in ("get", "post", "put", "patch", "delete")]
    assert operations
    assert [(path, method) for path, method, operation in operations if "security" not in operation] == []
    writes = [operation["security"] for _path, method, operation in operations if method != "get"]
    assert all(security in ([{"bearer": []}], []) for security in writes)
    headers = [response["headers"]["X-Pagination"] for _path, _method, operation in operations
               for response in operation["responses"].values() if "X-Pagination" in response.get("headers", {})]
    paginated = [operation for _path, _method, operation in operations
                 if any(parameter.get("name") == "page" for parameter in operation.get("parameters", []))]
    assert len(headers) == len(paginated)  # every paginated list documents X-Pagination (the programme has none)
    assert all(header["schema"] == {"type": "string"} for header in headers)


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_the_openapi_document_made_when_first_read_is_the_one_flask_smorest_makes_at_once(name, tmp_path,
                                                                                          monkeypatch):
    """The services' Api documents a blueprint's views when the document is first read; flask-smorest's own does it
    when the blueprint is registered. Every reader gets the same document: served, and read as ``api.spec`` (the
    ``flask openapi`` commands)."""
    import flask_smorest

    from services.messaging import web

    def made(kind):
        (tmp_path / kind).mkdir()
        app = _app(name, tmp_path / kind)
        return app, app.extensions["flask-smorest"]["apis"][""]["ext_obj"]

    lazy, lazy_api = made("lazy")
    read, read_api = made("read")
    assert lazy_api._undocumented and read_api._undocumented  # nothing documented yet
    served = lazy.test_client().get("/openapi.json").get_data(as_text=True)
    as_read = read_api.spec.to_dict()
    monkeypatch.setattr(web.Api, "register_blueprint", flask_smorest.Api.register_blueprint)
    eager, eager_api = made("eager")
    assert not eager_api._undocumented
    assert served == eager.test_client().get("/openapi.json").get_data(as_text=True)
    assert as_read == json.loads(served) and len(as_read["paths"]) >= 5


def test_every_text_a_request_body_takes_shows_its_limit_in_the_openapi_document(app):
    spec = app.test_client().get("/openapi.json").json
    schemas = spec["components"]["schemas"]
    taken = {body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
             for item in spec["paths"].values() for operation in item.values()
             if isinstance(operation, dict) and (body := operation.get("requestBody"))}
    strings = [(name, field, prop) for name in taken for field, prop in schemas[name].get("properties", {}).items()
               if prop.get("type") == "string" and not prop.get("readOnly")]
    assert strings
    unbounded = [(name, field) for name, field, prop in strings
                 if not {"maxLength", "enum", "format", "pattern"} & prop.keys()]
    assert unbounded == []


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_url_the_apps_build_is_the_one_werkzeugs_own_rules_build(name, tmp_path, monkeypatch):
    """The services' rules compile their URL builders when ``url_for`` first needs one; werkzeug's compile them when
    the rule is added. For every rule of every app both build the same URLs, with and without query arguments."""
    import werkzeug.routing

    from services.messaging.app import ServiceFlask

    def urls(kind):
        (tmp_path / kind).mkdir()
        app = _app(name, tmp_path / kind)
        adapter = app.url_map.bind("osl.example", url_scheme="https")
        built = {}
        for rule in app.url_map.iter_rules():
            # An argument a rule fixes by its defaults (one view under two URLs) is not given: the rule supplies it.
            values = {argument: _url_value(rule._converters[argument]) for argument in rule.arguments
                      if argument not in (rule.defaults or {})}
            built[rule.endpoint, rule.rule] = (adapter.build(rule.endpoint, values),
                                               adapter.build(rule.endpoint, {**values, "strona": "2 i 3"},
                                                             force_external=True))
        return app, built

    lazy_app, lazy = urls("lazy")
    assert sum(type(rule) is not werkzeug.routing.Rule for rule in lazy_app.url_map.iter_rules()) >= 20
    monkeypatch.setattr(ServiceFlask, "url_rule_class", werkzeug.routing.Rule)
    eager_app, eager = urls("eager")
    assert all(type(rule) is werkzeug.routing.Rule for rule in eager_app.url_map.iter_rules())
    assert len(lazy) >= 20 and lazy == eager


def _url_value(converter):
    """A value the converter takes: a number, the first of an ``any(…)``'s choices, or a text to be quoted."""
    if type(converter).__name__ == "IntegerConverter":
        return 7
    return sorted(getattr(converter, "items", ["ząb 1"]))[0]
