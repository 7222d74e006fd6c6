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


@click.command("first-admin")
@with_appcontext
def first_admin_command():
    """Print a one-time link to make the first admin account (on a fresh install, while there is no admin)."""
    from flask import current_app

    from services.messaging.errors import Conflict
    from services.partners.operations.accounts import first_admin_link, first_admin_token, has_admin

    with runtime().database.session() as session:
        if has_admin(session):
            click.echo("An admin account exists already: sign in, and invite more people from the staff pages.")
            return
        try:
            token = first_admin_token(session)
        except Conflict as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(first_admin_link(current_app.config, token))


def _create_app():
    from services.partners import create_app

    return create_app()


cli = service_cli(_create_app, "The OSL partners service.")
