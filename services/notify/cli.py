"""``python -m services.notify``: the web app, relay, consumer, sender and the shared bus commands."""

import signal

import click
from flask import current_app
from flask.cli import with_appcontext

from services.messaging.cli import service_cli
from services.messaging.web import runtime


@click.command("send")
@with_appcontext
def send_command():
    """Send queued notices (SMTP, or .eml files without SMTP_HOST) until SIGTERM or Ctrl-C."""
    from services.notify.notices import Sender

    sender = Sender(runtime().database, current_app.config)
    signal.signal(signal.SIGTERM, sender.stop)
    signal.signal(signal.SIGINT, sender.stop)
    sender.run()


def _create_app():
    from services.notify import create_app

    return create_app()


cli = service_cli(_create_app, "The OSL notify service.")
