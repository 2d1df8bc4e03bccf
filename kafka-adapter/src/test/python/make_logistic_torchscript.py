#!/usr/bin/python3
"""Writes the TorchScript model of kafka-adapter's DJL engine test.

Run with Debian's Python, which has PyTorch (1.13):

    /usr/bin/python3 kafka-adapter/src/test/python/make_logistic_torchscript.py

The model is pe.agriscore.testing.TestBundles' scorecard as a PyTorch module: one linear layer
holding the scorecard's stated intercept and coefficients (in the encoder's column order),
followed by a sigmoid, so its probabilities can be checked against
TestBundles.expectedProbability without trusting either engine. Deterministic: no training.
"""

import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures",
                   "scorecard_logistic.pt")

# TestBundles.coefficients(), in the column order of TestBundles.standardPreprocessing().
COEFFICIENTS = [
    ("farm_size_ha", -0.30),
    ("yield_ratio", -0.55),
    ("drought_index", 0.40),
    ("main_crop=potato", 0.10),
    ("main_crop=coffee", -0.20),
    ("main_crop=cocoa", -0.15),
    ("main_crop=quinoa", 0.05),
    ("main_crop=rice", 0.20),
    ("irrigated", -0.45),
    ("prior_loans_repaid_share", -0.35),
    ("prior_loans_repaid_share#missing", 0.25),
]
INTERCEPT = -2.2


class Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(len(COEFFICIENTS), 1)
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor([[b for _, b in COEFFICIENTS]]))
            self.linear.bias.fill_(INTERCEPT)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.linear(x))


def main():
    model = Logistic().eval()
    torch.jit.trace(model, torch.zeros(4, len(COEFFICIENTS))).save(OUT)
    print("wrote", os.path.normpath(OUT), "with torch", torch.__version__)


if __name__ == "__main__":
    main()
