"""The rules test_kubernetes.py checks deploy/k8s against beyond the schemas, and the manifests they read.

Each rule returns a list of problems, so a test can assert the real manifests have none and a broken copy has some.
The schemas (and ``schema_problems``) are in kubernetes_schemas.py.
"""

import json
import re

import yaml

from tests.deploy.facts import REPO
from tests.deploy.kubernetes_schemas import CRD_KIND, ident, kind_of, schema_problems

K8S_DIR = REPO / "deploy/k8s"
SECRET_TEMPLATE = "secret.template.yaml"
NAMESPACE = "osl"


def load_manifests():
    """(file name, document) for every manifest in deploy/k8s except the kustomization."""
    found = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            found += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


MANIFESTS = load_manifests()


def by_kind(docs, kind):
    return {doc["metadata"]["name"]: doc for _, doc in docs if doc["kind"] == kind}


def only_container(deployment):
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, f"{ident(deployment)}: one container per pod"
    return containers[0]


def kustomization():
    return yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())


# --- rules -----------------------------------------------------------------------------------------


def process_problems(docs, osl):
    """One Deployment per OSL process, each running the right command through the image's tini."""
    problems = []
    deployments = by_kind(docs, "Deployment")
    if set(deployments) != set(osl.PROCESSES):
        problems.append(f"Deployments {sorted(deployments)}, expected {sorted(osl.PROCESSES)}")
    for name, deployment in deployments.items():
        container = only_container(deployment)
        if "command" in container:
            problems.append(f"{name}: sets `command`, which replaces the image's tini entrypoint; use args")
        problems += [f"{name}: {p}" for p in osl.argv_problems(container.get("args"), osl.PROCESSES.get(name))]
    return problems


def pod_problems(docs, osl):
    """Every OSL container: same image, the shared config and secret, resources, not root."""
    problems = []
    pods = [(ident(d), d["spec"]["template"]["spec"]) for _, d in docs if d["kind"] in ("Deployment", "Job")]
    for name, pod in pods:
        container = pod["containers"][0]
        if container.get("image") != "osl:latest":
            problems.append(f"{name}: image {container.get('image')!r}, expected osl:latest")
        refs = [
            (ref.get("configMapRef") or {}).get("name") or (ref.get("secretRef") or {}).get("name")
            for ref in container.get("envFrom", [])
        ]
        if refs != ["osl-config", "osl-secrets"]:
            problems.append(f"{name}: envFrom {refs}, expected osl-config then osl-secrets")
        resources = container.get("resources", {})
        for part in ("requests", "limits"):
            if set(resources.get(part, {})) != {"cpu", "memory"}:
                problems.append(f"{name}: resources.{part} must set cpu and memory")
        security = pod.get("securityContext", {})
        if not security.get("runAsNonRoot") or security.get("runAsUser") in (None, 0):
            problems.append(f"{name}: must run as a non-root uid")
    return problems


def web_problems(docs, osl):
    """Webs: readiness on /readyz, liveness on /healthz, a Service selecting their pods."""
    problems = []
    deployments, services = by_kind(docs, "Deployment"), by_kind(docs, "Service")
    for name, (svc, role) in osl.PROCESSES.items():
        if role != "web" or name not in deployments:
            continue
        container = only_container(deployments[name])
        ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
        if ports != {"http": osl.PORTS[svc]}:
            problems.append(f"{name}: container port must be http={osl.PORTS[svc]}, got {ports}")
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            get = (container.get(probe) or {}).get("httpGet") or {}
            if get.get("path") != path or get.get("port") not in ("http", osl.PORTS[svc]):
                problems.append(f"{name}: {probe} must GET {path} on the http port, got {get}")
        service = services.get(name)
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        if service is None:
            problems.append(f"{name}: no Service")
        elif not service["spec"].get("selector") or not service["spec"]["selector"].items() <= labels.items():
            problems.append(f"Service {name}: selector {service['spec'].get('selector')} misses the pods {labels}")
        elif [p.get("targetPort") for p in service["spec"]["ports"]] not in (["http"], [osl.PORTS[svc]]):
            problems.append(f"Service {name}: must target the http port")
    for name, deployment in deployments.items():
        selector = deployment["spec"]["selector"]["matchLabels"]
        if not selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items():
            problems.append(f"{name}: selector does not match its own pod labels")
    return problems


