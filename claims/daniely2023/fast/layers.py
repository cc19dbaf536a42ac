"""Torch fast paths for daniely2023 Sec. 2.5–2.6 (claims/daniely2023/layers.py); never calls reference/.

Written independently of ``reference.daniely2023.layers``: where the reference conditions on X and uses exact
polynomial moments, the fast path sums an outer Gauss–Legendre rule times an inner Gauss–Hermite rule; where
the reference uses the arc-sine closed form for piecewise-linear activations, the fast path integrates over
the angle in polar coordinates (both rely on positive homogeneity).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import torch

from checks.fast.gaussian import gauss_hermite, quadrature_nodes

from . import _activations as fast_act


@cache
def _shadow_coefficients(name: str, n: int, device: str, dtype: torch.dtype) -> torch.Tensor:
    """Hermite coefficients of σ_n normalised to Σ a_k² = 1 (cached per activation, degree, dtype)."""
    a = fast_act.hermite_coefficients(fast_act.get(name), n, device=device, dtype=torch.float64)
    a = a / torch.sqrt((a * a).sum())
    return a.to(dtype)


def shadow_coefficients(name: str, n: int, *, device, dtype) -> torch.Tensor:
    return _shadow_coefficients(name, n, str(device), dtype)


@cache
def _epsilon_table(name: str, n_max: int, device: str) -> torch.Tensor:
    return fast_act.epsilon_sigma(fast_act.get(name), n_max, device=device, dtype=torch.float64)


def epsilon(name: str, n: int, *, device, dtype) -> torch.Tensor:
    """ε_σ(n) (residual quadrature in float64, cast to dtype)."""
    return _epsilon_table(name, max(n, 20), str(device))[n].to(dtype)


def polynomial(a: torch.Tensor):
    """x ↦ Σ_k a_k h_k(x), batched; the recursion (1) is accumulated on the fly (no (n+1)×shape table)."""

    def p(x: torch.Tensor) -> torch.Tensor:
        acc = a[0] * torch.ones_like(x)
        if a.shape[0] == 1:
            return acc
        prev, cur = torch.ones_like(x), x
        acc = acc + a[1] * cur
        for k in range(1, a.shape[0] - 1):
            prev, cur = cur, x * cur / math.sqrt(k + 1) - math.sqrt(k / (k + 1)) * prev
            acc = acc + a[k + 1] * cur
        return acc

    return p


@cache
def _gauss_hermite_cached(m: int, device: str, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    return gauss_hermite(m, device=device, dtype=dtype)


def gauss_hermite_rule(m: int, *, device, dtype) -> tuple[torch.Tensor, torch.Tensor]:
    return _gauss_hermite_cached(m, str(device), dtype)


#: Gauss–Legendre nodes per panel of the outer rule (22 panels on [-40, 40], split at the kinks).
OUTER_PER_PANEL = 24


def loadings(var_x: float, cov: float, var_y: float) -> tuple[float, float, float]:
    """(s_x, a, b) with X = s_x Z1, Y = a Z1 + b Z2 (Z1, Z2 i.i.d. standard) for a covariance matrix.

    Callers that know the geometry should build the loadings directly: recovering b from the covariance
    cancels when |ρ| ≈ 1 (relative error ~ eps/(1 − ρ²))."""
    sx = math.sqrt(max(var_x, 0.0))
    a = cov / sx if sx > 0 else 0.0
    return sx, a, math.sqrt(max(0.0, var_y - a * a))


def mean_square_against_polynomial(f, kinks, coeffs: torch.Tensor, sx, a, b, *, device, dtype) -> torch.Tensor:
    """E (f(X) − P(Y))², P = Σ coeffs_k h_k, X = s_x Z1, Y = a Z1 + b Z2, for a batch of loadings (floats or
    tensors (B,)).

    Outer composite Gauss–Legendre over Z1 (split at f's kinks, all at 0 here), inner Gauss–Hermite over Z2
    with deg P + 1 nodes (exact for the squared polynomial)."""
    sx, a, b = (torch.as_tensor(v, device=device, dtype=dtype).reshape(-1) for v in (sx, a, b))
    x, w = quadrature_nodes(kinks, per_panel=OUTER_PER_PANEL, device=device, dtype=dtype)
    z, wz = gauss_hermite_rule(coeffs.shape[0], device=device, dtype=dtype)
    y = (a[:, None] * x[None, :])[:, :, None] + b[:, None, None] * z[None, None, :]  # (B, N, m)
    diff = f(sx[:, None] * x[None, :])[:, :, None] - polynomial(coeffs.to(dtype))(y)
    return ((diff * diff) @ wz) @ w


def _sector_nodes(breaks: list[float], per_sector: int, *, device, dtype):
    """Gauss–Legendre nodes on [0, 2π) split at `breaks` (angles, any order)."""
    cuts = sorted({b % (2 * math.pi) for b in breaks} | {0.0, 2 * math.pi})
    t, w = np.polynomial.legendre.leggauss(per_sector)
    th, wt = [], []
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        if hi - lo <= 0:
            continue
        th.append((lo + hi) / 2 + (hi - lo) / 2 * t)
        wt.append((hi - lo) / 2 * w)
    return (torch.tensor(np.concatenate(th), device=device, dtype=dtype),
            torch.tensor(np.concatenate(wt), device=device, dtype=dtype))


def mean_square_homogeneous(f, g, sx: float, a: float, b: float, *, device, dtype,
                            per_sector: int = 24) -> torch.Tensor:
    """E (f(X) − g(Y))² for positively 1-homogeneous f, g (ReLU, |x|, their multiples), X = s_x Z1,
    Y = a Z1 + b Z2, in polar coordinates.

    The integrand is 2-homogeneous in (Z1, Z2), so E F = E R² · (1/2π) ∫ F(cos θ, sin θ) dθ with E R² = 2; the
    angle integral is split where X = 0 or Y = 0, where the integrand is a trigonometric polynomial of degree 2
    (Gauss–Legendre is exact to rounding)."""
    zero = math.atan2(-a, b)  # a cos θ + b sin θ = 0
    th, wt = _sector_nodes([math.pi / 2, 3 * math.pi / 2, zero, zero + math.pi], per_sector, device=device,
                           dtype=dtype)
    u1, u2 = torch.cos(th), torch.sin(th)
    diff = f(sx * u1) - g(a * u1 + b * u2)
    return 2 * (wt @ (diff * diff)) / (2 * math.pi)


def log_lambda(n: torch.Tensor, *, two_sign: float = 1.0, nine: float = 9.0) -> torch.Tensor:
    """log λ(n), λ(n) = 2^{2n+1} (9 (4n − 1)!!)^{1/4}, with (4n − 1)!! = (4n)!/(2^{2n} (2n)!) via lgamma."""
    log_df = torch.lgamma(4 * n + 1) - 2 * n * math.log(2.0) - torch.lgamma(2 * n + 1)
    return two_sign * (2 * n + 1) * math.log(2.0) + (math.log(nine) + log_df) / 4


def row_mean_square(fa: torch.Tensor, ga: torch.Tensor, x: torch.Tensor, y: torch.Tensor,
                    variance: float | None = None) -> torch.Tensor:
    """E_w (F(w·x) − G(w·y))², w with i.i.d. N(0, variance) entries (Xavier: 1/d); F, G in the Hermite
    basis; product Gauss–Hermite over the d coordinates of w (exact for polynomials of these degrees)."""
    d = x.shape[0]
    variance = 1.0 / d if variance is None else variance
    m = max(fa.shape[0], ga.shape[0])
    z, wz = gauss_hermite_rule(m, device=x.device, dtype=x.dtype)
    grid = torch.cartesian_prod(*([z] * d)).reshape(-1, d) * math.sqrt(variance)  # (m^d, d)
    weight = torch.cartesian_prod(*([wz] * d)).reshape(-1, d).prod(-1)
    diff = polynomial(fa)(grid @ x) - polynomial(ga)(grid @ y)
    return weight @ (diff * diff)


def bivariate_mean_square(fa: torch.Tensor, ga: torch.Tensor, sx: float, a: float, b: float, *, device,
                          dtype) -> torch.Tensor:
    """E (F(X) − G(Y))², X = s_x Z1, Y = a Z1 + b Z2, for polynomials F, G (Hermite basis) by a 2-D product
    Gauss–Hermite rule (exact)."""
    m = max(fa.shape[0], ga.shape[0])
    z, wz = gauss_hermite_rule(m, device=device, dtype=dtype)
    z1, z2 = z[:, None], z[None, :]
    diff = polynomial(fa)(sx * z1 + 0 * z2) - polynomial(ga)(a * z1 + b * z2)
    return wz @ (diff * diff) @ wz


# --- Lemma 2.10 -------------------------------------------------------------------------------------

def normalised_norm(v: torch.Tensor) -> torch.Tensor:
    """sqrt(mean v²) over the last axis, computed on v/max|v| so that tiny vectors do not underflow to norm 0
    (nor huge ones overflow): Lemma 2.10 draws points as close to 0 as the domain allows (‖x‖ ~ 1e-206 squares
    to 0 in float64, and the projection onto the sphere then took the wrong direction)."""
    m = v.abs().amax(-1, keepdim=True)
    safe = torch.where(m > 0, m, torch.ones_like(m))
    return (safe * torch.sqrt(((v / safe) ** 2).mean(-1, keepdim=True))).squeeze(-1)


def project_sphere(x: torch.Tensor, radius: float) -> torch.Tensor:
    r = normalised_norm(x)
    if float(r) == 0.0:
        out = torch.zeros_like(x)
        out[0] = radius * math.sqrt(x.shape[0])
        return out
    return radius * (x / r)  # x / r first: radius·x may be subnormal (few significant bits) for tiny x


def project_points(x: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    dist = normalised_norm(points - x[None, :])
    return points[int(torch.argmin(dist))]  # argmin returns the first minimiser


def joint_projection(x1: torch.Tensor, x2: torch.Tensor, project) -> tuple:
    """Lemma 2.10's two-case construction: (x̃1, x̃2, d(x1, A), d(x2, A))."""
    p1, p2 = project(x1), project(x2)
    d1, d2 = normalised_norm(x1 - p1), normalised_norm(x2 - p2)
    swapped = bool(d1 > d2)
    if swapped:
        x1, x2, p1, p2, d1, d2 = x2, x1, p2, p1, d2, d1
    if bool(d2 <= normalised_norm(x1 - x2)):
        t1, t2 = p1, p2
    else:
        t1, t2 = p1, p1
    if swapped:
        t1, t2, d1, d2 = t2, t1, d2, d1
    return t1, t2, d1, d2
