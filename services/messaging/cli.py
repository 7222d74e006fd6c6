"""The command line every service shares: migrations, relay, consumers, replay and the dead-letter queue."""

import json
import signal
from datetime import UTC, datetime

import click
from flask.cli import FlaskGroup, with_appcontext

from services.messaging.dead_letters import list_dead_letters, requeue
from services.messaging.logs import set_process
from services.messaging.metrics import OutboxCollector, QueueDepthCollector, serve_worker_metrics, worker_metrics_option
from services.messaging.web import runtime


def _on_stop_signals(callback) -> None:
    signal.signal(signal.SIGTERM, callback)
    signal.signal(signal.SIGINT, callback)


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("give a date or time in ISO 8601, e.g. 2026-11-23 or 2026-11-23T10:00+01:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.group("db")
def db_group():
    """The service's database."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply the service's migrations."""
    runtime().upgrade_database()
    click.echo(f"{runtime().name}: database is up to date")


@click.command("relay")
@worker_metrics_option
@with_appcontext
def relay_command(metrics_port):
    """Publish the outbox to the bus until stopped (SIGTERM or Ctrl-C)."""
    set_process("relay")
    service = runtime()
    serve_worker_metrics(metrics_port, [OutboxCollector(service.name, service.database, service.outbox_model)])
    relay = service.relay()
    _on_stop_signals(relay.stop)
    relay.run()


@click.command("consume")
@worker_metrics_option
@with_appcontext
def consume_command(metrics_port):
    """Handle this service's messages until stopped; SIGTERM finishes the message in hand first."""
    service = runtime()
    if not service.handlers:
        raise click.UsageError(f"the {service.name} service consumes no messages")
    set_process("consumer")
    serve_worker_metrics(metrics_port, [QueueDepthCollector(service.name, service.bus)])
    worker = service.worker()
    _on_stop_signals(worker.stop)
    worker.run()


@click.command("replay")
@click.option("--since", help="Only messages created at or after this ISO 8601 date or time.")
@click.option("--type", "type_pattern", help="Only messages of this type; * matches any part, e.g. 'district.*'.")
@with_appcontext
def replay_command(since, type_pattern):
    """Publish already-published outbox messages again; consumers ignore what they have handled."""
    count = runtime().relay().replay(_parse_since(since), type_pattern)
    click.echo(f"replayed {count} message(s)")


@click.group("dead-letters")
def dead_letters_group():
    """This service's dead-letter queue."""


@dead_letters_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
@with_appcontext
def dead_letters_list(as_json):
    """Show what the dead-letter queue holds, leaving it in place."""
    letters = list_dead_letters(runtime().bus, runtime().name)
    for letter in letters:
        if as_json:
            click.echo(json.dumps(letter.as_dict(), ensure_ascii=False))
        else:
            click.echo(f"{letter.message_id}  {letter.type}  {letter.queue}  tries={letter.attempts}  {letter.error}")
    if not as_json:
        click.echo(f"{len(letters)} dead letter(s)")


@dead_letters_group.command("requeue")
@click.option("--id", "message_ids", multiple=True, help="Only this message id (may repeat); default: all.")
@with_appcontext
def dead_letters_requeue(message_ids):
    """Send dead letters back to their handler's queue for a fresh set of tries."""
    count = requeue(runtime().bus, runtime().name, set(message_ids) or None)
    click.echo(f"requeued {count} message(s)")


def service_cli(create_app, help_text: str) -> FlaskGroup:
    """A ``python -m services.<name>`` command group: Flask's own commands plus the shared ones."""
    group = FlaskGroup(create_app=lambda: create_app(), help=help_text, add_version_option=False,
                       load_dotenv=False, set_debug_flag=False)
    for command in (db_group, relay_command, consume_command, replay_command, dead_letters_group):
        group.add_command(command)
    return group
