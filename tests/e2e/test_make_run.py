"""`make run`'s script starts every process on the embedded default, seeds the districts, and stops on Ctrl-C."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from services.messaging.testing import wait_until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.load(response)
    except OSError:
        return None


def replica_districts(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path) as connection:
        try:
            return connection.execute("SELECT count(*) FROM districts").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def test_the_embedded_system_starts_seeds_replicates_and_stops_cleanly(tmp_path):
    ports = {name: free_port() for name in ("PARTNERS_PORT", "EVENTS_PORT", "NOTIFY_PORT", "PROGRAMME_PORT")}
    env = dict(os.environ, OSL_DATA_DIR=str(tmp_path), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
               **{name: str(port) for name, port in ports.items()})
    env.pop("OSL_ADMIN_TOKEN", None)
    log = (tmp_path / "run.log").open("wb")
    system = subprocess.Popen(["bash", "deploy/run-local.sh"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for port in ports.values():
            wait_until(lambda port=port: (get_json(f"http://127.0.0.1:{port}/readyz") or (0,))[0] == 200,
                       timeout=60, message=f"readyz on port {port}")
        status, districts = get_json(f"http://127.0.0.1:{ports['PARTNERS_PORT']}/api/v1/districts/?page_size=50")
        assert status == 200
        assert len(districts) == 20
        assert "Śródmieście" in {district["name"] for district in districts}
        for service in ("events", "notify"):
            wait_until(lambda service=service: replica_districts(tmp_path / f"{service}.db") == 20, timeout=30,
                       message=f"20 districts replicated to {service}")
        assert (tmp_path / "admin-token").stat().st_mode & 0o077 == 0
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
    assert "Traceback" not in output, output[-3000:]
    assert (tmp_path / "admin-token").read_text().strip() not in output
