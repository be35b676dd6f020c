#!/usr/bin/env bash
# The production configuration of XToolsCRM, on one machine, for trying it
# (`make serve-pg`): PostgreSQL, several trytond worker processes under
# gunicorn, one trytond-cron, one trytond-worker for the queue. Creates the
# demo database on PostgreSQL if it is absent. The demo's passwords are
# refused unless XTOOLS_ALLOW_DEMO_PASSWORDS=1.
#
#   make serve-pg
#   XTOOLS_ALLOW_DEMO_PASSWORDS=1 make serve-pg    # the demo logins work
#   XTOOLS_WORKERS=8 XTOOLS_PORT=8080 make serve-pg
#
# PostgreSQL: the one answering on 127.0.0.1:5432 (trust auth, user
# postgres), otherwise a throwaway cluster started here and removed on
# exit (scripts/postgres.sh); TRYTOND_DATABASE__URI names another one.
# Behind an HTTP proxy, point it at 127.0.0.1:$XTOOLS_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib.sh
. scripts/postgres.sh
scripts/setup.sh

DB=${XTOOLS_DB:-xtools}
PORT=${XTOOLS_PORT:-8000}
WORKERS=${XTOOLS_WORKERS:-4}
LOGS=$ROOT/var/log
mkdir -p "$LOGS"

if [ -z "${TRYTOND_DATABASE__URI:-}" ]; then
    ensure_postgres
    export TRYTOND_DATABASE__URI=$XTOOLS_PG_URI
fi
case "$TRYTOND_DATABASE__URI" in
    postgresql*) ;;
    *) say "serve-pg needs PostgreSQL (TRYTOND_DATABASE__URI=$TRYTOND_DATABASE__URI)"
       exit 2 ;;
esac
# Settings trytond.conf leaves to the environment (see its header)
# Attachments of the PostgreSQL databases, apart from make run's SQLite ones
export TRYTOND_DATABASE__PATH=${TRYTOND_DATABASE__PATH:-$ROOT/var/pg-files}
export TRYTOND_WEB__ROOT=${TRYTOND_WEB__ROOT:-$ROOT/var/sao}
# Several processes: a change of the organisation, a group or a share made
# through one is obeyed by the others at their next request (caches
# cleared through PostgreSQL's notification channel; trytond.conf)
export TRYTOND_CACHE__CLEAN_TIMEOUT=0
# ... and at once in the process that made the change (its next request
# never meets the cache of before: xtools_crm_base/cache.py)
export TRYTOND_CACHE__CLASS=${TRYTOND_CACHE__CLASS:-xtools_crm_base.cache.ProcessCache}
# Queued tasks (large imports) run in trytond-worker, not in the request
export TRYTOND_QUEUE__WORKER=True
if [ "${XTOOLS_ALLOW_DEMO_PASSWORDS:-0}" = 1 ]; then
    export TRYTOND_XTOOLS__REFUSE_DEMO_PASSWORDS=False
else
    # xtools_crm_base/demo_passwords.py
    export TRYTOND_XTOOLS__REFUSE_DEMO_PASSWORDS=True
fi
mkdir -p "$TRYTOND_DATABASE__PATH"

.venv/bin/python scripts/demo_db.py "$DB" --config trytond.conf
# No JIT compilation for this database: the CRM's requests are short
# queries whose record-rule sub-queries PostgreSQL overprices, and compiling
# them took longer than running them (seconds on reports, the customer view
# and the deal lists: bench/README.md)
psql "${TRYTOND_DATABASE__URI%/}/$DB" -qc "ALTER DATABASE \"$DB\" SET jit = off"
# Index lookups priced as on a cached or SSD database (PostgreSQL's
# default, 4, is a spinning disk's): at 1,000,000 customers the 即将回归公海
# count of a department hashed every open opportunity and deal instead of
# looking up 6,000 (166 → 63 ms, bench/README.md)
psql "${TRYTOND_DATABASE__URI%/}/$DB" -qc "ALTER DATABASE \"$DB\" SET random_page_cost = 1.1"

pids=()
cleanup() {
    local pid
    # cron and worker lead process groups of their own (setsid): their
    # pool processes stop with them; gunicorn stops its workers itself
    for pid in "${pids[@]}"; do
        kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    stop_postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM

setsid .venv/bin/trytond-cron -c trytond.conf -d "$DB" -n 1 -vv \
    >>"$LOGS/cron.log" 2>&1 &
pids+=($!)
setsid .venv/bin/trytond-worker -c trytond.conf -d "$DB" -n 1 -vv \
    >>"$LOGS/worker.log" 2>&1 &
pids+=($!)
# gunicorn: TRYTOND_DATABASE_NAMES loads the database before the workers
# fork (--preload), and trytond 8.0.12 answers every login with an error
# without it (/work/shared/TRYTON_NOTES.md)
TRYTOND_CONFIG=$ROOT/trytond.conf TRYTOND_DATABASE_NAMES=$DB \
TRYTOND_LOGGING_LEVEL=${TRYTOND_LOGGING_LEVEL:-30} \
    .venv/bin/gunicorn trytond.application:app \
    --bind "127.0.0.1:$PORT" --workers "$WORKERS" --preload \
    --timeout 300 --graceful-timeout 30 \
    --access-logfile "$LOGS/access.log" --error-logfile - &
pids+=($!)

# Wait until it answers
for _ in $(seq 1 120); do
    if .venv/bin/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/', timeout=2)" 2>/dev/null; then
        break
    fi
    kill -0 "${pids[2]}" 2>/dev/null || { say "gunicorn did not start"; exit 1; }
    sleep 1
done

cat <<TXT

  XToolsCRM (production configuration) is running: http://127.0.0.1:$PORT/
  Database: $DB on ${TRYTOND_DATABASE__URI%/}
  Processes: gunicorn with $WORKERS trytond workers, 1 trytond-cron,
  1 trytond-worker (queue). Logs: $LOGS/{access,cron,worker}.log
TXT
if [ "${XTOOLS_ALLOW_DEMO_PASSWORDS:-0}" = 1 ]; then
    cat <<TXT
  Demo passwords ALLOWED (XTOOLS_ALLOW_DEMO_PASSWORDS=1): never on a real
  deployment.
  Administrator: admin / ${XTOOLS_ADMIN_PASSWORD:-admin2026}
TXT
    .venv/bin/python demo/load_demo.py --print-logins || true
else
    admin_pw=${XTOOLS_ADMIN_PASSWORD:-admin2026}
    case "$admin_pw" in
        admin2026|feida2026)
            admin_line="admin: refused (demo password); give it a real one:
    TRYTOND_DATABASE__URI=$TRYTOND_DATABASE__URI \\
      .venv/bin/trytond-admin -c trytond.conf -d $DB -p" ;;
        *) admin_line="admin / the XTOOLS_ADMIN_PASSWORD the database was created with" ;;
    esac
    cat <<TXT
  The demo passwords (admin2026, feida2026) are REFUSED here: users must
  be given real passwords first (admin with trytond-admin -p, the others
  in Administration › Users). To try the demo logins anyway:
    XTOOLS_ALLOW_DEMO_PASSWORDS=1 make serve-pg
  Logins: $admin_line
TXT
fi
echo "  Stop with Ctrl+C. The data stays in the PostgreSQL database $DB."
echo
wait "${pids[2]}"
