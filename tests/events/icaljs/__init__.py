"""Mozilla ical.js (the parser Thunderbird uses), run through node, for the tests of the iCal feeds.

One long-lived node process reads every calendar of the test session (see ``read_calendars.mjs``).
``npm ci`` installs ical.js; ``make test`` does it. Without node or ical.js the tests skip, and fail when CI=true.
"""

import atexit
import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("read_calendars.mjs")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


class IcalJs:
    """A node process answering one JSON line per calendar sent."""

    def __init__(self, node: str):
        self.process = subprocess.Popen([node, str(SCRIPT)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, encoding="utf-8")
        atexit.register(self.close)

    def read(self, ics: bytes | str, until: str | None = None, max_occurrences: int = 500) -> dict:
        """What ical.js read in ``ics``; fails the test when it could not parse it."""
        answer = self.read_raw(ics, until, max_occurrences)
        assert answer["ok"], f"ical.js could not read the calendar: {answer['error']}"
        return answer

    def read_raw(self, ics: bytes | str, until: str | None = None, max_occurrences: int = 500) -> dict:
        text = ics.decode() if isinstance(ics, bytes) else ics
        request = {"ics": text, "until": until, "max": max_occurrences}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the ical.js process ended (exit code {self.process.poll()})"
        return json.loads(line)

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)


def missing() -> str | None:
    """Why ical.js cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed; install Node.js (20+) to check feeds with ical.js"
    if not (ROOT / "node_modules" / "ical.js" / "package.json").exists():
        return "ical.js is not installed; run `npm ci` (or `make test`, which does it)"
    return None


@cache
def _reader() -> IcalJs:
    return IcalJs(shutil.which("node"))


def icaljs() -> IcalJs:
    """The session's ical.js reader. Skips the test without node or ical.js, and fails it when CI=true."""
    reason = missing()
    if reason:
        if IN_CI:
            pytest.fail(f"{reason}. In CI (CI=true) ical.js is required.")
        pytest.skip(reason)
    return _reader()
