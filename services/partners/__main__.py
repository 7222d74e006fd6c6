from services.partners.cli import cli

cli()
