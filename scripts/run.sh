#!/usr/bin/env bash
# Set up, create the demo database if it is absent, and serve XToolsCRM.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
scripts/setup.sh

DB=${XTOOLS_DB:-xtools}
PORT=${XTOOLS_PORT:-8000}
# Defaults for what trytond.conf leaves to the environment
export TRYTOND_DATABASE__URI=${TRYTOND_DATABASE__URI:-sqlite://}
export TRYTOND_DATABASE__PATH=${TRYTOND_DATABASE__PATH:-$ROOT/var/db}
export TRYTOND_WEB__ROOT=${TRYTOND_WEB__ROOT:-$ROOT/var/sao}
export TRYTOND_WEB__LISTEN=${TRYTOND_WEB__LISTEN:-127.0.0.1:$PORT}
# See trytond.conf: caches cleared through PostgreSQL's channel; on SQLite
# (one process) never by the periodic check that breaks its rollbacks
case "$TRYTOND_DATABASE__URI" in
    postgresql*)
        default_clean=0
        # and in the process that made the change during its commit
        # (xtools_crm_base/cache.py), as make serve-pg does
        export TRYTOND_CACHE__CLASS=${TRYTOND_CACHE__CLASS:-xtools_crm_base.cache.ProcessCache}
        ;;
    *) default_clean=2000000000 ;;
esac
export TRYTOND_CACHE__CLEAN_TIMEOUT=${TRYTOND_CACHE__CLEAN_TIMEOUT:-$default_clean}
mkdir -p "$TRYTOND_DATABASE__PATH"

.venv/bin/python scripts/demo_db.py "$DB" --config trytond.conf

cat <<TXT

  XToolsCRM is running: http://127.0.0.1:$PORT/  (database: $DB)
  Administrator: admin / ${XTOOLS_ADMIN_PASSWORD:-admin2026}
TXT
.venv/bin/python demo/load_demo.py --print-logins || true
case "$TRYTOND_DATABASE__URI" in
    sqlite*) where=$TRYTOND_DATABASE__PATH ;;
    *) where="the PostgreSQL database $DB" ;;
esac
echo "  Stop with Ctrl+C. The data stays in $where."
echo
# Queued tasks (large customer imports …) run in a queue worker beside the
# server, outside the requests: Tryton's trytond-worker on PostgreSQL, and
# scripts/queue_worker.py on SQLite, which trytond-worker cannot serve
# (with xtools_crm_base/queue.py, which fixes Tryton's pull on SQLite).
# The server only queues them ([queue] worker = True); an import job holds
# the write lock only batch by batch (customer_import_job.py). The worker
# is stopped when the server stops (scripts/queue_worker.py ends the task
# it is running first).
export TRYTOND_QUEUE__WORKER=${TRYTOND_QUEUE__WORKER:-True}
case "$TRYTOND_DATABASE__URI" in
    sqlite*) worker_cmd=(.venv/bin/python scripts/queue_worker.py) ;;
    *) worker_cmd=(.venv/bin/trytond-worker) ;;
esac
"${worker_cmd[@]}" -c trytond.conf -d "$DB" &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
# -d DB: trytond 8.0.12 answers every login with an error without it.
.venv/bin/trytond -c trytond.conf -d "$DB"
