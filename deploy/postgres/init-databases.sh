#!/bin/sh
# One database per OSL service, all owned by the application user ($POSTGRES_USER, "osl" in
# docker-compose.yml). The postgres image runs /docker-entrypoint-initdb.d/*.sh only when the
# data volume is empty, so this runs once. No `set -u`: if the file is not executable the
# entrypoint sources it, and -u would leak into the entrypoint itself.
set -e

for db in osl_partners osl_events osl_notify osl_programme; do
    echo "init-databases: creating $db owned by $POSTGRES_USER"
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
        -c "CREATE DATABASE \"$db\" OWNER \"$POSTGRES_USER\""
done
