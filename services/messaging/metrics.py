"""Prometheus metrics of every OSL process, in one place: their names, their labels, and how each process serves them.

Web apps serve ``/metrics`` through prometheus-flask-exporter (requests by route and status, latency histograms);
under gunicorn the workers' numbers are added up through prometheus-client's multiprocess mode (the gunicorn
configuration, ``services/messaging/gunicorn_conf.py``, sets ``PROMETHEUS_MULTIPROC_DIR``). Every other process
(relay, consumer, sender, a scheduled job) serves its metrics on a small port of its own (``--metrics-port``, or
``OSL_METRICS_PORT``; 0 turns it off): see ``worker_metrics_option`` and ``serve_worker_metrics``.

What is counted where it happens is a Counter or Histogram here; what is a state of a database or a queue (outbox
rows pending, notices by status, queue depth) is read when Prometheus scrapes, by a collector, so it is never stale.
"""

import logging
import os
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager

import click
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, disable_created_metrics, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)
# Counters' ``_created`` series only double what Prometheus shows; without them a scrape is half the size.
disable_created_metrics()

# -- the bus ---------------------------------------------------------------------------------------------------------
PUBLISHED = Counter("osl_messages_published", "Messages the relay published (confirmed by the broker).",
                    ["service", "type"])
HANDLED = Counter("osl_messages_handled", "Messages a consumer handled and acked, by queue; duplicates apart.",
                  ["service", "queue", "outcome"])
RETRIED = Counter("osl_messages_retried", "Messages sent back to their queue for another try after a handler error.",
                  ["service", "queue"])
DEAD_LETTERED = Counter("osl_messages_dead_lettered", "Messages moved to the dead-letter queue, by the queue they "
                        "came from.", ["service", "queue"])
FAULT_WAITS = Counter("osl_fault_waits", "Waits for a database or broker that did not answer (never the message's "
                      "fault; not counted as attempts).", ["service", "process", "fault"])

# -- notify ----------------------------------------------------------------------------------------------------------
NOTICES_SENT = Counter("osl_notify_notices_sent", "Notices the sender handed to the mail server, by outcome "
                       "(sent, failed for good, retry later).", ["kind", "outcome"])
