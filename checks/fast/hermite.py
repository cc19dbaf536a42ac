"""Normalised Hermite polynomials h_n in torch, by the recursion (1), batched over x."""

from __future__ import annotations

import math

import torch


def hermite_values(n_max: int, x: torch.Tensor) -> torch.Tensor:
    """Tensor of shape (n_max + 1, *x.shape): [h_0(x), ..., h_{n_max}(x)]."""
    out = [torch.ones_like(x)]
    if n_max >= 1:
        out.append(x)
    for n in range(1, n_max):
        out.append(x * out[n] / math.sqrt(n + 1) - math.sqrt(n / (n + 1)) * out[n - 1])
    return torch.stack(out)


def hermite(n: int, x: torch.Tensor) -> torch.Tensor:
    """h_n(x), batched; n may be a Python int only (use hermite_values for several degrees)."""
    return hermite_values(n, x)[n]


def hermite_at_degrees(ns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """h_{ns[i]}(x[i]) for a batch of (degree, point) pairs."""
    n_max = int(ns.max().item()) if ns.numel() else 0
    table = hermite_values(n_max, x)
    return table.gather(0, ns.long().reshape(1, -1)).reshape(x.shape)
