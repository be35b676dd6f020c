#!/usr/bin/env bash
# Set up and run every XToolsCRM test:
#   1. each addon's ModuleTestCase, unit tests and scenario doctests on SQLite
#   2. the same on PostgreSQL (127.0.0.1:5432, or a throwaway cluster)
#   3. tests/: the real server over XML-RPC/JSON-RPC, the sao web UI in
#      headless Chromium, module activation/deactivation
# Suites run in parallel; logs and screenshots go to test-artifacts/.
# Extra arguments are passed to every pytest run (e.g. -k customer).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib.sh
. scripts/postgres.sh

scripts/setup.sh --test
ensure_postgres
trap stop_postgres EXIT

ART=$ROOT/test-artifacts
rm -rf "$ART" && mkdir -p "$ART"
export XTOOLS_ARTIFACTS=$ART

# Initialised test databases are cached between tests and runs (Tryton's
# DB_CACHE). The cache is keyed on the sources, so a change never meets a
# stale database.
sources=$(find addons demo scripts requirements.txt -type f \
    \( -name '*.py' -o -name '*.xml' -o -name '*.cfg' -o -name '*.po' \
    -o -name '*.txt' -o -name '*.sh' \) -not -path '*/__pycache__/*' \
    | sort | xargs cat | sha256sum | cut -c1-16)
CACHE=$ROOT/var/test-cache
find "$CACHE" -mindepth 1 -maxdepth 1 -not -name "$sources" \
    -exec rm -rf {} + 2>/dev/null || true
export DB_CACHE=$CACHE/$sources
mkdir -p "$DB_CACHE"

# --durations: every suite's log ends with its 25 slowest test phases (a
# module's cold activation is the set-up of its first test); they are
# printed below with the results, so a test that starts to cost shows.
PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider -q -rfE
    --timeout=1800 --durations=25 "$@")
PG_DB=xtools_test_$$

# On PostgreSQL, Tryton's DB_CACHE keeps initialised databases as template
# databases named test-<hash of the module names> (a copy is much faster
# than pg_restore). Their names do not change with the sources, so the
# templates of earlier runs are dropped first.
PG_CACHE=${XTOOLS_PG_URI%/}
drop_pg_templates() {
    psql "${XTOOLS_PG_URI}postgres" -Atc \
        "SELECT datname FROM pg_database WHERE datname LIKE 'test-%'" \
        2>/dev/null | while read -r db; do
            psql "${XTOOLS_PG_URI}postgres" -qc "DROP DATABASE \"$db\"" \
                >/dev/null 2>&1 || true
        done
}
drop_pg_templates

# Tests throw their databases away: PostgreSQL need not wait for each commit
# to reach the disk (a crash loses nothing worth keeping). A session setting,
# so the server's configuration is left alone.
export PGOPTIONS="${PGOPTIONS:-} -c synchronous_commit=off"

run_suite() {  # name, then the command; output to $ART/name.log
    local name=$1; shift
    if "$@" >"$ART/$name.log" 2>&1; then
        echo "PASS" >"$ART/$name.status"
    else
        echo "FAIL" >"$ART/$name.status"
    fi
}

say "Running the suites in parallel (logs in test-artifacts/)"
start=$SECONDS
run_suite sqlite env TRYTOND_DATABASE__URI=sqlite:// \
    "${PYTEST[@]}" addons demo --junitxml="$ART/sqlite.xml" &
run_suite postgresql env TRYTOND_DATABASE__URI="$XTOOLS_PG_URI" \
    DB_NAME="$PG_DB" DB_CACHE="$PG_CACHE" "${PYTEST[@]}" addons \
    --junitxml="$ART/postgresql.xml" &
run_suite e2e env TRYTOND_DATABASE__URI=sqlite:// \
    XTOOLS_PG_URI="$XTOOLS_PG_URI" "${PYTEST[@]}" tests \
    --junitxml="$ART/e2e.xml" &
wait

psql "${XTOOLS_PG_URI}postgres" -qc "DROP DATABASE IF EXISTS \"$PG_DB\"" \
    >/dev/null 2>&1 || true
drop_pg_templates

status=0
for suite in sqlite postgresql e2e; do
    result=$(cat "$ART/$suite.status")
    summary=$(grep -E '(passed|failed|error|no tests ran)' "$ART/$suite.log" \
        | tail -n 1)
    printf '%-11s %s  %s\n' "$suite" "$result" "$summary"
    if [ "$result" != PASS ]; then
        status=1
        echo "---- $suite: failures (full log: test-artifacts/$suite.log)"
        grep -E '^(FAILED|ERROR)' "$ART/$suite.log" | head -n 50 || true
        tail -n 60 "$ART/$suite.log"
    fi
done
for suite in sqlite postgresql e2e; do
    echo "---- $suite: slowest tests"
    sed -n '/slowest [0-9]* durations/,/^=/p' "$ART/$suite.log" \
        | grep -E '^[0-9.]+s ' || true
done
echo "All suites took $((SECONDS - start)) s."
exit $status
