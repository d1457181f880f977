#!/usr/bin/env bash
# Dashboard figures that need a real terminal (tmux): start-up to first frame, epochs/s with the
# dashboard open at pace max against headless, and resident memory over a long flat-out run.
#
#   bench/dashboard.sh [BINARY] [SECONDS]      (default: target/release/nnfs-tui, 60 s)
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
tmux new-session -d -s "$session" -x 200 -y 50 "$bin --pace max --epochs 100000000"
until screen | grep -q "Loss"; do sleep 0.002; done
end=$(date +%s%N)
echo "startup_first_frame_ms $(( (end - start) / 1000000 ))"

pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
epoch() { screen | grep -o 'epoch [0-9]*/' | head -1 | tr -dc '0-9'; }

# 2 and 3. Epochs/s with the dashboard open, and memory, sampled every 10 s.
t0=$(date +%s.%N); e0=$(epoch)
for ((t = 10; t <= secs; t += 10)); do
  sleep 10
  echo "t=${t}s epoch=$(epoch) rss_kb=$(rss)"
done
t1=$(date +%s.%N); e1=$(epoch)
echo "dashboard_epochs_per_s $(echo "($e1 - $e0) / ($t1 - $t0)" | bc -l | cut -d. -f1)"
tmux send-keys -t "$session" q
sleep 1

# Headless, same binary, same network, for the same time.
epochs=$(( (e1 - e0) ))
hs=$($bin --headless --lr 1.4 --epochs "$epochs" --format jsonl | tail -1 | grep -o '"us_per_epoch":[0-9.]*' | cut -d: -f2)
echo "headless_epochs_per_s $(echo "1000000 / $hs" | bc -l | cut -d. -f1)"
