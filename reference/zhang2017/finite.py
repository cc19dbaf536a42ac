"""zhang2017 App. B (finite-sample and iteration bounds): high-precision / exact reference computations.

mpmath (in a caller-supplied local context), exact rationals and integer combinatorics; never torch.

* Lemma B.1: moments of the chi distribution, E‖X‖^p 1{‖X‖ ≤ B} through regularized incomplete gammas, and
  the displayed steps of its proof (the tail integral by direct quadrature of the printed integrand).
* Theorems B.2 / B.3: exact Rademacher complexities for distributions where the supremum is explicit
  (point masses, uniform on the scaled coordinate vectors, threshold classes through a random-walk maximum).
* Algorithm 4: an exact-rational implementation of the noisy SGD with the printed termination test, on
  quadratics (so every quantity of the test is a rational number).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import cache, lru_cache

import numpy as np

# --- Lemma B.1: truncated Gaussian moments ------------------------------------------------------------


def chi_moment(ctx, d: int, p: int):
    """E‖X‖^p for X ~ N(0, I_d): 2^{p/2} Γ((d+p)/2) / Γ(d/2)."""
    return ctx.power(2, ctx.mpf(p) / 2) * ctx.gamma(ctx.mpf(d + p) / 2) / ctx.gamma(ctx.mpf(d) / 2)


def chi_upper(ctx, d: int, p: int, B):
    """Q_{d+p}(B) = P(χ²_{d+p} > B²) = Γ((d+p)/2, B²/2) / Γ((d+p)/2), the regularized upper gamma."""
    return ctx.gammainc(ctx.mpf(d + p) / 2, ctx.mpf(B) ** 2 / 2, ctx.inf, regularized=True)


def chi_lower(ctx, d: int, B):
    """P(‖X‖ ≤ B) = P(χ²_d ≤ B²), the regularized lower gamma (accurate also when it is tiny)."""
    return ctx.gammainc(ctx.mpf(d) / 2, 0, ctx.mpf(B) ** 2 / 2, regularized=True)


def truncation_gap(ctx, d: int, p: int, B, c=1):
    """|E f(X) − E[f(X) | ‖X‖ ≤ B]| for the extremal f(x) = c‖x‖^p (Lemma B.1).

    E[f 1{‖X‖≤B}] = c E‖X‖^p P_{d+p}, P(‖X‖ ≤ B) = P_d, so the gap is c E‖X‖^p (Q_{d+p} − Q_d) / P_d; the
    difference is taken between whichever pair of gammas is small (no 1 − 1 cancellation)."""
    B = ctx.mpf(B)
    if B * B >= d + p:  # in the tail: the upper gammas are the small ones
        diff = chi_upper(ctx, d, p, B) - chi_upper(ctx, d, 0, B)
    else:  # inside the bulk: P_d − P_{d+p} with lower gammas (no 1 − 1 cancellation)
        diff = chi_lower(ctx, d, B) - chi_lower(ctx, d + p, B)
    return abs(ctx.mpf(c) * chi_moment(ctx, d, p) * diff / chi_lower(ctx, d, B))


def second_term_lhs(ctx, d: int, p: int, B, c=1):
    """|(1 − 1/P(‖X‖ ≤ B)) E[f(X) 1{‖X‖≤B}]| for the extremal f = c‖x‖^p (the second term of the proof)."""
    # E[c‖X‖^p 1{‖X‖≤B}] = c E‖X‖^p P(χ²_{d+p} ≤ B²); lower gammas keep accuracy at small B
    lower_dp = ctx.gammainc(ctx.mpf(d + p) / 2, 0, ctx.mpf(B) ** 2 / 2, regularized=True)
    return ctx.mpf(c) * chi_moment(ctx, d, p) * lower_dp * chi_upper(ctx, d, 0, B) / chi_lower(ctx, d, B)


def tail_expectation(ctx, d: int, p: int, B, c=1):
    """E[|f(X)| 1{‖X‖ > B}] = c E‖X‖^p Q_{d+p}(B) for f = c‖x‖^p."""
    return ctx.mpf(c) * chi_moment(ctx, d, p) * chi_upper(ctx, d, p, B)


def radial_tail_integral(ctx, m: int, B):
    """∫_B^∞ r^m e^{−r²/2} dr by integration by parts: I_m = B^{m−1} e^{−B²/2} + (m − 1) I_{m−2}, with
    I_0 = √(π/2) erfc(B/√2) and I_1 = e^{−B²/2}. Every term is positive, so the recursion is stable; it is
    independent of the incomplete-gamma route the fast path takes."""
    B = ctx.mpf(B)
    g = ctx.exp(-B * B / 2)
    lo = [ctx.sqrt(ctx.pi / 2) * ctx.erfc(B / ctx.sqrt(2)), g]
    if m <= 1:
        return lo[m]
    values = lo
    for k in range(2, m + 1):
        values.append(B ** (k - 1) * g + (k - 1) * values[k - 2])
    return values[m]


def printed_tail_integral(ctx, d: int, p: int, B, c=1, prefactor_exponent=1):
    """(2π)^{e·d} ∫_B^∞ c r^p e^{−r²/2} r^{d−1} dr, the printed right-hand side (e = 1 as printed; the
    exponent is a claim constant so that mutants can perturb it)."""
    return (2 * ctx.pi) ** (prefactor_exponent * d) * ctx.mpf(c) * radial_tail_integral(ctx, p + d - 1, B)


def printed_tail_integral_quadrature(ctx, d: int, p: int, B):
    """(2π)^d ∫_B^∞ r^{p+d−1} e^{−r²/2} dr by tanh-sinh quadrature of the printed integrand (slow; the
    tests cross-check the recursion with it)."""
    B = ctx.mpf(B)
    m = p + d - 1
    integrand = lambda r: r ** m * ctx.exp(-(r - B) * (r + B) / 2)  # noqa: E731
    mode = ctx.sqrt(max(m, 0))
    nodes = sorted({B, *(B + ctx.mpf(k) / max(B, 1) for k in (1, 4, 16)), mode if mode > B else B})
    return (2 * ctx.pi) ** d * ctx.exp(-B * B / 2) * ctx.quad(integrand, [*nodes, ctx.inf])


@lru_cache(maxsize=8)
def _quad_context(prec: int):
    """A cached mpmath context at the given binary precision (for caches keyed by precision)."""
    import mpmath

    ctx = mpmath.MPContext()
    ctx.prec = prec
    return ctx


# --- Theorems B.2 / B.3: Rademacher complexities ------------------------------------------------------


@cache
def mean_abs_walk(n: int) -> Fraction:
    """E|S_n| for a simple ±1 random walk, exactly: Σ_k C(n,k) |2k − n| / 2^n."""
    return Fraction(sum(math.comb(n, k) * abs(2 * k - n) for k in range(n + 1)), 2 ** n)


def rademacher_linear_point_mass(ctx, n: int, B, factor=2):
    """R_n(G) for G = {x ↦ x^Tθ : θ ∈ S^{d−1}} and D the point mass at a vector of norm B.

    All x_i equal x_0, so sup_θ |(f/n) Σ σ_i θ^T x_0| = (f/n)|S_n| B; f = 2 is Theorem B.2's definition."""
    m = mean_abs_walk(n)
    return ctx.mpf(factor) * ctx.mpf(B) * ctx.mpf(m.numerator) / m.denominator / n


