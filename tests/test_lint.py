"""The code stays as style.md asks: ruff clean at line length 120, and no service imports another."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("partners", "events", "notify", "programme")


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "services", "tests", "bench"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_service_imports_another():
    offenders = []
    for service in SERVICES:
        others = "|".join(other for other in SERVICES if other != service)
        pattern = re.compile(rf"^\s*(from|import)\s+services\.({others})\b", re.MULTILINE)
        for path in (ROOT / "services" / service).rglob("*.py"):
            if pattern.search(path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_services_share_only_the_messaging_ui_and_calendar_packages():
    allowed = {"messaging", "calendar", "ui"}
    pattern = re.compile(r"^\s*(?:from|import)\s+services\.(\w+)", re.MULTILINE)
    offenders = []
    for service in SERVICES:
        for path in (ROOT / "services" / service).rglob("*.py"):
            used = set(pattern.findall(path.read_text())) - allowed - {service}
            if used:
                offenders.append((str(path.relative_to(ROOT)), sorted(used)))
    assert offenders == []


def test_the_calendar_core_is_pure():
    """No Flask, no database, no other part of OSL: the rules of the contract, importable by every service."""
    pattern = re.compile(r"^\s*(?:from|import)\s+(flask|sqlalchemy|kombu|services\.(?!calendar\b)\w+)", re.MULTILINE)
    offenders = [(str(path.relative_to(ROOT)), pattern.findall(path.read_text()))
                 for path in (ROOT / "services" / "calendar").rglob("*.py") if pattern.search(path.read_text())]
    assert offenders == []
