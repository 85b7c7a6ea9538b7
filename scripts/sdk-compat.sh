#!/usr/bin/env bash
# Runs the official Python SDK (pangea-sdk 6.13.0) against `authtop emulator`.
# Builds the binary, starts the emulator on a free port, installs the SDK into a
# throwaway virtualenv and drives every session endpoint through it.
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v python3 >/dev/null 2>&1; then
    echo "skip: python3 is not installed, so the SDK compatibility check cannot run"
    exit 0
fi
if ! python3 -m venv --help >/dev/null 2>&1; then
    echo "skip: python3 has no venv module, so the SDK compatibility check cannot run"
    exit 0
fi

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# start NAME [flags]: runs an emulator writing $work/NAME.json; waits until it is up.
start() {
    local name="$1"
    shift
    ./target/debug/authtop emulator --port 0 --tokens-out "$work/$name.json" "$@" \
        >"$work/$name.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 1 100); do
        [[ -s "$work/$name.json" ]] && grep -qi "base url" "$work/$name.log" && break
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "the emulator exited early:"; cat "$work/$name.log"; exit 1
        fi
        sleep 0.1
    done
    [[ -s "$work/$name.json" ]] || { echo "the emulator did not start"; exit 1; }
    grep -i "base url" "$work/$name.log" || true
}

cargo build --quiet
start plain
start async --async-rate 1 --seed 7

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pangea-sdk==6.13.0
"$work/venv/bin/python" scripts/sdk_compat.py "$work/plain.json" "$work/async.json"