def rademacher_linear_coordinates(ctx, n: int, d: int, B, factor=2):
    """R_n(G) for D uniform on {B e_1, …, B e_d}: (f/n) B E √(Σ_j S_j²), S_j the signed count on e_j.

    Exact enumeration: multinomial counts (n_1..n_d), then for each coordinate the binomial number of +1
    (the expectation is cached per precision, n and d; B and f enter linearly)."""
    return ctx.mpf(factor) * ctx.mpf(B) * ctx.mpf(_mean_norm_coordinates(ctx.prec, n, d)) / n


@lru_cache(maxsize=256)
def _mean_norm_coordinates(prec: int, n: int, d: int):
    ctx = _quad_context(prec)
    total = ctx.mpf(0)
    for counts in _compositions(n, d):
        weight = ctx.mpf(math.factorial(n))
        for c in counts:
            weight /= math.factorial(c)
        weight /= ctx.mpf(d) ** n
        inner = ctx.mpf(0)
        for ks in itertools.product(*[range(c + 1) for c in counts]):
            w = ctx.mpf(1)
            sq = 0
            for c, k in zip(counts, ks, strict=True):
                w *= ctx.mpf(math.comb(c, k)) / ctx.mpf(2) ** c
                sq += (2 * k - c) ** 2
            inner += w * ctx.sqrt(sq)
        total += weight * inner
    return total


