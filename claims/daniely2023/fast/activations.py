"""Hermite coefficients in closed form, ε_σ(n) tails and dual activations in torch (daniely2023 activations).

The activations of the paper whose derivative is a Gaussian bump (the Lemma-2.16 sigmoid, the intro "erf",
the library erf and the ReLU-like activation) and the piecewise-linear ones have Hermite coefficients in
closed form, from Gaussian integration by parts E f(X) h_i(X) = E f^{(k)}(X) h_{i−k}(X) / √(i!/(i−k)!) and the
generating function of He_j.  Products of ratios keep full *relative* accuracy in float64, so tails
ε_σ(n) ≈ 1e-30 are resolved, which no float64 quadrature of (σ − p)² can do (its relative accuracy is
~eps‖σ‖/√ε).  The mpmath reference takes its coefficients from the registry's quadrature table
(``reference.daniely2023._activations``); ``reference.daniely2023.activations`` writes the closed forms
again in mpmath, only to cross-check that table and as the independent side of the ε_σ(n) identity.

Never imports ``reference``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import torch

from checks.fast.gaussian import gauss_hermite, quadrature_nodes

from . import _activations as fast_act

SQRT_PI = math.sqrt(math.pi)


def _bump_coefficients(alpha: float, n_max: int, *, dtype, device) -> torch.Tensor:
    """b_j = E e^{−αX²/2} h_j(X), j = 0..n_max.

    Generating function: E e^{−αX²/2} He_j(X) = j! [t^j] (1+α)^{−1/2} exp(−β t²), β = α/(2(1+α)); hence
    b_{2m} = (1+α)^{−1/2} (−β)^m √((2m)!)/m!, b_odd = 0, and b_{2m+2}/b_{2m} = −β √((2m+2)(2m+1))/(m+1)."""
    beta = alpha / (2 * (1 + alpha))
    out = torch.zeros(n_max + 1, dtype=dtype, device=device)
    value = (1 + alpha) ** -0.5
    for j in range(0, n_max + 1, 2):
        out[j] = value
        m = j // 2
        value = value * (-beta) * math.sqrt((2 * m + 2) * (2 * m + 1)) / (m + 1)
    return out


def _kink_coefficients(n_max: int, *, dtype, device) -> torch.Tensor:
    """c_k = φ(0) He_{k−2}(0)/√(k!) for k ≥ 2 (the Hermite coefficients of max(x, 0) beyond the linear part,
    since max(x, 0)'' = δ_0), with He_{2m}(0) = (−1)^m (2m − 1)!!; built as a running product of the ratios
    c_{k+2}/c_k = −(k − 1)/√((k + 1)(k + 2)) so that nothing overflows."""
    out = torch.zeros(n_max + 1, dtype=dtype, device=device)
    if n_max < 2:
        return out
    value = 1 / math.sqrt(2 * math.pi) / math.sqrt(2.0)  # k = 2: φ(0)·He_0(0)/√2!
    for k in range(2, n_max + 1, 2):
        out[k] = value
        # He_k(0) = −(k − 1) He_{k−2}(0) and √(k!) → √((k+2)!): ratio −(k − 1)/√((k+1)(k+2))
        value = value * -(k - 1) / math.sqrt((k + 1) * (k + 2))
    return out


def _gaussian_derivative(alpha: float, scale: float, order: int) -> Callable:
    """a_i for σ with σ^{(order)} = scale·e^{−αx²/2}: a_i = scale·b_{i−order}/√(i!/(i−order)!)."""

    def coefficients(n_max: int, *, dtype, device) -> torch.Tensor:
        b = _bump_coefficients(alpha, n_max, dtype=dtype, device=device)
        a = torch.zeros(n_max + 1, dtype=dtype, device=device)
        for i in range(order, n_max + 1):
            a[i] = scale * b[i - order] / math.sqrt(math.perm(i, order))
        return a

    return coefficients


def _relu_like(n_max: int, *, dtype, device) -> torch.Tensor:
    # σ'' = (2/√π) e^{−x²/2}; a_1 = E σ' = E(erf_printed + 1) = 1, a_0 = E σ = (2/√π)(√2 − 1).
    a = _gaussian_derivative(1.0, 2 / SQRT_PI, 2)(n_max, dtype=dtype, device=device)
    a[0] = 2 / SQRT_PI * (math.sqrt(2) - 1)
    if n_max >= 1:
        a[1] = 1.0
    return a


def _relu(n_max: int, *, dtype, device, factor: float = 1.0, even: bool = False) -> torch.Tensor:
    """max(x, 0) (factor 1), √2 max(x, 0) (factor √2) and |x| = 2 max(x, 0) − x (even=True)."""
    a = _kink_coefficients(n_max, dtype=dtype, device=device) * (2.0 if even else factor)
    a[0] = (2.0 if even else factor) / math.sqrt(2 * math.pi)
    if n_max >= 1:
        a[1] = 0.0 if even else factor / 2
    return a


ANALYTIC: dict[str, Callable] = {
    "sigmoid_printed": _gaussian_derivative(1.0, 1.0, 1),
    "erf_printed": _gaussian_derivative(1.0, 2 / SQRT_PI, 1),
    "erf_library": _gaussian_derivative(2.0, 2 / SQRT_PI, 1),
    "relu_like_printed": _relu_like,
    "relu": _relu,
    "relu_sqrt2": lambda n, **kw: _relu(n, factor=math.sqrt(2), **kw),
    "abs": lambda n, **kw: _relu(n, even=True, **kw),
}

#: Activations whose coefficients decay geometrically (a_i² ≲ C r^i): a truncated tail is exact to rounding.
GEOMETRIC = ("sigmoid_printed", "erf_printed", "erf_library", "relu_like_printed")


def _split(name: str) -> tuple[str, bool]:
    base, _, variant = name.partition("/")
    return base, variant == "normalised"


def norm2(name: str) -> float:
    """‖σ‖² by composite Gauss–Legendre in float64 (1 for a normalised variant)."""
    base, normalised = _split(name)
    if normalised:
        return 1.0
    x, w = quadrature_nodes(fast_act.get(base).kinks, dtype=torch.float64)
    return float((w * fast_act.get(base).f(x) ** 2).sum())


def coefficients(name: str, n_max: int, *, dtype=torch.float64, device=None) -> torch.Tensor:
    """a_0..a_{n_max} in closed form (normalised variants divided by ‖σ‖)."""
    base, normalised = _split(name)
    a = ANALYTIC[base](n_max, dtype=torch.float64, device=device)
    if normalised:
        a = a / math.sqrt(norm2(base))
    return a.to(dtype)


def epsilon_sigma(name: str, n_max: int, *, dtype=torch.float64, device=None) -> torch.Tensor:
    """[ε_σ(0), …, ε_σ(n_max)].

    Geometric activations: the tail Σ_{i>n} a_i² summed from the closed-form coefficients to n_max + 200
    (the neglected remainder is below (2/3)^{200} ≈ 1e-35 relative).  Others (kinked, tanh): float64
    quadrature of the squared residual (``claims.daniely2023.fast._activations.epsilon_sigma``), relative accuracy
    ~eps/√ε."""
    base, _ = _split(name)
    if base in GEOMETRIC:
        a2 = coefficients(name, n_max + 200, dtype=torch.float64, device=device) ** 2
        tails = torch.flip(torch.cumsum(torch.flip(a2, [0]), 0), [0])  # tails[j] = Σ_{i ≥ j} a_i²
        return tails[1: n_max + 2].to(dtype)
    return fast_act.epsilon_sigma(fast_act.get(name), n_max, device=device, dtype=torch.float64).to(dtype)


# --- dual activations ---------------------------------------------------------------------------------

def _cond_mean_kinked(base: str, a: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """E σ(a + cZ) for the piecewise-linear activations (c ≥ 0; c = 0 gives σ(a)). ``c`` may have a trailing
    axis of size 1 (one c per row of a): the row-wise work is then done once per row."""
    positive = c > 0
    safe = torch.where(positive, c, torch.ones_like(c))
    t = a * (1 / safe)
    cdf = torch.special.ndtr(t)
    pdf = torch.exp(t * t * -0.5).mul_(1 / math.sqrt(2 * math.pi))
    if base == "abs":
        smooth = torch.addcmul(a * (2 * cdf - 1), safe, pdf, value=2)
        kink = a.abs()
    else:
        factor = math.sqrt(2) if base == "relu_sqrt2" else 1.0
        smooth = torch.addcmul(a * cdf, safe, pdf)
        kink = torch.relu(a)
        if factor != 1.0:
            smooth, kink = factor * smooth, factor * kink
    if bool(positive.all()):
        return smooth
    return torch.where(positive, smooth, kink)


#: Nodes per axis of the product Gauss–Hermite rule for smooth σ: the integrand's Hermite coefficients decay
#: like 2^{−i/2} ((2/3)^{i/2} for the library erf), so 100 nodes (exact to degree 199) reach rounding level.
DUAL_GH_NODES = 100
#: Fewer nodes where the decay is 2^{−i/2}: 64 per axis (exact to degree 127) are at rounding level there
#: (≤ 7e-16 against the closed forms on a grid of ρ including |ρ| → 1; 40 nodes would leave 5e-14); the
#: library erf keeps DUAL_GH_NODES (64 nodes leave 1.2e-13 for it). The work is nodes² per point.
#: Odd smooth σ (σ(−x) = −σ(x)): the product rule's rows z1 < 0 repeat the rows z1 > 0 (numpy symmetrises
#: hermegauss nodes and weights, and every rule used here has an even number of nodes).
ODD_SMOOTH = ("erf_printed", "sigmoid_printed", "erf_library")
DUAL_GH_NODES_BY_NAME = {"erf_printed": 64, "sigmoid_printed": 64, "relu_like_printed": 64}


@cache
def _gauss_hermite(n: int, dtype: torch.dtype, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    return gauss_hermite(n, device=device, dtype=dtype)  # numpy's hermegauss solves an eigenproblem: cache it


#: Extra panel edges of the outer rule for kinked σ, graded towards the kink at 0: for |ρ| → 1 the inner mean
#: E σ(ρx + cZ), c = √(1 − ρ²), has a corner of width ~c at x = 0 that one Gauss–Legendre panel [0, 0.75] does
#: not resolve (64 nodes on the ungraded panels left errors up to 3e-12 ‖σ‖² at 1 − ρ ≈ 1e-7); with the grading
#: 24 nodes per panel are at rounding level (≤ 4e-16 against the closed forms, |ρ| up to 1 − 1e-16).
KINK_GRADING = tuple(s * 0.75 * 10.0**-k for k in range(1, 7) for s in (1, -1))
KINKED_PER_PANEL = 24


@cache
def _kinked_outer_rule(base: str, dtype: torch.dtype, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The outer Gauss–Legendre nodes x and weights w·σ(x) of ``dual_direct`` for a kinked σ (panels graded
    towards the kink), without the nodes whose product is exactly 0 (σ = 0 on x < 0 for the ReLUs; Gaussian
    weights that underflow far out): they add exact zeros to the sum."""
    act = fast_act.get(base)
    x, w = quadrature_nodes(act.kinks + KINK_GRADING, per_panel=KINKED_PER_PANEL, device=device, dtype=dtype)
    wf = w * act.f(x)
    keep = wf != 0
    if base == "abs":  # |x|·E|ρx + cZ| is even in x and the panels are symmetric: the nodes x > 0, twice
        keep &= x > 0
        wf = 2 * wf
    return x[keep], wf[keep]


