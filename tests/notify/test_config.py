"""SMTP settings from the environment, and the defaults of the embedded run."""

import threading

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from services.notify.config import SmtpSettings, load_config
from services.notify.delivery import MailFolder, Outgoing, SmtpSender, TemporaryFailure, make_transport
from services.notify.mail.compose import build_message
from tests.notify.conftest import SmtpSink
from tests.ports import free_port

SMTP_VARIABLES = ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_USER", "SMTP_PASSWORD", "SMTP_RATE_PER_SECOND")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (*SMTP_VARIABLES, "OSL_MAIL_DIR", "PUBLIC_HOST", "MAIL_FROM", "NOTIFY_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OSL_DATA_DIR", str(tmp_path / "var"))
    return monkeypatch


def test_without_smtp_host_mail_goes_to_the_data_folder(clean_env, tmp_path):
    config = load_config()
    assert config["SMTP"] is None
    assert config["MAIL_DIR"] == (tmp_path / "var" / "mail").resolve()
    assert isinstance(make_transport(config), MailFolder)
    assert config["PUBLIC_HOST"] == "osl.localhost"
    assert config["MAIL_FROM"] == "OSL Częstochowa <powiadomienia@osl.localhost>"
    # The signing key is made once and shared by every process of the installation.
    assert config["SECRET_KEY"] == load_config()["SECRET_KEY"] and len(config["SECRET_KEY"]) > 40


def test_smtp_settings_come_from_the_environment_and_hide_the_password(clean_env):
    clean_env.setenv("SMTP_HOST", "mail.example.org")
    clean_env.setenv("SMTP_SECURITY", "starttls")
    clean_env.setenv("SMTP_USER", "osl")
    clean_env.setenv("SMTP_PASSWORD", "s3cret-pass")
    clean_env.setenv("SMTP_RATE_PER_SECOND", "5")
    smtp = load_config()["SMTP"]
    assert (smtp.host, smtp.port, smtp.security, smtp.user, smtp.rate_per_second) == (
        "mail.example.org", 587, "starttls", "osl", 5.0)
    assert "s3cret-pass" not in repr(smtp) and "s3cret-pass" not in repr(load_config())
    clean_env.setenv("SMTP_SECURITY", "ssl")
    assert load_config()["SMTP"].port == 465
    clean_env.setenv("SMTP_SECURITY", "tls1.0")
    with pytest.raises(SystemExit, match="SMTP_SECURITY"):
        load_config()


def _message():
    config = {"MAIL_FROM": "osl@osl.example", "PUBLIC_HOST": "osl.example", "MAIL_UNSUBSCRIBE_ADDRESS": "u@osl.example"}
    links = {name: f"https://osl.example/{name}" for name in ("confirm", "preferences", "unsubscribe")}
    return build_message(config, kind="confirmation", language="pl", to="a@example.org", links=links, payload={},
                         message_id="<m@osl.example>")


def test_smtp_login_with_user_and_password():
    sink = SmtpSink()

    def authenticator(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"osl", b"right"))

    controller = Controller(sink, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        good = SmtpSender(SmtpSettings(host="127.0.0.1", port=controller.port, user="osl", password="right"))
        good.send(_message())
        good.close()
        assert len(sink.accepted) == 1
        bad = SmtpSender(SmtpSettings(host="127.0.0.1", port=controller.port, user="osl", password="wrong",
                                      timeout=3))
        with pytest.raises(TemporaryFailure):  # a setup fault: no notice is failed for it
            bad.send(_message())
        bad.close()
    finally:
        controller.stop()


def test_a_mail_file_is_never_seen_half_written(tmp_path):
    """A reader of the mail folder (a person's mail program, the tests) sees each .eml whole or not at all: a file
    read while it was still being written once gave a meeting invitation whose .ics stopped mid-VEVENT."""
    folder = MailFolder(tmp_path / "mail")
    built = Outgoing.of(_message())
    # About 8 MB (a message with a big attachment): writing it takes a while.
    message = Outgoing(built.mail_from, built.to, built.data + b"Tre\xc5\x9b\xc4\x87.\r\n" * 800_000, built.subject)
    whole = message.data
    seen, writing = [], threading.Event()

    def read_while_writing():
        while not writing.is_set():
            for path in (tmp_path / "mail").glob("*.eml"):
                try:
                    seen.append(len(path.read_bytes()))
                except FileNotFoundError:
                    pass

    reader = threading.Thread(target=read_while_writing)
    reader.start()
    try:
        for _ in range(20):
            folder.send(message)
    finally:
        writing.set()
        reader.join()
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 20
    assert seen and set(seen) == {len(whole)}
