"""`make run`'s script starts every process on the embedded default, seeds the districts, and stops on Ctrl-C."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from services.messaging.testing import wait_until
from tests.messaging.test_metrics import WEB, WORKERS, check_series
from tests.ports import free_port, free_port_range

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]  # the processes start slowly on a busy machine


def get_json(url: str):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.load(response)
    except OSError:
        return None


#: The Procfile's workers, by their offset from OSL_METRICS_BASE_PORT, with the kind of metrics each shows.
WORKER_PORTS = {1: ("partners-relay", "relay"), 2: ("events-relay", "relay"), 3: ("events-consumer", "consumer"),
                4: ("notify-relay", "relay"), 5: ("notify-consumer", "consumer"), 6: ("notify-sender", "sender"),
                7: ("programme-consumer", "consumer"), 8: ("events-import", "import"),
                9: ("partners-consumer", "consumer")}


def get_text(url: str) -> tuple[int, str, dict]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode(), dict(response.headers)


def _complete(port: int, expected: dict) -> str | None:
    """The worker's metrics once every expected series is there."""
    try:
        status, text, _headers = get_text(f"http://127.0.0.1:{port}/metrics")
    except OSError:
        return None
    return text if status == 200 and not check_series(text, expected) else None


def replica_districts(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path) as connection:
        try:
            return connection.execute("SELECT count(*) FROM districts").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def test_the_embedded_system_starts_seeds_replicates_and_stops_cleanly(tmp_path, process_log):
    ports = {name: free_port() for name in ("PARTNERS_PORT", "EVENTS_PORT", "NOTIFY_PORT", "PROGRAMME_PORT")}
    metrics_base = free_port_range(len(WORKER_PORTS))
    env = dict(os.environ, OSL_DATA_DIR=str(tmp_path), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
               OSL_METRICS_BASE_PORT=str(metrics_base), **{name: str(port) for name, port in ports.items()})
    env.pop("OSL_ADMIN_TOKEN", None)
    log = process_log("run.log").open("wb")  # every process's output; a traceback in it fails the test
    system = subprocess.Popen(["bash", "deploy/run-local.sh"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for port in ports.values():
            wait_until(lambda port=port: (get_json(f"http://127.0.0.1:{port}/readyz") or (0,))[0] == 200,
                       timeout=180, message=f"readyz on port {port}")
        status, districts = get_json(f"http://127.0.0.1:{ports['PARTNERS_PORT']}/api/v1/districts/?page_size=50")
        assert status == 200
        assert len(districts) == 20
        assert "Śródmieście" in {district["name"] for district in districts}
        for service in ("events", "notify"):
            wait_until(lambda service=service: replica_districts(tmp_path / f"{service}.db") == 20, timeout=30,
                       message=f"20 districts replicated to {service}")
        assert (tmp_path / "admin-token").stat().st_mode & 0o077 == 0
        # The pages are served by gunicorn, as in production, and every web app and worker shows its metrics.
        for port in ports.values():
            status, text, headers = get_text(f"http://127.0.0.1:{port}/metrics")
            assert status == 200 and headers["Server"].startswith("gunicorn"), headers
            assert check_series(text, WEB) == []
        for offset, (name, kind) in WORKER_PORTS.items():
            expected = dict(WORKERS[kind])
            if name != "partners-relay":  # only the partners relay has published (the districts) by now
                expected.pop("osl_messages_published_total", None)
            if name in ("programme-consumer", "partners-consumer"):  # they take no district messages
                expected.pop("osl_messages_handled_total", None)
            expected.pop("osl_notify_notices_sent_total", None)  # no notice has been sent yet
            text = wait_until(lambda offset=offset, expected=expected: _complete(metrics_base + offset, expected),
                              timeout=30, message=f"metrics of {name}")
            assert check_series(text, expected) == [], name
        output = (tmp_path / "run.log").read_text()
        assert f"http://127.0.0.1:{ports['PARTNERS_PORT']}/docs" in output
        # A fresh install prints the one-time link that makes the first admin account.
        assert f"http://127.0.0.1:{ports['PARTNERS_PORT']}/staff/first-admin#token=" in output
    finally:
        os.killpg(system.pid, signal.SIGINT)
        code = system.wait(timeout=30)
        log.close()
    output = (tmp_path / "run.log").read_text()
    assert code in (0, 130), output[-3000:]  # honcho exits 130 after Ctrl-C, as shells do
    assert output.count("relay stopped") == 3
    assert (tmp_path / "admin-token").read_text().strip() not in output
