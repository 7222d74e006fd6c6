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


def _create_app():
    from services.programme import create_app

    return create_app()


cli = service_cli(_create_app, "The OSL programme service.")
cli.add_command(seed_command)
