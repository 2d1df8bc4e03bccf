#!/usr/bin/python3
"""Trains AgriScore's reference PyTorch MLP on rows the Java pipeline encoded, exports TorchScript.

The Java training pipeline (pe.agriscore.samples.training.TrainingPipeline) fits the
preprocessing, encodes every split with the bundle's own Encoder and writes the float32 matrices
this script reads, so the network sees exactly the columns the scoring engine will feed it:

    <data>/matrices.json             {"width": 69, "columns": [...], "sets": {"train": {"rows": n,
                                      "x": "train.x.f32", "y": "train.y.f32"}, "validation": ...,
                                      "golden": {"rows": 16, "x": "golden.x.f32"}, "test": ...}}
    <data>/<set>.x.f32               rows x width little-endian float32, row-major
    <data>/<set>.y.f32               rows little-endian float32 outcomes (0 or 1)

It writes into <out>:

    model.pt           TorchScript (torch.jit.script): forward(x [n, width] float32) -> [n, 1]
                       probability of default
    predictions.json   {"golden": [...], "test": [...]} probabilities computed by the scripted
                       module; Java writes the golden ones into golden.json and the pytorch
                       engine (libtorch through DJL) must reproduce them
    training.json      epochs, best epoch, torch version, seconds

The network and training match the TensorFlow one (MlpSettings): ReLU hidden layers, sigmoid
output, mean log-loss plus l2 * sum of squared weight matrices, Adam, shuffled mini-batches, early
stopping on the validation log-loss keeping the best epoch's weights. Seeded; one progress line
per epoch on stdout.

Run by the Java pipeline with Debian's Python, which has PyTorch 1.13:

    /usr/bin/python3 train_mlp.py --data DIR --out DIR [--seed 42] [--hidden 64,32] ...
"""

import argparse
import copy
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn


class FarmerMlp(nn.Module):
    """width -> hidden... -> 1, ReLU; forward returns the probability, as the engine expects."""

    def __init__(self, width, hidden):
        super().__init__()
        layers = []
        previous = width
        for size in hidden:
            layers.append(nn.Linear(previous, size))
            layers.append(nn.ReLU())
            previous = size
        layers.append(nn.Linear(previous, 1))
        self.net = nn.Sequential(*layers)

    def logit(self, x):
        return self.net(x)

    def forward(self, x):
        return torch.sigmoid(self.net(x))


def load_set(data_dir, header, name):
    spec = header["sets"][name]
    rows, width = spec["rows"], header["width"]
    x = np.fromfile(os.path.join(data_dir, spec["x"]), dtype="<f4")
    if x.size != rows * width:
        sys.exit("%s: %d values, expected %d rows x %d" % (spec["x"], x.size, rows, width))
    x = torch.from_numpy(x.reshape(rows, width).copy())
    y = None
    if spec.get("y"):
        y = np.fromfile(os.path.join(data_dir, spec["y"]), dtype="<f4")
        if y.size != rows:
            sys.exit("%s: %d values, expected %d" % (spec["y"], y.size, rows))
        y = torch.from_numpy(y.reshape(rows, 1).copy())
    return x, y


def init_weights(model, default_rate, generator):
    """He-normal hidden layers, a small output layer starting at the training default rate."""
    linears = [m for m in model.net if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for i, layer in enumerate(linears):
            fan_in = layer.in_features
            last = i == len(linears) - 1
            std = math.sqrt(1.0 / fan_in) * 0.1 if last else math.sqrt(2.0 / fan_in)
            layer.weight.normal_(0.0, std, generator=generator)
            layer.bias.zero_()
            if last:
                layer.bias.fill_(math.log(default_rate / (1 - default_rate)))
    return linears


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--hidden", default="32,16")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--max-epochs", type=int, default=60)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--l2", type=float, default=1e-5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    started = time.time()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(args.seed)

    with open(os.path.join(args.data, "matrices.json"), encoding="utf-8") as f:
        header = json.load(f)
    width = header["width"]
    x_train, y_train = load_set(args.data, header, "train")
    x_val, y_val = load_set(args.data, header, "validation")
    x_golden, _ = load_set(args.data, header, "golden")
    x_test, _ = load_set(args.data, header, "test")

    hidden = [int(h) for h in args.hidden.split(",")]
    model = FarmerMlp(width, hidden)
    linears = init_weights(model, float(y_train.mean()), generator)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.BCEWithLogitsLoss()

    n = x_train.shape[0]
    best_loss, best_epoch, best_state = float("inf"), 0, None
    history = []
    for epoch in range(1, args.max_epochs + 1):
        model.train()
        order = torch.randperm(n, generator=generator)
        loss_sum, batches = 0.0, 0
        for start in range(0, n, args.batch):
            idx = order[start:start + args.batch]
            logit = model.logit(x_train[idx])
            log_loss = loss_fn(logit, y_train[idx])
            penalty = sum((layer.weight ** 2).sum() for layer in linears)
            loss = log_loss + args.l2 * penalty
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += float(log_loss)
            batches += 1
        model.eval()
        with torch.no_grad():
            val_loss = float(loss_fn(model.logit(x_val), y_val))
        improved = val_loss < best_loss - 1e-6
        if improved:
            best_loss, best_epoch = val_loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        history.append({"epoch": epoch, "trainLoss": loss_sum / batches,
                        "validationLoss": val_loss})
        print("epoch %2d/%d  train log-loss %.5f  validation log-loss %.5f%s  (%.0f s)"
              % (epoch, args.max_epochs, loss_sum / batches, val_loss, "  *" if improved else "",
                 time.time() - started), flush=True)
        if epoch - best_epoch >= args.patience:
            print("stopping early, best epoch %d" % best_epoch, flush=True)
            break

    model.load_state_dict(best_state)
    model.eval()
    scripted = torch.jit.script(model)
    os.makedirs(args.out, exist_ok=True)
    scripted.save(os.path.join(args.out, "model.pt"))
    with torch.no_grad():
        golden = scripted(x_golden).reshape(-1).tolist()
        test = scripted(x_test).reshape(-1).tolist()
    with open(os.path.join(args.out, "predictions.json"), "w", encoding="utf-8") as f:
        json.dump({"golden": golden, "test": test}, f)
    with open(os.path.join(args.out, "training.json"), "w", encoding="utf-8") as f:
        json.dump({"torchVersion": torch.__version__, "bestEpoch": best_epoch,
                   "bestValidationLoss": best_loss, "seconds": time.time() - started,
                   "history": history}, f, indent=2)


if __name__ == "__main__":
    main()
