#!/usr/bin/env bash
# Runs schemathesis 4.32.5 (examples, coverage, fuzzing and stateful phases; fixed seed,
# bounded time) over the session and token-check operations of Pangea's AuthN OpenAPI
# document against a fresh `authtop emulator`, and fails on any emulator failure.
# The document is read from ../shared/spec/authn.openapi.json (or $AUTHN_OPENAPI);
# scripts/openapi_check.py writes the corrected copy that is run, and says why each
# correction is the document's mistake; scripts/openapi-check.toml holds the settings.
set -euo pipefail

cd "$(dirname "$0")/.."
root="$PWD"

doc="${AUTHN_OPENAPI:-$root/../shared/spec/authn.openapi.json}"
if [[ ! -f "$doc" ]]; then
    echo "openapi check: the OpenAPI document is not at $doc (set AUTHN_OPENAPI)"
    exit 1
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "skip: python3 is not installed, so the OpenAPI check cannot run"
    exit 0
fi
if ! python3 -m venv --help >/dev/null 2>&1; then
    echo "skip: python3 has no venv module, so the OpenAPI check cannot run"
    exit 0
fi

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
    if [[ -n "$emulator_pid" ]]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

cargo build --quiet

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5

./target/debug/authtop emulator --port 0 --seed 18 --tokens-out "$work/emulator.json" \
    >"$work/emulator.log" 2>"$work/emulator.err" </dev/null &
emulator_pid=$!
for _ in $(seq 1 100); do
    [[ -s "$work/emulator.json" ]] && grep -qi "base url" "$work/emulator.log" && break
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        echo "the emulator exited early:"
        cat "$work/emulator.log" "$work/emulator.err"
        exit 1
    fi
    sleep 0.1
done
[[ -s "$work/emulator.json" ]] || { echo "the emulator did not start"; exit 1; }

python3 scripts/openapi_check.py "$doc" "$work/emulator.json" "$work/authn.openapi.json"
base_url="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["base_url"])' "$work/emulator.json")"
echo "emulator at $base_url; schemathesis over the session and token-check operations"

# Run from the scratch directory, so schemathesis's example database starts empty every
# run and the fixed seed decides what is sent.
status=0
(
    cd "$work"
    SERVICE_TOKEN="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["service_token"])' emulator.json)"
    "$work/venv/bin/schemathesis" --config-file "$root/scripts/openapi-check.toml" run \
        authn.openapi.json --url "$base_url" \
        --header "Authorization: Bearer $SERVICE_TOKEN" \
        --phases examples,coverage,fuzzing,stateful \
        --output-truncate true </dev/null
) || status=$?

if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "the emulator died during the run:"
    tail -n 50 "$work/emulator.err"
    exit 1
fi
warned="$(grep -c "WARN" "$work/emulator.err" || true)"
echo "emulator warnings logged during the run: $warned (ignored unknown filter keys)"
if [[ "$status" -ne 0 ]]; then
    echo "openapi check: schemathesis found emulator failures (exit $status)"
    exit "$status"
fi
echo "openapi check: no emulator failure"
