"""zhang2017 reference (mpmath; never torch): potentials computed from their activations (Table 1, App. A.1,
Theorems 2.4 and 2.5).

Every value here is computed from an activation by quadrature, never copied from the paper's potential:

* kinked activations of x^T θ (sgn, ReLU): Lemma A.1's dual E g(X) g(Y), (X, Y) ~ N(ρ), reduced to one
  dimension with the closed-form conditional expectation over Y given X (erf for sgn; ρxΦ_N(ρx/c) + cφ(ρx/c)
  for ReLU, c = √(1 − ρ²)), then ``ctx.quad`` split at the kink 0; ρ = ±1 handled by Y = ±X;
* polynomial / entire activations (Hermite families, exponential, Hermite series of Theorem 2.5): a product
  Gauss–Hermite rule in (Z_1, Z_2) with X = Z_1, Y = ρZ_1 + cZ_2 (exact for polynomials of the rule's degree);
* translation-invariant rows (Gaussian, Bessel) and the Theorem-2.4 construction: the d-dimensional integral
  factorises over coordinates because the activation does (a product of one-variable factors); each factor is a
  ``ctx.quad`` split at θ_i and w_i (the logarithmic singularities of K_0 sit at the split points, where
  tanh-sinh quadrature clusters its nodes).

Functions take a caller's mpmath context ``ctx`` (never the global one) and return ``mpf``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import lru_cache

import mpmath

from reference.gaussian import gauss_hermite, gauss_legendre_nodes

HERMITE_FAMILIES = ("physicists", "probabilists", "orthonormal")


# --- Hermite families -------------------------------------------------------------------------------------

def hermite_family_values(family: str, n_max: int, x, ctx) -> list:
    """[H_0(x), …, H_{n_max}(x)] of the named family: physicists' H_n (H_{n+1} = 2xH_n − 2nH_{n−1}),
    probabilists' He_n (He_{n+1} = xHe_n − nHe_{n−1}) or orthonormal He_n/√(n!) for N(0, 1)."""
    x = ctx.mpf(x)
    if family == "physicists":
        vals = [ctx.mpf(1), 2 * x]
        for n in range(1, n_max):
            vals.append(2 * x * vals[n] - 2 * n * vals[n - 1])
    elif family in ("probabilists", "orthonormal"):
        vals = [ctx.mpf(1), x]
        for n in range(1, n_max):
            vals.append(x * vals[n] - n * vals[n - 1])
        if family == "orthonormal":
            vals = [v / ctx.sqrt(ctx.factorial(n)) for n, v in enumerate(vals)]
    else:
        raise KeyError(f"unknown Hermite family {family!r}; choose one of {HERMITE_FAMILIES}")
    return vals[: n_max + 1]


# --- the dual f̂(ρ) = E f(X) f(Y), (X, Y) ~ N(ρ) (App. A.1) ------------------------------------------------

def _density(x, ctx):
    return ctx.exp(-x * x / 2) / ctx.sqrt(2 * ctx.pi)


def _corr(rho, ctx):
    rho = ctx.mpf(rho)
    return rho, ctx.sqrt(max(ctx.mpf(0), 1 - rho * rho))


@lru_cache(maxsize=16)
def _gl_strings(degree: int, dps: int) -> tuple[tuple[str, str], ...]:
    return gauss_legendre_nodes(degree, dps)


def _composite_gl(g: Callable, edges: Sequence, ctx):
    """Σ over panels [e_k, e_{k+1}] of a fixed Gauss–Legendre rule (mpmath's degree-5 rule, 48 nodes, at the
    context's precision + 10 digits): the panels are chosen so that g is analytic on a neighbourhood of each
    one (they scale with c = √(1 − ρ²) near the kink), where the rule is accurate to ~1e-40 (see
    QUADRATURE_DPS)."""
    rule = [(ctx.mpf(x), ctx.mpf(w)) for x, w in _gl_strings(5, int(ctx.dps) + 10)]
    total = ctx.mpf(0)
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        half, mid = (b - a) / 2, (a + b) / 2
        total += half * ctx.fsum(w * g(mid + half * x) for x, w in rule)
    return total


