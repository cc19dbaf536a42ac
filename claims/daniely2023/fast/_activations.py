"""The activations of ``reference.daniely2023._activations`` in torch, with Hermite coefficients by quadrature.

Same names as the reference registry; formulas written independently (torch.special.erf etc.).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import torch

from checks.fast.gaussian import quadrature_nodes
from checks.fast.hermite import hermite_values

SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True)
class TorchActivation:
    name: str
    f: Callable[[torch.Tensor], torch.Tensor]
    df: Callable[[torch.Tensor], torch.Tensor] | None
    lipschitz: float
    kinks: tuple[float, ...] = ()


def _relu_like(x):
    return x + SQRT2 * x * torch.special.erf(x / SQRT2) + 2 * (torch.exp(-x * x / 2) - 1) / math.sqrt(math.pi)


BASE = {
    a.name: a
    for a in (
        TorchActivation("relu", torch.relu, lambda x: (x > 0).to(x.dtype), 1.0, (0.0,)),
        TorchActivation("relu_sqrt2", lambda x: SQRT2 * torch.relu(x), lambda x: SQRT2 * (x > 0).to(x.dtype),
                        SQRT2, (0.0,)),
        TorchActivation("abs", torch.abs, torch.sign, 1.0, (0.0,)),
        TorchActivation("tanh", torch.tanh, lambda x: 1 - torch.tanh(x) ** 2, 1.0),
        TorchActivation("erf_printed", lambda x: SQRT2 * torch.special.erf(x / SQRT2),
                        lambda x: 2 / math.sqrt(math.pi) * torch.exp(-x * x / 2), 2 / math.sqrt(math.pi)),
        TorchActivation("erf_library", torch.special.erf, lambda x: 2 / math.sqrt(math.pi) * torch.exp(-x * x),
                        2 / math.sqrt(math.pi)),
        TorchActivation("relu_like_printed", _relu_like, lambda x: SQRT2 * torch.special.erf(x / SQRT2) + 1,
                        1 + SQRT2),
        TorchActivation("sigmoid_printed", lambda x: math.sqrt(math.pi / 2) * torch.special.erf(x / SQRT2),
                        lambda x: torch.exp(-x * x / 2), 1.0),
    )
}


@cache
def _norm(name: str) -> float:
    x, w = quadrature_nodes(BASE[name].kinks, dtype=torch.float64)
    return float(torch.sqrt((w * BASE[name].f(x) ** 2).sum()))


def get(name: str) -> TorchActivation:
    if name in BASE:
        return BASE[name]
    base_name, _, variant = name.partition("/")
    if variant != "normalised" or base_name not in BASE:
        raise KeyError(f"unknown activation {name!r}")
    base, s = BASE[base_name], 1.0 / _norm(base_name)
    return TorchActivation(name, lambda x: s * base.f(x), (lambda x: s * base.df(x)) if base.df else None,
                           s * base.lipschitz, base.kinks)


NAMES = tuple(BASE) + tuple(f"{n}/normalised" for n in BASE)


def hermite_coefficients(act: TorchActivation, n_max: int, *, device=None, dtype=torch.float64) -> torch.Tensor:
    """a_0..a_{n_max}: Σ_nodes w σ(x) h_k(x), composite Gauss–Legendre split at the kinks."""
    x, w = quadrature_nodes(act.kinks, device=device, dtype=dtype)
    return hermite_values(n_max, x) @ (w * act.f(x))


def norm2(act: TorchActivation, *, device=None, dtype=torch.float64) -> torch.Tensor:
    x, w = quadrature_nodes(act.kinks, device=device, dtype=dtype)
    return (w * act.f(x) ** 2).sum()


def epsilon_sigma(act: TorchActivation, n_max: int, *, device=None, dtype=torch.float64) -> torch.Tensor:
    """[ε_σ(0), ..., ε_σ(n_max)] as E r_n(X)², r_n = σ − Σ_{k<=n} a_k h_k, by quadrature of the residual.

    Squaring the residual (rather than subtracting Σ a_k² from ‖σ‖²) avoids the cancellation that would
    leave only ~eps·‖σ‖² absolute accuracy; the relative error is ~eps/sqrt(ε_σ(n))."""
    x, w = quadrature_nodes(act.kinks, device=device, dtype=dtype)
    h = hermite_values(n_max, x)  # (n+1, nodes)
    a = h @ (w * act.f(x))
    residual = act.f(x)[None, :] - torch.cumsum(a[:, None] * h, 0)
    return (residual * residual) @ w


def shadow(act: TorchActivation, n: int, *, device=None, dtype=torch.float64) -> Callable:
    """σ_n = (Σ_{k<=n} a_k²)^{-1/2} Σ_{k<=n} a_k h_k as a batched torch function."""
    a = hermite_coefficients(act, n, device=device, dtype=dtype)
    a = a / torch.sqrt((a * a).sum())

    def sigma_n(x: torch.Tensor) -> torch.Tensor:
        return torch.tensordot(a, hermite_values(n, x), dims=1)

    return sigma_n
