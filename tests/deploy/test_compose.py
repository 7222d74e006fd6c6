"""docker-compose.yml, deploy/Dockerfile and the RabbitMQ/PostgreSQL files it mounts.

Each rule is a function returning a list of problems. A test asserts the real files have none, and
test_each_rule_catches_its_mistake breaks a copy of the file on purpose to prove each rule can fail.
"""

import json
import subprocess

import pytest

from tests.deploy.compose_rules import (
    _set,
    check_jsonschema,
    command_problems,
    depends_on_problems,
    dockerfile_problems,
    duplicate_key_problems,
    env_problems,
    gateway_problems,
    gunicorn,
    healthcheck_problems,
    image_problems,
    mount_problems,
    restart_problems,
    run_init_script,
    script,
    secret_problems,
)
from tests.deploy.facts import REPO, Osl, assert_rule_catches, load_compose


@pytest.fixture()
def osl():
    return Osl


@pytest.fixture()
def repo():
    return REPO


@pytest.fixture()
def compose_text():
    return (REPO / "docker-compose.yml").read_text()


@pytest.fixture()
def compose():
    return load_compose()


# --- the real files --------------------------------------------------------------------------------


def test_compose_file_matches_the_compose_spec(repo):
    result = check_jsonschema(repo / "docker-compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_compose_file(repo, compose_text, tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(compose_text.replace("    healthcheck: *worker-healthcheck", "    healthcheck: every 30s", 1))
    result = check_jsonschema(broken)
    assert result.returncode != 0, "check-jsonschema accepted a healthcheck that is a plain string"


def test_no_version_key(compose):
    assert "version" not in compose


def test_no_duplicate_keys(compose_text):
    assert duplicate_key_problems(compose_text) == []
    repeated = compose_text.replace("  events-relay:", "  events-web:", 1)
    assert duplicate_key_problems(repeated) != []


@pytest.mark.parametrize("rule", [image_problems, depends_on_problems, healthcheck_problems, restart_problems,
                                  command_problems, secret_problems, env_problems, gateway_problems],
                         ids=lambda rule: rule.__name__)
def test_the_compose_file_keeps_each_rule(compose, osl, rule):
    """One image for the app services, depends_on conditions, a healthcheck for all but migrate, restart policies,
    real CLI commands, no committed secret, the environment each process needs (the gateway's too)."""
    assert rule(compose, osl) == []


def test_mounts(compose, repo):
    assert mount_problems(compose, repo) == []


def test_dockerfile(repo):
    text = (repo / "deploy/Dockerfile").read_text()
    assert dockerfile_problems(text, (repo / ".dockerignore").read_text()) == []


@pytest.mark.parametrize("script", ["deploy/postgres/init-databases.sh", "deploy/osl-help.sh"])
def test_shell_scripts_parse(repo, script):
    result = subprocess.run(["sh", "-n", str(repo / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_sh_n_rejects_a_broken_script(tmp_path):
    broken = tmp_path / "broken.sh"
    broken.write_text("for db in a b; do\n  echo $db\n")  # no `done`
    assert subprocess.run(["sh", "-n", str(broken)], capture_output=True).returncode != 0


def test_init_script_creates_one_database_per_service(repo, tmp_path):
    result, calls = run_init_script(repo, tmp_path)
    assert result.returncode == 0, result.stderr
    sql = [call[call.index("-c") + 1] for call in calls]
    assert sql == [f'CREATE DATABASE "osl_{svc}" OWNER "osl"' for svc in ("partners", "events", "notify", "programme")]
    assert all("ON_ERROR_STOP=1" in call for call in calls)


def test_init_script_stops_at_the_first_failure(repo, tmp_path):
    result, calls = run_init_script(repo, tmp_path, psql_exit=1)
    assert result.returncode != 0
    assert len(calls) == 1


def test_rabbitmq_definitions(repo):
    definitions = json.loads((repo / "deploy/rabbitmq/definitions.json").read_text())
    assert {"name": "/"} in definitions["vhosts"]
    users = {u["name"]: u for u in definitions["users"]}
    assert users["osl"]["password"] == "osl"  # the credential BROKER_URL uses
    assert "tags" in users["osl"]  # RabbitMQ refuses to import a user without tags
    assert {"user": "osl", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"} in definitions["permissions"]


# --- every rule can fail ---------------------------------------------------------------------------


S = "services"
MISTAKES = {
    "relay without healthcheck": (healthcheck_problems, _set([S, "events-relay", "healthcheck"], KeyError)),
    "disabled web healthcheck": (healthcheck_problems, _set([S, "notify-web", "healthcheck", "disable"], True)),
    "web healthcheck on the wrong port": (
        healthcheck_problems,
        _set(
            [S, "partners-web", "healthcheck", "test"],
            ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8002/healthz')"],
        ),
    ),
    "worker healthcheck that cannot compile": (
        healthcheck_problems,
        _set([S, "events-consumer", "healthcheck", "test"], ["CMD", "python", "-c", "import os,"]),
    ),
    "postgres healthcheck missing": (healthcheck_problems, _set([S, "postgres", "healthcheck"], KeyError)),
    "migrate that restarts": (restart_problems, _set([S, "migrate", "restart"], "unless-stopped")),
    "consumer without restart policy": (restart_problems, _set([S, "events-consumer", "restart"], KeyError)),
    "web not waiting for migrate to finish": (
        depends_on_problems,
        _set([S, "partners-web", "depends_on", "migrate", "condition"], "service_started"),
    ),
    "notify consumer not waiting for mailpit": (
        depends_on_problems,
        _set([S, "notify-consumer", "depends_on", "mailpit"], KeyError),
    ),
    "depends_on as a bare list": (
        depends_on_problems,
        _set([S, "events-web", "depends_on"], ["rabbitmq", "postgres", "migrate"]),
    ),
    "waiting for a healthcheck that is gone": (depends_on_problems, _set([S, "rabbitmq", "healthcheck"], KeyError)),
    "another image": (image_problems, _set([S, "events-consumer", "image"], "osl:dev")),
    "another Dockerfile": (image_problems, _set([S, "notify-relay", "build", "dockerfile"], "Dockerfile")),
    "RabbitMQ without the management UI": (image_problems, _set([S, "rabbitmq", "image"], "rabbitmq:3")),
    "own environment": (image_problems, _set([S, "partners-relay", "environment"], {"LOG_LEVEL": "DEBUG"})),
    "partners has no consumer": (
        command_problems,
        _set([S, "partners-relay", "command"], ["python", "-m", "services.partners", "consume"]),
    ),
    "misspelt command": (
        command_problems,
        _set([S, "events-consumer", "command"], ["python", "-m", "services.events", "consumer"]),
    ),
    "web runs another app": (command_problems, _set([S, "notify-web", "command"], gunicorn("events", 8003))),
    "gunicorn settings changed": (
        command_problems, _set([S, "events-web", "command"], gunicorn("events", 8002, "python:other"))),
    "migrate forgets the seed": (command_problems, _set([S, "migrate", "command"], script(Osl.MIGRATE_STEPS[:-1]))),
    "migrate without set -e": (command_problems, _set([S, "migrate", "command"], script(Osl.MIGRATE_STEPS, False))),
    "literal admin token": (secret_problems, _set(["x-osl-env", "OSL_ADMIN_TOKEN"], "s3cr3t-t0ken")),
    "admin token with a default": (
        secret_problems,
        _set(["x-osl-env", "OSL_ADMIN_TOKEN"], "${OSL_ADMIN_TOKEN:-changeme}"),
    ),
    "literal SMTP password": (secret_problems, _set(["x-osl-env", "SMTP_PASSWORD"], "hunter2")),
    "real password in the broker URL": (
        secret_problems,
        _set(["x-osl-env", "BROKER_URL"], "amqp://osl:Pa55word@rabbitmq:5672//"),
    ),
    "variable missing": (env_problems, _set(["x-osl-env", "LOG_LEVEL"], KeyError)),
    "feed cache token missing": (env_problems, _set(["x-osl-env", "FEED_CACHE_TOKEN"], KeyError)),
    "gateway without the feed cache token": (
        gateway_problems, _set([S, "gateway", "environment", "FEED_CACHE_TOKEN"], KeyError)),
    "gateway without an upstream": (gateway_problems, _set([S, "gateway", "environment", "EVENTS_UPSTREAM"], KeyError)),
    "feed cache token with a default": (
        gateway_problems, _set([S, "gateway", "environment", "FEED_CACHE_TOKEN"], "${FEED_CACHE_TOKEN:-nginx}")),
    "gateway with another feed cache token": (
        gateway_problems, _set([S, "gateway", "environment", "FEED_CACHE_TOKEN"], "${GATEWAY_TOKEN:?set it}")),
    "literal feed cache token": (secret_problems, _set(["x-osl-env", "FEED_CACHE_TOKEN"], "nginx")),
    "events on the partners database": (
        env_problems,
        _set(["x-osl-env", "EVENTS_DATABASE_URL"], "postgresql+psycopg://osl:osl@postgres:5432/osl_partners"),
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_rule_catches_its_mistake(compose, osl, mistake):
    assert_rule_catches(*MISTAKES[mistake], compose, osl)


@pytest.mark.parametrize(
    "volume, replacement",
    [
        ("./deploy/rabbitmq/definitions.json:/etc/rabbitmq/definitions.json:ro", None),
        (
            "./deploy/postgres/init-databases.sh:/docker-entrypoint-initdb.d/10-init-databases.sh:ro",
            "./deploy/postgres/init-databases.sh:/docker-entrypoint-initdb.d.bak/10-init-databases.sh:ro",
        ),
        (
            "./deploy/rabbitmq/rabbitmq.conf:/etc/rabbitmq/conf.d/20-osl.conf:ro",
            "./deploy/rabbitmq/rabbitmq.config:/etc/rabbitmq/conf.d/20-osl.conf:ro",
        ),
    ],
)
def test_mount_rule_catches_a_wrong_mount(compose, repo, volume, replacement):
    service = compose["services"]["rabbitmq" if "rabbitmq" in volume else "postgres"]
    volumes = service["volumes"]
    volumes[volumes.index(volume) : volumes.index(volume) + 1] = [replacement] if replacement else []
    assert mount_problems(compose, repo) != []


@pytest.mark.parametrize(
    "old, new",
    [
        ("USER 10001:10001", "USER root"),
        ("USER 10001:10001", ""),
        ("FROM python:3.11-slim", "FROM python:3.12-slim"),
        ("pip install --no-cache-dir .", "pip install ."),
        ('CMD ["sh", "/usr/local/bin/osl-help"]', ""),
        ("COPY deploy/osl-help.sh", "COPY deploy/other.sh"),
    ],
)
def test_dockerfile_rule_catches_a_mistake(repo, old, new):
    text = (repo / "deploy/Dockerfile").read_text()
    assert old in text
    assert dockerfile_problems(text.replace(old, new), (repo / ".dockerignore").read_text()) != []
