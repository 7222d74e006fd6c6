"""Handing a message to SMTP, or, with no SMTP configured, to a folder of .eml files.

A transport raises TemporaryFailure (4xx answer, connection trouble: try again later) or PermanentFailure (5xx
answer: do not try again).
"""

import logging
import re
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from services.messaging.files import write_atomically
from services.notify.config import SmtpSettings

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


@dataclass(frozen=True)
class Outgoing:
    """One e-mail ready for SMTP: the envelope's addresses and the message's bytes (CRLF line ends)."""

    mail_from: str
    to: tuple[str, ...]
    data: bytes
    subject: str

    @classmethod
    def of(cls, message: "EmailMessage | Outgoing") -> "Outgoing":
        if isinstance(message, Outgoing):
            return message
        return cls(message["From"].addresses[0].addr_spec, tuple(a.addr_spec for a in message["To"].addresses),
                   message.as_bytes(), str(message["Subject"]))


class MailFolder:
    """The embedded default: each message becomes ``<folder>/<time>-<n>.eml``, and its subject is logged."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._count = 0

    def send(self, message: EmailMessage | Outgoing) -> None:
        outgoing = Outgoing.of(message)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._count += 1
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{time.monotonic_ns()}-{self._count}.eml"
        write_atomically(self.folder / name, outgoing.data)  # a mail program sees it whole or not at all
        log.info("mail written to %s: %s", name, outgoing.subject)

    def close(self) -> None:
        pass


#: An e-mail address in an SMTP server's answer (a refusal names the recipient): never logged or kept in last_error.
ADDRESS = re.compile(r"[^\s<>'\"@,:;()\[\]]+@[^\s<>'\"@,:;()\[\]]+")


def _classify(exc: Exception) -> Exception:
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [answer[0] for answer in exc.recipients.values()]
        code = max(codes) if codes else None
    text = ADDRESS.sub("<address>", f"{type(exc).__name__}: {exc}")[:1000]
    if isinstance(code, int) and 500 <= code < 600 and not isinstance(exc, smtplib.SMTPAuthenticationError):
        return PermanentFailure(text)
    return TemporaryFailure(text)


class SmtpSender:
    """One SMTP connection, opened on first use and reused for every message until closed or dropped."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._last_send = 0.0
        self._lock = threading.Lock()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.user:
            try:
                smtp.login(s.user, s.password)
            except smtplib.SMTPException:
                smtp.close()
                raise
        return smtp

    def _throttle(self) -> None:
        if self.settings.rate_per_second > 0:
            wait = self._last_send + 1 / self.settings.rate_per_second - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_send = time.monotonic()

    def send(self, message: EmailMessage | Outgoing) -> None:
        outgoing = Outgoing.of(message)
        with self._lock:
            self._throttle()
            try:
                if self._smtp is None:
                    self._smtp = self._connect()
                self._smtp.sendmail(outgoing.mail_from, list(outgoing.to), outgoing.data)
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
                self._drop()
                raise TemporaryFailure(f"{type(exc).__name__}: {exc}"[:1000]) from exc
            except smtplib.SMTPException as exc:  # an answer to one message: the connection stays usable
                self._reset()
                raise _classify(exc) from exc
            except OSError as exc:  # after SMTPException, which is an OSError too
                self._drop()
                raise TemporaryFailure(f"{type(exc).__name__}: {exc}"[:1000]) from exc

    def _reset(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        with self._lock:
            if self._smtp is not None:
                try:
                    self._smtp.quit()
                except (smtplib.SMTPException, OSError):
                    pass
                self._drop()


def make_transport(config: dict):
    """SMTP when ``SMTP`` settings are given, else the .eml folder ``MAIL_DIR``."""
    if config.get("SMTP") is not None:
        return SmtpSender(config["SMTP"])
    return MailFolder(config["MAIL_DIR"])
