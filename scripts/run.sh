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
# -d DB: trytond 8.0.12 answers every login with an error without it.
exec .venv/bin/trytond -c trytond.conf -d "$DB"
