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


# --- Lemma 2.10 -------------------------------------------------------------------------------------

# --- batched kernels: per-point loadings and per-point polynomials, one tensor computation per activation ---

def gather_rows(table: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """table[index] along the first axis by ``index_select`` (cheaper than advanced indexing on a busy CPU)."""
    return table.index_select(0, index.reshape(-1)).reshape(*index.shape, *table.shape[1:])


@cache
def _shadow_table(name: str, n_max: int, device: str, dtype: torch.dtype) -> torch.Tensor:
    """(n_max + 1, n_max + 1): row n holds the coefficients of σ_n (``shadow_coefficients``), zero-padded.
    Rows σ_n undefined (a_0..a_n all 0, e.g. n = 0 for odd σ) are NaN and never asked for."""
    table = torch.zeros(n_max + 1, n_max + 1, device=device, dtype=dtype)
    for n in range(n_max + 1):
        table[n, : n + 1] = _shadow_coefficients(name, n, device, dtype)
    return table


def shadow_rows(name: str, n: torch.Tensor, *, device, dtype, width: int | None = None) -> torch.Tensor:
    """Per-point coefficient rows (B, width) of σ_{n_i} for one activation, zero-padded to ``width`` columns
    (default max n + 1): the padded polynomial is the same polynomial."""
    n_max = int(n.max()) if n.numel() else 0
    width = n_max + 1 if width is None else width
    table = _shadow_table(name, max(n_max, width - 1), str(device), dtype)
    return gather_rows(table, n.long())[:, :width]


def polynomial_rows(a: torch.Tensor):
    """x ↦ Σ_k a[:, k] h_k(x) with per-point coefficients a of shape (B, m), x of shape (B, ...): Clenshaw's
    backward recurrence for the recursion (1), h_{k+1} = (x h_k − √k h_{k−1})/√(k+1) — two passes over x per
    degree (a fused multiply-add and a scaled add), and no basis values kept."""

    def p(x: torch.Tensor) -> torch.Tensor:
        shape = (a.shape[0],) + (1,) * (x.dim() - 1)
        coeff = a.to(x.dtype).reshape(*shape[:1], a.shape[1], *shape[1:])  # (B, m, 1, ...)
        n = a.shape[1] - 1
        if n == 0:
            return coeff[:, 0].expand_as(x).clone()
        # b_k = a_k + x b_{k+1}/√(k+1) − √((k+1)/(k+2)) b_{k+2}, from b_n = a_n, b_{n+1} = 0 down to b_1
        b1, b2 = coeff[:, n].expand_as(x).clone(), None
        for k in range(n - 1, 0, -1):
            bk = torch.addcmul(coeff[:, k], x, b1, value=1 / math.sqrt(k + 1))
            if b2 is not None:
                bk.add_(b2, alpha=-math.sqrt((k + 1) / (k + 2)))
            b1, b2 = bk, b1
        # p = a_0 h_0 + b_1 h_1 + β_1 h_0 b_2, with h_0 = 1, h_1 = x, β_1 = −√(1/2)
        out = torch.addcmul(coeff[:, 0], x, b1)
        if b2 is not None:
            out.add_(b2, alpha=-math.sqrt(0.5))
        return out

    return p


#: Elements per chunk of the (points × outer nodes × inner nodes) tensors (bounds memory, not the math).
CHUNK_ELEMENTS = 1 << 21


def mean_square_against_polynomial_rows(f, kinks, coeffs: torch.Tensor, sx: torch.Tensor, a: torch.Tensor,
                                        b: torch.Tensor, *, device, dtype) -> torch.Tensor:
    """``mean_square_against_polynomial`` for a batch with per-point polynomials (coeffs (B, m), zero-padded)
    and per-point loadings (B,): the same outer Gauss–Legendre × inner Gauss–Hermite rule (m nodes: exact for
    the squared polynomial of degree ≤ m − 1), as one tensor computation per chunk of points. When every b is 0
    the inner integrand does not depend on Z2 and one node (Z2 = 0, weight 1) is the exact rule."""
    sx, a, b = (torch.as_tensor(v, device=device, dtype=dtype).reshape(-1) for v in (sx, a, b))
    coeffs = coeffs.to(device=device, dtype=dtype)
    x, w = quadrature_nodes(kinks, per_panel=OUTER_PER_PANEL, device=device, dtype=dtype)
    if bool((b == 0).all()):
        z, wz = torch.zeros(1, device=device, dtype=dtype), torch.ones(1, device=device, dtype=dtype)
    else:
        z, wz = gauss_hermite_rule(coeffs.shape[1], device=device, dtype=dtype)
    out = torch.empty(sx.shape[0], device=device, dtype=dtype)
    step = max(1, CHUNK_ELEMENTS // (x.numel() * z.numel()))
    for lo in range(0, sx.shape[0], step):
        s = slice(lo, lo + step)
        y = (a[s, None] * x[None, :])[:, :, None] + b[s, None, None] * z[None, None, :]  # (B, N, m)
        diff = f(sx[s, None] * x[None, :])[:, :, None] - polynomial_rows(coeffs[s])(y)
        out[s] = ((diff * diff) @ wz) @ w
    return out


def bivariate_mean_square_rows(fa: torch.Tensor, ga: torch.Tensor, sx: torch.Tensor, a: torch.Tensor,
                               b: torch.Tensor, *, device, dtype) -> torch.Tensor:
    """E (F(X) − G(Y))² with X = s_x Z1, Y = a Z1 + b Z2 for per-point polynomials F, G in the Hermite basis
    (coefficients fa, ga (B, m), zero-padded to one width) and per-point loadings (B,): the 2-D product
    Gauss–Hermite rule with m nodes per axis (exact for these polynomials)."""
    sx, a, b = (torch.as_tensor(v, device=device, dtype=dtype).reshape(-1, 1, 1) for v in (sx, a, b))
    m = max(fa.shape[1], ga.shape[1])
    z, wz = gauss_hermite_rule(m, device=device, dtype=dtype)
    z1, z2 = z[None, :, None], z[None, None, :]
    diff = polynomial_rows(fa)(sx * z1 + 0 * z2) - polynomial_rows(ga)(a * z1 + b * z2)  # (B, m, m)
    return ((diff * diff) @ wz) @ wz


def row_mean_square_rows(fa: torch.Tensor, ga: torch.Tensor, x: torch.Tensor, y: torch.Tensor,
                         variance: float | None = None) -> torch.Tensor:
    """E_w (F(w·x) − G(w·y))², w with i.i.d. N(0, variance) entries (Xavier: 1/d), for per-point polynomials F,
    G in the Hermite basis (fa, ga (B, m), one width) and vectors x, y (B, d) of one dimension d: the product
    Gauss–Hermite grid over the coordinates of w (exact for these degrees) is shared by the batch."""
    d = x.shape[1]
    variance = 1.0 / d if variance is None else variance
    m = max(fa.shape[1], ga.shape[1])
    z, wz = gauss_hermite_rule(m, device=x.device, dtype=x.dtype)
    grid = torch.cartesian_prod(*([z] * d)).reshape(-1, d) * math.sqrt(variance)  # (m^d, d)
    weight = torch.cartesian_prod(*([wz] * d)).reshape(-1, d).prod(-1)
    diff = polynomial_rows(fa)(x @ grid.T) - polynomial_rows(ga)(y @ grid.T)  # (B, m^d)
    return (diff * diff) @ weight


def mean_square_homogeneous_rows(f, g, sx: torch.Tensor, a: torch.Tensor, b: torch.Tensor, *,
                                 per_sector: int = 24) -> torch.Tensor:
    """``mean_square_homogeneous`` for a batch of loadings (B,): each point's angle integral split at its own
    zeros of X and Y (π/2, 3π/2, θ0, θ0 + π with a cos θ0 + b sin θ0 = 0), Gauss–Legendre on each of the ≤ 5
    sectors (empty sectors get zero width), all points at once."""
    device, dtype = a.device, a.dtype
    two_pi = 2 * math.pi
    zero = torch.atan2(-a, b)
    breaks = torch.stack([torch.full_like(a, math.pi / 2), torch.full_like(a, 3 * math.pi / 2),
                          torch.remainder(zero, two_pi), torch.remainder(zero + math.pi, two_pi)], -1)
    cuts = torch.cat([torch.zeros_like(a)[:, None], torch.sort(breaks, -1).values,
                      torch.full_like(a, two_pi)[:, None]], -1)  # (B, 6)
    lo, hi = cuts[:, :-1], cuts[:, 1:]
    t, w = (torch.as_tensor(v, device=device, dtype=dtype) for v in np.polynomial.legendre.leggauss(per_sector))
    th = ((lo + hi) / 2)[:, :, None] + ((hi - lo) / 2)[:, :, None] * t  # (B, 5, per_sector)
    wt = ((hi - lo) / 2)[:, :, None] * w
    u1, u2 = torch.cos(th), torch.sin(th)
    diff = f(sx[:, None, None] * u1) - g(a[:, None, None] * u1 + b[:, None, None] * u2)
    return 2 * (wt * diff * diff).sum((1, 2)) / two_pi


def epsilon_table(name: str, n_max: int, *, device, dtype) -> torch.Tensor:
    """[ε_σ(0), …, ε_σ(n_max)] (the cached float64 residual-quadrature table of ``epsilon``, cast to dtype)."""
    return _epsilon_table(name, n_max, str(device))[: n_max + 1].to(dtype)


def normalised_norm_rows(v: torch.Tensor, dims: torch.Tensor) -> torch.Tensor:
    """‖v‖ = sqrt(mean v²) of zero-padded vectors (B, ..., D) whose true dimension is dims (B,): sqrt(Σ v²/d),
    computed on v/max|v| so that tiny vectors do not underflow to norm 0 (nor huge ones overflow); the padding
    adds nothing to the sum or the maximum."""
    m = v.abs().amax(-1, keepdim=True)
    safe = torch.where(m > 0, m, torch.ones_like(m))
    d = dims.reshape(dims.shape + (1,) * (v.dim() - 1))
    return (safe * torch.sqrt(((v / safe) ** 2).sum(-1, keepdim=True) / d)).squeeze(-1)


def project_sphere_rows(x: torch.Tensor, radius: torch.Tensor, dims: torch.Tensor) -> torch.Tensor:
    """The nearest point of the sphere of normalised radius ``radius`` to each x of a batch (B, D) (zero-padded
    to D; dimensions (B,)): radius·x/‖x‖, and x = 0 goes to radius·√d·e_1."""
    m = x.abs().amax(-1, keepdim=True)
    zero = m == 0
    # the direction from x/max|x|: never a division by the normalised norm itself, which is subnormal — and has
    # lost its leading digits — for the tiniest x (radius·x could be subnormal too)
    u = x / torch.where(zero, 1.0, m)
    s = torch.sqrt((u * u).sum(-1, keepdim=True) / dims[:, None])
    fallback = torch.zeros_like(x)
    fallback[:, 0] = radius * torch.sqrt(dims)
    return torch.where(zero, fallback, radius[:, None] * (u / torch.where(zero, 1.0, s)))


def project_points_rows(x: torch.Tensor, points: torch.Tensor, dims: torch.Tensor) -> torch.Tensor:
    """The first nearest point of a finite set (points (B, M, D), padded alike) to each x of a batch (B, D)."""
    dist = normalised_norm_rows(points - x[:, None, :], dims)  # (B, M)
    index = torch.argmin(dist, dim=-1)  # argmin returns the first minimiser
    return torch.gather(points, 1, index[:, None, None].expand(-1, 1, points.shape[2]))[:, 0]


def joint_projection_rows(x1: torch.Tensor, x2: torch.Tensor, project, norm) -> tuple:
    """Lemma 2.10's two-case construction (x̃1, x̃2, d(x1, A), d(x2, A)) for a batch (B, D): the w.l.o.g. swap
    and Case I/II decided per row."""
    p1, p2 = project(x1), project(x2)
    d1, d2 = norm(x1 - p1), norm(x2 - p2)
    swapped = d1 > d2
    near_p = torch.where(swapped[:, None], p2, p1)  # the projection of the point closer to A
    far_p = torch.where(swapped[:, None], p1, p2)
    far_d = torch.where(swapped, d1, d2)
    case_one = far_d <= norm(x1 - x2)  # symmetric in x1, x2
    t_near, t_far = near_p, torch.where(case_one[:, None], far_p, near_p)
    t1 = torch.where(swapped[:, None], t_far, t_near)
    t2 = torch.where(swapped[:, None], t_near, t_far)
    return t1, t2, d1, d2