def _edges(c, ctx) -> list:
    """Panels of [0, 14] (the N(0, 1) tail beyond 14 is below 1e-43): fine near 0 on the scale c."""
    base = [ctx.mpf(v) for v in (0, 1, 2.5, 4.5, 7, 10, 14)]
    fine = [c * 2 ** k for k in range(-2, 80)] if c > 0 else []  # geometric on the kink's scale c, up to 1
    return sorted({*base, *(f for f in fine if 0 < f < 1)})


def _sign_integral(rho, ctx):
    rho, c = _corr(rho, ctx)
    if c == 0:  # Y = ±X
        return ctx.sign(rho)

    def integrand(x):  # E[sgn X · E(sgn Y | X)] is even in x: 2 ∫_0^∞
        return ctx.erf(rho * x / (c * ctx.sqrt(2))) * _density(x, ctx)

    return 2 * _composite_gl(integrand, _edges(c, ctx), ctx)


def _relu_integral(rho, ctx):
    rho, c = _corr(rho, ctx)
    if c == 0:
        if rho < 0:
            return ctx.mpf(0)
        return _composite_gl(lambda x: x * x * _density(x, ctx), _edges(c, ctx), ctx)  # E max(X, 0)²

    def integrand(x):
        t = rho * x / c
        return x * (rho * x * ctx.ncdf(t) + c * _density(t, ctx)) * _density(x, ctx)

    return _composite_gl(integrand, _edges(c, ctx), ctx)


#: Working precision of every quadrature-based reference value here (capped: the machine's mpmath runs on its
#: pure-Python backend); such values are trusted to QUADRATURE_RTOL, which the claims declare.
QUADRATURE_DPS = 34
QUADRATURE_RTOL = 1e-25


@lru_cache(maxsize=4096)
def _kinked_cached(kind: str, rho: str) -> str:
    ctx = mpmath.MPContext()
    ctx.dps = QUADRATURE_DPS
    value = (_sign_integral if kind == "sign" else _relu_integral)(ctx.mpf(rho), ctx)
    return ctx.nstr(value, QUADRATURE_DPS + 5)


def _kinked(kind: str, rho, ctx):
    return ctx.mpf(_kinked_cached(kind, ctx.nstr(ctx.mpf(rho), QUADRATURE_DPS + 10)))


def dual_sign(rho, ctx, amplitude_sq=2):
    """E[a sgn(X) · a sgn(Y)], a² = amplitude_sq, (X, Y) ~ N(ρ), by the 1-D reduction
    E[sgn(ρx + cZ)] = erf(ρx/(c√2)) and composite Gauss–Legendre over x > 0 (panels split at the kink 0)."""
    return ctx.mpf(amplitude_sq) * _kinked("sign", rho, ctx)


def dual_relu(rho, ctx, amplitude_sq=2):
    """E[a max(X, 0) · a max(Y, 0)], a² = amplitude_sq, by the 1-D reduction
    E[max(ρx + cZ, 0)] = ρx Φ_N(ρx/c) + c φ(ρx/c) and composite Gauss–Legendre over x > 0 (the outer kink)."""
    return ctx.mpf(amplitude_sq) * _kinked("relu", rho, ctx)


