"""zhang2017 fast path (torch) for the activation–potential correspondences (Table 1, App. A.1, Theorems
2.4–2.5): potentials computed from their activations by quadrature in float64/float32, batched.

Methods (independent of the mpmath reference, which never runs here):

* sgn / ReLU duals: the 1-D reduction over x > 0 with the closed-form conditional expectation, integrated by
  Gauss–Legendre on *geometric* panels [20·2^{−k−1}, 20·2^{−k}] (k = 0..60), which resolve the kink's scale
  c = √(1 − ρ²) for every ρ at once (the same nodes for a whole batch);
* polynomial / entire activations: product Gauss–Hermite rules (numpy's hermegauss nodes), in two variables
  (X, Y) = (Z_1, ρZ_1 + cZ_2) for duals and as a tensor rule in d = 2, 3 for d-dimensional expectations;
* translation-invariant rows: each coordinate's integral literally (log-space activation × log-space density,
  so e^{x²/4} never overflows), composite Gauss–Legendre on panels graded geometrically toward θ_i and w_i,
  where K_0 has its logarithmic singularities.

Batching: every quadrature is one (points × nodes) tensor computation, contracted with the weights by a
matrix product and evaluated over cache-sized chunks of points on the CPU (:func:`chunked`); per-point factors
(ρ, c) stay outside the node sums where the integrand allows. Inputs drawn from small grids (the Bessel
coordinates, the Fourier frequencies) are integrated once per distinct value and gathered (:func:`unique_rows`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np
import torch

from checks.fast.gaussian import gauss_hermite, product_gauss_hermite

HERMITE_FAMILIES = ("physicists", "probabilists", "orthonormal")


@cache
def _legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(n)


@cache
def _geometric_rule(top: float, levels: int, per_panel: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes/weights on (0, top] with panels [top·2^{−k−1}, top·2^{−k}], k = 0..levels."""
    t, w = _legendre(per_panel)
    xs, ws = [], []
    for k in range(levels + 1):
        a, b = top * 2.0 ** (-k - 1), top * 2.0 ** (-k)
        xs.append((a + b) / 2 + (b - a) / 2 * t)
        ws.append((b - a) / 2 * w)
    return np.concatenate(xs), np.concatenate(ws)


