"""Shared by the deployment tests: where the repository is, and what the lead fixed about OSL's processes.

A plain module rather than a conftest, so the tests still work under `pytest --noconftest` (the suite's root
conftest needs the application's dependencies; these tests need only check-jsonschema and kubernetes-validate).
The tests read files only; none needs Docker, a cluster or the network.
"""

import json
import shlex
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


class Osl:
    """What the lead fixed about OSL's processes, and a checker for command lines."""

    PORTS = {"partners": 8001, "events": 8002, "notify": 8003, "programme": 8004}
    # `python -m services.<svc> <command>`: which service has which command.
    COMMANDS = {
        "partners": {"db", "relay", "consume", "seed", "replay", "dead-letters"},
        "events": {"db", "relay", "consume", "import", "replay", "dead-letters"},
        "notify": {"db", "relay", "consume", "send", "replay", "dead-letters"},
        "programme": {"db", "consume", "seed", "purge", "dead-letters"},
    }
    SUBCOMMANDS = {"db": {"upgrade"}, "dead-letters": {"list", "requeue"}}
    # Every long-running process, as named in docker-compose.yml and in the Kubernetes Deployments.
    PROCESSES = {
        "partners-web": ("partners", "web"),
        "partners-relay": ("partners", "relay"),
        "partners-consumer": ("partners", "consume"),
        "events-web": ("events", "web"),
        "events-relay": ("events", "relay"),
        "events-consumer": ("events", "consume"),
        "events-import": ("events", "import"),
        "notify-web": ("notify", "web"),
        "notify-relay": ("notify", "relay"),
        "notify-consumer": ("notify", "consume"),
        "notify-sender": ("notify", "send"),
        "programme-web": ("programme", "web"),
        "programme-consumer": ("programme", "consume"),
    }
    # The one-shot migration, in compose and in the Kubernetes Job.
    MIGRATE_STEPS = [
        ["python", "-m", "services.partners", "db", "upgrade"],
        ["python", "-m", "services.events", "db", "upgrade"],
        ["python", "-m", "services.notify", "db", "upgrade"],
        ["python", "-m", "services.programme", "db", "upgrade"],
        ["python", "-m", "services.partners", "seed"],
        ["python", "-m", "services.programme", "seed"],
    ]
    ENV = {
        "PARTNERS_DATABASE_URL",
        "EVENTS_DATABASE_URL",
        "NOTIFY_DATABASE_URL",
        "PROGRAMME_DATABASE_URL",
        "BROKER_URL",
        "OSL_BUS_PREFIX",
        "OSL_ADMIN_TOKEN",
        "PARTNERS_BASE_URL",
        "EVENTS_BASE_URL",
        "NOTIFY_BASE_URL",
        "PROGRAMME_BASE_URL",
        "STAFF_BASE_URL",
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_USER",
        "SMTP_PASSWORD",
        "SMTP_SECURITY",
        "MAIL_FROM",
        "LOG_LEVEL",
        "OSL_DATA_DIR",
        "PUBLIC_HOST",
        "NOTIFY_SECRET_KEY",
        "PARTNERS_SECRET_KEY",
        "EVENTS_SECRET_KEY",
        "PROGRAMME_SECRET_KEY",
        "OSL_TRUSTED_PROXIES",
        "LOG_FORMAT",
        "OSL_METRICS_PORT",
        "OSL_METRICS_HOST",
        "FEED_CACHE_TOKEN",
    }
    #: Only where the nginx gateway (deploy/nginx/osl.conf.template) runs, which shares it with the events app:
    #: compose. Kubernetes has no such gateway (its Ingress keeps no feeds), so there no request is the gateway's.
    GATEWAY_ENV = {"FEED_CACHE_TOKEN"}
    SECRET_ENV = {
        "PARTNERS_DATABASE_URL",
        "EVENTS_DATABASE_URL",
        "NOTIFY_DATABASE_URL",
        "PROGRAMME_DATABASE_URL",
        "BROKER_URL",
        "OSL_ADMIN_TOKEN",
        "NOTIFY_SECRET_KEY",
        "PARTNERS_SECRET_KEY",
        "EVENTS_SECRET_KEY",
        "PROGRAMME_SECRET_KEY",
        "SMTP_USER",
        "SMTP_PASSWORD",
    }

    @classmethod
    def shell_steps(cls, script):
        """The commands of a `sh -c` script written as `set -e; cmd; cmd` (one command per `;`)."""
        steps = [shlex.split(part) for part in script.replace("&&", ";").replace("\n", ";").split(";")]
        return [s for s in steps if s and s != ["set", "-e"]]

    @classmethod
    def argv_problems(cls, argv, expect=None):
        """Problems with one container command line; `expect` is the (service, role) it must run."""
        argv = [str(a) for a in argv or []]
        if argv[:1] == ["gunicorn"]:
            return cls._gunicorn_problems(argv, expect)
        if argv[:2] == ["sh", "-c"] and len(argv) == 3:
            problems = [] if expect is None else [f"{argv}: a shell script where {expect} was expected"]
            if "set -e" not in argv[2]:
                problems.append(f"{argv[2]!r}: no `set -e`, so a failed step would not stop the script")
            for step in cls.shell_steps(argv[2]):
                problems += cls.argv_problems(step)
            return problems
        if argv[:2] != ["python", "-m"] or len(argv) < 4 or not argv[2].startswith("services."):
            return [f"{argv}: neither gunicorn, `sh -c` nor `python -m services.<svc> <command>`"]
        svc, command, rest = argv[2].removeprefix("services."), argv[3], argv[4:]
        if svc not in cls.COMMANDS:
            return [f"{argv}: no service {svc!r}"]
        if command not in cls.COMMANDS[svc]:
            return [f"{argv}: {svc} has no command {command!r}"]
        if command in cls.SUBCOMMANDS and (len(rest) != 1 or rest[0] not in cls.SUBCOMMANDS[command]):
            return [f"{argv}: {command} takes one of {sorted(cls.SUBCOMMANDS[command])}"]
        if command not in cls.SUBCOMMANDS and rest:
            return [f"{argv}: unexpected arguments {rest}"]
        if expect is not None and expect != (svc, command):
            return [f"{argv}: runs {(svc, command)}, expected {expect}"]
        return []

    @classmethod
    def _gunicorn_problems(cls, argv, expect):
        opts, app = argv[1:-1], argv[-1]
        svc = app.removeprefix("services.").removesuffix(":create_app()")
        if app != f"services.{svc}:create_app()" or svc not in cls.PORTS:
            return [f"{argv}: the app must be 'services.<svc>:create_app()', got {app!r}"]
        want = ["-c", GUNICORN_CONF, "--bind", f"0.0.0.0:{cls.PORTS[svc]}"]
        problems = [] if opts == want else [f"{argv}: options must be {want}"]
        if expect is not None and expect != (svc, "web"):
            problems.append(f"{argv}: runs the {svc} web app, expected {expect}")
        return problems


#: gunicorn's settings for every web app, as in `make run` (gthread workers, multiprocess metrics, no access log).
GUNICORN_CONF = "python:services.messaging.gunicorn_conf"


def load_compose():
    """docker-compose.yml as data, merge keys resolved, as a fresh copy on every call.

    The JSON round trip unshares the objects YAML aliases share, so a test can change one service alone.
    """
    return json.loads(json.dumps(yaml.safe_load((REPO / "docker-compose.yml").read_text())))


def assert_rule_catches(rule, mutate, files, osl) -> None:
    """``rule`` finds nothing in the real ``files``, and something once ``mutate`` has broken them: a rule that
    cannot fail proves nothing."""
    assert rule(files, osl) == [], "the real files must pass before the broken copy means anything"
    mutate(files)
    assert rule(files, osl) != []