@lru_cache(maxsize=64)
def _gh_strings(n: int, dps: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ctx = mpmath.MPContext()
    ctx.dps = dps
    nodes, weights = gauss_hermite(n, ctx)
    return tuple(ctx.nstr(x, dps + 5) for x in nodes), tuple(ctx.nstr(w, dps + 5) for w in weights)


def _gh(n: int, ctx) -> tuple[list, list]:
    xs, ws = _gh_strings(n, int(ctx.dps) + 10)
    return [ctx.mpf(x) for x in xs], [ctx.mpf(w) for w in ws]


def dual_product_gh(f: Callable, rho, ctx, nodes: int):
    """E f(X) f(Y) for (X, Y) ~ N(ρ) by the n×n product Gauss–Hermite rule in X = Z_1, Y = ρZ_1 + cZ_2.

    Exact (to working precision) when f is a polynomial of degree ≤ nodes − 1 in each variable's slot."""
    rho, c = _corr(rho, ctx)
    z, w = _gh(nodes, ctx)
    fz = [f(x) for x in z]
    total = ctx.mpf(0)
    for z1, w1, f1 in zip(z, w, fz, strict=True):
        total += w1 * f1 * ctx.fsum(w2 * f(rho * z1 + c * z2) for z2, w2 in zip(z, w, strict=True))
    return total


def hermite_family_value(family: str, m: int, x, ctx):
    """H_m(x) of the named family by its three-term recursion (one value; the orthonormal scaling 1/√(m!) is
    applied once at the end)."""
    x = ctx.mpf(x)
    two = 2 if family == "physicists" else 1
    prev, cur = ctx.mpf(1), two * x
    if m == 0:
        return prev
    for n in range(1, m):
        prev, cur = cur, two * (x * cur - n * prev)
    if family == "orthonormal":
        return cur / ctx.sqrt(ctx.factorial(m))
    if family not in HERMITE_FAMILIES:
        raise KeyError(family)
    return cur


def _gaussian_moments(n: int) -> list[int]:
    """E Z^k for k = 0..n (0 for odd k, (k − 1)!! for even k), exact integers."""
    out = [1] + [0] * n
    for k in range(2, n + 1, 2):
        out[k] = out[k - 2] * (k - 1)
    return out


def dual_polynomial(coeffs: Sequence, rho, one=1):
    """E p(X) p(Y), (X, Y) ~ N(ρ), for p(x) = Σ_a coeffs[a] x^a, in whatever exact or mpmath arithmetic the
    coefficients and ρ carry (``one`` is that arithmetic's 1).

    Writes Y = ρX + cZ: q(x) = E[p(ρx + cZ)] = Σ_j x^j ρ^j Σ_b p_b C(b, j) c^{b−j} E Z^{b−j} (only even b − j
    contribute, so c enters through c² = 1 − ρ²), then E p(X) q(X) = Σ_{a,j} p_a q_j E X^{a+j}."""
    n = len(coeffs) - 1
    moments = _gaussian_moments(2 * n)
    c2 = one - rho * rho
    c2_pows = [one]
    for _ in range(n // 2 + 1):
        c2_pows.append(c2_pows[-1] * c2)
    q = []
    rho_pow = one
    for j in range(n + 1):
        acc = 0 * one
        for b in range(j, n + 1, 2):  # b − j even
            if coeffs[b]:
                acc += coeffs[b] * math.comb(b, j) * c2_pows[(b - j) // 2] * moments[b - j]
        q.append(acc * rho_pow)
        rho_pow *= rho
    total = 0 * one
    for a in range(n + 1):
        if coeffs[a]:
            for j in range(n + 1):
                if (a + j) % 2 == 0 and q[j]:
                    total += coeffs[a] * q[j] * moments[a + j]
    return total


@lru_cache(maxsize=256)
def hermite_integer_coefficients(family: str, m: int) -> tuple[int, ...]:
    """Integer coefficients (ascending) of H_m (physicists) or He_m (probabilists / orthonormal before the
    1/√(m!) scaling), from the three-term recursions."""
    two = 2 if family == "physicists" else 1
    prev, cur = [1], [0, two]
    if m == 0:
        return (1,)
    for n in range(1, m):
        nxt = [0] * (n + 2)
        for i, c in enumerate(cur):
            nxt[i + 1] += two * c
        for i, c in enumerate(prev):
            nxt[i] -= two * n * c
        prev, cur = cur, nxt
    return tuple(cur)


def _exact(value) -> Fraction:
    """An mpf / float as the exact dyadic rational it represents."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float | int):
        return Fraction(value)
    sign, man, exp, _ = value._mpf_  # mpf's raw (sign, mantissa, exponent, bitcount); zero has man = 0
    return Fraction((-1) ** sign * int(man)) * (Fraction(2) ** int(exp))


def dual_hermite(family: str, m: int, rho, ctx):
    """E H_m(X) H_m(Y), (X, Y) ~ N(ρ), for the named Hermite family, *exactly* (rational arithmetic on the
    integer coefficients, ρ taken as the exact rational its binary value is), rounded into ctx."""
    if family not in HERMITE_FAMILIES:
        raise KeyError(family)
    value = dual_polynomial([Fraction(c) for c in hermite_integer_coefficients(family, m)], _exact(ctx.mpf(rho)),
                            Fraction(1))
    if family == "orthonormal":
        value /= math.factorial(m)
    return ctx.mpf(value.numerator) / value.denominator


def dual_exponential(rho, ctx, shift=-2, nodes: int = 40):
    """E e^{X + shift} e^{Y + shift}, (X, Y) ~ N(ρ): the inner expectation over Y given X in closed form, the
    outer one by an n-node GH rule, whose relative error for e^{aZ} is ≈ a^{2n} n!/(2n)! (the remainder
    f^{(2n)}(ξ)·E He_n²/(2n)!), < 1e-46 for a ≤ 2, n = 40."""
    # E[e^{Y+s} | X = x] = e^{ρx + s + c²/2} (Gaussian moment generating function), then a 1-D GH rule in x
    shift = ctx.mpf(shift)
    rho, c = _corr(rho, ctx)
    z, w = _gh(nodes, ctx)
    return ctx.fsum(wi * ctx.exp(zi + shift) * ctx.exp(rho * zi + shift + c * c / 2)
                    for zi, wi in zip(z, w, strict=True))


def series_values(coefficients: Sequence, x, ctx, family: str = "orthonormal", start: int = 0,
                  take_sqrt: bool = True):
    """h(x) = Σ_{i ≥ start} √(c_i) H_i(x) (Theorem 2.5's realizing activation, truncated at len(c) − 1);
    with take_sqrt=False the coefficients are used as they are (Σ a_i H_i, signed a_i)."""
    x = ctx.mpf(x)
    two = 2 if family == "physicists" else 1
    prev, cur = ctx.mpf(1), two * x
    total = ctx.mpf(0)
    fact = ctx.mpf(1)
    for i, c in enumerate(coefficients):
        if i == 0:
            value = prev
        elif i == 1:
            value = cur
        else:
            prev, cur = cur, two * (x * cur - (i - 1) * prev)
            value = cur
        if i > 0:
            fact *= i
        if i < start:
            continue
        amp = ctx.sqrt(ctx.mpf(c)) if take_sqrt else ctx.mpf(c)
        total += amp * (value / ctx.sqrt(fact) if family == "orthonormal" else value)
    return total


def dual_series(coefficients: Sequence, rho, ctx, family: str = "orthonormal", start: int = 0,
                take_sqrt: bool = True):
    """The dual of Theorem 2.5's truncated activation Σ_{i=start}^{N} √(c_i) H_i (or Σ a_i H_i with
    take_sqrt=False): expanded into monomials and integrated exactly by ``dual_polynomial`` in mpmath with
    4N + 20 guard digits (the monomial coefficients of H_N and the moments E X^{2N} cancel heavily)."""
    n = len(coefficients) - 1
    with ctx.workdps(int(ctx.dps) + 4 * n + 20):
        mono = [ctx.mpf(0)] * (n + 1)
        for i, c in enumerate(coefficients):
            if i < start or not c:
                continue
            amp = ctx.sqrt(ctx.mpf(c)) if take_sqrt else ctx.mpf(c)
            if family == "orthonormal":
                amp /= ctx.sqrt(ctx.factorial(i))
            fam = "physicists" if family == "physicists" else "probabilists"
            for k, h in enumerate(hermite_integer_coefficients(fam, i)):
                mono[k] += amp * h
        value = dual_polynomial(mono, ctx.mpf(rho), ctx.mpf(1))
    return +value


def taylor_value(coefficients: Sequence, rho, ctx):
    """f(ρ) = Σ c_i ρ^i (Horner)."""
    acc = ctx.mpf(0)
    for c in reversed(coefficients):
        acc = acc * ctx.mpf(rho) + ctx.mpf(c)
    return acc


# --- Theorem 4.4's polynomial (App. D), for the synthetic row ----------------------------------------------

def synthetic_coefficients(d: int, n_trunc: int) -> tuple:
    """Exact rational Taylor coefficients c_0..c_N of Theorem 4.4's f: c_0 = 1, c_1 = 0,
    c_{n+2}(n + 2)(n + 1) = c_n(n(n − 1) + (d − 1)n + 1) for n = 0..N − 2, c_{N+i} = 0."""
    from fractions import Fraction

    c = [Fraction(0)] * (n_trunc + 1)
    c[0] = Fraction(1)
    for n in range(0, n_trunc - 1):
        c[n + 2] = c[n] * (n * (n - 1) + (d - 1) * n + 1) / ((n + 2) * (n + 1))
    return tuple(c)


# --- translation-invariant rows: one-dimensional factors --------------------------------------------------

def _line_integral(g: Callable, theta, w, ctx):
    """∫_R g(x) dx split at θ and w (and at ±∞)."""
    a, b = sorted((ctx.mpf(theta), ctx.mpf(w)))
    pts = [-ctx.inf, a] + ([b] if b != a else []) + [ctx.inf]
    return ctx.quad(g, pts)


def gaussian_factor(theta, w, ctx, amplitude_sq=2, quadratic=0.25):
    """One coordinate of E σ(X, θ) σ(X, w) for σ = 2^{d/2} e^{x^T x/4} e^{−‖x−θ‖²} (Table 1, Gaussian):
    ∫ √a e^{q x²} e^{−(x−θ)²} √a e^{q x²} e^{−(x−w)²} φ(x) dx, a = amplitude_sq, q = quadratic.

    The integrand is a Gaussian bump centred near m = (θ + w)/2 of standard deviation ≈ 1/2 (for q near 1/4);
    composite Gauss–Legendre on panels of width 3 over [m − 12, m + 12] (the rest is below 1e-120; a 48-node
    rule integrates the entire bump on a width-3 panel to ~1e-40)."""
    q, amp = ctx.mpf(quadratic), ctx.mpf(amplitude_sq)
    theta, w = ctx.mpf(theta), ctx.mpf(w)

    def g(x):
        return amp * ctx.exp(2 * q * x * x - (x - theta) ** 2 - (x - w) ** 2) * _density(x, ctx)

    mid = (theta + w) / 2
    return _composite_gl(g, [mid + k for k in range(-12, 13, 3)], ctx)


def bessel_convolution_direct(t, ctx):
    """G(t) = ∫ K_0(|y|) K_0(|y − t|) dy by tanh-sinh quadrature split at the logarithmic singularities 0, t
    (slow: ~10–100 s at 30 digits on this machine; the values on the grid t ∈ {0, 1/2, …, 6} are tabulated
    below)."""
    t = abs(ctx.mpf(t))
    pts = [-ctx.inf, -8, -2, 0] + ([t] if t > 0 else []) + [t + 2, t + 8, ctx.inf]
    return ctx.quad(lambda y: ctx.besselk(0, abs(y)) * ctx.besselk(0, abs(y - t)), pts)


def bessel_convolution(t, ctx):
    """G(t) = ∫ K_0(|y|) K_0(|y − t|) dy: from the table for t on the grid ½·{0..12} (computed once by
    ``bessel_convolution_direct`` at 34 digits), otherwise directly (slow)."""
    t = abs(ctx.mpf(t))
    key = t * 2
    if key == ctx.floor(key) and int(key) in BESSEL_CONVOLUTION_TABLE:
        return ctx.mpf(BESSEL_CONVOLUTION_TABLE[int(key)])
    return bessel_convolution_direct(t, ctx)


def bessel_factor(theta, w, ctx, amplitude=None):
    """One coordinate of E σ(X, θ) σ(X, w) for σ = e^{x^T x/4} (2/π)^{3d/4} Π_i K_0(|x_i − θ_i|) (Table 1):
    ∫ A e^{x²/4} K_0(|x−θ|) A e^{x²/4} K_0(|x−w|) φ(x) dx with A = (2/π)^{3/4} unless given. The factors
    e^{x²/4} e^{x²/4} φ(x) = 1/√(2π) combine exactly, leaving A²/√(2π) · G(θ − w)."""
    amp = (2 / ctx.pi) ** ctx.mpf(0.75) if amplitude is None else ctx.mpf(amplitude)
    return amp * amp / ctx.sqrt(2 * ctx.pi) * bessel_convolution(ctx.mpf(theta) - ctx.mpf(w), ctx)


@lru_cache(maxsize=4096)
def _factor_cached(kind: str, theta: str, w: str, dps: int, p1: str, p2: str) -> str:
    ctx = mpmath.MPContext()
    ctx.dps = dps
    if kind == "gaussian":
        value = gaussian_factor(ctx.mpf(theta), ctx.mpf(w), ctx, ctx.mpf(p1), ctx.mpf(p2))
    elif kind == "bessel":
        value = bessel_factor(ctx.mpf(theta), ctx.mpf(w), ctx, None if p1 == "" else ctx.mpf(p1))
    elif kind == "gaussian-middle":  # √(2/π)·p1 ∫ e^{−(x−θ)²} e^{−(x−w)²} dx
        th, ww = ctx.mpf(theta), ctx.mpf(w)
        mid = (th + ww) / 2
        value = _composite_gl(lambda x: ctx.sqrt(2 / ctx.pi) * ctx.mpf(p1) * ctx.exp(-(x - th) ** 2 - (x - ww) ** 2),
                              [mid + k for k in range(-12, 13, 3)], ctx)
    else:
        raise KeyError(kind)
    return ctx.nstr(value, dps + 5)


def factor(kind: str, theta, w, ctx, p1="", p2="0.25"):
    """Cached one-coordinate integral (``kind``: gaussian, bessel, gaussian-middle) at QUADRATURE_DPS digits;
    θ, w, p1, p2 enter the cache key as decimal strings."""
    dps = QUADRATURE_DPS
    key = (kind, ctx.nstr(ctx.mpf(theta), dps + 10), ctx.nstr(ctx.mpf(w), dps + 10), dps, str(p1), str(p2))
    return ctx.mpf(_factor_cached(*key))


# --- Theorem 2.4's construction: h = F^{-1}(√F(f)) for the two examples ------------------------------------

#: Per-coordinate amplitude A of h = Π_i A·g(x_i) in each Fourier convention, for f = e^{−‖x‖²/2}
#: (g = e^{−x²}) and f = e^{−‖x‖_1} (g = K_0(|x|)). Derived by hand in the module docstring of
#: ``claims.zhang2017.potentials``; the realization integral is computed numerically from these h.
def h_amplitude(target: str, convention: str, ctx):
    if target == "gaussian":
        # non-unitary ∫f e^{−iωx}: F f = √(2π) e^{−ω²/2}, √ = (2π)^{1/4} e^{−ω²/4}, F^{-1} = (2π)^{1/4}/√π e^{−x²}
        # unitary: F f = e^{−ω²/2}, √ = e^{−ω²/4}, F^{-1} = √2 e^{−x²}; ordinary frequency = non-unitary result
        return (2 * ctx.pi) ** ctx.mpf(0.25) / ctx.sqrt(ctx.pi) if convention != "unitary" else ctx.sqrt(2)
    if target == "bessel":
        # non-unitary: F f = 2/(1+ω²), √ = √2 (1+ω²)^{−1/2}, F^{-1} = (√2/π) K_0(|x|)   (∫_0^∞ cos ωx/√(1+ω²) = K_0)
        # unitary: F f = √(2/π)/(1+ω²), √ = (2/π)^{1/4}(1+ω²)^{−1/2}, F^{-1} = (2/π)^{3/4} K_0(|x|)
        return ctx.sqrt(2) / ctx.pi if convention != "unitary" else (2 / ctx.pi) ** ctx.mpf(0.75)
    raise KeyError(target)


def construction_factor(target: str, convention: str, theta, w, ctx):
    """One coordinate of ∫ e^{x²/4} h(x−w) e^{x²/4} h(x−θ) φ(x) dx for h of the target (σ without the
    (2π)^{…} prefactor), by split quadrature."""
    amp = h_amplitude(target, convention, ctx)
    if target == "gaussian":
        # A² e^{x²/2} e^{−(x−θ)²−(x−w)²} φ(x): gaussian_factor with amplitude_sq = A², quadratic 1/4
        return factor("gaussian", theta, w, ctx, ctx.nstr(amp * amp, int(ctx.dps) + 5), "0.25")
    return factor("bessel", theta, w, ctx, ctx.nstr(amp, int(ctx.dps) + 5), "0.25")


# --- App. A.1: Fourier transforms (unitary angular frequency unless told) ----------------------------------

@lru_cache(maxsize=64)
def _fourier_exp_cached(freq: str) -> str:
    ctx = mpmath.MPContext()
    ctx.dps = QUADRATURE_DPS
    f = ctx.mpf(freq)
    value = 2 * ctx.quad(lambda t: ctx.exp(-t) * ctx.cos(f * t), [0, 1, 4, 16, 48, 96])
    return ctx.nstr(value, QUADRATURE_DPS + 5)


@lru_cache(maxsize=64)
def _fourier_k0_cached(freq: str) -> str:
    ctx = mpmath.MPContext()
    ctx.dps = QUADRATURE_DPS
    f = ctx.mpf(freq)
    # K_0(x) = ∫_0^∞ e^{−x cosh u} du and ∫_0^∞ e^{−ax} cos(fx) dx = a/(a² + f²) (a = cosh u > 0): Fubini gives
    # 2∫_0^∞ K_0(x) cos(fx) dx = 2∫_0^∞ cosh u/(cosh² u + f²) du, an elementary, exponentially decaying integrand
    value = 2 * ctx.quad(lambda u: ctx.cosh(u) / (ctx.cosh(u) ** 2 + f * f), [0, 1, 3, 6, 12, 24, 48, 96])
    return ctx.nstr(value, QUADRATURE_DPS + 5)


def fourier_k0(freq, ctx):
    """F0(f) = 2∫_0^∞ K_0(x) cos(fx) dx (the cosine transform of K_0(|·|)) at QUADRATURE_DPS digits."""
    return ctx.mpf(_fourier_k0_cached(ctx.nstr(ctx.mpf(freq), QUADRATURE_DPS + 10)))


def _freq(omega, convention: str, ctx) -> tuple[str, object]:
    omega = ctx.mpf(omega)
    key = ctx.nstr(omega, 6)
    if convention == "ordinary":
        return f"2pi*{key}", 2 * ctx.pi * omega
    return key, omega


def fourier_exponential(omega, ctx, convention: str = "unitary"):
    """F(e^{−|t|})(ω) by quadrature of 2∫_0^∞ e^{−t} cos(ω' t) dt (34 digits), scaled by the convention."""
    _, freq = _freq(omega, convention, ctx)
    raw = ctx.mpf(_fourier_exp_cached(ctx.nstr(freq, QUADRATURE_DPS + 5)))
    return raw / ctx.sqrt(2 * ctx.pi) if convention == "unitary" else raw


def fourier_bessel_convolution(omega, ctx, convention: str = "unitary"):
    """F((2/π²) K_0(|·|) ∗ K_0(|·|))(ω) = (2/π²) · F(K_0)(ω)² · (√(2π) in the unitary convention, the
    convolution theorem's constant), with F(K_0(|·|)) = 2∫_0^∞ K_0(x) cos(ω' x) dx from ``fourier_k0``."""
    _, freq = _freq(omega, convention, ctx)
    raw = fourier_k0(freq, ctx)
    if convention == "unitary":
        k0_hat = raw / ctx.sqrt(2 * ctx.pi)
        return 2 / ctx.pi ** 2 * ctx.sqrt(2 * ctx.pi) * k0_hat ** 2
    return 2 / ctx.pi ** 2 * raw ** 2


#: G(k/2) = ∫ K_0(|y|) K_0(|y − k/2|) dy, computed once by ``bessel_convolution_direct`` at 34 digits (tanh-sinh
#: split at 0 and t; 100–300 s each here) and kept to 32 digits; the tests recompute an entry at lower precision.
BESSEL_CONVOLUTION_TABLE: dict[int, str] = {
    0: "4.9348022005446793094172454999381",
    1: "2.9931088342477194874662253737118",
    2: "1.8154122758279804657487616067536",
    3: "1.101103205308358227905382272224",
    4: "0.66785285352737376111953639702388",
    5: "0.40507323184092274734392021865074",
    6: "0.24568933454040338113165082780284",
    8: "0.090384055092507137670087716670717",
}


# --- d-dimensional potentials that do not assume rotational invariance (for the invariance readings) -------

def activation_1d(name: str, t, ctx):
    """g(t) for σ(x, θ) = g(x^Tθ) as printed (see the fast module)."""
    if name == "sign":
        return ctx.sqrt(2) * ctx.sign(t)
    if name == "relu":
        return ctx.sqrt(2) * max(t, 0)
    if name == "exponential":
        return ctx.exp(t - 2)
    return hermite_family_value("orthonormal", int(name.split("-")[1]), t, ctx)


def tensor_potential(name: str, theta, w, ctx, first_axis_scale=1, nodes: int = 24):
    """E_X g(θ^T S X) g(w^T S X) by the tensor GH rule on the Cartesian grid (n^d points, mpmath)."""
    import itertools

    z, wts = _gh(nodes, ctx)
    d = len(theta)
    scale = [ctx.mpf(first_axis_scale)] + [ctx.mpf(1)] * (d - 1)
    a = [s * t for s, t in zip(scale, theta, strict=True)]
    b = [s * t for s, t in zip(scale, w, strict=True)]
    total = ctx.mpf(0)
    for idx in itertools.product(range(len(z)), repeat=d):
        x = [z[i] for i in idx]
        ga = activation_1d(name, ctx.fsum(p * q for p, q in zip(a, x, strict=True)), ctx)
        gb = activation_1d(name, ctx.fsum(p * q for p, q in zip(b, x, strict=True)), ctx)
        total += ctx.fprod(wts[i] for i in idx) * ga * gb
    return total


def polar_potential(name: str, theta, w, ctx, first_axis_scale=1, per_piece_degree: int = 4):
    """d = 2, sgn / ReLU: E[R^{2k}]·(1/2π)∫_0^{2π} g(a^T e_φ) g(b^T e_φ) dφ split at the kink angles (mpmath
    Gauss–Legendre of degree 4, 24 nodes per piece at QUADRATURE_DPS + 10 digits; the pieces are trigonometric
    polynomials of degree ≤ 2 on intervals of length ≤ π)."""
    s = ctx.mpf(first_axis_scale)
    a = [s * ctx.mpf(theta[0]), ctx.mpf(theta[1])]
    b = [s * ctx.mpf(w[0]), ctx.mpf(w[1])]
    kinks = []
    for v in (a, b):
        base = ctx.atan2(v[1], v[0])
        kinks += [(base + ctx.pi / 2) % (2 * ctx.pi), (base - ctx.pi / 2) % (2 * ctx.pi)]
    edges = sorted([ctx.mpf(0), *kinks, 2 * ctx.pi])
    rule = [(ctx.mpf(x), ctx.mpf(wt)) for x, wt in _gl_strings(per_piece_degree, int(ctx.dps) + 10)]
    total = ctx.mpf(0)
    for lo, hi in zip(edges[:-1], edges[1:], strict=False):
        half, mid = (hi - lo) / 2, (hi + lo) / 2
        for x, wt in rule:
            phi = mid + half * x
            c, sn = ctx.cos(phi), ctx.sin(phi)
            total += half * wt * activation_1d(name, a[0] * c + a[1] * sn, ctx) * \
                activation_1d(name, b[0] * c + b[1] * sn, ctx)
    radial = 1 if name == "sign" else 2
    return radial * total / (2 * ctx.pi)