@cache
def _graded_unit_rule(levels: int, per_panel: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes/weights on [0, 1] with panels graded geometrically toward both ends (the end panels have width
    2^{−levels−1}; Gauss nodes are interior, so an integrable logarithmic singularity at an end is harmless)."""
    left = [0.0] + [0.5 * 2.0 ** (-k) for k in range(levels, -1, -1)]
    edges = np.array(left + [1 - e for e in reversed(left[:-1])])
    t, w = _legendre(per_panel)
    xs, ws = [], []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        xs.append((a + b) / 2 + (b - a) / 2 * t)
        ws.append((b - a) / 2 * w)
    return np.concatenate(xs), np.concatenate(ws)


# c = √(1 − ρ²) is formed as √((1 − ρ)(1 + ρ)): near ρ = ±1 the factor 1 ∓ ρ is exact (Sterbenz), while 1 − ρ²
# would lose all relative accuracy in c (and the sgn dual its ~1e-9 digits there).

# --- batching helpers ------------------------------------------------------------------------------------------

#: (batch chunk) × (quadrature nodes) elements per temporary on the CPU: small enough to stay in cache, large
#: enough that the per-chunk overhead is negligible
_CHUNK_ELEMENTS = 1 << 15


def chunked(fn, nodes: int, *tensors: torch.Tensor) -> torch.Tensor:
    """``fn(*tensors)`` evaluated on chunks of the leading (batch) axis and concatenated: the (chunk, nodes)
    temporaries of a quadrature then stay in the CPU cache (a loop over blocks of points, not over points; on
    an accelerator the whole batch is one call)."""
    size = tensors[0].shape[0]
    step = max(1, _CHUNK_ELEMENTS // max(int(nodes), 1))
    if size <= step or tensors[0].device.type != "cpu":
        return fn(*tensors)
    return torch.cat([fn(*parts) for parts in zip(*(t.split(step) for t in tensors), strict=True)])


def unique_rows(*columns: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
    """The distinct rows of the stacked columns and, per input row, the index of its distinct row: a quadrature
    whose value depends only on these columns is evaluated once per distinct row and gathered (identical inputs,
    identical outputs)."""
    key = torch.zeros(columns[0].numel(), dtype=torch.int64, device=columns[0].device)
    values = []
    for col in columns:  # mixed-radix code of the per-column ranks (1-D sorts; no row-wise unique)
        uniq, rank = torch.unique(col.reshape(-1), return_inverse=True)
        key = key * len(uniq) + rank
        values.append(uniq)
    codes, inverse = torch.unique(key, return_inverse=True)
    out = []
    for uniq in reversed(values):
        out.append(uniq[codes % len(uniq)])
        codes = codes // len(uniq)
    return out[::-1], inverse


def _density(x: torch.Tensor) -> torch.Tensor:
    return torch.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _sqrt_one_minus_sq(rho: torch.Tensor) -> torch.Tensor:
    return torch.sqrt(((1 - rho) * (1 + rho)).clamp_min(0))


# --- sgn and ReLU: 1-D reduction ---------------------------------------------------------------------------

def _half_line(device, dtype) -> tuple[torch.Tensor, torch.Tensor]:
    x, w = _geometric_rule(20.0, 60, 24)
    return torch.tensor(x, device=device, dtype=dtype), torch.tensor(w, device=device, dtype=dtype)


def dual_sign(rho: torch.Tensor, amplitude_sq: float = 2.0) -> torch.Tensor:
    """E[a sgn X · a sgn Y], (X, Y) ~ N(ρ), a² = amplitude_sq: 2a² ∫_0^∞ erf(ρx/(c√2)) φ(x) dx (c = 0 gives
    erf(±∞) = ±1, the limit Y = ±X). One (batch, nodes) erf and a matrix–vector product with φ(x)·w."""
    x, w = _half_line(rho.device, rho.dtype)
    pw = _density(x) * w

    def block(r):
        slope = r / (_sqrt_one_minus_sq(r) * math.sqrt(2))  # ±∞ at c = 0 (x > 0 at every node)
        return torch.erf(slope[:, None] * x[None, :]) @ pw

    return amplitude_sq * 2 * chunked(block, x.shape[0], rho)


def dual_relu(rho: torch.Tensor, amplitude_sq: float = 2.0) -> torch.Tensor:
    """E[a max(X,0) · a max(Y,0)]: a² ∫_0^∞ x (ρxΦ_N(ρx/c) + cφ(ρx/c)) φ(x) dx (limits at c = 0 are the
    values of Y = ±X: Φ_N(±∞) ∈ {1, 0}, c φ(±∞) = 0); Φ_N(t) = erfc(−t/√2)/2. The per-point factors ρ and c
    are taken out of the node sums: two (batch, nodes) evaluations, each contracted with its weights."""
    x, w = _half_line(rho.device, rho.dtype)
    pw = _density(x) * w
    x_pw = 0.5 * x * x * pw
    x_sq = x * x

    def block(r):
        c = _sqrt_one_minus_sq(r)
        s = r / c  # t = s·x; ±∞ at c = 0
        cdf_part = torch.special.erfc((s * (-1 / math.sqrt(2)))[:, None] * x[None, :]) @ x_pw
        pdf_part = torch.exp((s * s * -0.5)[:, None] * x_sq[None, :]) @ (x * pw)
        return r * cdf_part + c * pdf_part / math.sqrt(2 * math.pi)  # c·(…) = 0 at c = 0

    return amplitude_sq * chunked(block, x.shape[0], rho)


# --- Hermite families and product Gauss–Hermite -------------------------------------------------------------

def _hermite_one(family: str, m: int, x: torch.Tensor) -> torch.Tensor:
    """H_m(x) of the named family for one degree m (three-term recursion, in place)."""
    if family not in HERMITE_FAMILIES:
        raise KeyError(family)
    two = 2.0 if family == "physicists" else 1.0
    if m == 0:
        out = torch.ones_like(x)
    else:
        prev, cur = torch.ones_like(x), two * x
        for n in range(1, m):  # H_{n+1} = two·(x H_n − n H_{n−1}), written into the H_{n−1} buffer
            prev.mul_(-two * n).addcmul_(x, cur, value=two)
            prev, cur = cur, prev
        out = cur
    if family == "orthonormal" and m >= 2:
        out = out * math.exp(-math.lgamma(m + 1) / 2)
    return out


def hermite_family(family: str, m: Sequence[int] | torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """H_{m_b}(x[b, ...]) of the named family for a batch of degrees m (x of shape (batch, ...))."""
    if family not in HERMITE_FAMILIES:
        raise KeyError(family)
    ms = torch.as_tensor(m, device=x.device).long()
    if ms.numel() == 0:
        return torch.empty_like(x)
    lo, hi = int(ms.min().item()), int(ms.max().item())
    if lo == hi:  # one degree for the whole batch (the common case): a plain recursion
        return _hermite_one(family, lo, x)
    m_max = hi
    two = 2.0 if family == "physicists" else 1.0
    target = ms.reshape(-1, *([1] * (x.dim() - 1)))
    prev, cur = torch.ones_like(x), two * x
    out = torch.where(target == 0, prev, torch.where(target == 1, cur, torch.zeros_like(x)))
    for n in range(1, m_max):  # keep only the running pair; pick each row's degree as it passes
        prev, cur = cur, two * (x * cur - n * prev)
        out = torch.where(target == n + 1, cur, out)
    if family == "orthonormal":
        lgam = torch.lgamma(ms.to(x.dtype) + 1)
        out = out * torch.exp(-lgam / 2).reshape(-1, *([1] * (x.dim() - 1)))
    return out


def product_dual(fn_x, fn_y, rho: torch.Tensor, outer: int, inner: int) -> torch.Tensor:
    """E f(X) g(Y), (X, Y) = (Z_1, ρZ_1 + cZ_2) ~ N(ρ), by the product Gauss–Hermite rule with ``outer`` nodes for
    Z_1 and ``inner`` for Z_2: Σ_i w_i f(z_i) Σ_j w'_j g(ρz_i + cz'_j). ``fn_x(z)`` maps the (outer,) nodes to
    f(z) (the X side is the same for every point); ``fn_y(y, rows)`` maps a (chunk, outer, inner) tensor and the
    chunk's row indices to g(y)."""
    z, wz = gauss_hermite(outer, device=rho.device, dtype=rho.dtype)
    zi, wi = gauss_hermite(inner, device=rho.device, dtype=rho.dtype)
    fx = fn_x(z) * wz
    rows = torch.arange(rho.shape[0], device=rho.device)

    def block(r, idx):
        c = _sqrt_one_minus_sq(r)
        y = r[:, None, None] * z[None, :, None] + c[:, None, None] * zi[None, None, :]
        return (fn_y(y, idx) @ wi) @ fx

    return chunked(block, outer * inner, rho, rows)


