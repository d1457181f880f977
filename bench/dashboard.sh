#!/usr/bin/env bash
# Dashboard figures that need a real terminal (tmux): start-up to first frame, epochs/s with the
# dashboard open at pace max against headless, resident memory over a long flat-out run, and
# how soon a key press shows on screen while training flat out.
#
#   bench/dashboard.sh [BINARY] [SECONDS]      (default: target/release/nnfs-tui, 60 s)
#   VIEW=3 bench/dashboard.sh ...              (the same with the network view on: the keys
#                                               in VIEW are sent after the first frame)
#   ARGS="--data F --hidden 256" bench/...     (both sides train on these settings)
#
# Needs tmux. Prints one line per figure.
set -eu
bin=${1:-target/release/nnfs-tui}
secs=${2:-60}
session=nnfs-bench-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT

screen() { tmux capture-pane -p -t "$session"; }

# 1. Start-up: from launch to the first frame with the loss chart on it.
start=$(date +%s%N)
tmux new-session -d -s "$session" -x 200 -y 50 "$bin --pace max --epochs 100000000 ${ARGS:-}"
until screen | grep -q "Loss"; do sleep 0.002; done
end=$(date +%s%N)
echo "startup_first_frame_ms $(( (end - start) / 1000000 ))"

if [ -n "${VIEW:-}" ]; then tmux send-keys -t "$session" "$VIEW"; fi

pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
# The epoch counter off the screen (again if a capture caught a frame half drawn).
epoch() {
  local e=""
  while [ -z "$e" ]; do e=$(screen | grep -o 'epoch [0-9]*/' | head -1 | tr -dc '0-9'); done
  echo "$e"
}

# 2 and 3. Epochs/s with the dashboard open, and memory, sampled every 10 s.
t0=$(date +%s.%N); e0=$(epoch)
for ((t = 10; t <= secs; t += 10)); do
  sleep 10
  echo "t=${t}s epoch=$(epoch) rss_kb=$(rss)"
done
t1=$(date +%s.%N); e1=$(epoch)
echo "dashboard_epochs_per_s $(echo "($e1 - $e0) / ($t1 - $t0)" | bc -l | cut -d. -f1)"
# 4. Responsiveness while training flat out: from a key press (`?`, help) to the help on
# screen, and back. An upper bound: each look at the screen (tmux capture-pane) takes a few ms.
for i in 1 2 3 4 5; do
  for want in shown gone; do
    start=$(date +%s%N)
    tmux send-keys -t "$session" '?'
    if [ $want = shown ]; then
      until screen | grep -q "Keys —"; do :; done
    else
      while screen | grep -q "Keys —"; do :; done
    fi
    echo "key_to_screen_ms $(( ($(date +%s%N) - start) / 1000000 )) ($want)"
    sleep 0.2
  done
done
tmux send-keys -t "$session" q
sleep 1

# Headless, same binary, same network, for the same time.
epochs=$(( (e1 - e0) ))
# shellcheck disable=SC2086
hs=$($bin --headless --lr 1.4 --epochs "$epochs" --format jsonl ${ARGS:-} | tail -1 | grep -o '"us_per_epoch":[0-9.]*' | cut -d: -f2)
echo "headless_epochs_per_s $(echo "1000000 / $hs" | bc -l | cut -d. -f1)"
