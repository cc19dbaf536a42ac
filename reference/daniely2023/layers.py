"""High-precision mathematics behind daniely2023 Sec. 2.5–2.6 (claims/daniely2023/layers.py); never imports torch.

Every function takes a local mpmath context ``ctx`` and returns numbers of that context; extra working
digits are taken in private contexts, never by touching the global one.

* Width-free errors of one random layer. By Lemma 2.6, E_W‖f(Wx) − g(Wy)‖ ≤ sqrt(E (f(X) − g(Y))²) for a
  centred Gaussian pair (X, Y) with the covariance of the normalised inner products, and the left side tends
  to the right side as the width grows. The right side is computed here by two exact-in-form reductions:
  - ``rms_against_polynomial``: g = P a polynomial (the shadow activation σ_n). Conditioning on X,
    Y | X = x ~ N(βx, c²) and E[(f(x) − P(Y))² | X = x] = (f(x) − q(x))² + V(x) with the polynomials
    q(x) = E P(βx + cZ) and V(x) = Var P(βx + cZ) built from exact Gaussian moments; the outer expectation
    over X is a composite Gauss–Legendre rule split at the kinks of f.
  - ``rms_piecewise_linear``: f, g piecewise linear and positively homogeneous (αx + γ|x|), in closed form
    from E XY = cov and E|X||Y| = (2/π)(sqrt(var_x var_y − cov²) + cov · arcsin ρ).
* Lemma 2.10: the proof's two-case joint projection of two points onto a closed set (sphere, finite set).
* Lemma 2.6, second relation: E over one Xavier row w of (f(w·x) − g(w·y))², by a product Gauss–Hermite rule
  in the coordinates of w (exact for polynomial f, g) — no use of the covariance formula it is compared with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache

from reference.gaussian import gauss_hermite, gaussian_density
from reference.hermite import gaussian_moment, hermite_e_coefficients

from . import _activations as ref_act

#: Panel edges of the composite Gauss–Legendre rule for E f(X), X ~ N(0, 1) (the weight is below 1e-347
#: outside [-40, 40]). Nodes per panel depend on the precision: 24 reproduce mpmath.quad to ~1e-30 relative
#: and 48 to beyond 1e-60 on the integrands used here (kinked activations and tanh/erf times polynomials of
#: degree <= 40, at input scales up to 1.5), as measured when this module was written.
_PANELS = (-40, -28, -20, -14, -10, -7, -5, -3.5, -2.5, -1.5, -0.75, 0, 0.75, 1.5, 2.5, 3.5, 5, 7, 10, 14, 20,
           28, 40)


def _gl_degree(dps: int) -> int:
    """mpmath's GaussLegendre degree: 4 = 24 nodes per panel (enough for 30 digits), 5 = 48 nodes."""
    return 4 if dps <= 30 else 5


#: Working digits added on top of the caller's precision for the quadratures (the pointwise difference
#: f(x) − q(x) loses about log10(1/RMS) digits; RMS >= 1e-6 on every domain of layers.py).
GUARD_DIGITS = 10


def _work(ctx, extra: int = GUARD_DIGITS):
    import mpmath

    w = mpmath.MPContext()
    w.dps = int(ctx.dps) + extra
    return w


@cache
def _gl_panel_nodes(dps: int, degree: int) -> tuple[tuple[str, str], ...]:
    import mpmath
    from mpmath.calculus.quadrature import GaussLegendre

    c = mpmath.MPContext()
    c.dps = dps
    return tuple((c.nstr(x, dps), c.nstr(w, dps)) for x, w in GaussLegendre(c).calc_nodes(degree, c.prec))


@cache
def _gaussian_rule(dps: int, degree: int, breaks: tuple[str, ...]) -> tuple[tuple, tuple]:
    """Raw mpf tuples (precision of `dps` digits) of the nodes and weights; converting raw tuples into a
    caller's context is much cheaper than parsing decimal strings."""
    import mpmath

    c = mpmath.MPContext()
    c.dps = dps
    edges = sorted({c.mpf(e) for e in _PANELS} | {c.mpf(b) for b in breaks if abs(c.mpf(b)) < 40})
    base = [(c.mpf(x), c.mpf(w)) for x, w in _gl_panel_nodes(dps, degree)]
    xs, ws = [], []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        half, mid = (b - a) / 2, (a + b) / 2
        for x, w in base:
            t = mid + half * x
            xs.append(t._mpf_)
            ws.append((half * w * gaussian_density(t, c))._mpf_)
    return tuple(xs), tuple(ws)


