"""deploy/k8s: schema validation with kubernetes-validate, plus the rules a schema cannot express.

kubernetes-validate ships the JSON schemas of the built-in kinds, so those are validated strictly
(unknown fields rejected). It has no schema for the operator's RabbitmqCluster; its CLI only warns
and exits 0 on such a kind, so that one is checked here against the subset of the CRD we use.
"""

import json
import re
import shutil
import subprocess

import kubernetes_validate
import pytest
import yaml

from tests.deploy.facts import Osl, assert_rule_catches, load_compose
from tests.deploy.kubernetes_rules import (
    K8S_DIR,
    MANIFESTS,
    NAMESPACE,
    RULES,
    SECRET_TEMPLATE,
    by_kind,
    config_problems,
    container_of,
    find,
    hpa_problems,
    ingress_problems,
    kustomization,
    migrate_problems,
    monitoring_problems,
    pdb_problems,
    placement_problems,
    pod_problems,
    process_problems,
    rabbitmq_problems,
    relay_problems,
    web_problems,
)
from tests.deploy.kubernetes_schemas import CRD_KIND, K8S_VERSION, ident, kind_of, schema_problems


@pytest.fixture()
def osl():
    return Osl


@pytest.fixture()
def docs():
    """A fresh, unshared copy of every manifest, so a test may break one."""
    return json.loads(json.dumps(MANIFESTS))


# --- the real files --------------------------------------------------------------------------------


def test_the_chosen_kubernetes_version_is_shipped():
    """validate() silently falls back to an older schema set; make sure it used ours."""
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}
    assert kubernetes_validate.validate(namespace, K8S_VERSION, strict=True) == K8S_VERSION.rsplit(".", 1)[0]


@pytest.mark.parametrize("filename, doc", MANIFESTS, ids=[f"{f}:{ident(d)}" for f, d in MANIFESTS])
def test_manifest_is_valid(filename, doc):
    assert schema_problems(doc) == []


def test_the_validator_knows_no_rabbitmq_cluster():
    """If kubernetes-validate ever ships the CRD's schema, validate with it instead of our subset."""
    cluster = next(doc for _, doc in MANIFESTS if kind_of(doc) == CRD_KIND)
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        kubernetes_validate.validate(cluster, K8S_VERSION, strict=True)


@pytest.mark.parametrize("rule", RULES, ids=[r.__name__ for r in RULES])
def test_rule(docs, osl, rule):
    assert rule(docs, osl) == []


def test_relays_say_why_they_are_single():
    for path in K8S_DIR.glob("*.yaml"):
        text = path.read_text()
        if re.search(r"args: \[python, -m, services\.\w+, relay\]", text):
            assert re.search(r"#.*outbox order", text), f"{path.name}: say why the relay runs alone"


