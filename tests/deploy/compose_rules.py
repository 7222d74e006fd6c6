"""The rules test_compose.py checks docker-compose.yml, deploy/Dockerfile and their mounted files against.

Each rule is a function returning a list of problems, so a test can assert the real files have none and that a
broken copy has some. The helpers at the end run the tools the tests use and build the broken copies.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.deploy.facts import GUNICORN_CONF, REPO

MIGRATE = "migrate"
INFRA = {
    # service: (image, the start of its healthcheck test)
    "rabbitmq": ("rabbitmq:3-management", ["CMD", "rabbitmq-diagnostics", "-q", "ping"]),
    "postgres": ("postgres:16", ["CMD", "pg_isready"]),
    "mailpit": ("axllent/mailpit", ["CMD", "/mailpit", "readyz"]),
    "gateway": ("nginx:1.27-alpine", ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/healthz"]),
}
IMAGE = "osl:latest"
BUILD = {"context": ".", "dockerfile": "deploy/Dockerfile"}
# The osl/osl database and broker credentials are fixed by the lead for the compose network only;
# any other literal in a secret-looking place is a leak.
DEV_CREDENTIAL = "osl"
SECRET_KEY = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY$")
URL_PASSWORD = re.compile(r"://[^:/@]+:([^@]*)@")


def app_services(osl):
    return [*osl.PROCESSES, MIGRATE]


def environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def command(service):
    cmd = service.get("command")
    return cmd.split() if isinstance(cmd, str) else cmd


def healthcheck_test(service):
    test = (service.get("healthcheck") or {}).get("test")
    return test.split() if isinstance(test, str) else test


# --- rules -----------------------------------------------------------------------------------------


def image_problems(compose, osl):
    problems = []
    for name in app_services(osl):
        svc = compose["services"].get(name)
        if svc is None:
            problems.append(f"{name}: missing")
            continue
        if svc.get("image") != IMAGE or svc.get("build") != BUILD:
            problems.append(f"{name}: image/build must be {IMAGE} / {BUILD}")
        if environment(svc) != compose["x-osl-env"]:
            problems.append(f"{name}: environment is not the shared x-osl-env")
    for name, (image, _) in INFRA.items():
        if compose["services"].get(name, {}).get("image") != image:
            problems.append(f"{name}: image must be {image}")
    extra = set(compose["services"]) - set(app_services(osl)) - set(INFRA)
    if extra:
        problems.append(f"unexpected services {sorted(extra)}")
    return problems


def depends_on_problems(compose, osl):
    problems = []
    want_app = {
        "rabbitmq": "service_healthy",
        "postgres": "service_healthy",
        MIGRATE: "service_completed_successfully",
    }
    for name in app_services(osl):
        svc = compose["services"][name]
        want = {"postgres": "service_healthy"} if name == MIGRATE else dict(want_app)
        if name.startswith("notify-"):
            want["mailpit"] = "service_healthy"
        deps = svc.get("depends_on")
        if not isinstance(deps, dict):
            problems.append(f"{name}: depends_on must be a mapping with conditions, got {deps!r}")
            continue
        got = {dep: (spec or {}).get("condition") for dep, spec in deps.items()}
        if got != want:
            problems.append(f"{name}: depends_on {got}, expected {want}")
        for dep, condition in got.items():
            if condition == "service_healthy" and not compose["services"].get(dep, {}).get("healthcheck"):
                problems.append(f"{name}: waits for {dep} to be healthy, but {dep} has no healthcheck")
    return problems


def python_c_problems(name, test):
    """A `python -c` healthcheck must at least compile."""
    if test[1:3] != ["python", "-c"] or len(test) != 4:
        return []
    try:
        compile(test[3], f"<{name} healthcheck>", "exec")
    except SyntaxError as exc:
        return [f"{name}: healthcheck code does not compile: {exc}"]
    return []


def healthcheck_problems(compose, osl):
    problems = []
    for name, svc in compose["services"].items():
        hc, test = svc.get("healthcheck"), healthcheck_test(svc)
        if name == MIGRATE:
            if hc:
                problems.append(f"{name}: a one-shot job needs no healthcheck")
            continue
        if not hc or hc.get("disable") or not test or test[0] not in ("CMD", "CMD-SHELL"):
            problems.append(f"{name}: no working healthcheck ({hc!r})")
            continue
        problems += python_c_problems(name, test)
        if name in INFRA and test[: len(INFRA[name][1])] != INFRA[name][1]:
            problems.append(f"{name}: healthcheck should start {INFRA[name][1]}, got {test}")
        role = osl.PROCESSES.get(name, (None, None))[1]
        if role == "web":
            port = osl.PORTS[osl.PROCESSES[name][0]]
            url = f"http://127.0.0.1:{port}/healthz"
            code = test[3] if test[1:3] == ["python", "-c"] and len(test) == 4 else ""
            if "urllib.request.urlopen" not in code or url not in code:
                problems.append(f"{name}: healthcheck must GET {url} with python urllib, got {test}")
    return problems


def restart_problems(compose, osl):
    problems = []
    for name, svc in compose["services"].items():
        want = "no" if name == MIGRATE else "unless-stopped"
        if str(svc.get("restart", "no")) != want:
            problems.append(f"{name}: restart {svc.get('restart')!r}, expected {want!r}")
    return problems


def command_problems(compose, osl):
    problems = []
    for name, expect in osl.PROCESSES.items():
        svc = compose["services"][name]
        problems += [f"{name}: {p}" for p in osl.argv_problems(command(svc), expect)]
        if expect[1] == "web":
            port = osl.PORTS[expect[0]]
            if svc.get("ports") != [f"127.0.0.1:{port}:{port}"]:
                problems.append(f"{name}: publish 127.0.0.1:{port}:{port}, got {svc.get('ports')}")
    cmd = command(compose["services"][MIGRATE])
    problems += [f"{MIGRATE}: {p}" for p in osl.argv_problems(cmd)]
    if cmd[:2] != ["sh", "-c"] or osl.shell_steps(cmd[2]) != osl.MIGRATE_STEPS:
        problems.append(f"{MIGRATE}: must run `sh -c` with the steps {osl.MIGRATE_STEPS}")
    return problems


def secret_problems(compose, osl):
    problems = []
    token = compose["x-osl-env"].get("OSL_ADMIN_TOKEN")
    if not re.fullmatch(r"\$\{OSL_ADMIN_TOKEN:\?[^}]+\}", str(token)):
        problems.append(f"OSL_ADMIN_TOKEN must be ${{OSL_ADMIN_TOKEN:?message}}, got {token!r}")
    places = {"x-osl-env": compose["x-osl-env"]}
    places.update({name: environment(svc) for name, svc in compose["services"].items()})
    for place, env in places.items():
        for key, value in env.items():
            value = "" if value is None else str(value)
            # ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}
            interpolated = re.fullmatch(r"\$\{\w+(?:(:?[-?])(.*))?\}", value)
            if SECRET_KEY.search(key):
                op, arg = interpolated.groups() if interpolated else (None, None)
                no_default = interpolated and (op is None or "?" in op or arg == "")
                if not (no_default or value == DEV_CREDENTIAL):
                    problems.append(f"{place}: {key} holds a literal or a default secret: {value!r}")
            for password in URL_PASSWORD.findall(value):
                if password != DEV_CREDENTIAL:
                    problems.append(f"{place}: {key} has a password in its URL: {value!r}")
    return problems


def gateway_problems(compose, osl):
    """The nginx gateway is given every variable its template names, and the feed cache token it shares with the
    events app is the events app's own, required (no default: a known token lets anyone skip the app's feed cache)."""
    problems = []
    env = environment(compose["services"]["gateway"])
    template = (REPO / "deploy/nginx/osl.conf.template").read_text()
    for name in sorted(set(re.findall(r"\$\{(\w+)\}", template)) - set(env)):
        problems.append(f"gateway: the template names ${{{name}}}, which its environment does not set")
    for name in sorted(osl.GATEWAY_ENV):
        value = str(env.get(name))
        if not re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", value):
            problems.append(f"gateway: {name} must be ${{{name}:?message}}, got {value!r}")
        if value != str(compose["x-osl-env"].get(name)):
            problems.append(f"gateway: {name} is not the events app's (x-osl-env)")
    return problems


def env_problems(compose, osl):
    env = compose["x-osl-env"]
    problems = []
    if set(env) != osl.ENV:
        problems.append(f"x-osl-env: missing {sorted(osl.ENV - set(env))}, unknown {sorted(set(env) - osl.ENV)}")
    for svc in osl.PORTS:
        want = f"postgresql+psycopg://osl:osl@postgres:5432/osl_{svc}"
        if env.get(f"{svc.upper()}_DATABASE_URL") != want:
            problems.append(f"{svc.upper()}_DATABASE_URL must be {want}")
    if env.get("BROKER_URL") != "amqp://osl:osl@rabbitmq:5672//":
        problems.append("BROKER_URL must be amqp://osl:osl@rabbitmq:5672//")
    pg = environment(compose["services"]["postgres"])
    if (pg.get("POSTGRES_USER"), pg.get("POSTGRES_PASSWORD")) != ("osl", "osl"):
        problems.append("postgres: POSTGRES_USER/POSTGRES_PASSWORD must be osl/osl, as in the URLs")
    return problems


def mount_problems(compose, repo):
    """The infrastructure mounts the repository's files where the images look for them."""
    problems = []
    mounts = {}
    for name in ("rabbitmq", "postgres"):
        for volume in compose["services"][name].get("volumes", []):
            source, target = volume.split(":")[:2]
            if source.startswith("./"):
                mounts[source[2:]] = target
                if not (repo / source).is_file():
                    problems.append(f"{name}: mounts {source}, which does not exist")
    definitions = mounts.get("deploy/rabbitmq/definitions.json")
    conf = mounts.get("deploy/rabbitmq/rabbitmq.conf", "")
    if not definitions:
        problems.append("rabbitmq: deploy/rabbitmq/definitions.json is not mounted")
    if not re.fullmatch(r"/etc/rabbitmq/(rabbitmq\.conf|conf\.d/[\w.-]+\.conf)", conf):
        problems.append(f"rabbitmq: rabbitmq.conf must be mounted as a config file, got {conf!r}")
    conf_text = (repo / "deploy/rabbitmq/rabbitmq.conf").read_text()
    if f"load_definitions = {definitions}" not in conf_text.splitlines():
        problems.append(f"rabbitmq.conf must say `load_definitions = {definitions}`")
    init = mounts.get("deploy/postgres/init-databases.sh", "")
    if not re.fullmatch(r"/docker-entrypoint-initdb\.d/[\w.-]+\.sh", init):
        problems.append(f"postgres: init-databases.sh must be in /docker-entrypoint-initdb.d/, got {init!r}")
    return problems


