"""``python -m services.notify``: the web app, relay, consumer, sender and the shared bus commands."""

import signal

import click
from flask import current_app
from flask.cli import with_appcontext

from services.messaging.cli import service_cli
from services.messaging.logs import set_process
from services.messaging.metrics import serve_worker_metrics, worker_metrics_option
from services.messaging.web import runtime


@click.command("send")
@worker_metrics_option
@with_appcontext
def send_command(metrics_port):
    """Send queued notices (SMTP, or .eml files without SMTP_HOST) until SIGTERM or Ctrl-C."""
    from services.notify.notices import Sender, notices_by_status

    set_process("sender")
    database = runtime().database
    serve_worker_metrics(metrics_port, [notices_by_status(database)])
    sender = Sender(database, current_app.config)
    signal.signal(signal.SIGTERM, sender.stop)
    signal.signal(signal.SIGINT, sender.stop)
    sender.run()


def _create_app():
    from services.notify import create_app

    return create_app()


cli = service_cli(_create_app, "The OSL notify service.")