def _compositions(n: int, d: int):
    if d == 1:
        yield (n,)
        return
    for first in range(n + 1):
        for rest in _compositions(n - first, d - 1):
            yield (first, *rest)


def activation_sup(ctx, family: str, C, L, B, d: int):
    """sup |σ(t)| over the values t = x_0^T θ reachable with ‖x_0‖ = B, θ ∈ S^{d−1}: t ∈ [−B, B] for d ≥ 2,
    t ∈ {−B, B} for d = 1. Families (each maps R into [−C, C] and is L-Lipschitz):
    cos: C cos(Lt/C); sin: C sin(Lt/C); tanh: C tanh(Lt/C); clip: min(max(Lt, 0), C)."""
    C, L, B = ctx.mpf(C), ctx.mpf(L), ctx.mpf(B)
    u = L * B / C  # the largest argument reached, in units of C/L
    if family == "cos":
        return C if d >= 2 else C * abs(ctx.cos(u))
    if family == "sin":
        if d == 1:
            return C * abs(ctx.sin(u))
        return C if u >= ctx.pi / 2 else C * ctx.sin(u)
    if family == "tanh":
        return C * ctx.tanh(u)
    if family == "clip":
        return min(L * B, C)
    raise KeyError(family)


def rademacher_product_point_mass(ctx, n: int, d: int, B, fam1: str, fam2: str, C, L, factor=2):
    """R_n(F_{σ1,σ2}) for D the point mass at x_0 with ‖x_0‖ = B: (f/n) E|S_n| sup|σ_1| sup|σ_2|."""
    m = mean_abs_walk(n)
    return (ctx.mpf(factor) * ctx.mpf(m.numerator) / m.denominator / n
            * activation_sup(ctx, fam1, C, L, B, d) * activation_sup(ctx, fam2, C, L, B, d))


def expected_max_abs_walk(n: int) -> float:
    """E max_{0≤k≤n} |S_k| of a simple ±1 walk (dynamic programming over (position, running max))."""
    # state array P[s + n, m]: probability of position s with running max |S| = m
    prob = np.zeros((2 * n + 1, n + 1))
    prob[n, 0] = 1.0
    positions = np.abs(np.arange(-n, n + 1))
    levels = np.arange(n + 1)
    for _ in range(n):
        new = np.zeros_like(prob)
        for step in (-1, 1):
            shifted = np.zeros_like(prob)
            if step == 1:
                shifted[1:, :] = prob[:-1, :]
            else:
                shifted[:-1, :] = prob[1:, :]
            new += 0.5 * shifted
        # update the running max: mass at position s with running max m < |s| moves to max |s|
        below_mask = levels[None, :] < positions[:, None]
        below = np.where(below_mask, new, 0.0).sum(1)
        fixed = np.where(below_mask, 0.0, new)
        fixed[np.arange(2 * n + 1), positions] += below
        prob = fixed
    return float((prob.sum(0) * np.arange(n + 1)).sum())


def rademacher_thresholds(n: int, factor: float = 2.0) -> float:
    """R_n of {x ↦ 1{x ≤ t} : t ∈ R} under a continuous distribution: (f/n) E max_k |S_k| (the σ_i read in
    the order of the sorted sample; t ranges over every prefix)."""
    return factor * expected_max_abs_walk(n) / n


# --- Algorithm 4 in exact rationals ---------------------------------------------------------------------


def rational_circle_point(t: Fraction) -> tuple[Fraction, Fraction]:
    """((1 − t²)/(1 + t²), 2t/(1 + t²)): an exactly unit vector with rational coordinates."""
    return (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)


def rational_sphere_noise(rng: np.random.Generator, dim: int, digits: int = 12) -> tuple[Fraction, ...]:
    """A rational unit vector, approximately uniform on S^{dim−1} (dim ∈ {1, 2}): ±1 for dim 1; for dim 2
    the stereographic image of t = tan(φ/2), φ uniform, rounded to `digits` decimals (exactly unit norm)."""
    if dim == 1:
        return (Fraction(1) if rng.random() < 0.5 else Fraction(-1),)
    if dim == 2:
        phi = rng.uniform(-math.pi / 2, math.pi / 2) * 2  # φ ∈ (−π, π)
        t = Fraction(round(math.tan(phi / 2) * 10 ** digits), 10 ** digits)
        return rational_circle_point(t)
    raise ValueError("exact rational sphere noise is implemented for dim 1 and 2")