def dual_hermite(family: str, m: Sequence[int] | torch.Tensor | np.ndarray, rho: torch.Tensor) -> torch.Tensor:
    """E H_m(X) H_m(Y) by a product GH rule per distinct degree: m + 1 nodes for X (H_m(x)·E[H_m(Y)|X = x] has
    degree 2m) and ⌈(m + 1)/2⌉ for the conditional expectation over Y (degree m): exact for these polynomials."""
    degrees = np.asarray(m.cpu() if isinstance(m, torch.Tensor) else m, dtype=np.int64).reshape(-1)
    out = torch.empty_like(rho)
    for degree in np.unique(degrees).tolist():
        idx = torch.as_tensor(np.flatnonzero(degrees == degree), device=rho.device)
        out[idx] = product_dual(lambda x, k=degree: _hermite_one(family, k, x),
                                lambda y, _, k=degree: _hermite_one(family, k, y),
                                rho[idx], max(degree + 1, 2), max((degree + 2) // 2, 1))
    return out


def dual_hermite_one_rule(family: str, m: Sequence[int] | np.ndarray, rho: torch.Tensor) -> torch.Tensor:
    """E H_{m_b}(X) H_{m_b}(Y) for a few rows b of different degrees by one product GH rule, the one
    :func:`dual_hermite` uses for the largest degree (exact for every lower degree as well): one tensor
    evaluation instead of one quadrature per degree (for a handful of rows, e.g. Φ_σ(θ, θ) per degree)."""
    degrees = np.asarray(m, dtype=np.int64).reshape(-1)
    top = int(degrees.max()) if len(degrees) else 0
    z, wz = gauss_hermite(max(top + 1, 2), device=rho.device, dtype=rho.dtype)
    zi, wi = gauss_hermite(max((top + 2) // 2, 1), device=rho.device, dtype=rho.dtype)
    ms = torch.as_tensor(degrees, device=rho.device)
    hx = hermite_family(family, ms, z[None, :].expand(len(degrees), -1).contiguous()) * wz  # (rows, outer)
    c = _sqrt_one_minus_sq(rho)
    y = rho[:, None, None] * z[None, :, None] + c[:, None, None] * zi[None, None, :]
    return ((hermite_family(family, ms, y) @ wi) * hx).sum(-1)


def dual_exponential(rho: torch.Tensor, shift: float = -2.0, nodes: int = 48) -> torch.Tensor:
    """E e^{X+s} e^{Y+s} by the n×n product GH rule (entire integrand); Y + s = (ρz_i + s) + cz_j."""
    z, wz = gauss_hermite(nodes, device=rho.device, dtype=rho.dtype)
    fx = torch.exp(z + shift) * wz
    # the same n×n product rule with its terms factored exactly: Σ_j w_j e^{(ρz_i + s) + cz_j}
    # = e^{ρz_i + s}·Σ_j w_j e^{cz_j} (all terms positive: the factoring changes rounding by ~ulps only),
    # 2n exponentials per point instead of n²

    def block(r):
        c = _sqrt_one_minus_sq(r)
        inner = torch.exp(c[:, None] * z[None, :]) @ wz  # (chunk,)
        return (torch.exp(r[:, None] * z[None, :] + shift) @ fx) * inner

    return chunked(block, 2 * nodes, rho)


def _series_scales(coefficients: torch.Tensor, family: str, start: int, take_sqrt: bool) -> torch.Tensor:
    """The multipliers of H_i (plain recursion values) in h = Σ_{i ≥ start} a_i H_i: a_i = √c_i (or c_i as given),
    times 1/√(i!) for the orthonormal family; zero below ``start``."""
    n = coefficients.shape[-1]
    amps = torch.sqrt(coefficients) if take_sqrt else coefficients
    log_fact = torch.tensor([math.lgamma(i + 1) for i in range(n)], dtype=coefficients.dtype,
                            device=coefficients.device)
    scale = torch.exp(-log_fact / 2) if family == "orthonormal" else torch.ones_like(log_fact)
    scale[:start] = 0
    return amps * scale


def _series_eval(scales: torch.Tensor, x: torch.Tensor, family: str) -> torch.Tensor:
    """Σ_i scales[..., i] H_i(x) by Clenshaw's recurrence for H_{i+1} = t·x·H_i − t·i·H_{i−1} (t = 2 for the
    physicists' family, else 1): b_i = a_i + t·x·b_{i+1} − t·(i+1)·b_{i+2}, the sum is b_0 (two passes over x
    per term); ``scales`` (n,) shared or (batch, n) per row."""
    if family not in HERMITE_FAMILIES:
        raise KeyError(family)
    n = scales.shape[-1]
    two = 2.0 if family == "physicists" else 1.0
    if scales.dim() == 1:
        coeff = [float(a) for a in scales.tolist()]
    else:
        shape = (-1, *([1] * (x.dim() - 1)))
        coeff = [scales[:, i].reshape(shape) for i in range(n)]
    b1 = torch.zeros_like(x).add_(coeff[n - 1])
    b2 = torch.zeros_like(x)
    for i in range(n - 2, -1, -1):
        b = torch.rsub(b2, coeff[i], alpha=two * (i + 1))  # a_i − t(i+1)·b_{i+2}
        b.addcmul_(x, b1, value=two)
        b2, b1 = b1, b
    return b1


def dual_series(coefficients: torch.Tensor, rho: torch.Tensor, family: str = "orthonormal",
                start: int = 0, *, take_sqrt: bool = True) -> torch.Tensor:
    """Dual of the truncated Theorem-2.5 activation h (degree N = coefficients.shape[-1] − 1) by the product GH
    rule with N + 1 nodes for X and ⌈(N + 1)/2⌉ for Y given X (exact). ``coefficients`` is one shared row (N+1,)
    or one row per point (batch, N+1)."""
    n = coefficients.shape[-1]
    scales = _series_scales(coefficients, family, start, take_sqrt)
    if scales.dim() == 1:
        fn_x = lambda z: _series_eval(scales, z, family)  # noqa: E731
        fn_y = lambda y, _: _series_eval(scales, y, family)  # noqa: E731
        return product_dual(fn_x, fn_y, rho, max(n, 2), max((n + 1) // 2, 1))
    z, wz = gauss_hermite(max(n, 2), device=rho.device, dtype=rho.dtype)
    zi, wi = gauss_hermite(max((n + 1) // 2, 1), device=rho.device, dtype=rho.dtype)
    hx = _series_eval(scales, z[None, :].expand(rho.shape[0], -1).contiguous(), family) * wz  # (batch, outer)
    rows = torch.arange(rho.shape[0], device=rho.device)

    def block(r, idx):
        c = _sqrt_one_minus_sq(r)
        y = r[:, None, None] * z[None, :, None] + c[:, None, None] * zi[None, None, :]
        return ((_series_eval(scales[idx], y, family) @ wi) * hx[idx]).sum(-1)

    return chunked(block, z.shape[0] * zi.shape[0], rho, rows)


def tensor_expectation(fn, d: int, nodes: int, *, batch: int, device=None, dtype=torch.float64) -> torch.Tensor:
    """E_{X ~ N(0, I_d)} fn(X) by the tensor GH rule (n^d points); fn maps (batch, P, d) -> (batch, P)."""
    pts, wt = product_gauss_hermite(d, nodes, device=device, dtype=dtype)  # (P, d), (P,)
    vals = fn(pts.unsqueeze(0).expand(batch, -1, -1))
    return (vals * wt.reshape(1, -1)).sum(-1)


# --- translation-invariant rows: one coordinate at a time ---------------------------------------------------

def _segments(theta: torch.Tensor, w: torch.Tensor, reach: float, levels: int, per_panel: int):
    """Nodes x (batch, P), weights, and the distances |x − θ|, |x − w| computed *without* cancellation
    (from the rule's u and 1 − u, the rule being symmetric), covering [a − reach, a] ∪ [a, b] ∪ [b, b + reach]
    with a = min(θ, w), b = max(θ, w), each segment graded toward both ends."""
    u_np, uw_np = _graded_unit_rule(levels, per_panel)
    u = torch.tensor(u_np, device=theta.device, dtype=theta.dtype)
    um = torch.tensor(u_np[::-1].copy(), device=theta.device, dtype=theta.dtype)  # 1 − u, exactly
    uw = torch.tensor(uw_np, device=theta.device, dtype=theta.dtype)
    a, b = torch.minimum(theta, w)[:, None], torch.maximum(theta, w)[:, None]
    gap = b - a
    reach_t = torch.full_like(a, reach)
    xs = torch.cat([a - reach_t * um[None, :], a + gap * u[None, :], b + reach_t * u[None, :]], -1)
    ws = torch.cat([reach_t * uw[None, :], gap * uw[None, :], reach_t * uw[None, :]], -1)
    dist_a = torch.cat([reach_t * um[None, :], gap * u[None, :], gap + reach_t * u[None, :]], -1)
    dist_b = torch.cat([gap + reach_t * um[None, :], gap * um[None, :], reach_t * u[None, :]], -1)
    theta_is_a = (theta <= w)[:, None]
    dist_theta = torch.where(theta_is_a, dist_a, dist_b)
    dist_w = torch.where(theta_is_a, dist_b, dist_a)
    return xs, ws, dist_theta, dist_w


_GAUSSIAN_RULE = (12.0, 8, 32)


def _unit_rule_tensors(levels: int, per_panel: int, like: torch.Tensor):
    u_np, uw_np = _graded_unit_rule(levels, per_panel)
    u = torch.tensor(u_np, device=like.device, dtype=like.dtype)
    um = torch.tensor(u_np[::-1].copy(), device=like.device, dtype=like.dtype)  # 1 − u, exactly
    uw = torch.tensor(uw_np, device=like.device, dtype=like.dtype)
    return u, um, uw


def _gaussian_segments(theta: torch.Tensor, w: torch.Tensor, curvature: float, const: float) -> torch.Tensor:
    """∫ exp(k x² − (x − θ)² − (x − w)² + const) dx on the graded segments of :func:`_segments` (same nodes,
    weights and cancellation-free distances: on the outer segments one distance is a constant of the rule),
    as a (chunk, 3, U) tensor contracted with the unit rule's weights; the integrand is symmetric in θ ↔ w.
    With k = 0 (the printed e^{x²/4}·e^{x²/4}·e^{−x²/2}) the k x² term is identically 0 and is not formed."""
    reach, levels, per_panel = _GAUSSIAN_RULE
    u, um, uw = _unit_rule_tensors(levels, per_panel, theta)
    ru, rum = reach * u, reach * um
    ru2, rum2 = ru * ru, rum * rum

    def block(t, v):
        a, b = torch.minimum(t, v)[:, None], torch.maximum(t, v)[:, None]
        gap = b - a
        d0, gu, gm, d2 = gap + rum, gap * u, gap * um, gap + ru  # |x − b|, |x − a| | |x − b|, |x − a| (seg 0, 1, 2)
        logv = torch.stack([-(d0 * d0) - rum2, -(gu * gu) - gm * gm, -(d2 * d2) - ru2], 1)
        if curvature != 0:
            x = torch.stack([a - rum, a + gu, b + ru], 1)
            logv = logv + curvature * x * x
        seg = torch.exp(logv + const) @ uw
        return (seg[:, 0] + seg[:, 2]) * reach + seg[:, 1] * gap[:, 0]

    return chunked(block, 3 * u.shape[0], theta, w)


def gaussian_factor(theta: torch.Tensor, w: torch.Tensor, amplitude_sq: float = 2.0,
                    quadratic: float = 0.25) -> torch.Tensor:
    """∫ √a e^{qx²} e^{−(x−θ)²} √a e^{qx²} e^{−(x−w)²} φ(x) dx per batch element (log-space integrand)."""
    const = math.log(amplitude_sq) - 0.5 * math.log(2 * math.pi)
    return _gaussian_segments(theta, w, 2 * quadratic - 0.5, const)


def gaussian_overlap(theta: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """∫ e^{−(x−θ)²} e^{−(x−w)²} dx on the same rule."""
    return _gaussian_segments(theta, w, 0.0, 0.0)


def _log_k0(z: torch.Tensor) -> torch.Tensor:
    """log K_0(z) for z > 0 via the exponentially scaled K_0 (no underflow for large z)."""
    z = z.clamp_min(torch.finfo(z.dtype).tiny)
    return torch.log(torch.special.scaled_modified_bessel_k0(z)) - z


# reach 20: K_0(20)K_0(20 + t) ≤ 4e-18·e^{−t}; 14 nodes per geometric panel resolve the log singularity
_BESSEL_RULE = (20.0, 50, 14)


#: the K_0 profiles already computed, per (device, dtype) and gap value: a table of a special function at fixed
#: quadrature nodes (the claims draw θ, w from a grid, so a handful of gaps recur; bounded in size)
_K0_PROFILES: dict[tuple[str, torch.dtype], dict[float, torch.Tensor]] = {}
_K0_PROFILES_MAX = 1024


def _k0_log_profile(gap: torch.Tensor) -> torch.Tensor:
    """:func:`_k0_log_profile_eval` of the distinct gaps ``gap``, each computed once per process (the profile
    of a gap depends on nothing else) and looked up afterwards."""
    table = _K0_PROFILES.setdefault((str(gap.device), gap.dtype), {})
    keys = gap.tolist()
    missing = [i for i, g in enumerate(keys) if g not in table]
    if missing:
        if len(table) + len(missing) > _K0_PROFILES_MAX:
            table.clear()
        fresh = _k0_log_profile_eval(gap[missing])
        for row, i in enumerate(missing):
            table[keys[i]] = fresh[row]
    return torch.stack([table[g] for g in keys])


def _k0_log_profile_eval(gap: torch.Tensor) -> torch.Tensor:
    """log K_0(|x − a|) + log K_0(|x − b|) at the Bessel rule's nodes, shape (len(gap), 3, U): on the segments of
    :func:`_segments` both distances are functions of the gap b − a alone (and of the rule), so the K_0 values
    are computed once per distinct gap."""
    reach, levels, per_panel = _BESSEL_RULE
    u_np, _ = _graded_unit_rule(levels, per_panel)
    u = torch.tensor(u_np, device=gap.device, dtype=gap.dtype)
    um = torch.tensor(u_np[::-1].copy(), device=gap.device, dtype=gap.dtype)  # 1 − u, exactly
    g = gap[:, None]
    dist_a = torch.stack([(reach * um).expand(len(gap), -1), g * u, g + reach * u], 1)
    dist_b = torch.stack([g + reach * um, g * um, (reach * u).expand(len(gap), -1)], 1)
    return _log_k0(dist_a) + _log_k0(dist_b)


def _bessel_segments(theta: torch.Tensor, w: torch.Tensor, curvature: float, const: float) -> torch.Tensor:
    """∫ exp(curvature·x² + const + log K_0(|x−θ|) + log K_0(|x−w|)) dx on the Bessel rule (the graded segments
    of :func:`_segments`): once per distinct pair {θ, w}, with the K_0 profile once per distinct gap. With
    curvature 0 (the printed e^{x²/4}·e^{x²/4}·e^{−x²/2}) the curvature·x² term is identically 0 and is not
    formed: the integrand then depends on the gap |θ − w| alone and is integrated once per distinct gap."""
    reach, levels, per_panel = _BESSEL_RULE
    u_np, uw_np = _graded_unit_rule(levels, per_panel)
    uw = torch.tensor(uw_np, device=theta.device, dtype=theta.dtype)
    if curvature == 0:
        (gaps,), gap_index = unique_rows((theta - w).abs())

        def per_gap(g):
            seg = torch.exp(_k0_log_profile(g) + const) @ uw
            return (seg[:, 0] + seg[:, 2]) * reach + seg[:, 1] * g

        return chunked(per_gap, 3 * uw.shape[0], gaps)[gap_index].reshape(theta.shape)
    (lo, hi), inverse = unique_rows(torch.minimum(theta, w), torch.maximum(theta, w))
    gap = hi - lo
    (gaps,), gap_index = unique_rows(gap)
    profile = _k0_log_profile(gaps)
    u = torch.tensor(u_np, device=theta.device, dtype=theta.dtype)
    um = torch.tensor(u_np[::-1].copy(), device=theta.device, dtype=theta.dtype)

    def block(a, b, k):
        a, b = a[:, None], b[:, None]
        x = torch.stack([a - reach * um, a + (b - a) * u, b + reach * u], 1)
        seg = torch.exp(profile[k] + (curvature * x * x + const)) @ uw
        return (seg[:, 0] + seg[:, 2]) * reach + seg[:, 1] * (b - a)[:, 0]

    out = chunked(block, 3 * u.shape[0], lo, hi, gap_index)
    return out[inverse].reshape(theta.shape)


def bessel_factor(theta: torch.Tensor, w: torch.Tensor, amplitude: float | None = None,
                  quadratic: float = 0.25) -> torch.Tensor:
    """∫ A e^{qx²} K_0(|x−θ|) A e^{qx²} K_0(|x−w|) φ(x) dx, A = (2/π)^{3/4} unless given (the activation
    as printed, integrated literally in log space; panels graded toward the singular points θ, w). Evaluated
    once per distinct pair {θ, w} (the claims draw them from a grid) and gathered; per distinct gap |θ − w|
    when 2q − 1/2 = 0 (the printed q = 1/4), where the x-dependence of the log-integrand cancels exactly."""
    amp = (2 / math.pi) ** 0.75 if amplitude is None else amplitude
    const = 2 * math.log(amp) - 0.5 * math.log(2 * math.pi)
    return _bessel_segments(theta, w, 2 * quadratic - 0.5, const)


def k0_convolution(theta: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """∫ K_0(|x − θ|) K_0(|x − w|) dx on the Bessel rule's nodes (once per distinct gap |θ − w|, gathered)."""
    return _bessel_segments(theta, w, 0.0, 0.0)


# --- App. A.1: Fourier transforms --------------------------------------------------------------------------

@cache
def _half_line_fourier(top: float, width: float, per_panel: int) -> tuple[np.ndarray, np.ndarray]:
    """(0, top] with geometric panels toward 0 below `width`, then uniform panels of `width`."""
    gx, gw = _geometric_rule(width, 55, per_panel)
    t, w = _legendre(per_panel)
    edges = np.arange(width, top + width / 2, width)
    xs, ws = [gx], [gw]
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        xs.append((a + b) / 2 + (b - a) / 2 * t)
        ws.append((b - a) / 2 * w)
    return np.concatenate(xs), np.concatenate(ws)


def fourier_cosine_rounding(kind: str, freq: torch.Tensor) -> torch.Tensor:
    """The rounding scale of ``fourier_cosine``: 2 Σ_n |g(x_n) w_n| (1 + |freq · x_n|). A node's cosine is off by
    about |freq·x_n| ulp (the rounding of its argument, up to 2π·5·80 ≈ 2500 rad) plus a few, and the sum adds
    its terms' roundings, so the error is a few ulp of this scale, not of the (much smaller) transform."""
    x, w = _half_line_fourier(80.0, 0.05, 16)
    x = torch.tensor(x, device=freq.device, dtype=freq.dtype)
    w = torch.tensor(w, device=freq.device, dtype=freq.dtype)
    g = torch.exp(-x) if kind == "exponential" else torch.exp(_log_k0(x))
    gw = (g * w).abs()
    return 2 * (gw.sum() + freq.abs() * (gw * x).sum())


def fourier_cosine(kind: str, freq: torch.Tensor) -> torch.Tensor:
    """2∫_0^∞ g(t) cos(freq·t) dt for g = e^{−t} ("exponential") or K_0 ("k0"), per batch element (once per
    distinct frequency, gathered)."""
    x, w = _half_line_fourier(80.0, 0.05, 16)
    x = torch.tensor(x, device=freq.device, dtype=freq.dtype)
    w = torch.tensor(w, device=freq.device, dtype=freq.dtype)
    g = torch.exp(-x) if kind == "exponential" else torch.exp(_log_k0(x))
    gw = g * w
    (uniq,), inverse = unique_rows(freq)
    out = chunked(lambda f: torch.cos(f[:, None] * x[None, :]) @ gw, x.shape[0], uniq)
    return (2 * out)[inverse].reshape(freq.shape)


# --- d-dimensional potentials that do not assume rotational invariance (for the invariance readings) -------

def activation_1d(name: str, t: torch.Tensor) -> torch.Tensor:
    """g(t) for σ(x, θ) = g(x^Tθ) as printed: "sign" √2 sgn t, "relu" √2 max(t, 0), "exponential" e^{t−2},
    "hermite-m" the orthonormal h_m."""
    if name == "sign":
        return math.sqrt(2) * torch.sign(t)
    if name == "relu":
        return math.sqrt(2) * t.clamp_min(0)
    if name == "exponential":
        return torch.exp(t - 2)
    m = int(name.split("-")[1])
    return hermite_family("orthonormal", [m] * t.shape[0], t)


def tensor_potential(name: str, theta: torch.Tensor, w: torch.Tensor, first_axis_scale: float = 1.0,
                     nodes: int = 40, absolute: bool = False) -> torch.Tensor:
    """E_X g(θ^T S X) g(w^T S X), X ∼ N(0, I_d), S = diag(first_axis_scale, 1, …, 1), by the tensor GH rule on the
    Cartesian grid (n^d points): nothing here uses the rotation invariance of N(0, I_d). ``absolute``: E|g g| by
    the same rule (the rounding scale of the signed sum)."""
    d = theta.shape[-1]
    scale = torch.ones(d, dtype=theta.dtype, device=theta.device)
    scale[0] = first_axis_scale

    def integrand(x):
        xs = x * scale
        values = (activation_1d(name, (xs * theta[:, None, :]).sum(-1))
                  * activation_1d(name, (xs * w[:, None, :]).sum(-1)))
        return values.abs() if absolute else values

    return tensor_expectation(integrand, d, nodes, batch=theta.shape[0], device=theta.device, dtype=theta.dtype)


def polar_potential(name: str, theta: torch.Tensor, w: torch.Tensor, first_axis_scale: float = 1.0,
                    per_piece: int = 24, absolute: bool = False) -> torch.Tensor:
    """d = 2, g positively homogeneous of degree k (sgn: 0, ReLU: 1): with X = R(cos φ, sin φ),
    E g(a^TX) g(b^TX) = E[R^{2k}] · (1/2π) ∫_0^{2π} g(a^T e_φ) g(b^T e_φ) dφ, a = Sθ, b = Sw; the angular
    integral is split at the four kink angles of a^T e_φ = 0, b^T e_φ = 0 (computed from a, b themselves) and each
    piece integrated by Gauss–Legendre (the integrand is a trigonometric polynomial on each piece)."""
    a, b = theta.clone(), w.clone()
    a[:, 0] = a[:, 0] * first_axis_scale
    b[:, 0] = b[:, 0] * first_axis_scale
    kinks = []
    for v in (a, b):
        base = torch.atan2(v[:, 1], v[:, 0])
        kinks += [torch.remainder(base + math.pi / 2, 2 * math.pi), torch.remainder(base - math.pi / 2, 2 * math.pi)]
    zero = torch.zeros_like(kinks[0])
    edges = torch.sort(torch.stack([zero, *kinks, zero + 2 * math.pi], -1), -1).values  # (batch, 6)
    t, wt = _legendre(per_piece)
    t = torch.tensor(t, dtype=theta.dtype, device=theta.device)
    wt = torch.tensor(wt, dtype=theta.dtype, device=theta.device)
    lo, hi = edges[:, :-1, None], edges[:, 1:, None]
    phi = (lo + hi) / 2 + (hi - lo) / 2 * t  # (batch, 5, n)
    weights = (hi - lo) / 2 * wt
    ex, ey = torch.cos(phi), torch.sin(phi)
    ga = activation_1d(name, a[:, 0, None, None] * ex + a[:, 1, None, None] * ey)
    gb = activation_1d(name, b[:, 0, None, None] * ex + b[:, 1, None, None] * ey)
    products = (ga * gb).abs() if absolute else ga * gb  # absolute: the rounding scale E|g g|
    angular = (products * weights).sum((-2, -1)) / (2 * math.pi)
    radial = 1.0 if name == "sign" else 2.0  # E R^0, E R^2 for R² ∼ χ²_2
    return radial * angular
