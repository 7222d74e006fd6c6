"""``python -m services.events``: the web app, relay, consumer, the calendar import and the shared bus commands."""

import signal

import click
from flask import current_app
from flask.cli import with_appcontext

from services.messaging.cli import service_cli
from services.messaging.logs import set_process
from services.messaging.metrics import serve_worker_metrics, worker_metrics_option


def _create_app():
    from services.events import create_app

    return create_app()


@click.command("import")
@worker_metrics_option
@with_appcontext
def import_command(metrics_port):
    """Pull organisations' calendars when due and keep their events in sync, until stopped (SIGTERM or Ctrl-C)."""
    from services.events.imports.runner import Importer

    set_process("import")
    serve_worker_metrics(metrics_port)
    importer = Importer(current_app._get_current_object())
    signal.signal(signal.SIGTERM, importer.stop)
    signal.signal(signal.SIGINT, importer.stop)
    importer.run()


cli = service_cli(_create_app, "The OSL events service.")
cli.add_command(import_command)
