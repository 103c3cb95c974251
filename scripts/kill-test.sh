#!/usr/bin/env bash
# Kill test for autosave (a dev tool, not a CI test): opens the studio on a temporary copy of the
# bundled example under a virtual X server, deletes a state with real input (a click on the
# first state, then the Delete key), waits 1 to 6 s, kills the studio with SIGKILL and checks
# that the recovery file holds the edit. Prints one line per trial and the count of lost edits.
#
# Usage: scripts/kill-test.sh [TRIALS] [BINARY]   (default 20 trials, target/debug/stepcraft;
# build it first: `cargo build -j1 -p stepcraft-studio`).
# Needs Xvfb, xdotool and openbox (Debian: xvfb xdotool openbox), and Mesa's OpenGL.
set -euo pipefail
cd "$(dirname "$0")/.."

trials="${1:-20}"
binary="$(realpath "${2:-target/debug/stepcraft}")"
example="assets/examples/order-processing.asl.json"
display=":$((90 + RANDOM % 100))"
work="$(mktemp -d)"
cleanup() {
  [[ -n "${studio:-}" ]] && kill -9 "$studio" 2>/dev/null || true
  [[ -n "${wm:-}" ]] && kill "$wm" 2>/dev/null || true
  [[ -n "${xvfb:-}" ]] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
for _ in $(seq 50); do
  DISPLAY="$display" xdotool getdisplaygeometry >/dev/null 2>&1 && break
  sleep 0.1
done
DISPLAY="$display" openbox >/dev/null 2>&1 &
wm=$!
export DISPLAY="$display"

# Where the first state ("Stamp Order") is drawn in a 1280x800 window at the screen's corner:
# found once by a screenshot; the title's unsaved marker tells whether the edit happened.
node_x="${NODE_X:-712}"
node_y="${NODE_Y:-110}"

lost=0
missed=0
for trial in $(seq "$trials"); do
  home="$work/home-$trial"
  mkdir -p "$home"
  file="$work/flow-$trial.asl.json"
  cp "$example" "$file"
  HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
    "$binary" "$file" >"$work/log-$trial" 2>&1 &
  studio=$!
  window=""
  for _ in $(seq 300); do
    window="$(xdotool search --name "Stepcraft" 2>/dev/null | head -1 || true)"
    [[ -n "$window" ]] && break
    sleep 0.1
  done
  if [[ -z "$window" ]]; then
    echo "trial $trial: no window" >&2
    cat "$work/log-$trial" >&2
    exit 1
  fi
  xdotool windowmove --sync "$window" 0 0 windowsize --sync "$window" 1280 800 windowactivate "$window" 2>/dev/null || true
  sleep 1.5 # the first frames, the graph fitted to the window
  xdotool mousemove --window "$window" "$node_x" "$node_y" click 1
  sleep 0.3
  xdotool key --window "$window" Delete
  # The edit is made when the title shows the unsaved marker.
  edited=""
  for _ in $(seq 50); do
    if xdotool getwindowname "$window" | grep -q '^\* '; then
      edited="$(date +%s.%N)"
      break
    fi
    sleep 0.05
  done
  if [[ -z "$edited" ]]; then
    echo "trial $trial: the edit did not happen (is the first state at $node_x,$node_y?)"
    missed=$((missed + 1))
    kill -9 "$studio" 2>/dev/null || true
    wait "$studio" 2>/dev/null || true
    continue
  fi
  wait_ms=$((1000 + RANDOM % 5001))
  sleep "$(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))"
  kill -9 "$studio"
  killed="$(date +%s.%N)"
  wait "$studio" 2>/dev/null || true
  after="$(python3 -c "print(f'{$killed - $edited:.2f}')")"
  recovery="$(find "$home/.local/share/stepcraft/recovery" -name '*.recovery.json' 2>/dev/null | head -1 || true)"
  if [[ -n "$recovery" ]] && ! grep -q '"Stamp Order"' "$recovery"; then
    echo "trial $trial: killed ${after}s after the edit: kept"
  else
    echo "trial $trial: killed ${after}s after the edit: LOST"
    lost=$((lost + 1))
  fi
done
echo "lost edits: $lost of $((trials - missed)) kills 1-6 s after the edit ($missed trials without an edit)"
[[ "$lost" -eq 0 && "$missed" -eq 0 ]]