def relay_problems(docs, osl):
    """A relay publishes its outbox in order: one pod, never two during an update."""
    problems = []
    for name, deployment in by_kind(docs, "Deployment").items():
        if osl.PROCESSES.get(name, (None, None))[1] != "relay":
            continue
        spec = deployment["spec"]
        if spec.get("replicas") != 1 or spec.get("strategy", {}).get("type") != "Recreate":
            problems.append(
                f"{name}: needs replicas: 1 and strategy Recreate, got {spec.get('replicas')}, {spec.get('strategy')}"
            )
    return problems


def hpa_problems(docs, osl):
    """autoscaling/v2 HPAs for events-web and notify-consumer; their targets leave replicas to the HPA."""
    problems = []
    hpas, deployments = by_kind(docs, "HorizontalPodAutoscaler"), by_kind(docs, "Deployment")
    targets = set()
    for name, hpa in hpas.items():
        ref = hpa["spec"]["scaleTargetRef"]
        targets.add(ref["name"])
        if hpa["apiVersion"] != "autoscaling/v2":
            problems.append(f"HPA {name}: use autoscaling/v2")
        if (ref.get("apiVersion"), ref.get("kind")) != ("apps/v1", "Deployment") or ref["name"] not in deployments:
            problems.append(f"HPA {name}: targets {ref}, which is not one of the Deployments")
            continue
        if not 1 <= hpa["spec"].get("minReplicas", 1) <= hpa["spec"]["maxReplicas"]:
            problems.append(f"HPA {name}: minReplicas must be between 1 and maxReplicas")
        target = deployments[ref["name"]]
        if "replicas" in target["spec"]:
            problems.append(f"{ref['name']}: sets replicas, which fights the HPA on every apply")
        if "cpu" not in only_container(target).get("resources", {}).get("requests", {}):
            problems.append(f"{ref['name']}: a CPU-scaled Deployment needs a CPU request")
    if targets != SCALED:
        problems.append(f"HPAs target {sorted(targets)}, expected {sorted(SCALED)}")
    return problems


#: What a HorizontalPodAutoscaler scales: every web app, and the consumer and sender that send notices.
SCALED = {"partners-web", "events-web", "notify-web", "programme-web", "notify-consumer", "notify-sender"}


def pdb_problems(docs, osl):
    """A PodDisruptionBudget (policy/v1) for every process that runs more than once: one pod down at a time."""
    problems = []
    deployments = by_kind(docs, "Deployment")
    budgets = by_kind(docs, "PodDisruptionBudget")
    several = SCALED | {name for name, d in deployments.items() if d["spec"].get("replicas", 1) > 1}
    for name in sorted(several):
        budget = budgets.get(name)
        if budget is None:
            problems.append(f"{name}: no PodDisruptionBudget")
            continue
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        if not budget["spec"].get("selector", {}).get("matchLabels", {}).items() <= labels.items():
            problems.append(f"PodDisruptionBudget {name}: its selector misses the pods")
        if budget["spec"].get("maxUnavailable") != 1 and "minAvailable" not in budget["spec"]:
            problems.append(f"PodDisruptionBudget {name}: say how many pods may be down")
    for name in set(budgets) - several:
        problems.append(f"PodDisruptionBudget {name}: guards no process that runs more than once")
    return problems


def _gateway_routes() -> set[tuple[str, str]]:
    """(path as an Ingress regex, Service) for every location of the nginx gateway but its own /healthz."""
    template = (REPO / "deploy/nginx/osl.conf.template").read_text()
    routes = set()
    for match in re.finditer(r"location\s+(=|~)?\s*(\S+)\s*\{([^{}]*?)proxy_pass http://(\w+)(/?);", template, re.S):
        modifier, path, _, upstream, strip = match.groups()
        if modifier == "~" and not path.startswith("^"):
            continue  # a suffix match (the feeds' cache, *.ics) to a service its prefix already reaches
        if modifier == "~":
            path = path.removeprefix("^")
        elif modifier == "=":
            path += "$"
        elif strip:  # a prefix the gateway strips before passing on
            path = f"{path.rstrip('/')}(/|$)(.*)"
        routes.add((path, f"{upstream}-web"))
    return routes