SMTP_SECONDS = Histogram("osl_notify_smtp_seconds", "Time to hand one mail to the SMTP server (or mail folder).",
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

# -- scheduled jobs (notify's reminders and digests, imports) ----------------------------------------------------
# The label is ``task``: Prometheus gives every target a ``job`` label of its own.
JOB_RUNS = Counter("osl_job_runs", "Runs of a scheduled job.", ["task"])
JOB_ERRORS = Counter("osl_job_errors", "Runs of a scheduled job that failed.", ["task"])
JOB_LAST_SUCCESS = Gauge("osl_job_last_success_timestamp_seconds", "Unix time of the job's last successful run.",
                         ["task"], multiprocess_mode="max")

# -- web (besides prometheus-flask-exporter's request metrics) ------------------------------------------------------
FEED_CACHE = Counter("osl_feed_cache", "Feed requests by how the cache answered: recent (no query), hit (version "
                     "unchanged) or miss (built).", ["result"])

#: The request metrics prometheus-flask-exporter adds to every web app (its names, with our ``service`` label).
WEB_REQUESTS = "flask_http_request_total"
WEB_LATENCY = "flask_http_request_duration_seconds"
#: The gauges the collectors below read at scrape time.
OUTBOX_PENDING = "osl_outbox_pending"
OUTBOX_AGE = "osl_outbox_oldest_pending_age_seconds"
QUEUE_DEPTH = "osl_queue_depth"
NOTICES = "osl_notify_notices"


def exported_series() -> set[str]:
    """The name of every series OSL's processes export (what a dashboard or an alert may query)."""
    names = {WEB_REQUESTS, *(f"{WEB_LATENCY}_{part}" for part in ("bucket", "count", "sum")),
             OUTBOX_PENDING, OUTBOX_AGE, QUEUE_DEPTH, NOTICES}
    for metric in globals().values():
        if isinstance(metric, Counter):
            names.add(f"{metric._name}_total")  # noqa: SLF001 - prometheus-client keeps the name there
        elif isinstance(metric, Histogram):
            names |= {f"{metric._name}_{part}" for part in ("bucket", "count", "sum")}  # noqa: SLF001
        elif isinstance(metric, Gauge):
            names.add(metric._name)  # noqa: SLF001
    return names


@contextmanager
def job_run(task: str):
    """Count a run of a scheduled job, its failure, or the time of its success. Re-raises what the job raised."""
    JOB_RUNS.labels(task).inc()
    try:
        yield
    except BaseException:
        JOB_ERRORS.labels(task).inc()
        raise
    JOB_LAST_SUCCESS.labels(task).set(time.time())


@contextmanager
def smtp_timer():
    start = time.perf_counter()
    try:
        yield
    finally:
        SMTP_SECONDS.observe(time.perf_counter() - start)


# -- collectors read at scrape time ---------------------------------------------------------------------------------
class OutboxCollector(Collector):
    """Outbox rows not yet published and the age of the oldest: the relay's lag."""

    def __init__(self, service: str, database, outbox_model):
        self.service, self.database, self.model = service, database, outbox_model

    def describe(self):
        return []

    def collect(self):
        from sqlalchemy import func, select

        pending = GaugeMetricFamily(OUTBOX_PENDING, "Outbox rows not yet published.", labels=["service"])
        oldest = GaugeMetricFamily(OUTBOX_AGE,
                                   "Age of the oldest unpublished outbox row (0 when none): the relay's lag.",
                                   labels=["service"])
        try:
            with self.database.session(read_only=True) as session:
                count, first = session.execute(select(func.count(), func.min(self.model.created_at))
                                               .where(self.model.published_at.is_(None))).one()
        except Exception as exc:  # a scrape during an outage shows no figure rather than a wrong one
            log.debug("metrics: outbox not readable: %s", exc)
            return
        age = 0.0
        if first is not None:
            if first.tzinfo is None:  # SQLite gives naive UTC
                from datetime import UTC

                first = first.replace(tzinfo=UTC)
            from datetime import UTC, datetime

            age = max(0.0, (datetime.now(UTC) - first).total_seconds())
        pending.add_metric([self.service], count)
        oldest.add_metric([self.service], age)
        yield pending
        yield oldest


class QueueDepthCollector(Collector):
    """Messages waiting in each of a consumer service's queues and its dead-letter queue, as the broker tells."""

    def __init__(self, service: str, bus):
        self.service, self.bus = service, bus

    def describe(self):
        return []

    def collect(self):
        from services.messaging.connection import connect
        from services.messaging.topology import Topology

        depth = GaugeMetricFamily(QUEUE_DEPTH, "Messages waiting in a queue, as the broker tells.",
                                  labels=["service", "queue"])
        topology = Topology(self.bus)
        queues = [topology.queue(sub) for sub in topology.subscriptions_of(self.service)]
        queues.append(topology.dead_letter_queue(self.service))
        try:
            with connect(self.bus) as connection:
                connection.ensure_connection(max_retries=1, timeout=3)
                channel = connection.channel()
                for queue in queues:
                    _, count, _ = queue(channel).queue_declare(passive=True)
                    depth.add_metric([self.service, queue.name], count)
        except Exception as exc:
            log.debug("metrics: queue depth not readable: %s", exc)
            return
        yield depth


class CountsCollector(Collector):
    """A gauge per value of one column, counted in the database at scrape time (e.g. notices by status)."""

    def __init__(self, name: str, documentation: str, label: str, database, count: Callable[..., Iterable],
                 values: Iterable[str] = ()):
        self.name, self.documentation, self.label = name, documentation, label
        self.database, self.count, self.values = database, count, tuple(values)

    def describe(self):
        return []

    def collect(self):
        family = GaugeMetricFamily(self.name, self.documentation, labels=[self.label])
        try:
            with self.database.session(read_only=True) as session:
                counts = {key: number for key, number in self.count(session)}
        except Exception as exc:
            log.debug("metrics: %s not readable: %s", self.name, exc)
            return
        for value in dict.fromkeys((*self.values, *counts)):
            family.add_metric([value], counts.get(value, 0))
        yield family


# -- serving ---------------------------------------------------------------------------------------------------------
def serve_worker_metrics(port: int | None, collectors: Iterable[Collector] = (), host: str | None = None) -> int | None:
    """Serve this process's metrics on ``port`` (0 or None: not at all), with collectors read at scrape time.
    Returns the port, or None."""
    for collector in collectors:
        REGISTRY.register(collector)
    if not port:
        return None
    host = host or os.environ.get("OSL_METRICS_HOST") or "127.0.0.1"
    start_http_server(port, addr=host)
    log.info("metrics on http://%s:%d/metrics", host, port)
    return port


def worker_metrics_option(command):
    """``--metrics-port`` (default ``OSL_METRICS_PORT``, else off) on a worker's command; the value reaches the
    command as ``metrics_port``."""
    return click.option("--metrics-port", type=click.IntRange(0, 65535), envvar="OSL_METRICS_PORT", default=0,
                        show_default=True, help="Serve Prometheus metrics on this port (0: off).")(command)


def init_web_metrics(app, service: str) -> None:
    """``/metrics`` on a web app: requests by route (the URL rule, never a token-bearing path) and status, and
    latency histograms, labelled with the service; added up over gunicorn's workers in multiprocess mode."""
    labels = {"service": service}
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

        metrics = GunicornInternalPrometheusMetrics(app, group_by="url_rule", default_labels=labels,
                                                    excluded_paths=["/metrics"])
    else:
        from prometheus_client import CollectorRegistry
        from prometheus_flask_exporter import PrometheusMetrics

        # A registry of the app's own (tests make many apps in one process), which also shows the process's.
        registry = CollectorRegistry()
        registry.register(_ProcessWide())
        metrics = PrometheusMetrics(app, group_by="url_rule", default_labels=labels, excluded_paths=["/metrics"],
                                    registry=registry)
    app.extensions["osl_metrics"] = metrics


class _ProcessWide(Collector):
    """The process-wide registry's metrics (bus, feeds, jobs, the process itself), in an app's own registry."""

    def collect(self):
        yield from REGISTRY.collect()
