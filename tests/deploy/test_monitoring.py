"""deploy/prometheus (alert rules) and deploy/grafana (dashboard): valid PromQL, over the series OSL exports, and
alerts that fire on what they are about (promtool's rule tests). promtool comes with Debian's prometheus package
(`make system-packages`); without it these tests skip, or fail with CI=true."""

import json
import os
import re
import shutil
import subprocess

import jsonschema
import pytest
import yaml

from services.messaging.metrics import exported_series
from tests.deploy.facts import REPO

PROMETHEUS = REPO / "deploy/prometheus"
DASHBOARD = REPO / "deploy/grafana/osl-dashboard.json"
#: Series a query may name that no OSL process exports: Prometheus's own.
PROMETHEUS_OWN = {"up"}
#: Grafana's variables, replaced by what they stand for before PromQL is checked.
VARIABLES = {"$__rate_interval": "5m", "$service": ".*"}

DASHBOARD_SCHEMA = {
    "type": "object",
    "required": ["title", "uid", "panels", "templating", "schemaVersion"],
    "properties": {
        "uid": {"type": "string", "pattern": "^[a-z0-9-]{1,40}$"},
        "panels": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["type", "title", "gridPos", "id"],
            "properties": {
                "type": {"enum": ["row", "timeseries", "stat", "gauge", "table"]},
                "gridPos": {"type": "object", "required": ["h", "w", "x", "y"],
                            "properties": {"w": {"maximum": 24}, "x": {"maximum": 23}}},
                "targets": {"type": "array", "items": {"type": "object", "required": ["expr", "refId"]}},
            },
        }},
    },
}


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        reason = "promtool is not installed (Debian's prometheus package; `make system-packages`)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def alert_rules() -> list[dict]:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def series_named(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers not followed by ( (functions) and not label names or
    keywords."""
    expr = re.sub(r'"[^"]*"', '""', expr)  # label values
    expr = re.sub(r"\{[^}]*\}", "{}", expr)  # label matchers
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    names = set(re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", expr))
    keywords = {"and", "or", "unless", "bool", "offset", "inf", "nan", "le"}
    return {name for name in names if name not in keywords and not re.fullmatch(r"\d+[smhdwy]?", name)}


def test_the_alert_rules_are_valid_and_fire_on_what_they_are_about():
    tool = promtool()
    checked = subprocess.run([tool, "check", "rules", "alerts.yml"], cwd=PROMETHEUS, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run([tool, "test", "rules", "alerts.test.yml"], cwd=PROMETHEUS, capture_output=True,
                            text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_the_alerts_cover_the_issue_and_say_what_to_do():
    rules = {rule["alert"]: rule for rule in alert_rules()}
    for alert in ("OslRelayLagging", "OslDeadLetters", "OslNotifyFailureRate", "OslSchedulerNotSucceeding",
                  "OslJobNotSucceeding"):
        assert alert in rules
    for name, rule in rules.items():
        assert rule["labels"]["severity"] in ("warning", "critical"), name
        assert rule["annotations"]["summary"] and len(rule["annotations"]["runbook"]) > 40, name


def test_the_dashboard_is_a_grafana_dashboard_of_valid_queries(tmp_path):
    dashboard = json.loads(DASHBOARD.read_text())
    jsonschema.validate(dashboard, DASHBOARD_SCHEMA)
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])
    queries = dashboard_queries()
    assert len(queries) >= 10
    # promtool parses PromQL in rule files: each query becomes a recording rule.
    rules = [{"record": f"osl:dashboard_query_{index}", "expr": _resolved(query)}
             for index, query in enumerate(queries)]
    (tmp_path / "queries.yml").write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    checked = subprocess.run([promtool(), "check", "rules", "queries.yml"], cwd=tmp_path, capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_query_names_series_osl_exports():
    exported = exported_series() | PROMETHEUS_OWN
    used = {}
    for expr in [rule["expr"] for rule in alert_rules()] + [_resolved(query) for query in dashboard_queries()]:
        for name in series_named(expr):
            used.setdefault(name, expr)
    unknown = {name: expr for name, expr in used.items() if name not in exported}
    assert unknown == {}
    # Every metric OSL exports is on the dashboard or in an alert (flask_http_request_total only repeats the
    # latency histogram's count).
    assert {_family(name) for name in exported - PROMETHEUS_OWN - {"flask_http_request_total"}} - {
        _family(name) for name in used} == set()


def test_the_query_check_catches_an_unknown_series():
    assert series_named('sum by (service) (rate(osl_messages_publishd_total{service=~".*"}[5m]))') == {
        "osl_messages_publishd_total"}
    assert "osl_messages_publishd_total" not in exported_series()


def _family(name: str) -> str:
    return re.sub(r"_(bucket|count|sum)$", "", name)


def _resolved(query: str) -> str:
    for variable, value in VARIABLES.items():
        query = query.replace(variable, value)
    return query