def ingress_problems(docs, osl):
    """The Ingresses route the gateway's paths to the same apps, with TLS from a Secret, stripping a prefix where
    the gateway does and telling the app (X-Forwarded-Prefix)."""
    problems = []
    services = by_kind(docs, "Service")
    routes = set()
    for name, ingress in by_kind(docs, "Ingress").items():
        annotations = ingress["metadata"].get("annotations", {})
        tls = ingress["spec"].get("tls") or [{}]
        if not tls[0].get("secretName") or tls[0].get("hosts") != [r["host"] for r in ingress["spec"]["rules"]]:
            problems.append(f"Ingress {name}: TLS for its host from a Secret")
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                routes.add((path["path"], backend["name"]))
                if backend["name"] not in services or backend["port"] != {"name": "http"}:
                    problems.append(f"Ingress {name}: {path['path']} goes to {backend}, not a web Service's http")
                if path["path"].endswith("(/|$)(.*)"):
                    prefix = path["path"].removesuffix("(/|$)(.*)")
                    if (annotations.get("nginx.ingress.kubernetes.io/rewrite-target") != "/$2"
                            or annotations.get("nginx.ingress.kubernetes.io/x-forwarded-prefix") != prefix):
                        problems.append(f"Ingress {name}: {prefix} must be stripped and passed as X-Forwarded-Prefix")
    if routes != _gateway_routes():
        problems.append(f"Ingress paths differ from the gateway's: missing {sorted(_gateway_routes() - routes)}, "
                        f"extra {sorted(routes - _gateway_routes())}")
    return problems


def monitoring_problems(docs, osl):
    """Prometheus finds every process: web Services through a ServiceMonitor on /metrics, workers through a
    PodMonitor on their metrics port, which is the configured OSL_METRICS_PORT."""
    problems = []
    port = int(by_kind(docs, "ConfigMap").get("osl-config", {}).get("data", {}).get("OSL_METRICS_PORT", 0))
    monitors = by_kind(docs, "ServiceMonitor")
    webs = {name for name, (_, role) in osl.PROCESSES.items() if role == "web"}
    selected = set()
    for monitor in monitors.values():
        for expression in monitor["spec"]["selector"].get("matchExpressions", []):
            if expression["key"] == "app.kubernetes.io/name" and expression["operator"] == "In":
                selected |= set(expression["values"])
        if {(e["port"], e.get("path")) for e in monitor["spec"]["endpoints"]} != {("http", "/metrics")}:
            problems.append(f"ServiceMonitor {ident(monitor)}: scrape /metrics on the http port")
        if not all(e.get("honorLabels") for e in monitor["spec"]["endpoints"]):
            problems.append(f"{ident(monitor)}: honorLabels, or the Service's name replaces OSL's service label")
    if selected != webs:
        problems.append(f"ServiceMonitors select {sorted(selected)}, expected the web Services {sorted(webs)}")
    pod_ports = {e["port"] for m in by_kind(docs, "PodMonitor").values() for e in m["spec"]["podMetricsEndpoints"]}
    if pod_ports != {"metrics"}:
        problems.append(f"PodMonitor ports {sorted(pod_ports)}, expected metrics")
    for name, deployment in by_kind(docs, "Deployment").items():
        if name in webs:
            continue
        ports = {p.get("name"): p["containerPort"] for p in only_container(deployment).get("ports", [])}
        if ports != {"metrics": port}:
            problems.append(f"{name}: container port must be metrics={port} (OSL_METRICS_PORT), got {ports}")
    return problems