def gaussian_rule(ctx, breaks: Sequence = (), target_dps: int | None = None) -> tuple[list, list]:
    """Nodes and weights with Σ w f(x) ≈ E f(X), X ~ N(0, 1), for f smooth between `breaks` (cached).

    `target_dps` is the accuracy wanted (defaults to the context's precision less the guard digits)."""
    target = int(ctx.dps) - GUARD_DIGITS if target_dps is None else target_dps
    key = tuple(sorted({ctx.nstr(ctx.mpf(b), int(ctx.dps)) for b in breaks}))
    xs, ws = _gaussian_rule(int(ctx.dps) + 5, _gl_degree(target), key)
    return [+ctx.make_mpf(x) for x in xs], [+ctx.make_mpf(w) for w in ws]


# --- polynomials ------------------------------------------------------------------------------------

def poly_eval(coeffs: Sequence, x, ctx):
    """Σ coeffs[k] x^k (ascending coefficients; mpmath's polyval wants them descending)."""
    return ctx.polyval(list(reversed(coeffs)), x)


def poly_mul(a: Sequence, b: Sequence, ctx) -> list:
    out = [ctx.mpf(0)] * (len(a) + len(b) - 1)
    for i, ai in enumerate(a):
        if ai == 0:
            continue
        for j, bj in enumerate(b):
            out[i + j] += ai * bj
    return out


def hermite_to_monomials(a: Sequence, ctx) -> list:
    """Monomial coefficients of Σ_k a_k h_k with h_k = He_k/sqrt(k!) (exact integer He_k coefficients)."""
    out = [ctx.mpf(0)] * len(a)
    for k, ak in enumerate(a):
        scale = ak / ctx.sqrt(ctx.mpf(math.factorial(k)))
        for j, c in enumerate(hermite_e_coefficients(k)):
            if c:
                out[j] += scale * c
    return out


def shadow_coefficients(name: str, n: int, ctx) -> list:
    """Hermite coefficients of σ_n = (Σ_{k<=n} a_k²)^{-1/2} Σ_{k<=n} a_k h_k (Sec. 2.4, first printed form)."""
    a = ref_act.hermite_coefficients(ref_act.get(name), n, ctx)
    norm = ctx.sqrt(ctx.fsum(x * x for x in a))
    if norm == 0:
        raise ValueError(f"σ_{n} of {name} is undefined: a_0 = … = a_{n} = 0")
    return [x / norm for x in a]


def shadow_monomials(name: str, n: int, ctx) -> list:
    return hermite_to_monomials(shadow_coefficients(name, n, ctx), ctx)


def gaussian_shift_poly(p: Sequence, beta, c, ctx) -> list:
    """Coefficients (in x) of E_Z p(βx + cZ), Z ~ N(0, 1): Σ_k p_k Σ_j C(k, j) β^j x^j c^{k−j} E Z^{k−j}."""
    out = [ctx.mpf(0)] * len(p)
    for k, pk in enumerate(p):
        if pk == 0:
            continue
        for j in range(k + 1):
            m = gaussian_moment(k - j)
            if m:
                out[j] += pk * math.comb(k, j) * beta**j * c ** (k - j) * m
    return out


def conditional_polynomials(p: Sequence, beta, c, ctx) -> tuple[list, list]:
    """(q, V): q(x) = E P(βx + cZ) and V(x) = Var P(βx + cZ) as coefficient lists (exact moments)."""
    q = gaussian_shift_poly(p, beta, c, ctx)
    second = gaussian_shift_poly(poly_mul(p, p, ctx), beta, c, ctx)
    qq = poly_mul(q, q, ctx)
    v = [s - (qq[i] if i < len(qq) else 0) for i, s in enumerate(second)]
    return q, v


