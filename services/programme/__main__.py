from services.programme.cli import cli

cli()
