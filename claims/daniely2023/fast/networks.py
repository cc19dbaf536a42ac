"""Torch counterparts of ``reference.daniely2023.networks`` (written independently; never calls the reference).

* ``wide_limit_error``: lim_{widths→∞} E_W‖Φ^i(x) − Φ^{i,n}(x)‖ from the torch Hermite coefficients
  (quadrature) through the correlation recursion ρ_j = Σ_{k≤n} a_k² ρ_{j−1}^k / √s.
* ``second_moment_narrow``: E (Ψ^j_k)² at layers 1, 2 of a Xavier network with hidden width 1, by nested
  composite Gauss–Legendre quadrature (no closed forms).
"""

from __future__ import annotations

from functools import cache

import torch

from checks.fast.gaussian import quadrature_nodes

from . import _activations as fast_acts


def wide_limit_error(act: fast_acts.TorchActivation, n: int, depth: int, *, device=None,
                     dtype=torch.float64) -> torch.Tensor:
    """√(2 − 2ρ_{i−1}) with ρ_0 = 1, ρ_j = Σ_{k≤n} a_k² ρ_{j−1}^k / √(Σ_{k≤n} a_k²) (normalised σ)."""
    a = fast_acts.hermite_coefficients(act, n, device=device, dtype=dtype)
    sq = a * a
    root_s = torch.sqrt(sq.sum())
    powers = torch.arange(n + 1, device=device, dtype=dtype)
    rho = torch.ones((), device=device, dtype=dtype)
    for _ in range(depth - 1):
        rho = (sq * rho**powers).sum() / root_s
    return torch.sqrt(torch.clamp(2 - 2 * rho, min=0.0))


def wide_limit_errors(act: fast_acts.TorchActivation, ns, depth: int, *, device=None,
                      dtype=torch.float64) -> torch.Tensor:
    """``wide_limit_error`` at several truncation degrees n at once (shape (len(ns),)): one coefficient table up
    to max(ns), the terms k > n masked to zero, the recursion run on all of them together."""
    ns = torch.as_tensor(list(ns), device=device)
    n_max = int(ns.max())
    a = fast_acts.hermite_coefficients(act, n_max, device=device, dtype=dtype)
    powers = torch.arange(n_max + 1, device=device, dtype=dtype)
    sq = torch.where(powers[None, :] <= ns[:, None].to(dtype), a * a, 0)  # (G, n_max + 1)
    root_s = torch.sqrt(sq.sum(-1))
    rho = torch.ones(ns.shape, device=device, dtype=dtype)
    for _ in range(depth - 1):
        rho = (sq * rho[:, None] ** powers).sum(-1) / root_s
    return torch.sqrt(torch.clamp(2 - 2 * rho, min=0.0))


@cache
def _second_moment_cached(name: str, layer: int, device: str, dtype_name: str) -> float:
    dtype = getattr(torch, dtype_name)
    act = fast_acts.get(name)
    x, w = quadrature_nodes(act.kinks, device=device, dtype=dtype)
    if layer == 1:
        return float((w * act.f(x) ** 2).sum())
    # d_1 = 1: the hidden value s = σ(Z) scales the next pre-activation, Φ²_k | s ~ N(0, s²)
    s = act.f(x).abs()
    inner = (act.f(s[:, None] * x[None, :]) ** 2) @ w  # G(σ(x_a)²) for every outer node a
    return float((w * inner).sum())


def second_moment_narrow(name: str, layer: int, *, device=None, dtype=torch.float64) -> torch.Tensor:
    """E_W⃗ (Ψ^j_k(x))², x ∈ S̃^{d−1}, layer j ∈ {1, 2}, hidden width d_1 = 1 (memoised per activation)."""
    if layer not in (1, 2):
        raise ValueError("second_moment_narrow covers layers 1 and 2")
    dev = torch.device(device if device is not None else "cpu")
    value = _second_moment_cached(name, layer, str(dev), str(dtype).removeprefix("torch."))
    return torch.tensor(value, device=dev, dtype=dtype)
