#!/usr/bin/env bash
# nnfs-tui on wgpu against the tutorial's PyTorch code on CUDA, on the same GPU: microseconds per
# epoch (a full-batch step, then the validation loss and accuracy, one host read per epoch as the
# tutorial's print does), at steady state: nnfs-tui's second half of a long run, PyTorch's median
# after a warm-up epoch. Each size runs A B A B; the table prints each side's best and the ratio,
# and nnfs-tui's first epoch (its kernels compiled and autotuned) on each of its two starts.
#
#   bench/gpu.sh [PYTHON] [BINARY]
#
# PYTHON has torch with CUDA and numpy (default python3); BINARY defaults to
# target/release/nnfs-tui. Tables of 20 numeric features and a 0/1 target are generated into
# bench/.data (seeded), as bench/scale.sh makes them. CASES overrides the sizes ("ROWS HIDDEN
# EPOCHS", ";"-separated); SPLIT=N adds a column with NNFS_TUI_SPLIT_ROWS=N; TORCH_DEVICE=cpu
# runs PyTorch on the CPU instead. Needs a GPU; not
# run in CI.
set -eu
cd "$(dirname "$0")/.."
python=${1:-python3}
binary=${2:-target/release/nnfs-tui}
. bench/tables.sh
# nnfs-tui's steady state and first epoch: "us_per_epoch first_epoch_ms".
ours() {
  local target=y; [ "$1" = tests/fixtures/seed-lr1.4/train.csv ] && target=Survived
  "$binary" --headless --format jsonl --backend wgpu --data "$1" --target $target \
    --scale none --hidden "$2" --epochs "$3" | "$python" -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.startswith("{\"elapsed_ms\"")]
half, last = lines[len(lines) // 2 - 1], lines[-1]
per = (last["elapsed_ms"] - half["elapsed_ms"]) * 1000 / (last["epoch"] - half["epoch"])
print(round(per, 1), round(lines[0]["elapsed_ms"]))'
}
theirs() {
  "$python" bench/pytorch_scale.py "$1" --hidden "$2" --epochs "$3" --device "${TORCH_DEVICE:-cuda}"
}
best() { "$python" -c 'import sys; print(min(float(a) for a in sys.argv[1:]))' "$@"; }
printf '%-22s %12s %12s %7s %12s %12s%s\n' "rows (x 20) -> hidden" "nnfs-tui us" "PyTorch us" \
  "ratio" "1st ms (1st)" "1st ms (2nd)" "${SPLIT:+   split $SPLIT us}"
IFS=';' read -ra cases <<< "${CASES:-titanic 20 2000;10000 256 1000;100000 20 400;100000 256 400;1000000 256 60}"
for case in "${cases[@]}"; do
  # shellcheck disable=SC2086
  set -- $case
  file=$(table "$1")
  read -r a1 cold < <(ours "$file" "$2" "$3"); b1=$(theirs "$file" "$2" "$3")
  read -r a2 warm < <(ours "$file" "$2" "$3"); b2=$(theirs "$file" "$2" "$3")
  a=$(best "$a1" "$a2"); b=$(best "$b1" "$b2")
  split=""
  if [ -n "${SPLIT:-}" ]; then
    read -r s _ < <(NNFS_TUI_SPLIT_ROWS=$SPLIT ours "$file" "$2" "$3"); split=$(printf '%14s' "$s")
  fi
  printf '%-22s %12s %12s %7s %12s %12s%s\n' "$1 -> $2" "$a" "$b" \
    "$("$python" -c "print(round($a / $b, 2))")" "$cold" "$warm" "$split"
done
