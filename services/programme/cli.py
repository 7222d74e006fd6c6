"""``python -m services.programme``: the web app, consumer, seed and the shared bus commands."""

import click
from flask.cli import with_appcontext

from services.messaging.cli import service_cli
from services.messaging.web import runtime


@click.command("seed")
@with_appcontext
def seed_command():
    """Load the programme of the seed, "Częstochowa silna dzielnicami", with its targets (safe to repeat)."""
    from services.programme.operations import seed

    with runtime().database.session() as session:
        created = seed(session)
    click.echo(f"seeded: {created} new programme(s)")


@click.command("purge")
@with_appcontext
def purge_command():
    """Erase the participants of programmes whose end plus PROGRAMME_ARCHIVE_YEARS has passed."""
    from flask import current_app

    from services.calendar.times import today
    from services.programme.operations import purge_expired

    with runtime().database.session() as session:
        erased = purge_expired(session, current_app.config["ARCHIVE_YEARS"], today())
    click.echo(f"erased {erased} participant(s) past their retention")


def _create_app():
    from services.programme import create_app

    return create_app()


cli = service_cli(_create_app, "The OSL programme service.")
cli.add_command(seed_command)
cli.add_command(purge_command)
