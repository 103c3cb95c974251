#!/usr/bin/env bash
# Opens the studio the way the README's first command does (`cargo run --release`, no
# arguments: the bundled example) on a virtual X server, and checks that its window appears
# and stays up. Usage: scripts/studio-smoke.sh [SECONDS] (default 8).
# Needs Xvfb, xauth and xdotool (Debian: xvfb xauth xdotool), and Mesa's OpenGL.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-8}"
display=":$((90 + RANDOM % 100))"
log="$(mktemp)"
home="$(mktemp -d)"
cleanup() {
  [[ -n "${studio:-}" ]] && kill "$studio" 2>/dev/null || true
  [[ -n "${xvfb:-}" ]] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$home" "$log"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
for _ in $(seq 50); do
  xdotool -v >/dev/null 2>&1 && DISPLAY="$display" xdotool getdisplaygeometry >/dev/null 2>&1 && break
  sleep 0.1
done

# A fresh HOME: no remembered layout or recovery files from the machine's user (cargo and
# rustup keep finding their own homes).
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
DISPLAY="$display" HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
  cargo run --release --quiet >"$log" 2>&1 &
studio=$!

# The window appears (the build is done before this script runs, so this is start-up time).
found=""
for _ in $(seq 300); do
  if ! kill -0 "$studio" 2>/dev/null; then
    echo "the studio exited before its window appeared:" >&2
    cat "$log" >&2
    exit 1
  fi
  if DISPLAY="$display" xdotool search --name "Stepcraft" >/dev/null 2>&1; then
    found=yes
    break
  fi
  sleep 0.1
done
if [[ -z "$found" ]]; then
  echo "no Stepcraft window after 30 s:" >&2
  cat "$log" >&2
  exit 1
fi

# And stays up.
sleep "$seconds"
if ! kill -0 "$studio" 2>/dev/null; then
  echo "the studio exited within $seconds s of opening:" >&2
  cat "$log" >&2
  exit 1
fi
title="$(DISPLAY="$display" xdotool search --name "Stepcraft" getwindowname | head -1)"
echo "studio window open for $seconds s: $title"
