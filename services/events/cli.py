"""``python -m services.events``: the web app, relay, consumer and the shared bus commands."""

from services.messaging.cli import service_cli


def _create_app():
    from services.events import create_app

    return create_app()


cli = service_cli(_create_app, "The OSL events service.")