def test_deployments_match_the_compose_processes(osl):
    # The manifests have no gateway yet: on Kubernetes the cluster's own ingress stands where compose's nginx does
    # (README, "On RabbitMQ and PostgreSQL").
    compose_processes = set(load_compose()["services"]) - {"rabbitmq", "postgres", "mailpit", "migrate", "gateway"}
    assert compose_processes == set(by_kind(MANIFESTS, "Deployment")) == set(osl.PROCESSES)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomization_builds():
    """kubectl's built-in kustomize, offline; every document must come out in the osl namespace."""
    result = subprocess.run(["kubectl", "kustomize", str(K8S_DIR)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    built = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    templates = [doc for filename, doc in MANIFESTS if filename == SECRET_TEMPLATE]
    # All but the secret template, and the broker's topology as a generated ConfigMap.
    applied = [ident(doc) for filename, doc in MANIFESTS if filename != SECRET_TEMPLATE]
    assert sorted(map(ident, built)) == sorted([*applied, "ConfigMap/osl-rabbitmq-topology"])
    assert len(templates) == 2
    assert all(d["metadata"].get("namespace") == NAMESPACE for d in built if d["kind"] != "Namespace")
    topology = find([("", doc) for doc in built], "ConfigMap", "osl-rabbitmq-topology")["data"]["topology.json"]
    assert json.loads(topology) == json.loads((K8S_DIR / "rabbitmq-topology.json").read_text())


# --- every rule can fail ---------------------------------------------------------------------------


MISTAKES = {
    "a relay with two replicas": (
        relay_problems,
        lambda d: find(d, "Deployment", "events-relay")["spec"].update(replicas=2),
    ),
    "a relay with rolling updates": (
        relay_problems,
        lambda d: find(d, "Deployment", "notify-relay")["spec"].pop("strategy"),
    ),
    "no readiness probe": (web_problems, lambda d: container_of(d, "events-web").pop("readinessProbe")),
    "liveness on /readyz": (
        web_problems,
        lambda d: container_of(d, "notify-web")["livenessProbe"]["httpGet"].update(path="/readyz"),
    ),
    "a Service selecting nothing": (
        web_problems,
        lambda d: find(d, "Service", "partners-web")["spec"].update(selector={"app.kubernetes.io/name": "partners"}),
    ),
    "a web on the wrong port": (
        web_problems,
        lambda d: container_of(d, "partners-web")["ports"][0].update(containerPort=8002),
    ),
    "command instead of args": (
        process_problems,
        lambda d: container_of(d, "events-consumer").update(command=["python", "-m", "services.events", "consume"]),
    ),
    "partners has no consumer": (
        process_problems,
        lambda d: container_of(d, "partners-relay").update(args=["python", "-m", "services.partners", "consume"]),
    ),
    "a missing Deployment": (
        process_problems,
        lambda d: d.remove(
            next(x for x in d if x[1]["kind"] == "Deployment" and x[1]["metadata"]["name"] == "notify-consumer")
        ),
    ),
    "no memory limit": (pod_problems, lambda d: container_of(d, "events-relay")["resources"]["limits"].pop("memory")),
    "running as root": (
        pod_problems,
        lambda d: find(d, "Deployment", "notify-web")["spec"]["template"]["spec"]["securityContext"].update(
            runAsUser=0
        ),
    ),
    "no secretRef": (pod_problems, lambda d: container_of(d, "partners-web")["envFrom"].pop()),
    "an HPA fighting a fixed replica count": (
        hpa_problems,
        lambda d: find(d, "Deployment", "events-web")["spec"].update(replicas=3),
    ),
    "an HPA on an unknown Deployment": (
        hpa_problems,
        lambda d: find(d, "HorizontalPodAutoscaler", "notify-consumer")["spec"]["scaleTargetRef"].update(
            name="notify-worker"
        ),
    ),
    "a secret in the ConfigMap": (
        config_problems,
        lambda d: find(d, "ConfigMap", "osl-config")["data"].update(OSL_ADMIN_TOKEN="abc"),
    ),
    "a real value in the secret template": (
        config_problems,
        lambda d: find(d, "Secret", "osl-secrets")["stringData"].update(SMTP_PASSWORD="hunter2"),
    ),
    "a variable nobody sets": (config_problems, lambda d: find(d, "ConfigMap", "osl-config")["data"].pop("LOG_LEVEL")),
    "the gateway's feed cache token with no gateway": (
        config_problems,
        lambda d: find(d, "Secret", "osl-secrets")["stringData"].update(FEED_CACHE_TOKEN="CHANGE-ME-token"),
    ),
    "the feed cache token on one container": (
        config_problems,
        lambda d: container_of(d, "events-web").setdefault("env", []).append(
            {"name": "FEED_CACHE_TOKEN", "value": "abc"}),
    ),
    "a resource in another namespace": (
        placement_problems,
        lambda d: find(d, "Service", "events-web")["metadata"].update(namespace="default"),
    ),
    "migrations without the seed": (
        migrate_problems,
        lambda d: find(d, "Job", "osl-migrate")["spec"]["template"]["spec"]["containers"][0].update(
            args=["sh", "-c", "set -e; python -m services.partners db upgrade"]
        ),
    ),
    "a Job that restarts forever": (
        migrate_problems,
        lambda d: find(d, "Job", "osl-migrate")["spec"]["template"]["spec"].update(restartPolicy="Always"),
    ),
    "a one-node RabbitMQ": (
        rabbitmq_problems,
        lambda d: find(d, "RabbitmqCluster", "osl-rabbitmq")["spec"].update(replicas=1),
    ),
    "a misspelt RabbitmqCluster field": (
        rabbitmq_problems,
        lambda d: find(d, "RabbitmqCluster", "osl-rabbitmq")["spec"].update(replica=3),
    ),
    "a web app that does not scale": (
        hpa_problems,
        lambda d: d.remove(next(x for x in d if x[1]["kind"] == "HorizontalPodAutoscaler"
                                and x[1]["metadata"]["name"] == "notify-sender")),
    ),
    "no disruption budget for a web app": (
        pdb_problems,
        lambda d: d.remove(next(x for x in d if x[1]["kind"] == "PodDisruptionBudget"
                                and x[1]["metadata"]["name"] == "programme-web")),
    ),
    "a disruption budget selecting nothing": (
        pdb_problems,
        lambda d: find(d, "PodDisruptionBudget", "events-web")["spec"]["selector"].update(
            matchLabels={"app.kubernetes.io/name": "events"}),
    ),
    "an Ingress path the gateway does not have": (
        ingress_problems,
        lambda d: find(d, "Ingress", "osl")["spec"]["rules"][0]["http"]["paths"][0].update(path="/api/v1/keys"),
    ),
    "an Ingress path to another app": (
        ingress_problems,
        lambda d: find(d, "Ingress", "osl")["spec"]["rules"][0]["http"]["paths"][-1]["backend"]["service"].update(
            name="notify-web"),
    ),
    "an Ingress without TLS": (ingress_problems, lambda d: find(d, "Ingress", "osl")["spec"].pop("tls")),
    "a prefix passed on unstripped": (
        ingress_problems,
        lambda d: find(d, "Ingress", "osl-partners")["metadata"]["annotations"].pop(
            "nginx.ingress.kubernetes.io/rewrite-target"),
    ),
    "a web app nobody scrapes": (
        monitoring_problems,
        lambda d: find(d, "ServiceMonitor", "osl-web")["spec"]["selector"]["matchExpressions"][0]["values"].pop(),
    ),
    "a worker without its metrics port": (monitoring_problems, lambda d: container_of(d, "notify-sender").pop("ports")),
    "a broker URL on another host": (
        rabbitmq_problems,
        lambda d: find(d, "Secret", "osl-secrets")["stringData"].update(
            BROKER_URL="amqp://u:p@rabbitmq.osl.svc:5672//"
        ),
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_rule_catches_its_mistake(docs, osl, mistake):
    assert_rule_catches(*MISTAKES[mistake], docs, osl)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: find(d, "Deployment", "events-web")["spec"].update(replicas="two"),
        lambda d: container_of(d, "notify-web").update(readinesProbe={"httpGet": {"path": "/readyz", "port": "http"}}),
        lambda d: find(d, "HorizontalPodAutoscaler", "events-web")["spec"].pop("maxReplicas"),
        lambda d: find(d, "Job", "osl-migrate")["spec"].update(backoffLimit=-1.5),
        lambda d: find(d, "ServiceMonitor", "osl-web")["spec"]["endpoints"][0].update(intervall="30s"),
        lambda d: find(d, "PodDisruptionBudget", "notify-web")["spec"].update(maxUnavailable=[1]),
        lambda d: find(d, "RabbitmqCluster", "osl-rabbitmq")["spec"]["override"]["statefulSet"]["spec"]["template"][
            "spec"]["volumes"][0].update(projectd={}),
    ],
    ids=["replicas as a string", "misspelt probe field", "HPA without maxReplicas", "fractional backoffLimit",
         "misspelt ServiceMonitor field", "a list as maxUnavailable", "misspelt volume field in the override"],
)
def test_strict_validation_rejects_broken_manifests(docs, mutate):
    mutate(docs)
    assert any(schema_problems(doc) for _, doc in docs)


@pytest.mark.parametrize(
    "change",
    [
        lambda k: k["resources"].append(SECRET_TEMPLATE),
        lambda k: k["resources"].remove("notify.yaml"),
        lambda k: k.pop("namespace"),
    ],
    ids=["applies the secret template", "forgets a file", "no namespace"],
)
def test_kustomization_rule_catches_a_mistake(docs, osl, change):
    kustom = kustomization()
    change(kustom)
    assert placement_problems(docs, osl, kustom) != []
