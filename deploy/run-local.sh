#!/usr/bin/env bash
# `make run`: every OSL process on this machine under honcho. By default with no servers at all: SQLite files,
# kombu's filesystem bus and a mail folder, all under $OSL_DATA_DIR (default ./var, git-ignored). Set BROKER_URL
# and *_DATABASE_URL to run the same processes on RabbitMQ and PostgreSQL. Ctrl-C stops every process.
set -euo pipefail
cd "$(dirname "$0")/.."
export OSL_DATA_DIR="${OSL_DATA_DIR:-$PWD/var}"
export LOG_LEVEL="${LOG_LEVEL:-INFO}"
# Readable lines here; JSON lines (the default) in production.
export LOG_FORMAT="${LOG_FORMAT:-text}"
mkdir -p "$OSL_DATA_DIR"
# The public pages link to each other through these base URLs (behind the gateway they share one origin).
export PARTNERS_BASE_URL="${PARTNERS_BASE_URL:-http://127.0.0.1:${PARTNERS_PORT:-8001}}"
export EVENTS_BASE_URL="${EVENTS_BASE_URL:-http://127.0.0.1:${EVENTS_PORT:-8002}}"
export NOTIFY_BASE_URL="${NOTIFY_BASE_URL:-http://127.0.0.1:${NOTIFY_PORT:-8003}}"
export PROGRAMME_BASE_URL="${PROGRAMME_BASE_URL:-http://127.0.0.1:${PROGRAMME_PORT:-8004}}"

# Writes need an admin token. Make one for this installation once, readable by its owner only.
token_file="$OSL_DATA_DIR/admin-token"
if [ -z "${OSL_ADMIN_TOKEN:-}" ]; then
  [ -s "$token_file" ] || (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(32))' >"$token_file")
  OSL_ADMIN_TOKEN="$(cat "$token_file")"
  export OSL_ADMIN_TOKEN
fi

for service in partners events notify programme; do
  LOG_LEVEL=WARNING python -m services.$service db upgrade
done
python -m services.partners seed
python -m services.programme seed
# On a fresh install (no admin account yet), a one-time link to make the first one; afterwards admins invite.
first_admin="$(LOG_LEVEL=WARNING python -m services.partners first-admin)"

case "${BROKER_URL:-filesystem://}" in
  amqp*) bus="RabbitMQ" ;;
  *) bus="the embedded filesystem bus" ;;
esac
cat <<MSG

  OSL is starting on $bus, with its local data in $OSL_DATA_DIR.
  Point a browser at:
    what is on (residents)     $EVENTS_BASE_URL/
    Local Partnerships         $PARTNERS_BASE_URL/
    e-mail notices (sign up)   $NOTIFY_BASE_URL/subscribe
    partners  http://127.0.0.1:${PARTNERS_PORT:-8001}/docs   districts: http://127.0.0.1:${PARTNERS_PORT:-8001}/api/v1/districts/
    events    http://127.0.0.1:${EVENTS_PORT:-8002}/docs
    notify    http://127.0.0.1:${NOTIFY_PORT:-8003}/docs
    programme http://127.0.0.1:${PROGRAMME_PORT:-8004}/docs   dashboard (admin token): /programmes/1/
  Staff sign in at            $PARTNERS_BASE_URL/staff/sign-in
  First admin account:        $first_admin
  Organisations' own calendars (POST /api/v1/import-sources) are pulled by the events-import process.
  The admin token for API writes is in $token_file.
  Press Ctrl-C to stop everything.

MSG
exec honcho start -f Procfile
