#!/usr/bin/env bash
# Peak resident memory of a few runs, for the factor in src/model/memory.rs.
#
#   bench/memory_factor.sh [BINARY]     (default: target/release/nnfs-tui)
#
# Each run trains 3 epochs of a generated set; the peak (VmHWM of the child) is printed beside
# the estimate's inputs: rows in the largest pass × the hidden units.
set -eu
cd "$(dirname "$0")/.."
binary=${1:-target/release/nnfs-tui}
peak() {
  python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.1f} MB")' "$@"
}
echo "titanic: $(peak "$binary" --headless --epochs 3)"
for args in "--points 10000 --hidden 16" "--points 10000 --hidden 256" "--points 100000 --hidden 16" \
  "--points 100000 --hidden 256" "--points 400000 --hidden 256" "--points 100000 --hidden 1024" \
  "--points 100000 --hidden 256,256" "--points 200000 --hidden 64" \
  "--points 100000 --hidden 256 --batch-size 1000" "--points 1000000 --hidden 32"; do
  # shellcheck disable=SC2086
  echo "$args: $(peak "$binary" --headless --dataset spiral $args --epochs 3)"
done
