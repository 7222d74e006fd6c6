from services.events.cli import cli

cli()
