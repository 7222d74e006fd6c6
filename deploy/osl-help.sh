#!/bin/sh
# Default command of the OSL image: say how to run a real process, then show each service's CLI.
cat <<'USAGE'
OSL image: run one process per container.

  web:      gunicorn --bind 0.0.0.0:8001 --workers 2 --access-logfile - 'services.partners:create_app()'
            (events on 8002, notify on 8003)
  workers:  python -m services.<partners|events|notify> relay
            python -m services.<events|notify> consume
  one-shot: python -m services.<partners|events|notify> db upgrade
            python -m services.partners seed
  admin:    python -m services.<svc> replay | dead-letters list | dead-letters requeue
USAGE
for svc in partners events notify; do
    echo
    python -m "services.$svc" --help || true
done
