from services.notify.cli import cli

cli()