def dual_direct(name: str, rho: torch.Tensor) -> torch.Tensor:
    """σ̂(ρ) = E σ(X) σ(Y), Corr(X, Y) = ρ, by quadrature (not from the series), batched over ρ.

    Kinked σ: outer composite Gauss–Legendre in X split at the kink (panels graded towards it), inner
    expectation over Y | X in closed form.  Smooth σ: a product Gauss–Hermite rule in (Z1, Z2), X = Z1,
    Y = ρZ1 + √(1 − ρ²) Z2."""
    base, normalised = _split(name)
    act = fast_act.get(base)
    dtype, device = rho.dtype, rho.device
    c = torch.sqrt(torch.clamp(1 - rho * rho, min=0))
    if act.kinks:
        x, wf = _kinked_outer_rule(base, dtype, str(device))
        inner = _cond_mean_kinked(base, rho[:, None] * x[None, :], c[:, None])
        value = inner @ wf
    else:
        z, w = _gauss_hermite(DUAL_GH_NODES_BY_NAME.get(base, DUAL_GH_NODES), dtype, str(device))
        z1, w1 = z, w
        if base in ODD_SMOOTH:  # σ(z1)σ(ρz1 + cz2) is even in (z1, z2) and the rule is symmetric: half the rows
            half = z.numel() // 2
            z1, w1 = z[:half], 2 * w[:half]
        y = rho[:, None, None] * z1[None, :, None] + c[:, None, None] * z[None, None, :]
        value = (act.f(y) @ w) @ (w1 * act.f(z1))
    if normalised:
        value = value / norm2(base)
    return value
