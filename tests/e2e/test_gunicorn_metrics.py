"""Under gunicorn with several workers, /metrics adds up every worker's numbers (prometheus-client multiprocess)."""

import os
import signal
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from services.messaging.testing import wait_until
from tests.messaging.test_metrics import WEB, check_series, samples
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
REQUESTS = 240


def get(url: str, timeout: float = 60) -> tuple[int, str, dict]:
    # A long timeout: a request that gave up waiting would still be answered (and counted) later.
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode(), dict(response.headers)


def test_three_gunicorn_workers_report_one_sum(tmp_path):
    port, metrics_dir = free_port(), tmp_path / "metrics"
    env = dict(os.environ, OSL_DATA_DIR=str(tmp_path), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    subprocess.run([sys.executable, "-m", "services.partners", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    env.update(PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), WEB_WORKERS="3", WEB_THREADS="2")
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(["gunicorn", "-c", "python:services.messaging.gunicorn_conf", "--bind",
                               f"127.0.0.1:{port}", "services.partners:create_app()"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(f"{base}/healthz"), timeout=60, message="gunicorn answers")
        before = _healthz_count(get(f"{base}/metrics")[1])
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda _: get(f"{base}/healthz")[0], range(REQUESTS)))
        assert statuses == [200] * REQUESTS
        pids = {path.stem.rsplit("_", 1)[1] for path in metrics_dir.glob("histogram_*.db")}
        assert len(pids) >= 2, f"the requests reached one worker only: {pids}"
        for _ in range(5):  # whichever worker answers the scrape, it reports every worker's requests
            status, text, _headers = get(f"{base}/metrics")
            assert status == 200
            assert check_series(text, WEB) == []
            assert _healthz_count(text) == before + REQUESTS
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()


def _healthz_count(text: str) -> float:
    counts = [s.value for s in samples(text)["flask_http_request_duration_seconds_count"]
              if s.labels["url_rule"] == "/healthz" and s.labels["status"] == "200"]
    assert len(counts) == 1, counts
    return counts[0]


def _answers(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except OSError:
        return False
