# The benches' tables, sourced by bench/scale.sh and bench/gpu.sh: `table ROWS` prints the path
# of a table of ROWS rows of 20 numeric features and a 0/1 target `y` (made once, seeded, into
# bench/.data with $python's numpy), or of the tutorial's prepared Titanic rows for `titanic`.
mkdir -p bench/.data
table() {
  if [ "$1" = titanic ]; then echo tests/fixtures/seed-lr1.4/train.csv; return; fi
  local rows=$1 file=bench/.data/rows$1.csv
  [ -f "$file" ] || "$python" -c '
import numpy as np, sys
rows = int(sys.argv[1])
rng = np.random.default_rng(7)
x = rng.random((rows, 20), dtype=np.float32)
y = (x[:, :10].sum(1) + 0.3 * rng.standard_normal(rows) > 5).astype(np.float32)
np.savetxt(sys.argv[2], np.column_stack([x, y]), delimiter=",", fmt="%.6g",
           header=",".join([f"f{i}" for i in range(20)] + ["y"]), comments="")' "$rows" "$file"
  echo "$file"
}
