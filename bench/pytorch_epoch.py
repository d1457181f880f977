"""The tutorial's PyTorch epoch, timed on this machine: the anchor for nnfs-tui's CPU figures.

    bench/pytorch_epoch.py [--threads 1] [--epochs 2000] [--reps 7]

Trains the tutorial's network (713 Titanic rows x 12 features -> 20 ReLU -> 1 sigmoid, mean
absolute error, lr 0.1) on tests/fixtures/seed-lr1.4, and prints the median microseconds per
epoch over --reps repetitions of --epochs epochs, for
  epoch: the tutorial's one_epoch (loss, backward, update, zero_grad, loss.item()),
  step:  the same plus the validation loss and accuracy of the updated model, as nnfs-tui's
         Run::step computes them every epoch.
Needs torch (bench/vs_pytorch.sh installs it in a virtual environment). Not run in CI.
"""
import argparse
import csv
import os
import statistics
import time

import torch
import torch.nn.functional as F

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")


def load(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    target = header.index("Survived")
    x = torch.tensor([[float(v) for i, v in enumerate(r) if i != target] for r in body])
    y = torch.tensor([[float(r[target])] for r in body])
    return x, y


# The tutorial's functions, unchanged.
def init_coeffs(n_coeff, n_hidden=20):
    layer1 = (torch.rand(n_coeff, n_hidden) - 0.5) / n_hidden
    layer2 = torch.rand(n_hidden, 1) - 0.3
    const = torch.rand(1)[0]
    return layer1.requires_grad_(), layer2.requires_grad_(), const.requires_grad_()


def calc_preds(coeffs, indeps):
    l1, l2, const = coeffs
    res = F.relu(indeps @ l1)
    res = res @ l2 + const
    return torch.sigmoid(res)


def calc_loss(coeffs, indeps, deps):
    return torch.abs(calc_preds(coeffs, indeps) - deps).mean()


def update_coeffs(coeffs, lr):
    for layer in coeffs:
        layer.sub_(layer.grad * lr)
        layer.grad.zero_()


def one_epoch(coeffs, lr, trn_x, trn_y):
    loss = calc_loss(coeffs, trn_x, trn_y)
    loss.backward()
    with torch.no_grad():
        update_coeffs(coeffs, lr)
    return loss.item()


def acc(coeffs, indeps, deps):
    return (deps.bool() == (calc_preds(coeffs, indeps) > 0.5)).float().mean()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1, help="0: PyTorch's default")
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    trn_x, trn_y = load(os.path.join(FIXTURES, "seed-lr1.4", "train.csv"))
    val_x, val_y = load(os.path.join(FIXTURES, "seed-lr1.4", "valid.csv"))
    torch.manual_seed(442)

    def epoch(coeffs):
        one_epoch(coeffs, 0.1, trn_x, trn_y)

    def step(coeffs):
        one_epoch(coeffs, 0.1, trn_x, trn_y)
        with torch.no_grad():
            calc_loss(coeffs, val_x, val_y).item()
            acc(coeffs, val_x, val_y).item()

    for name, body in [("epoch", epoch), ("step", step)]:
        coeffs = init_coeffs(trn_x.shape[1])
        for _ in range(200):
            body(coeffs)
        reps = []
        for _ in range(args.reps):
            start = time.perf_counter()
            for _ in range(args.epochs):
                body(coeffs)
            reps.append((time.perf_counter() - start) / args.epochs * 1e6)
        print(f"pytorch_{name} threads={torch.get_num_threads()} "
              f"median_us={statistics.median(reps):.1f} min_us={min(reps):.1f}")


if __name__ == "__main__":
    main()
