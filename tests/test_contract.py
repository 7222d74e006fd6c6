"""schemathesis against the four services' OpenAPI documents: the examples, coverage and fuzzing phases, with and
without credentials, a fixed seed and a bounded number of examples. Every answer must be a documented one: no server
error, and nothing that contradicts the document (status, content type, body or headers).

schemathesis' own engine runs the phases (its pytest plugin does not work with pytest 9); the apps are served
in-process through WSGI, on the filesystem bus, each on SQLite and on PostgreSQL.
"""

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from services.messaging.settings import BusSettings
from services.messaging.testing import PostgresDatabases
from tests.conftest import POSTGRES_URL, require_server

#: Slow: each run sends a few hundred requests; on a busy machine that takes minutes, past the suite's usual limit.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ADMIN_TOKEN = "contract-admin-token"
CONFIG = """
seed = 17
[cache]
# No cache of earlier runs: every run sends the same requests.
enabled = false
[generation]
max-examples = 5
mode = "all"
[phases.examples]
enabled = true
[phases.coverage]
enabled = true
[phases.fuzzing]
enabled = true
[phases.stateful]
enabled = false
[checks]
enabled = false
not_a_server_error.enabled = true
status_code_conformance.enabled = true
content_type_conformance.enabled = true
response_schema_conformance.enabled = true
response_headers_conformance.enabled = true
"""


def _app(service: str, folder, database_url: str):
    from services.events import create_app as events_app
    from services.notify import create_app as notify_app
    from services.partners import create_app as partners_app
    from services.programme import create_app as programme_app

    factory = {"partners": partners_app, "events": events_app, "notify": notify_app,
               "programme": programme_app}[service]
    bus = BusSettings(broker_url="filesystem://", bus_dir=folder / "bus", prefix="osl-contract")
    app = factory({"DATABASE_URL": database_url, "BUS": bus, "TESTING": True,
                   "ADMIN_TOKEN": ADMIN_TOKEN, "MAIL_DIR": folder / "mail"})
    app.extensions["osl"].upgrade_database()
    return app


def _failures(schema) -> list[str]:
    found = []
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.status == Status.FAILURE:
            for case_id, nodes in event.recorder.checks.items():
                case = event.recorder.cases[case_id].value
                for node in nodes:
                    if node.status == Status.FAILURE:
                        title = node.failure_info.failure.title if node.failure_info else ""
                        found.append(f"{node.name}: {case.method} {case.formatted_path} {title}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            found.append(f"error: {getattr(event, 'info', event)}")
    return sorted(set(found))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The service's database: a SQLite file, or a scratch PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/service.db"
        return
    require_server("PostgreSQL")
    databases = PostgresDatabases(POSTGRES_URL, label="contract")
    try:
        yield databases.new("service")
    finally:
        databases.drop_all()


@pytest.mark.parametrize("credentials", [False, True], ids=["anonymous", "admin"])
@pytest.mark.parametrize("service", ["partners", "events", "notify", "programme"])
def test_every_answer_is_documented_and_none_is_a_server_error(service, credentials, database_url, tmp_path):
    app = _app(service, tmp_path, database_url)
    try:
        config = SchemathesisConfig.from_str(CONFIG)
        if credentials:
            config.projects.default.headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        schema = schemathesis.openapi.from_wsgi("/openapi.json", app, config=config)
        assert _failures(schema) == []
    finally:
        app.extensions["osl"].database.dispose()
