# Sourced by test.sh. Makes a PostgreSQL server answer on loopback and
# exports XTOOLS_PG_URI: the one on 127.0.0.1:5432 when it answers (CI has
# one, trust auth), otherwise a throwaway cluster started here.

pg_answers() {
    psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atc 'select 1' \
        >/dev/null 2>&1
}

ensure_postgres() {
    local port=${XTOOLS_PG_PORT:-5432}
    if command -v psql >/dev/null && pg_answers "$port"; then
        export XTOOLS_PG_URI="postgresql://postgres@127.0.0.1:$port/"
        return 0
    fi
    say "No PostgreSQL answers on 127.0.0.1:$port: starting a throwaway one"
    apt_install postgresql
    local bindir port2 dir
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    port2=${XTOOLS_PG_THROWAWAY_PORT:-55432}
    dir=$(mktemp -d /tmp/xtools-pg.XXXXXX)
    local as=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust \
        -E UTF8 >/dev/null
    "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port2 -k $dir" start >/dev/null
    XTOOLS_PG_STOP="${as[*]} $bindir/pg_ctl -D $dir/data -m fast stop"
    XTOOLS_PG_DIR=$dir
    export XTOOLS_PG_URI="postgresql://postgres@127.0.0.1:$port2/"
}

stop_postgres() {
    if [ -n "${XTOOLS_PG_STOP:-}" ]; then
        $XTOOLS_PG_STOP >/dev/null 2>&1 || true
        rm -rf "$XTOOLS_PG_DIR"
    fi
}
