"""Gaussian expectations in torch: composite Gauss–Legendre on [-R, R] split at kinks, and Gauss–Hermite.

Nodes come from numpy (independent of the mpmath reference). For a smooth integrand times the Gaussian
density, 64 nodes per panel on ~20 panels are accurate to float64 rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import torch

PANELS = (-40, -28, -20, -14, -10, -7, -5, -3.5, -2.5, -1.5, -0.75, 0, 0.75, 1.5, 2.5, 3.5, 5, 7, 10, 14, 20,
          28, 40)


@cache
def _nodes(kinks: tuple[float, ...], per_panel: int) -> tuple[np.ndarray, np.ndarray]:
    edges = np.array(sorted(set(PANELS) | set(kinks)), dtype=float)
    t, w = np.polynomial.legendre.leggauss(per_panel)
    xs, ws = [], []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        xs.append((a + b) / 2 + (b - a) / 2 * t)
        ws.append((b - a) / 2 * w)
    x = np.concatenate(xs)
    wt = np.concatenate(ws) * np.exp(-x * x / 2) / np.sqrt(2 * np.pi)
    return x, wt


def quadrature_nodes(kinks: Sequence[float] = (), per_panel: int = 64, *, device=None, dtype=torch.float64):
    """(x, w) such that Σ w f(x) ≈ E f(X), X ~ N(0,1), for f smooth between the kinks."""
    x, w = _nodes(tuple(sorted(float(k) for k in kinks)), per_panel)
    return torch.tensor(x, device=device, dtype=dtype), torch.tensor(w, device=device, dtype=dtype)


@cache
def _hermegauss(n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / w.sum()


def gauss_hermite(n: int, *, device=None, dtype=torch.float64):
    """n-point Gauss rule for N(0, 1) (numpy's hermegauss, weights normalised to sum 1)."""
    x, w = _hermegauss(n)
    return torch.tensor(x, device=device, dtype=dtype), torch.tensor(w, device=device, dtype=dtype)


def product_gauss_hermite(d: int, n: int, *, device=None, dtype=torch.float64):
    """Tensor-product rule for N(0, I_d): points (n^d, d) and weights (n^d,) (exact for polynomials of degree
    ≤ 2n − 1 in each coordinate; not rotation invariant, which is what invariance checks want)."""
    z, w = gauss_hermite(n, device=device, dtype=dtype)
    points = torch.stack([g.reshape(-1) for g in torch.meshgrid(*([z] * d), indexing="ij")], -1)
    weights = torch.ones((), device=device, dtype=dtype)
    for g in torch.meshgrid(*([w] * d), indexing="ij"):
        weights = weights * g
    return points, weights.reshape(-1)
