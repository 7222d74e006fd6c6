"""How every OSL process logs: one line per record, JSON in production, readable text in `make run`.

Every line carries the service, the process (``web``, ``relay``, ``consumer``, ``sender``, ``cli``, or what a
command sets with ``set_process``) and the correlation id of the request or message in hand. ``LOG_FORMAT`` picks
``json`` (the default: python-json-logger, one object per line) or ``text`` (what `make run` shows).

What could be a secret is masked in every line, tracebacks included, whatever the code logged by mistake: bearer
tokens, ``token=``/``key=``/``password=``-like parameters, a password in a URL, signed links' tokens, OSL API keys
and e-mail addresses (also URL-encoded). The code should not log them in the first place; this is the safety net.
"""

import logging
import os
import re
import sys

from flask import current_app, has_app_context
from pythonjsonlogger.json import JsonFormatter

from services.messaging.correlation import CorrelationFilter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(service)s/%(role)s %(name)s [%(correlationid)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(role)s %(correlationid)s %(process)d"
#: In JSON the process's role is ``process`` and its operating-system id ``pid``.
JSON_RENAMES = {"levelname": "level", "name": "logger", "role": "process", "process": "pid",
                "correlationid": "correlation_id", "asctime": "time"}

MASK = "***"
SECRETS = [
    (re.compile(r"(?i)\b(bearer|basic)\s+[^\s\"',]+"), rf"\1 {MASK}"),
    (re.compile(r"(?i)\b((?:[\w-]*(?:token|key|password|passwd|secret|signature|session|cookie))[\"']?\s*[=:]\s*[\"']?)"
                r"[^\s&\"',;)]+"), rf"\1{MASK}"),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]+):[^\s@/]+@"), rf"\1:{MASK}@"),
    # itsdangerous-signed tokens (payload.timestamp.signature), as in notify's links
    (re.compile(r"\b[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}"), MASK),
    (re.compile(r"\bosl_[A-Za-z0-9_-]{20,}"), MASK),
    (re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+"), "<address>"),
]


def redact(text: str) -> str:
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


class _Context(logging.Filter):
    """The service and process of every record (the correlation id comes from ``CorrelationFilter``)."""

    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = getattr(record, "service", None) or _service_in_context() or self.service
        record.role = _process
        return True


def _service_in_context() -> str | None:
    """The service of the app whose context this is (a process runs one app, tests several)."""
    if not has_app_context():
        return None
    runtime = current_app.extensions.get("osl")
    return getattr(runtime, "name", None)


class _RedactingText(logging.Formatter):
    def format(self, record):
        return redact(super().format(record))


class _RedactingJson(JsonFormatter):
    def format(self, record):
        return redact(super().format(record))


_process = "web" if "gunicorn" in sys.modules else "cli"


def set_process(role: str) -> None:
    """Name this process's role in every line from now on (``relay``, ``consumer``, ``sender``, ...)."""
    global _process
    _process = role


def log_handler(service: str, log_format: str | None = None, stream=None) -> logging.Handler:
    """A handler that writes OSL's lines (``json`` or ``text``; default ``LOG_FORMAT``, else json) to ``stream``."""
    log_format = (log_format or os.environ.get("LOG_FORMAT") or "json").lower()
    handler = logging.StreamHandler(stream)
    handler.addFilter(CorrelationFilter())
    handler.addFilter(_Context(service))
    if log_format == "text":
        handler.setFormatter(_RedactingText(TEXT_FORMAT))
    else:
        handler.setFormatter(_RedactingJson(JSON_FIELDS, rename_fields=JSON_RENAMES, json_ensure_ascii=False))
    return handler


def configure_logging(level: str = "INFO", service: str = "osl", log_format: str | None = None) -> None:
    """One stderr handler on the root logger, for this process's service; gunicorn's own lines go through it too."""
    root = logging.getLogger()
    root.handlers[:] = [log_handler(service, log_format)]
    root.setLevel(level.upper())
    for name in ("gunicorn.error", "gunicorn.access"):
        gunicorn = logging.getLogger(name)
        gunicorn.handlers[:] = []
        gunicorn.propagate = True
