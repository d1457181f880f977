"""The tutorial's PyTorch code at other sizes: microseconds per epoch of a CSV table.

    bench/pytorch_scale.py DATA.csv --hidden 256 [--threads 1] [--epochs 20] [--batch-size N]
                           [--device cuda]

Reads DATA.csv (numeric features, last column `y`), splits it 80/20 as nnfs-tui does by default
(torch.manual_seed(42), randperm), and times what nnfs-tui's headless run does each epoch: the
tutorial's step (loss, backward, update) on the training rows, or on mini-batches of
--batch-size rows in a new order, then the validation loss and accuracy of the updated model.
Prints the median microseconds per epoch over 3 repetitions, after one epoch that warms up (on
CUDA: the context, the kernels). Needs torch.
"""
import argparse
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F


def calc_preds(coeffs, indeps):
    l1, l2, const = coeffs
    return torch.sigmoid(F.relu(indeps @ l1) @ l2 + const)


def calc_loss(coeffs, indeps, deps):
    return torch.abs(calc_preds(coeffs, indeps) - deps).mean()


def update_coeffs(coeffs, lr):
    for layer in coeffs:
        layer.sub_(layer.grad * lr)
        layer.grad.zero_()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--hidden", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--device", default="cpu", help="cpu, or cuda for the GPU")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    try:
        import pandas as pd
        table = pd.read_csv(args.data).to_numpy(dtype=np.float32)
    except ImportError:
        table = np.loadtxt(args.data, delimiter=",", skiprows=1, dtype=np.float32, ndmin=2)
    device = torch.device(args.device)
    x, y = torch.tensor(table[:, :-1]).to(device), torch.tensor(table[:, -1:]).to(device)
    torch.manual_seed(42)
    order = torch.randperm(len(y)).to(device)
    cut = int(0.2 * len(y))
    val_x, val_y, trn_x, trn_y = x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]
    torch.manual_seed(442)
    n = x.shape[1]
    coeffs = [((torch.rand(n, args.hidden) - 0.5) / args.hidden).to(device).requires_grad_(),
              (torch.rand(args.hidden, 1) - 0.3).to(device).requires_grad_(),
              torch.rand(1)[0].to(device).requires_grad_()]
    shuffle = torch.Generator().manual_seed(442)

    def epoch():
        if args.batch_size is None:
            batches = [slice(None)]
        else:
            batches = torch.randperm(len(trn_y), generator=shuffle).to(device).split(args.batch_size)
        for batch in batches:
            loss = calc_loss(coeffs, trn_x[batch], trn_y[batch])
            loss.backward()
            with torch.no_grad():
                update_coeffs(coeffs, 0.1)
        with torch.no_grad():
            preds = calc_preds(coeffs, val_x)
            valid = torch.abs(preds - val_y).mean().item()
            accuracy = (val_y.bool() == (preds > 0.5)).float().mean().item()
        return loss.item(), valid, accuracy

    epoch()
    times = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(args.epochs):
            epoch()
        times.append((time.perf_counter() - started) / args.epochs * 1e6)
    print(f"{statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