def algorithm4_exact(grad: Callable[[Sequence[Fraction]], Sequence[Fraction]], hess_min: Callable,
                     x0: Sequence[Fraction], T: int, alpha: Fraction, eps: Fraction, noise: Callable,
                     grad_fraction: Fraction = Fraction(2, 3), hess_fraction: Fraction = Fraction(2, 3)
                     ) -> tuple[tuple[Fraction, ...] | None, int]:
    """Algorithm 4 on M = R^dim in exact rationals: x ← x − α(∇L̂(x) + n); return x as soon as
    ‖∇L̂(x)‖ ≤ g·ε and λ_min(∇²L̂(x)) ≥ −h·ε (g = h = 2/3 as printed); (None, T) is the FAIL sentinel.

    ``hess_min(x)`` must return λ_min exactly (a rational: the callers use quadratics with diagonal
    Hessians). The norm test is done on squares, so it is exact."""
    x = tuple(Fraction(v) for v in x0)
    for t in range(1, T + 1):
        n = noise()
        g = grad(x)
        x = tuple(xi - alpha * (gi + ni) for xi, gi, ni in zip(x, g, n, strict=True))
        g = grad(x)
        if sum(gi * gi for gi in g) <= (grad_fraction * eps) ** 2 and hess_min(x) >= -hess_fraction * eps:
            return x, t
    return None, T


# --- Theorem B.7: Algorithm 4 on the perturbed double well, float64 re-implementation ------------------------


def algorithm4_double_well_float(d: int, eps: float, eta: float, T: int, seed: int, grad_fraction: float,
                                 hess_fraction: float) -> int:
    """Steps until Algorithm 4 returns (T for FAIL) on L̂(x) = Σ(x_i² − 1)²/4 + (ε/3) sin(u^Tx + φ) from x_0 = 0.

    An independent plain-Python implementation (math module; λ_min by numpy.linalg.eigvalsh) of the run the
    fast path performs, drawing the identical noise stream: numpy PCG64(seed) normals of shape (T, d),
    normalised per row; u, φ from PCG64([seed, 7]). Used as the reference of an integer step count."""
    z = np.random.default_rng(seed).standard_normal((T, d))
    noise = z / np.linalg.norm(z, axis=1, keepdims=True)
    rng = np.random.default_rng([seed, 7])
    u = rng.standard_normal(d)
    u = [float(v) for v in u / np.linalg.norm(u)]
    phase = float(rng.uniform(0, 2 * math.pi))
    size = eps / 3

    def grad(x):
        c = size * math.cos(sum(ui * xi for ui, xi in zip(u, x, strict=True)) + phase)
        return [xi ** 3 - xi + c * ui for xi, ui in zip(x, u, strict=True)]

    x = [0.0] * d
    for t in range(1, T + 1):
        g = grad(x)
        x = [xi - eta * (gi + float(ni)) for xi, gi, ni in zip(x, g, noise[t - 1], strict=True)]
        g = grad(x)
        if math.sqrt(sum(gi * gi for gi in g)) <= grad_fraction * eps:
            s = math.sin(sum(ui * xi for ui, xi in zip(u, x, strict=True)) + phase)
            hess = np.diag([3 * xi * xi - 1 for xi in x]) - size * s * np.outer(u, u)
            if float(np.linalg.eigvalsh(hess)[0]) >= -hess_fraction * eps:
                return t
    return T


def minimal_truncation_radius(ctx, d: int, p: int, eps):
    """The smallest B with |E f − E[f | ‖X‖ ≤ B]| ≤ ε for f = ‖x‖^p (p ≥ 1): the root of
    log gap(B) = log ε on a bracket where the gap decreases in B (bisection, then secant)."""
    eps = ctx.mpf(eps)
    f = lambda B: ctx.log(truncation_gap(ctx, d, p, B)) - ctx.log(eps)  # noqa: E731
    lo, hi = ctx.sqrt(d + p), ctx.sqrt(d + p) + 2 * ctx.sqrt(-2 * ctx.log(eps)) + 10
    # a few bisection steps to land in the basin, then the secant method (f is smooth and monotone here)
    for _ in range(12):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    return ctx.findroot(f, (lo, hi), solver="secant", tol=ctx.mpf(10) ** (-ctx.dps + 5))