def config_problems(docs, osl):
    """ConfigMap + Secret carry exactly the documented variables, secrets only in the Secret; none of the nginx
    gateway's (it does not run here: a feed cache token would let whoever holds it skip the app's feed cache)."""
    problems = []
    config = by_kind(docs, "ConfigMap").get("osl-config", {}).get("data", {})
    secret = by_kind(docs, "Secret").get("osl-secrets", {}).get("stringData", {})
    wanted = osl.ENV - osl.GATEWAY_ENV
    if set(config) | set(secret) != wanted or set(config) & set(secret):
        problems.append(f"ConfigMap {sorted(config)} + Secret {sorted(secret)} must split {sorted(wanted)}")
    for filename, doc in docs:
        for name in sorted(osl.GATEWAY_ENV):
            if name in json.dumps(doc):
                problems.append(f"{filename}: {ident(doc)} sets {name}, but no nginx gateway runs in Kubernetes")
    if set(secret) != osl.SECRET_ENV:
        problems.append(f"the Secret must hold {sorted(osl.SECRET_ENV)}, holds {sorted(secret)}")
    for key, value in secret.items():
        if "CHANGE-ME" not in str(value):
            problems.append(f"secret template: {key} is not a CHANGE-ME placeholder")
    return problems


def placement_problems(docs, osl, kustom=None):
    """Everything in the osl namespace; kustomization lists every manifest but the secret template."""
    kustom = kustomization() if kustom is None else kustom
    problems = []
    for filename, doc in docs:
        if doc["kind"] != "Namespace" and doc["metadata"].get("namespace") != NAMESPACE:
            problems.append(f"{filename}: {ident(doc)} is not in namespace {NAMESPACE}")
    files = {filename for filename, _ in docs}
    listed = kustom.get("resources", [])
    if SECRET_TEMPLATE in listed:
        problems.append("kustomization.yaml must not apply the secret template's placeholders")
    if set(listed) != files - {SECRET_TEMPLATE} or len(listed) != len(set(listed)):
        problems.append(f"kustomization resources {listed}, expected {sorted(files - {SECRET_TEMPLATE})}")
    if kustom.get("namespace") != NAMESPACE:
        problems.append("kustomization must set namespace osl")
    return problems


def migrate_problems(docs, osl):
    """The Job runs the same steps as the compose migrate service, and does not restart forever."""
    jobs = by_kind(docs, "Job")
    if set(jobs) != {"osl-migrate"}:
        return [f"Jobs {sorted(jobs)}, expected osl-migrate"]
    pod = jobs["osl-migrate"]["spec"]["template"]["spec"]
    args = pod["containers"][0].get("args") or []
    problems = [f"osl-migrate: {p}" for p in osl.argv_problems(args)]
    if args[:2] != ["sh", "-c"] or osl.shell_steps(args[2]) != osl.MIGRATE_STEPS:
        problems.append(f"osl-migrate: must run `sh -c` with the steps {osl.MIGRATE_STEPS}")
    if "command" in pod["containers"][0]:
        problems.append("osl-migrate: use args, not command (keeps tini)")
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        problems.append("osl-migrate: a Job's pods need restartPolicy Never or OnFailure")
    return problems


def rabbitmq_problems(docs, osl):
    """A 3-node RabbitmqCluster whose client Service is the host in BROKER_URL."""
    clusters = [doc for _, doc in docs if kind_of(doc) == CRD_KIND]
    if len(clusters) != 1:
        return [f"expected one {CRD_KIND[1]}, found {len(clusters)}"]
    cluster = clusters[0]
    problems = schema_problems(cluster)
    if cluster["spec"].get("replicas") != 3:
        problems.append(f"{ident(cluster)}: quorum queues need 3 nodes, got {cluster['spec'].get('replicas')}")
    broker = by_kind(docs, "Secret").get("osl-secrets", {}).get("stringData", {}).get("BROKER_URL", "")
    host = f"@{cluster['metadata']['name']}.{NAMESPACE}.svc:5672/"
    if host not in broker:
        problems.append(f"BROKER_URL {broker!r} does not point at the cluster's Service ({host})")
    return problems


RULES = [
    process_problems,
    pod_problems,
    web_problems,
    relay_problems,
    hpa_problems,
    config_problems,
    placement_problems,
    migrate_problems,
    rabbitmq_problems,
    pdb_problems,
    ingress_problems,
    monitoring_problems,
]


# --- helpers for breaking a copy ------------------------------------------------------------------


def find(docs, kind, name):
    return next(doc for _, doc in docs if doc["kind"] == kind and doc["metadata"]["name"] == name)


def container_of(docs, name):
    return find(docs, "Deployment", name)["spec"]["template"]["spec"]["containers"][0]
