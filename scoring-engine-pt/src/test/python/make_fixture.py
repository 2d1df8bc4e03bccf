#!/usr/bin/python3
"""Regenerates the TorchScript fixtures of scoring-engine-pt's tests.

Run with Debian's Python, which has PyTorch (1.13):

    /usr/bin/python3 scoring-engine-pt/src/test/python/make_fixture.py

It trains a small MLP on synthetic farmer data encoded exactly like
pe.agriscore.testing.TestBundles (6 features -> 11 columns), exports it the two ways a data
scientist would (torch.jit.script and torch.jit.trace), and writes, for 24 golden requests, the
request (JSON wire format), the row Python encoded for it and the probability PyTorch computed.
The Java tests score the same requests and must agree within 1e-5; they never compute the
expected values themselves.

It also writes three models the engine must refuse: one taking 12 inputs, one returning two
values per row, and one returning logits instead of probabilities.

Everything is seeded and single-threaded, so a rerun writes the same numbers.
"""

import json
import math
import os
import random
import sys

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures")

CROPS = ["potato", "coffee", "cocoa", "quinoa", "rice"]
# TestBundles.standardPreprocessing(): (mean, scale) of the standardised numerics.
STANDARDIZE = {
    "farm_size_ha": (3.0, 2.0),
    "yield_ratio": (1.0, 0.25),
    "drought_index": (0.0, 1.0),
    "prior_loans_repaid_share": (0.8, 0.2),
}
# TestBundles.schema(): prior_loans_repaid_share imputes 1.0 when missing, plus an indicator.
IMPUTED_REPAID_SHARE = 1.0
COLUMNS = (["farm_size_ha", "yield_ratio", "drought_index"]
           + ["main_crop=" + c for c in CROPS]
           + ["irrigated", "prior_loans_repaid_share", "prior_loans_repaid_share#missing"])
WIDTH = len(COLUMNS)


def standardize(name, x):
    mean, scale = STANDARDIZE[name]
    return (x - mean) / scale


def encode(features):
    """One request's row, computed in double like the Java Encoder (rounded to float32 later)."""
    row = [standardize(n, features[n]) for n in ("farm_size_ha", "yield_ratio", "drought_index")]
    row += [1.0 if features["main_crop"] == c else 0.0 for c in CROPS]
    row.append(1.0 if features["irrigated"] else 0.0)
    share = features["prior_loans_repaid_share"]
    row.append(standardize("prior_loans_repaid_share",
                           IMPUTED_REPAID_SHARE if share is None else share))
    row.append(1.0 if share is None else 0.0)
    return row


def random_features(rnd):
    # Values stay inside TestBundles.schema()'s ranges; rounding keeps the JSON short and exact.
    return {
        "farm_size_ha": round(rnd.uniform(0.1, 12.0), 3),
        "yield_ratio": round(rnd.uniform(0.0, 2.5), 3),
        "drought_index": round(rnd.gauss(0.0, 1.2), 3),
        "main_crop": rnd.choice(CROPS),
        "irrigated": rnd.random() < 0.35,
        "prior_loans_repaid_share": None if rnd.random() < 0.3 else round(rnd.random(), 3),
    }


def golden_requests():
    """24 requests covering every crop, both irrigation values and the missing-value path."""
    rnd = random.Random(20261101)
    requests = []
    for i in range(24):
        f = random_features(rnd)
        f["main_crop"] = CROPS[i % len(CROPS)]
        f["irrigated"] = i % 2 == 0
        if i % 3 == 0:
            f["prior_loans_repaid_share"] = None
        requests.append({"applicantId": "PE-PT-%03d" % i, "asOfDate": "2026-11-01",
                         "features": f})
    return requests


class FarmerMlp(nn.Module):
    """What a data scientist ships: the sigmoid is inside forward, so it returns probabilities."""

    def __init__(self, width=WIDTH, outputs=1, probabilities=True):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(width, 32), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(32, 16), nn.ReLU(),
            nn.Linear(16, outputs))
        self.probabilities = probabilities

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.body(x)
        if self.probabilities:
            return torch.sigmoid(z)
        return z


def synthetic_training_set(n, rnd):
    """Defaults driven by drought, low yields and missing repayment history, like the scorecard."""
    xs, ys = [], []
    for _ in range(n):
        f = random_features(rnd)
        row = encode(f)
        z = (-2.0 - 0.3 * row[0] - 0.6 * row[1] + 0.5 * row[2] + 0.2 * row[7] - 0.5 * row[8]
             - 0.4 * row[9] + 0.3 * row[10] + 0.4 * row[1] * row[2])
        xs.append(row)
        ys.append([1.0 if rnd.random() < 1 / (1 + math.exp(-z)) else 0.0])
    return torch.tensor(xs, dtype=torch.float32), torch.tensor(ys, dtype=torch.float32)


def train(model, steps=150):
    x, y = synthetic_training_set(4000, random.Random(7))
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-3)
    loss_fn = nn.BCELoss()
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    model.eval()
    return float(loss)


def save_refused(name, model, width):
    model.eval()
    torch.jit.trace(model, torch.zeros(3, width)).save(os.path.join(OUT, name))


def main():
    torch.manual_seed(11)
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)

    model = FarmerMlp()
    loss = train(model)

    requests = golden_requests()
    rows = torch.tensor([encode(r["features"]) for r in requests], dtype=torch.float32)
    with torch.no_grad():
        expected = model(rows)[:, 0]

    # Scripted while still in training mode: the engine must switch it to eval (no dropout).
    model.train()
    scripted = torch.jit.script(model)
    scripted.save(os.path.join(OUT, "farmer_mlp_scripted.pt"))
    model.eval()
    traced = torch.jit.trace(model, rows[:4])
    traced.save(os.path.join(OUT, "farmer_mlp_traced.pt"))

    # Both exports reproduce the eager model before anything is written.
    scripted.eval()
    with torch.no_grad():
        for export in (scripted, traced):
            if not torch.equal(export(rows)[:, 0], expected):
                sys.exit("an export does not reproduce the eager model")

    torch.manual_seed(12)
    save_refused("mlp12_traced.pt", FarmerMlp(width=12), 12)
    save_refused("two_outputs_traced.pt", FarmerMlp(outputs=2), WIDTH)
    save_refused("logits_traced.pt", FarmerMlp(probabilities=False), WIDTH)

    fixture = {
        "torch": torch.__version__,
        "note": "written by src/test/python/make_fixture.py; probabilities computed by PyTorch "
                "in float32 from the float32 rows",
        "columns": COLUMNS,
        "trainingLoss": loss,
        "models": {"scripted": "farmer_mlp_scripted.pt", "traced": "farmer_mlp_traced.pt"},
        "cases": [
            {"request": r, "row": [float(v) for v in row], "probability": float(p)}
            for r, row, p in zip(requests, rows, expected)
        ],
    }
    with open(os.path.join(OUT, "farmer_mlp_expected.json"), "w") as out:
        json.dump(fixture, out, indent=1)
        out.write("\n")
    print("wrote %d cases to %s (training loss %.4f)" % (len(requests), OUT, loss))


if __name__ == "__main__":
    main()
