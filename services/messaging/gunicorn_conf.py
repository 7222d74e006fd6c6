"""gunicorn's settings for every OSL web app, the same in `make run`, docker compose and Kubernetes:

    gunicorn -c python:services.messaging.gunicorn_conf --bind 127.0.0.1:8001 'services.partners:create_app()'

gthread workers (``WEB_WORKERS`` processes of ``WEB_THREADS`` threads), and prometheus-client's multiprocess mode, so
that ``/metrics`` adds up every worker's numbers: each worker writes its figures to files in
``PROMETHEUS_MULTIPROC_DIR`` (made here when unset, emptied at start), and a worker that exits is marked dead.
No access log: requests are counted by route in ``/metrics``, and a logged path could hold a feed's token.
"""

import os
import shutil
import tempfile
from pathlib import Path

worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS") or 2)
threads = int(os.environ.get("WEB_THREADS") or 4)
timeout = int(os.environ.get("WEB_TIMEOUT_SECONDS") or 30)
graceful_timeout = 10
keepalive = 5
accesslog = None
# The apps log through OSL's own logging (services/messaging/logs.py); gunicorn's own lines go to stderr.
errorlog = "-"
# Several masters run on one machine (one per app): no shared control socket in the home folder.
control_socket_disable = True

# Set before any worker imports prometheus_client: it picks its multiprocess value class at import.
_made_here = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _made_here:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="osl-metrics-")
_metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])


def on_starting(server):
    """The master logs like the apps (services/messaging/logs.py). Stale metrics files from an earlier run would add
    a dead run's numbers to this one's."""
    from services.messaging.logs import configure_logging

    app_uri = getattr(server.app, "app_uri", None) or ""
    service = app_uri.split(":")[0].removeprefix("services.") or "osl"
    configure_logging(os.environ.get("LOG_LEVEL") or "INFO", service)
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in _metrics_dir.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _made_here:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
