#!/usr/bin/python3
"""Regenerates the TorchScript fixtures of the JVM fast path's tests (FastPath*Test).

Run with Debian's Python, which has PyTorch (1.13), like make_fixture.py:

    /usr/bin/python3 scoring-engine-pt/src/test/python/make_fast_path_fixtures.py

It writes, for the farmer schema of make_fixture.py (11 columns):

- dense_ops_traced.pt and dense_ops_scripted.pt: one network using every operation the fast path
  implements (Linear, BatchNorm1d in eval mode with trained running statistics, LeakyReLU,
  Dropout, Tanh, ReLU, Sigmoid as a module and torch.sigmoid in forward);
- residual_traced.pt: a network with a residual add, which the fast path does not implement and
  must leave to libtorch;
- concat_first_traced.pt, concat_first_scripted.pt: a wide-and-deep network whose head reads
  torch.cat((x, h), 1), the input beside a ReLU layer of it (the fast path's concatenation of the
  input); concat_last_scripted.pt the same with torch.cat([h, x], dim=1);
- concat_two_scripted.pt: torch.cat of two layers of the input, neither the input itself, which
  the fast path does not implement and must leave to libtorch;
- fast_path_expected.json: 24 rows and the probability PyTorch computed for each, per model.

The Java tests compare the fast path with libtorch and with these probabilities; they never
compute the expected values themselves. Seeded and single-threaded: a rerun writes the same
numbers.
"""

import json
import os
import random
import sys

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures")
WIDTH = 11


class DenseOps(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(WIDTH, 24), nn.BatchNorm1d(24), nn.LeakyReLU(0.05), nn.Dropout(0.1),
            nn.Linear(24, 16), nn.Tanh(),
            nn.Linear(16, 8), nn.ReLU(),
            nn.Linear(8, 4), nn.Sigmoid())
        self.head = nn.Linear(4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.head(self.body(x)))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(WIDTH, 16)
        self.block = nn.Linear(16, 16)
        self.out = nn.Linear(16, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.inp(x))
        h = h + torch.relu(self.block(h))
        return torch.sigmoid(self.out(h))


class ConcatFirst(nn.Module):
    def __init__(self):
        super().__init__()
        self.deep = nn.Sequential(nn.Linear(WIDTH, 8), nn.ReLU())
        self.head = nn.Linear(WIDTH + 8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.deep(x)
        return torch.sigmoid(self.head(torch.cat((x, h), 1)))


class ConcatLast(nn.Module):
    def __init__(self):
        super().__init__()
        self.deep = nn.Sequential(nn.Linear(WIDTH, 8), nn.Tanh())
        self.head = nn.Linear(8 + WIDTH, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.deep(x)
        return torch.sigmoid(self.head(torch.cat([h, x], dim=1)))


class ConcatTwo(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(WIDTH, 4)
        self.b = nn.Linear(WIDTH, 4)
        self.head = nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.cat([torch.relu(self.a(x)), torch.tanh(self.b(x))], 1)
        return torch.sigmoid(self.head(h))


def rows(n, rnd):
    """Standardised-looking rows: three numerics, a one-hot crop, a flag, a share, an indicator."""
    out = []
    for _ in range(n):
        crop = rnd.randrange(5)
        share_missing = rnd.random() < 0.3
        out.append([rnd.gauss(0, 1), rnd.gauss(0, 1), rnd.gauss(0, 1.2)]
                   + [1.0 if c == crop else 0.0 for c in range(5)]
                   + [1.0 if rnd.random() < 0.35 else 0.0,
                      1.0 if share_missing else rnd.gauss(0, 1),
                      1.0 if share_missing else 0.0])
    return torch.tensor(out, dtype=torch.float32)


def train(model, x):
    y = (x[:, 0] - 0.5 * x[:, 2] + 0.3 * x[:, 9] > 0).float().unsqueeze(1)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(60):
        opt.zero_grad()
        loss = nn.functional.binary_cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    model.eval()


def main():
    torch.manual_seed(31)
    torch.set_num_threads(1)
    rnd = random.Random(20261202)
    train_x = rows(2000, rnd)
    golden = rows(24, rnd)

    expected = {}
    dense = DenseOps()
    train(dense, train_x)
    with torch.no_grad():
        p = dense(golden)[:, 0]
    traced = torch.jit.trace(dense, golden[:4])
    traced.save(os.path.join(OUT, "dense_ops_traced.pt"))
    scripted = torch.jit.script(dense)
    scripted.save(os.path.join(OUT, "dense_ops_scripted.pt"))
    with torch.no_grad():
        for export in (traced, scripted):
            if not torch.allclose(export(golden)[:, 0], p, atol=1e-7, rtol=0):
                sys.exit("an export does not reproduce the eager model")
    expected["dense_ops_traced.pt"] = [float(v) for v in p]
    expected["dense_ops_scripted.pt"] = [float(v) for v in p]

    residual = Residual()
    train(residual, train_x)
    with torch.no_grad():
        p = residual(golden)[:, 0]
    torch.jit.trace(residual, golden[:4]).save(os.path.join(OUT, "residual_traced.pt"))
    expected["residual_traced.pt"] = [float(v) for v in p]

    for model, exports in ((ConcatFirst(), ("concat_first_traced.pt", "concat_first_scripted.pt")),
                           (ConcatLast(), ("concat_last_scripted.pt",)),
                           (ConcatTwo(), ("concat_two_scripted.pt",))):
        train(model, train_x)
        with torch.no_grad():
            p = model(golden)[:, 0]
        for name in exports:
            export = (torch.jit.trace(model, golden[:4]) if "_traced" in name
                      else torch.jit.script(model))
            export.save(os.path.join(OUT, name))
            expected[name] = [float(v) for v in p]

    fixture = {
        "torch": torch.__version__,
        "note": "written by src/test/python/make_fast_path_fixtures.py; probabilities computed "
                "by PyTorch in float32 from the float32 rows",
        "rows": [[float(v) for v in r] for r in golden],
        "probabilities": expected,
    }
    with open(os.path.join(OUT, "fast_path_expected.json"), "w") as out:
        json.dump(fixture, out, indent=1)
        out.write("\n")
    print("wrote %d models to %s" % (len(expected), OUT))


if __name__ == "__main__":
    main()
