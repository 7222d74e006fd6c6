"""The suite's own check: a traceback in a test's captured logs, or in the log of a process it started
(``process_log``, as the e2e tests do), fails the test, unless it is marked ``traceback_expected``."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TESTS = '''
import logging
import pytest

TRACE = "Traceback (most recent call last):\\n  File \\"x.py\\", line 1\\nZeroDivisionError: division by zero\\n"


def test_a_process_that_logged_a_traceback(process_log):
    process_log("run.log").write_text("started\\n" + TRACE)


@pytest.mark.traceback_expected
def test_a_process_expected_to_log_one(process_log):
    process_log("run.log").write_text(TRACE)


def test_a_clean_process(process_log):
    process_log("run.log").write_text("started\\nstopped\\n")


def test_a_traceback_in_the_captured_logs():
    try:
        1 / 0
    except ZeroDivisionError:
        logging.getLogger("x").exception("boom")
'''


def test_a_traceback_in_a_process_log_or_the_captured_logs_fails_the_test(tmp_path):
    (tmp_path / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text())
    (tmp_path / "test_probe.py").write_text(textwrap.dedent(TESTS))
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    traceback_expected: expected\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                             "-rA", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent)})
    out = result.stdout
    assert "ERROR test_probe.py::test_a_process_that_logged_a_traceback" in out, out
    assert "unexpected traceback in run.log" in out and "ZeroDivisionError" in out
    assert "PASSED test_probe.py::test_a_process_expected_to_log_one" in out
    assert "PASSED test_probe.py::test_a_clean_process" in out
    assert "ERROR test_probe.py::test_a_traceback_in_the_captured_logs" in out