def duplicate_key_problems(text):
    """PyYAML keeps the last of two equal keys silently; a repeated service name would hide the first."""
    problems = []

    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.value != "<<"]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            problems.append(f"line {node.start_mark.line + 1}: duplicate keys {dupes}")
        return loader.construct_mapping(node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    yaml.load(text, Loader=Strict)
    return problems


def dockerfile_problems(text, dockerignore):
    steps = []  # (INSTRUCTION, arguments), continuation lines joined
    for line in re.sub(r"\\\n", " ", text).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            op, _, arg = line.partition(" ")
            steps.append((op.upper(), arg.strip()))
    ops = [op for op, _ in steps]
    problems = []
    if steps[:1] != [("FROM", "python:3.11-slim")] or ops.count("FROM") != 1:
        problems.append("one stage, FROM python:3.11-slim")
    copies = [arg.split()[0] for op, arg in steps if op == "COPY"]
    if "pyproject.toml" not in copies or "services" not in copies:
        problems.append(f"must COPY pyproject.toml and services, copies {copies}")
    install = [i for i, (op, arg) in enumerate(steps) if op == "RUN" and "pip install --no-cache-dir ." in arg]
    users = [(i, arg) for i, (op, arg) in enumerate(steps) if op == "USER"]
    if not install:
        problems.append("no `RUN pip install --no-cache-dir .`")
    if not users or users[-1][1].split(":")[0] in ("root", "0") or (install and users[-1][0] < install[0]):
        problems.append(f"must end as a non-root USER after installing, USER lines: {users}")
    if "CMD" not in ops or "ENTRYPOINT" not in ops:
        problems.append("needs an ENTRYPOINT (tini) and a default CMD")
    patterns = [line.strip() for line in dockerignore.splitlines() if line.strip() and not line.startswith("#")]
    allowed = {p.lstrip("!").rstrip("/") for p in patterns if p.startswith("!")}
    if patterns[:1] != ["*"]:
        problems.append(".dockerignore must start by excluding everything (*), then allow what COPY needs")
    for source in copies:
        if source.rstrip("/") not in allowed:
            problems.append(f"COPY {source}: not allowed by .dockerignore (add !{source})")
    return problems


# --- helpers ---------------------------------------------------------------------------------------


def check_jsonschema(path: Path):
    """The check-jsonschema CLI from this interpreter's environment; its compose schema is vendored."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_init_script(repo, tmp_path, psql_exit=0):
    """Run init-databases.sh with a stand-in psql that records its arguments."""
    bin_dir, log = tmp_path / "bin", tmp_path / "psql.log"
    bin_dir.mkdir()
    psql = bin_dir / "psql"
    psql.write_text(
        f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done >> "{log}"\necho --- >> "{log}"\nexit {psql_exit}\n'
    )
    psql.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "POSTGRES_USER": "osl", "POSTGRES_DB": "osl"}
    result = subprocess.run(
        ["sh", str(repo / "deploy/postgres/init-databases.sh")], env=env, capture_output=True, text=True
    )
    calls = [c.strip().splitlines() for c in log.read_text().split("---") if c.strip()] if log.exists() else []
    return result, calls


def _set(path, value):
    def mutate(compose):
        *parents, last = path
        node = compose
        for key in parents:
            node = node[key]
        if value is KeyError:
            del node[last]
        else:
            node[last] = value

    return mutate


def gunicorn(svc, port, conf=GUNICORN_CONF):
    return ["gunicorn", "-c", conf, "--bind", f"0.0.0.0:{port}", f"services.{svc}:create_app()"]


def script(steps, set_e=True):
    return ["sh", "-c", "; ".join((["set -e"] if set_e else []) + [" ".join(step) for step in steps])]
