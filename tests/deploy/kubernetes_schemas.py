"""The schemas deploy/k8s is validated against, and ``schema_problems``, which validates one manifest.

kubernetes-validate ships the JSON schemas of the built-in kinds, so those are validated strictly (unknown fields
rejected). RABBITMQ_CLUSTER_SCHEMA stands in for the operator's RabbitmqCluster and MONITOR_SCHEMAS for the
Prometheus Operator's monitors, which it has no schema for. The rules beyond a schema are in kubernetes_rules.py.
"""

import json

import jsonschema
import kubernetes_validate

# The oldest version the project's dev dependency (kubernetes-validate>=1.30) is sure to ship.
K8S_VERSION = "1.30.0"
CRD_KIND = ("rabbitmq.com/v1beta1", "RabbitmqCluster")

# The fields of RabbitmqCluster v1beta1 this project sets, from the operator's CRD
# (github.com/rabbitmq/cluster-operator, api/v1beta1/rabbitmqcluster_types.go). Unknown keys fail.
RABBITMQ_CLUSTER_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "rabbitmq.com/v1beta1"},
        "kind": {"const": "RabbitmqCluster"},
        "metadata": {
            "type": "object",
            "required": ["name", "namespace"],
            "properties": {"name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}},
        },
        "spec": {
            "type": "object",
            "required": ["replicas"],
            "additionalProperties": False,
            "properties": {
                "replicas": {"type": "integer", "minimum": 0},
                "image": {"type": "string"},
                "resources": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "requests": {"$ref": "#/$defs/quantities"},
                        "limits": {"$ref": "#/$defs/quantities"},
                    },
                },
                "persistence": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"storage": {"type": "string"}, "storageClassName": {"type": "string"}},
                },
                "service": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "type": {"enum": ["ClusterIP", "LoadBalancer", "NodePort"]},
                        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                },
                "rabbitmq": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "additionalPlugins": {"type": "array", "items": {"type": "string", "pattern": r"^\w+$"}},
                        "additionalConfig": {"type": "string", "maxLength": 2000},
                    },
                },
                # A partial StatefulSet; schema_problems validates its pod template as a full one.
                "override": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"statefulSet": {"type": "object", "required": ["spec"]}},
                },
            },
        },
    },
    "$defs": {
        "quantities": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"cpu": {"type": ["string", "integer"]}, "memory": {"type": "string"}},
        }
    },
}


# The Prometheus Operator's ServiceMonitor and PodMonitor (monitoring.coreos.com/v1), the fields used here, from
# its CRDs (github.com/prometheus-operator/prometheus-operator, pkg/apis/monitoring/v1). Unknown keys fail.
_ENDPOINT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["port"],
    "properties": {"port": {"type": "string"}, "path": {"type": "string", "pattern": "^/"},
                   "interval": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
                   "honorLabels": {"type": "boolean"}},
}
_SELECTOR = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
        "matchExpressions": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["key", "operator"],
            "properties": {"key": {"type": "string"}, "operator": {"enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
                           "values": {"type": "array", "items": {"type": "string"}}}}},
    },
}


def _monitor_schema(kind: str, endpoints: str) -> dict:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": "monitoring.coreos.com/v1"},
            "kind": {"const": kind},
            "metadata": {"type": "object", "required": ["name", "namespace"]},
            "spec": {"type": "object", "required": ["selector", endpoints], "additionalProperties": False,
                     "properties": {"selector": _SELECTOR, endpoints: {"type": "array", "minItems": 1,
                                                                        "items": _ENDPOINT}}},
        },
    }


MONITOR_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): _monitor_schema("ServiceMonitor", "endpoints"),
    ("monitoring.coreos.com/v1", "PodMonitor"): _monitor_schema("PodMonitor", "podMetricsEndpoints"),
}


def kind_of(doc):
    return (doc["apiVersion"], doc["kind"])


def ident(doc):
    return f"{doc['kind']}/{doc['metadata']['name']}"


def schema_problems(doc, version=K8S_VERSION):
    if kind_of(doc) == CRD_KIND:
        validator = jsonschema.Draft202012Validator(RABBITMQ_CLUSTER_SCHEMA)
        problems = [f"{ident(doc)}: {e.json_path}: {e.message}" for e in validator.iter_errors(doc)]
        override = doc["spec"].get("override", {}).get("statefulSet")
        if override and not problems:
            # The operator merges the override into its StatefulSet: it must be valid as a part of one.
            template = json.loads(json.dumps(override["spec"]["template"]))
            for container in template["spec"].get("containers", []):
                container.setdefault("image", "rabbitmq")
            statefulset = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "override"},
                           "spec": {"serviceName": "x", "selector": {"matchLabels": {"a": "b"}},
                                    "template": {"metadata": {"labels": {"a": "b"}}, **template}}}
            problems += [f"{ident(doc)} override: {p}" for p in schema_problems(statefulset, version)]
        return problems
    if kind_of(doc) in MONITOR_SCHEMAS:
        validator = jsonschema.Draft202012Validator(MONITOR_SCHEMAS[kind_of(doc)])
        return [f"{ident(doc)}: {e.json_path}: {e.message}" for e in validator.iter_errors(doc)]
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{ident(doc)}: {'.'.join(map(str, exc.path))}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError as exc:
        return [f"{ident(doc)}: {exc.message}"]
    return []