def polynomial_moment(p: Sequence, var, ctx):
    """E p(X) for X ~ N(0, var), exactly."""
    return ctx.fsum(pk * ctx.mpf(var) ** (k // 2) * gaussian_moment(k) for k, pk in enumerate(p) if k % 2 == 0)


# --- width-free errors (Lemma 2.6's right side) ------------------------------------------------------

def _covariance(var_x, cov, var_y, ctx):
    """β = cov/var_x and the conditional standard deviation c of Y given X (β = 0 when var_x = 0)."""
    var_x, cov, var_y = ctx.mpf(var_x), ctx.mpf(cov), ctx.mpf(var_y)
    if var_x == 0:
        return ctx.mpf(0), ctx.sqrt(max(var_y, 0))
    beta = cov / var_x
    return beta, ctx.sqrt(max(ctx.mpf(0), var_y - cov * cov / var_x))


def bind_activation(name: str, ctx) -> tuple[Callable, tuple]:
    """(x ↦ σ(x), kinks) of a registry activation in `ctx`; the normalising factor is computed once."""
    base_name, _, variant = name.partition("/")
    base = ref_act.BASE_ACTIVATIONS[base_name]
    scale = 1 / ctx.sqrt(ref_act.norm2_of(base, ctx)) if variant == "normalised" else ctx.mpf(1)
    return (lambda x: scale * base.f(x, ctx)), base.kinks


def bind_polynomial(p: Sequence) -> Callable:
    """A polynomial (ascending monomial coefficients) as a binder ctx ↦ (x ↦ P(x), no kinks)."""
    coeffs = list(p)

    def bind(ctx):
        desc = [ctx.mpf(a) for a in reversed(coeffs)]
        return (lambda x: ctx.polyval(desc, x)), ()

    return bind


def mean_square_against_polynomial(bind: Callable, p: Sequence, var_x, cov, var_y, ctx):
    """E (f(X) − P(Y))² for a centred Gaussian pair (Var X, Cov, Var Y).

    `bind(ctx)` gives (f, kinks) with f smooth between the kinks; P has ascending monomial coefficients `p`.
    Conditioning on X: E[(f(X) − P(Y))² | X] = (f(X) − q(X))² + V(X). The first term is integrated by the
    composite Gauss–Legendre rule; E V(X) is a finite sum of exact Gaussian moments, computed with enough
    extra digits for the cancellation E P(Y)² − q² (about 2·log10(1/c) + 2 deg digits)."""
    deg = len(p) - 1
    beta, c = _covariance(var_x, cov, var_y, ctx)
    lost = 2 * deg + (2 * int(-ctx.log10(c)) if 0 < c < 1 else 0)
    wm = _work(ctx, GUARD_DIGITS + lost)
    pm = [wm.mpf(a) for a in p]
    beta_m, c_m = _covariance(var_x, cov, var_y, wm)
    q, v = conditional_polynomials(pm, beta_m, c_m, wm)
    variance_term = polynomial_moment(v, var_x, wm)
    w = _work(ctx)
    f, kinks = bind(w)
    qd = [w.mpf(a) for a in reversed(q)]
    sx = w.sqrt(w.mpf(var_x))
    if sx == 0:
        return ctx.mpf((f(w.mpf(0)) - qd[-1]) ** 2 + variance_term)
    nodes, weights = gaussian_rule(w, [w.mpf(k) / sx for k in kinks], target_dps=int(ctx.dps))
    total = w.fsum(wt * (f(sx * t) - w.polyval(qd, sx * t)) ** 2 for t, wt in zip(nodes, weights, strict=True))
    return ctx.mpf(total + variance_term)


def rms_against_polynomial(bind: Callable, p: Sequence, var_x, cov, var_y, ctx):
    return ctx.sqrt(max(ctx.mpf(0), mean_square_against_polynomial(bind, p, var_x, cov, var_y, ctx)))


#: Piecewise-linear activations as α x + γ |x| (before normalisation): relu = (x + |x|)/2.
PIECEWISE_LINEAR = {"relu": (0.5, 0.5), "relu_sqrt2": ("sqrt2/2", "sqrt2/2"), "abs": (0, 1)}


def piecewise_linear_form(name: str, ctx) -> tuple:
    """(α, γ) with σ(x) = α x + γ |x| for a piecewise-linear registry activation (normalised if named so)."""
    base = name.split("/")[0]
    if base not in PIECEWISE_LINEAR:
        raise KeyError(f"{name} is not one of the piecewise-linear activations {sorted(PIECEWISE_LINEAR)}")
    alpha, gamma = (ctx.sqrt(2) / 2 if v == "sqrt2/2" else ctx.mpf(v) for v in PIECEWISE_LINEAR[base])
    if name.endswith("/normalised"):
        s = 1 / ctx.sqrt(ref_act.norm2_of(ref_act.BASE_ACTIVATIONS[base], ctx))
        alpha, gamma = alpha * s, gamma * s
    return alpha, gamma


def abs_cross_moment(var_x, cov, var_y, ctx):
    """E|X||Y| = (2/π)(sqrt(var_x var_y − cov²) + cov · arcsin(cov / sqrt(var_x var_y)))."""
    var_x, cov, var_y = ctx.mpf(var_x), ctx.mpf(cov), ctx.mpf(var_y)
    prod = var_x * var_y
    if prod == 0:
        return ctx.mpf(0)
    rho = max(ctx.mpf(-1), min(ctx.mpf(1), cov / ctx.sqrt(prod)))
    return 2 / ctx.pi * (ctx.sqrt(max(ctx.mpf(0), prod - cov * cov)) + cov * ctx.asin(rho))


def mean_square_piecewise_linear(f_name: str, g_name: str, var_x, cov, var_y, ctx):
    """E (σ_f(X) − σ_g(Y))² in closed form for piecewise-linear σ_f, σ_g (E X|Y| = 0 by symmetry)."""
    w = _work(ctx)
    af, gf = piecewise_linear_form(f_name, w)
    ag, gg = piecewise_linear_form(g_name, w)
    vx, c, vy = w.mpf(var_x), w.mpf(cov), w.mpf(var_y)
    value = ((af**2 + gf**2) * vx + (ag**2 + gg**2) * vy - 2 * af * ag * c
             - 2 * gf * gg * abs_cross_moment(vx, c, vy, w))
    return ctx.mpf(max(w.mpf(0), value))


def rms_piecewise_linear(f_name: str, g_name: str, var_x, cov, var_y, ctx):
    return ctx.sqrt(mean_square_piecewise_linear(f_name, g_name, var_x, cov, var_y, ctx))


def lam(n: int, ctx, *, two_sign=1, nine=9):
    """λ(n) = 2^{2n+1} (9 (4n − 1)!!)^{1/4} (Lemma 2.11); `two_sign`, `nine` are the mutable constants."""
    from reference.hermite import double_factorial

    return ctx.mpf(2) ** (two_sign * (2 * n + 1)) * (ctx.mpf(nine) * double_factorial(4 * n - 1)) ** (
        ctx.mpf(1) / 4)


# --- Lemma 2.6, second relation: integrate over one Xavier row --------------------------------------

def row_mean_square(f: Sequence, g: Sequence, x: Sequence, y: Sequence, ctx, *, variance=None):
    """E_w (F(w·x) − G(w·y))², w ∈ R^d with i.i.d. N(0, variance) entries (Xavier: variance = 1/d).

    F, G are polynomials (monomial coefficients); a product Gauss–Hermite rule with m = deg + 1 nodes per
    coordinate is exact for this integrand (degree 2·deg in each coordinate)."""
    d = len(x)
    variance = ctx.mpf(1) / d if variance is None else ctx.mpf(variance)
    s = ctx.sqrt(variance)
    m = max(len(f), len(g))
    z, wz = gauss_hermite(m, ctx)
    import itertools

    total = []
    for idx in itertools.product(range(m), repeat=d):
        weight = ctx.fprod(wz[i] for i in idx)
        row = [s * z[i] for i in idx]
        u = ctx.fsum(r * xi for r, xi in zip(row, x, strict=True))
        v = ctx.fsum(r * yi for r, yi in zip(row, y, strict=True))
        total.append(weight * (poly_eval(f, u, ctx) - poly_eval(g, v, ctx)) ** 2)
    return ctx.fsum(total)


# --- Lemma 2.10: the proof's joint projection ----------------------------------------------------------

def normalised_norm(v: Sequence, ctx):
    return ctx.sqrt(ctx.fsum(ctx.mpf(t) ** 2 for t in v) / len(v))


def _sub(a, b, ctx):
    return [ctx.mpf(s) - ctx.mpf(t) for s, t in zip(a, b, strict=True)]


def project_sphere(x: Sequence, radius, ctx) -> list:
    """Nearest point of {‖y‖ = radius} (normalised norm); for x = 0 the first basis direction (any point is)."""
    r = normalised_norm(x, ctx)
    if r == 0:
        return [ctx.mpf(radius) * ctx.sqrt(len(x))] + [ctx.mpf(0)] * (len(x) - 1)
    return [ctx.mpf(radius) * ctx.mpf(t) / r for t in x]


def project_points(x: Sequence, points: Sequence[Sequence], ctx) -> list:
    """Nearest point of a finite set (the first one among exact ties)."""
    best, best_d = None, None
    for p in points:
        dist = normalised_norm(_sub(x, p, ctx), ctx)
        if best_d is None or dist < best_d:
            best, best_d = [ctx.mpf(t) for t in p], dist
    return best


def joint_projection(x1: Sequence, x2: Sequence, project: Callable, ctx) -> dict:
    """The construction in the proof of Lemma 2.10; returns x̃1, x̃2, the distances to A and the case."""
    p1, p2 = project(x1), project(x2)
    d1, d2 = normalised_norm(_sub(x1, p1, ctx), ctx), normalised_norm(_sub(x2, p2, ctx), ctx)
    swapped = d1 > d2  # "assume w.l.o.g. that ‖x1 − P(x1)‖ <= ‖x2 − P(x2)‖"
    if swapped:
        x1, x2, p1, p2, d1, d2 = x2, x1, p2, p1, d2, d1
    gap = normalised_norm(_sub(x1, x2, ctx), ctx)
    if d2 <= gap:  # Case I
        t1, t2, case = p1, p2, "I"
    else:  # Case II
        t1, t2, case = p1, p1, "II"
    if swapped:
        t1, t2, d1, d2 = t2, t1, d2, d1
    return {"t1": t1, "t2": t2, "d1": d1, "d2": d2, "case": case}
