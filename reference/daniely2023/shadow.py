"""Reference mathematics for the shadow-network claims of Daniely et al. (Sec. 1.1, 2.4, 2.6.1).

* σ_n in the monomial basis (b_k of ``σ_n(x) = Σ b_k x^k``), at a context's precision and as exact rationals;
* exact polynomial expansion of tiny shadow networks (sympy sparse polynomials over QQ);
* λ(n) of Lemma 2.11, and the exact probability of the truncation event A of Lemma 2.4 (``mpmath.erfc``);
* E‖Φ^{i,n}_W(x)‖² for depth i ∈ {2, 3}, exactly, from Gaussian moments of σ_n (Lemma 2.4's proof).

Never imports torch; every numeric function takes a local mpmath context ``ctx``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import cache

from reference.hermite import double_factorial, gaussian_moment, hermite_e_coefficients

from . import _activations as ref_act

#: Hermite coefficients below this magnitude are exact zeros that the quadrature returns as rounding noise
#: (the 80-digit table puts e.g. a_3 of ReLU at ~1e-91); genuine coefficients a_k, k <= 20, of the registry
#: activations are above 1e-20, so the split is unambiguous.
ZERO_COEFFICIENT = Fraction(1, 10**60)


# --- activations ------------------------------------------------------------------------------------

def lipschitz(name: str, ctx):
    """The exact Lipschitz constant of a registry activation; normalised ones use the tabulated ‖σ‖.

    (``Activation.lipschitz`` of a normalised variant recomputes ‖σ‖ by 60-digit quadrature; the table is
    equivalent and instant.)"""
    act = ref_act.get(name)
    if name.endswith("/normalised"):
        base = ref_act.BASE_ACTIVATIONS[name.split("/")[0]]
        return base.lipschitz(ctx) / ctx.sqrt(ref_act.norm2_of(base, ctx))
    return act.lipschitz(ctx)


def lambda_n(n: int, ctx):
    """λ(n) = 2^{2n+1} (9 (4n − 1)!!)^{1/4}  (Lemma 2.11)."""
    return ctx.mpf(2) ** (2 * n + 1) * (9 * ctx.mpf(double_factorial(4 * n - 1))) ** ctx.mpf(0.25)


def shadow_monomial_coefficients(name: str, n: int, ctx) -> list:
    """b_0..b_n with σ_n(x) = Σ b_k x^k, σ_n = (Σ_{j≤n} a_j²)^{-1/2} Σ_{j≤n} a_j h_j (first printed form).

    Coefficients a_j below ZERO_COEFFICIENT (exact zeros by symmetry) are set to 0."""
    a = ref_act.hermite_coefficients(ref_act.get(name), n, ctx)
    a = [ctx.mpf(0) if abs(v) < ctx.mpf(ZERO_COEFFICIENT.numerator) / ZERO_COEFFICIENT.denominator else v
         for v in a]
    norm = ctx.sqrt(ctx.fsum(v * v for v in a))
    b = [ctx.mpf(0)] * (n + 1)
    for j, aj in enumerate(a):
        if aj == 0:
            continue
        scale = aj / ctx.sqrt(ctx.factorial(j)) / norm
        for k, c in enumerate(hermite_e_coefficients(j)):
            b[k] += scale * c
    return b


@cache
def shadow_rational_coefficients(name: str, n: int, digits: int = 40) -> tuple[Fraction, ...]:
    """b_0..b_n as exact rationals: the ``digits``-digit decimal values of the coefficients (exact zeros
    kept).

    The approximation error (relative 10^{-digits}) is immaterial for degrees; for coefficient sums it is
    reported next to the margins it could affect."""
    import mpmath

    ctx = mpmath.MPContext()
    ctx.dps = digits + 10
    out = []
    for v in shadow_monomial_coefficients(name, n, ctx):
        out.append(Fraction(0) if v == 0 else Fraction(ctx.nstr(v, digits)))
    return tuple(out)


# --- exact polynomial expansion of a shadow network ------------------------------------------------

def shadow_network_polynomial(b: Sequence[Fraction], weights: Sequence[Sequence[Sequence[Fraction]]],
                              d0: int):
    """Exact Φ^{i,n}_W(x) as sympy sparse polynomials over QQ (one per output neuron), as printed in Sec. 2.4:
    Φ^{j,n} = W^j Ψ^{j−1,n}, Ψ^{j,n} = σ_n(Φ^{j,n}) for j ≤ i − 1, last layer linear; Ψ^{0,n} = x."""
    from sympy import QQ
    from sympy.polys.rings import ring

    names = ",".join(f"x{k}" for k in range(d0))
    ring_, *xs = ring(names, QQ)
    coeffs = [QQ(c.numerator, c.denominator) for c in b]

    def sigma_n(p):
        acc = ring_(0)
        for c in reversed(coeffs):  # Horner
            acc = acc * p + c
        return acc

    psi = list(xs)
    depth = len(weights)
    for j, w in enumerate(weights, start=1):
        phi = []
        for row in w:
            acc = ring_(0)
            for wk, p in zip(row, psi, strict=True):
                if wk:
                    acc += QQ(wk.numerator, wk.denominator) * p
            phi.append(acc)
        psi = [sigma_n(p) for p in phi] if j < depth else phi
    return psi


def total_degree(poly) -> int:
    """Total degree of a sparse polynomial (−1 for the zero polynomial, by convention)."""
    return max((sum(m) for m in poly.keys()), default=-1)


def coefficient_sums(poly) -> tuple[Fraction, Fraction]:
    """(Σ |coefficients|, Σ coefficients) of a sparse polynomial, exactly."""
    vals = [Fraction(int(c.numerator), int(c.denominator)) for c in poly.values()]
    return sum((abs(v) for v in vals), Fraction(0)), sum(vals, Fraction(0))


# --- Lemma 2.4: Pr(A) and E‖Φ^{i,n}‖² ---------------------------------------------------------------

def prob_large_entry(dims: Sequence[int], threshold, ctx, *, two_sided: bool = False):
    """Pr(A), A = "some entry of W⃗ exceeds `threshold`" (or "|entry| exceeds" when two_sided), for
    independent Xavier matrices W^j ∈ R^{d_j × d_{j−1}} with N(0, 1/d_{j−1}) entries. Exact:
    1 − Π_j (1 − p_j)^{d_j d_{j−1}}, p_j = ½ erfc(t √(d_{j−1}/2)) (doubled when two-sided), via expm1/log1p
    so probabilities far below 1e-300 keep their digits."""
    t = ctx.mpf(threshold)
    log_keep = ctx.mpf(0)
    for d_in, d_out in zip(dims[:-1], dims[1:], strict=True):
        p = ctx.erfc(t * ctx.sqrt(ctx.mpf(d_in) / 2))
        if not two_sided:
            p /= 2
        if p >= 1:
            return ctx.mpf(1)
        log_keep += d_in * d_out * ctx.log1p(-p)
    return -ctx.expm1(log_keep)


def _poly_mul(p: list, q: list, ctx) -> list:
    out = [ctx.mpf(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        if a == 0:
            continue
        for j, c in enumerate(q):
            out[i + j] += a * c
    return out


def _gaussian_mean_of_poly(p: list, ctx):
    """E p(Z), Z ~ N(0, 1), for p given by monomial coefficients (exact moments (k−1)!!)."""
    return ctx.fsum(c * gaussian_moment(k) for k, c in enumerate(p) if c != 0)


def shadow_scaled_square_bound(name: str, n: int, s_max, ctx):
    """An upper bound on E σ_n(sZ)² for every 0 <= s <= s_max (Z ~ N(0, 1)).

    E σ_n(sZ)² = Σ_m g_m s^{2m} with g_m = Σ_{k+l=2m} b_k b_l (2m−1)!! (b_k: σ_n's monomial coefficients), so
    Σ_m |g_m| s_max^{2m} bounds it on the whole interval."""
    b = shadow_monomial_coefficients(name, n, ctx)
    b2 = _poly_mul(b, b, ctx)
    s2 = ctx.mpf(s_max) ** 2
    return ctx.fsum(abs(c * double_factorial(k - 1)) * s2 ** (k // 2) for k, c in enumerate(b2) if k % 2 == 0)


def shadow_output_second_moment(name: str, n: int, dims: Sequence[int], ctx):
    """E_W⃗ ‖Φ^{i,n}_W⃗(x)‖² for x ∈ S̃^{d_0−1}, depth i = len(dims) − 1 ∈ {1, 2, 3}, exactly.

    Xavier layers preserve the expected normalised square norm of a fixed input: E_W‖W v‖² = ‖v‖². Hence
    i = 1: ‖x‖² = 1; i = 2: E σ_n(Z)² (Z ~ N(0, 1)); i = 3: E_{W¹} G(q) with q = ‖Ψ^{1,n}‖² =
    (1/d_1) Σ_k σ_n(Z_k)² and G(q) = E σ_n(√q Z)² = Σ_m g_m q^m, g_m = Σ_{k+l=2m} b_k b_l (2m−1)!!; the
    moments
    E q^m follow from the moments of Y = σ_n(Z)² through the exponential generating function (M_Y)^{d_1}."""
    depth = len(dims) - 1
    if depth == 1:
        return ctx.mpf(1)
    b = shadow_monomial_coefficients(name, n, ctx)
    b2 = _poly_mul(b, b, ctx)  # σ_n² in monomials
    if depth == 2:
        return _gaussian_mean_of_poly(b2, ctx)
    if depth != 3:
        raise ValueError("shadow_output_second_moment is implemented for depth i <= 3")
    width = dims[1]
    top = n  # G is a polynomial of degree n in q
    g = [ctx.mpf(0)] * (top + 1)
    for k, c in enumerate(b2):
        if k % 2 == 0:
            g[k // 2] += c * double_factorial(k - 1)
    # moments μ_r = E Y^r = E σ_n(Z)^{2r}, r <= top
    mu, power = [ctx.mpf(1)], [ctx.mpf(1)]
    for _ in range(top):
        power = _poly_mul(power, b2, ctx)
        mu.append(_gaussian_mean_of_poly(power, ctx))
    # EGF of S = Σ_{k<=d_1} Y_k: (Σ_r μ_r t^r / r!)^{d_1}, truncated at degree `top`; E S^m = m! [t^m]
    egf = [mu[r] / ctx.factorial(r) for r in range(top + 1)]

    def trunc_mul(p, q):
        return _poly_mul(p, q, ctx)[: top + 1]

    result, base, e = [ctx.mpf(1)] + [ctx.mpf(0)] * top, egf, width
    while e:
        if e & 1:
            result = trunc_mul(result, base)
        base = trunc_mul(base, base)
        e >>= 1
    moments_q = [ctx.factorial(m) * result[m] / ctx.mpf(width) ** m for m in range(top + 1)]
    return ctx.fsum(g[m] * moments_q[m] for m in range(top + 1))
