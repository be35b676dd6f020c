#!/usr/bin/env bash
# Prepare this checkout on a Debian 12 / Python 3.11 machine: the venv with
# Tryton 8.0 and our addons, and the sao web client.
#   scripts/setup.sh          what `make run` needs
#   scripts/setup.sh --test   plus the test tools, Chromium and CJK fonts
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
PYTHON=${PYTHON:-python3}
WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1

. scripts/lib.sh

# 1. Python venv and packages (redone only when the requirements change)
if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the virtual environment in .venv"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        apt_install python3-venv
        rm -rf "$VENV"
        "$PYTHON" -m venv "$VENV"
    fi
fi
reqs=(requirements.txt pyproject.toml)
[ $WITH_TEST -eq 1 ] && reqs+=(requirements-test.txt)
want=$(cat "${reqs[@]}" | sha256sum | cut -d' ' -f1)
stamp=$VENV/.xtools-$([ $WITH_TEST -eq 1 ] && echo test || echo run)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Python packages (Tryton 8.0 and the XToolsCRM addons)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.txt
    [ $WITH_TEST -eq 1 ] && "$VENV/bin/python" -m pip install -q \
        --disable-pip-version-check -r requirements-test.txt
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e .
    echo "$want" > "$stamp"
fi

# 2. The sao web client. Its index.html loads jquery, bootstrap … from a
# node_modules/ inside its own folder, so it is unpacked and given its own
# runtime dependencies instead of a plain `npm install` (which hoists them).
SAO=$ROOT/var/sao
if [ ! -f "$SAO/.installed" ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    say "Installing the sao 8.0 web client"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent tryton-sao@8.0 >/dev/null)
    rm -rf "$SAO" && mkdir -p "$SAO"
    tar xzf "$tmp"/tryton-sao-*.tgz -C "$SAO" --strip-components=1
    rm -rf "$tmp"
    (cd "$SAO" && npm install --omit=dev --legacy-peer-deps --no-audit \
        --no-fund --loglevel=error >/dev/null)
    # Optional files sao asks for; missing ones answer 405.
    touch "$SAO/custom.js" "$SAO/custom.css"
    touch "$SAO/.installed"
fi
# The product's own custom.js (its name in the title bar), on every set-up
cp "$ROOT/scripts/sao/custom.js" "$SAO/custom.js"

# 3. Test tools: Debian's Chromium (never a downloaded browser), CJK fonts
# for readable screenshots, PostgreSQL client tools for DB_CACHE dumps.
if [ $WITH_TEST -eq 1 ]; then
    apt_install chromium chromium-driver fonts-noto-cjk postgresql-client
fi
