"""Prometheus metrics of every process: their names and labels, and that their numbers follow what happened."""

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.messaging.metrics import OutboxCollector, QueueDepthCollector
from services.messaging.testing import running, wait_until
from services.messaging.topology import Topology
from tests.messaging.helpers import CountingHandlers, create_districts, events_worker, inbox_count

#: Every web app's request metrics (prometheus-flask-exporter's names) and their labels; the route, never the path.
WEB = {
    "flask_http_request_duration_seconds": {"method", "status", "url_rule", "service"},
    "flask_http_request_total": {"method", "status", "service"},
}
#: Each kind of worker: the series its port shows, with their labels (beyond ``le`` of a histogram's buckets).
WORKERS = {
    "relay": {"osl_outbox_pending": {"service"}, "osl_outbox_oldest_pending_age_seconds": {"service"},
              "osl_messages_published_total": {"service", "type"}},
    "consumer": {"osl_queue_depth": {"service", "queue"},
                 "osl_messages_handled_total": {"service", "queue", "outcome"}},
    "sender": {"osl_notify_notices": {"status"}, "osl_notify_notices_sent_total": {"kind", "outcome"},
               "osl_notify_smtp_seconds": set(), "osl_job_runs_total": {"task"},
               "osl_job_last_success_timestamp_seconds": {"task"}},
    "import": {"osl_job_runs_total": {"task"}, "osl_job_last_success_timestamp_seconds": {"task"}},
}


def samples(text: str) -> dict[str, list]:
    """Series name -> its samples, from Prometheus exposition text."""
    found: dict[str, list] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample)
    return found


def check_series(text: str, expected: dict[str, set]) -> list[str]:
    """What is missing or mislabelled among ``expected`` (series name -> label names) in ``text``."""
    found = samples(text)
    problems = []
    for name, labels in expected.items():
        series = found.get(name) or found.get(f"{name}_count")
        if not series:
            problems.append(f"{name}: missing")
            continue
        for sample in series:
            if set(sample.labels) - {"le"} != labels:
                problems.append(f"{name}: labels {sorted(sample.labels)}, expected {sorted(labels)}")
                break
    return problems


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(*collectors) -> str:
    registry = CollectorRegistry()
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry).decode()


def test_every_web_app_counts_requests_by_route_and_status(partners_app, events_app, notify_app, programme_app):
    for service, app in {"partners": partners_app, "events": events_app, "notify": notify_app,
                         "programme": programme_app}.items():
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz").status_code == 200
        assert client.get("/no-such-page").status_code == 404
        text = client.get("/metrics").text
        assert check_series(text, WEB) == [], service
        durations = samples(text)["flask_http_request_duration_seconds_count"]
        by_route = {(s.labels["url_rule"], s.labels["status"]): s.value for s in durations
                    if s.labels["service"] == service}
        assert by_route[("/healthz", "200")] == 2, service
        # An unmatched URL is counted under its status, not under the path it asked for (paths can hold tokens).
        assert not any("no-such-page" in route for route, _ in by_route), service


def test_the_feed_cache_counts_builds_hits_and_recent_answers(events_app):
    events_app.config["FEED_RECHECK_SECONDS"] = 60
    before = {result: value("osl_feed_cache_total", result=result) for result in ("miss", "hit", "recent")}
    client = events_app.test_client()
    assert client.get("/feeds/all.ics").status_code == 200
    assert client.get("/feeds/all.ics").status_code == 200
    events_app.config["FEED_RECHECK_SECONDS"] = 0
    assert client.get("/feeds/all.ics").status_code == 200
    after = {result: value("osl_feed_cache_total", result=result) for result in ("miss", "hit", "recent")}
    assert {result: after[result] - before[result] for result in after} == {"miss": 1, "recent": 1, "hit": 1}
    assert "osl_feed_cache_total" in events_app.test_client().get("/metrics").text


def test_the_relay_and_the_consumer_show_lag_traffic_retries_and_dead_letters(partners_app, events_app):
    partners = partners_app.extensions["osl"]
    outbox = OutboxCollector("partners", partners.database, partners.outbox_model)
    create_districts(partners_app, 3)
    lag = samples(scrape(outbox))
    assert lag["osl_outbox_pending"][0].value == 3
    assert lag["osl_outbox_oldest_pending_age_seconds"][0].value >= 0
    queue = Topology(events_app.extensions["osl"].bus).queue_name("events", "partners-replica")
    published = value("osl_messages_published_total", service="partners", type="district.created")
    handled = value("osl_messages_handled_total", service="events", queue=queue, outcome="handled")
    with running(partners.relay()), running(events_worker(events_app)):
        wait_until(lambda: inbox_count(events_app) == 3, message="3 handled messages")
    assert value("osl_messages_published_total", service="partners", type="district.created") - published == 3
    assert value("osl_messages_handled_total", service="events", queue=queue, outcome="handled") - handled == 3
    relay_text = scrape(outbox)
    assert samples(relay_text)["osl_outbox_pending"][0].value == 0
    assert samples(relay_text)["osl_outbox_oldest_pending_age_seconds"][0].value == 0
    depth_text = scrape(QueueDepthCollector("events", events_app.extensions["osl"].bus))
    depths = {s.labels["queue"]: s.value for s in samples(depth_text)["osl_queue_depth"]}
    assert depths[queue] == 0
    assert Topology(events_app.extensions["osl"].bus).dead_letter_queue("events").name in depths
    assert check_series(relay_text + generate_latest(REGISTRY).decode(), WORKERS["relay"]) == []
    assert check_series(depth_text + generate_latest(REGISTRY).decode(), WORKERS["consumer"]) == []

    # A handler that keeps failing: retried, then dead-lettered, each counted against its queue.
    retried = value("osl_messages_retried_total", service="events", queue=queue)
    dead = value("osl_messages_dead_lettered_total", service="events", queue=queue)
    failing = CountingHandlers()
    failing.failing = True
    create_districts(partners_app, 1, prefix="Awaria")
    with running(partners.relay()), running(events_worker(events_app, failing)):
        wait_until(lambda: value("osl_messages_dead_lettered_total", service="events", queue=queue) - dead == 1,
                   message="a dead letter counted")
    attempts = events_app.extensions["osl"].bus.max_attempts
    assert value("osl_messages_retried_total", service="events", queue=queue) - retried == attempts - 1
    depth_text = scrape(QueueDepthCollector("events", events_app.extensions["osl"].bus))
    depths = {s.labels["queue"]: s.value for s in samples(depth_text)["osl_queue_depth"]}
    assert depths[Topology(events_app.extensions["osl"].bus).dead_letter_queue("events").name] == 1

