#!/usr/bin/env bash
# nnfs-tui against the tutorial's PyTorch code as the data grows: microseconds per epoch (a
# full-batch step plus the validation loss and accuracy, as the dashboard trains), side by side.
#
#   bench/scale.sh [PYTHON] [BINARY]
#
# PYTHON has torch and numpy (default bench/.venv/bin/python, made as bench/vs_pytorch.sh makes
# it); BINARY defaults to target/release/nnfs-tui. Tables of 20 numeric features and a 0/1
# target are generated into bench/.data (seeded). Each size runs A B A B: nnfs-tui, PyTorch,
# nnfs-tui, PyTorch; the table prints each side's best of its two and the ratio. THREADS=1
# (default) pins both to one thread (RAYON_NUM_THREADS, torch.set_num_threads); THREADS=2 to two.
# Not run in CI.
set -eu
cd "$(dirname "$0")/.."
python=${1:-bench/.venv/bin/python}
binary=${2:-target/release/nnfs-tui}
threads=${THREADS:-1}
. bench/tables.sh
ours() {
  local target=y; [ "$1" = tests/fixtures/seed-lr1.4/train.csv ] && target=Survived
  RAYON_NUM_THREADS=$threads "$binary" --headless --format jsonl --data "$1" --target $target \
    --scale none --hidden "$2" --epochs "$3" ${4:+--batch-size $4} | tail -1 |
    "$python" -c 'import json, sys; print(round(json.load(sys.stdin)["us_per_epoch"], 1))'
}
theirs() {
  "$python" bench/pytorch_scale.py "$1" --hidden "$2" --epochs "$3" --threads "$threads" ${4:+--batch-size $4}
}
best() { "$python" -c 'import sys; print(min(float(a) for a in sys.argv[1:]))' "$@"; }
printf '%-28s %12s %12s %7s\n' "rows (x 20) -> hidden" "nnfs-tui us" "PyTorch us" "ratio"
for case in "titanic 20 2000" "1000 20 2000" "10000 256 100" "100000 20 100" "100000 256 10" "100000 20 3 64"; do
  # shellcheck disable=SC2086
  set -- $case
  file=$(table "$1")
  a1=$(ours "$file" "$2" "$3" "${4:-}"); b1=$(theirs "$file" "$2" "$3" "${4:-}")
  a2=$(ours "$file" "$2" "$3" "${4:-}"); b2=$(theirs "$file" "$2" "$3" "${4:-}")
  a=$(best "$a1" "$a2"); b=$(best "$b1" "$b2")
  label="$1 -> $2${4:+, batches of $4}"
  printf '%-28s %12s %12s %7s\n' "$label" "$a" "$b" "$("$python" -c "print(round($a / $b, 2))")"
done
