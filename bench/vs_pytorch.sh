#!/usr/bin/env bash
# nnfs-tui's CPU epoch side by side with the tutorial's PyTorch code, on this machine.
#
#   bench/vs_pytorch.sh [PYTHON]
#
# PYTHON must have torch (default: bench/.venv/bin/python, created with `pip install torch`
# from PyPI when missing: a large download). Runs PyTorch single-threaded and with its default
# threads, then the criterion benches for the Titanic network, then PyTorch again, so noise
# shows up as the spread between the two PyTorch runs. Not run in CI.
set -eu
cd "$(dirname "$0")/.."
python=${1:-bench/.venv/bin/python}
if [ ! -x "$python" ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet torch
  python=bench/.venv/bin/python
fi
"$python" bench/pytorch_epoch.py --threads 1
"$python" bench/pytorch_epoch.py --threads 0
cargo bench --bench training -- --warm-up-time 1 --measurement-time 5 'epoch_cpu/titanic_713x12_h20' 2>&1 |
  grep -E '^epoch_cpu|time:'
"$python" bench/pytorch_epoch.py --threads 1
