"""``python -m services.partners``: the web app, relay, seed and the shared bus commands."""

import click
from flask.cli import with_appcontext

from services.messaging.cli import service_cli
from services.messaging.web import runtime


@click.command("seed")
@with_appcontext
def seed_command():
    """Load the city's districts and the other records the source texts name (safe to repeat)."""
    from services.partners.seed import seed

    with runtime().database.session() as session:
        created = seed(session)
    click.echo("seeded: " + ", ".join(f"{count} new {kind}" for kind, count in created.items()))


def _create_app():
    from services.partners import create_app

    return create_app()


cli = service_cli(_create_app, "The OSL partners service.")
