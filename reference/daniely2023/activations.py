"""Closed forms for the daniely2023 activations (mpmath): dual activations, Hermite coefficients, tails
ε_σ(n) at the table's full precision, derivative norms.

Helpers for the daniely2023 activation claims.  The closed forms are classical Gaussian integrals,
independent of the quadrature behind ``reference.daniely2023._activations`` that they are compared with:

* Hermite coefficients by Gaussian integration by parts, E f(X) h_i(X) = E f^{(m)}(X) h_{i−m}(X)/√(i!/(i−m)!),
  for the activations whose m-th derivative is a Gaussian bump (a_i from the generating function of He_j)
  or a point mass (the piecewise-linear ones, He_j(0) = (−1)^{j/2} (j − 1)!!);
* arc-cosine kernels (Cho & Saul 2009): E max(X,0) max(Y,0) = (√(1−ρ²) + (π − arccos ρ) ρ)/(2π) and
  E|X||Y| = (2/π)(√(1−ρ²) + ρ arcsin ρ);
* Williams (1997): E erf(aX) erf(aY) = (2/π) arcsin(2a²ρ/(1 + 2a²)), which gives the printed "erf"
  (√2 erf(x/√2)), the Lemma-2.16 sigmoid (√(π/2) erf(x/√2)) and the library erf;
* the ReLU-like activation: Price's theorem on top of Williams' kernel, validated in the tests against a
  one-dimensional quadrature with the closed-form conditional mean E σ(a + cZ).

Every function takes a local mpmath context ``ctx``; never imports torch.
"""

from __future__ import annotations

from reference.gaussian import gaussian_expectation
from reference.hermite import double_factorial, gaussian_moment, hermite_e_coefficients

from . import _activations as ra

#: Working digits for ε_σ(n): the precomputed table holds 80 digits and serves requests up to 70.
EPSILON_WORK_DPS = ra.TABLE_DPS - 10


#: σ^{(m)} = scale · e^{−αx²/2} for these activations (order m, scale, α); Rodrigues' formula then gives
#: σ^{(k)} = scale · (−√α)^{k−m} He_{k−m}(√α x) e^{−αx²/2} for k ≥ m.
GAUSSIAN_DERIVATIVE = {
    "sigmoid_printed": (1, "1", 1),
    "erf_printed": (1, "2/sqrt(pi)", 1),
    "erf_library": (1, "2/sqrt(pi)", 2),
    "relu_like_printed": (2, "2/sqrt(pi)", 1),
}


def split(name: str) -> tuple[str, bool]:
    base, _, variant = name.partition("/")
    return base, variant == "normalised"


def epsilon(name: str, n: int, ctx):
    """ε_σ(n) = ‖σ‖² − Σ_{i≤n} a_i², always formed at EPSILON_WORK_DPS digits.

    The subtraction cancels: at w working digits the absolute error is ~10^{−w}‖σ‖², so tails of 1e-35
    (n = 100 for the Gaussian-derivative activations) need all of the table's digits whatever ctx.dps is."""
    import mpmath

    work = mpmath.MPContext()
    work.dps = max(EPSILON_WORK_DPS - 10, int(ctx.dps))  # epsilon_sigma adds 10 guard digits
    return ctx.mpf(ra.epsilon_sigma(ra.get(name), n, work))


def lipschitz(name: str, ctx):
    """The exact Lipschitz constant sup|σ'|; for σ/‖σ‖ divided by the table's ‖σ‖ (the registry's own
    normalised entry would recompute ‖σ‖ by quadrature at 60 digits)."""
    base, normalised = split(name)
    value = ra.BASE_ACTIVATIONS[base].lipschitz(ctx)
    return value / ctx.sqrt(ra.norm2_of(ra.BASE_ACTIVATIONS[base], ctx)) if normalised else value


def norm2(name: str, ctx):
    """‖σ‖² (table-backed; exactly 1 for normalised variants)."""
    return ra.norm2_of(ra.get(name), ctx)


# --- dual activations ---------------------------------------------------------------------------------

def _williams(a2, rho, ctx):
    """E erf(aX) erf(aY) for Corr(X, Y) = ρ (Williams 1997), given a² = a2."""
    return 2 / ctx.pi * ctx.asin(2 * a2 * rho / (1 + 2 * a2))


def _relu_like_conditional_mean(a, c, ctx):
    """E σ(a + cZ) for σ(x) = x + x·E(x) + (2/√π)(e^{−x²/2} − 1), E(x) = √2 erf(x/√2) (the printed erf).

    With s² = 1 + c²: E E(a + cZ) = √2 erf(a/(√2 s)); Stein's lemma gives
    E cZ·E(a + cZ) = c² E E'(a + cZ) = c² (2/√π) e^{−a²/(2s²)}/s; and E e^{−(a+cZ)²/2} = e^{−a²/(2s²)}/s."""
    s = ctx.sqrt(1 + c * c)
    bump = ctx.exp(-a * a / (2 * s * s)) / s
    mean_erf = ctx.sqrt(2) * ctx.erf(a / (ctx.sqrt(2) * s))
    two_over_root_pi = 2 / ctx.sqrt(ctx.pi)
    return a + a * mean_erf + c * c * two_over_root_pi * bump + two_over_root_pi * (bump - 1)


def relu_like_dual_quadrature(rho, ctx):
    """E σ(X)σ(Y) for the ReLU-like activation by one-dimensional quadrature (slow; used to validate the
    closed form below)."""
    act = ra.get("relu_like_printed")
    rho = ctx.mpf(rho)
    c = ctx.sqrt(max(ctx.mpf(0), 1 - rho * rho))
    return gaussian_expectation(lambda x: act.f(x, ctx) * _relu_like_conditional_mean(rho * x, c, ctx), ctx)


def _relu_like_dual(rho, ctx):
    """Closed form for the ReLU-like activation σ = ∫_0^x (E(t) + 1) dt, E = √2 erf(·/√2).

    Price's theorem (d/dρ E f(X)f(Y) = E f'(X)f'(Y)) with σ' = E + 1 and Williams' kernel
    E E(X)E(Y) = (4/π) arcsin(ρ/2) gives σ̂(ρ) = a_0² + ρ + (4/π)(ρ arcsin(ρ/2) + √(4 − ρ²) − 2), where
    a_0 = E σ(X) = (2/√π)(√2 − 1).  Validated against ``relu_like_dual_quadrature`` in the tests."""
    a0 = 2 / ctx.sqrt(ctx.pi) * (ctx.sqrt(2) - 1)
    return a0 * a0 + rho + 4 / ctx.pi * (rho * ctx.asin(rho / 2) + ctx.sqrt(4 - rho * rho) - 2)


def dual(name: str, rho, ctx):
    """σ̂(ρ) = E σ(X) σ(Y), (X, Y) standard Gaussians with correlation ρ ∈ [−1, 1], in closed form."""
    base, normalised = split(name)
    rho = ctx.mpf(rho)
    root = ctx.sqrt(max(ctx.mpf(0), 1 - rho * rho))
    if base == "relu":
        value = (root + (ctx.pi - ctx.acos(rho)) * rho) / (2 * ctx.pi)
    elif base == "relu_sqrt2":
        value = (root + (ctx.pi - ctx.acos(rho)) * rho) / ctx.pi
    elif base == "abs":
        value = 2 / ctx.pi * (root + rho * ctx.asin(rho))
    elif base == "erf_printed":  # √2 erf(x/√2): a² = 1/2
        value = 2 * _williams(ctx.mpf(1) / 2, rho, ctx)
    elif base == "sigmoid_printed":  # √(π/2) erf(x/√2)
        value = ctx.pi / 2 * _williams(ctx.mpf(1) / 2, rho, ctx)
    elif base == "erf_library":
        value = _williams(ctx.mpf(1), rho, ctx)
    elif base == "relu_like_printed":
        value = _relu_like_dual(rho, ctx)
    else:
        raise KeyError(f"no closed-form dual activation for {name!r}")
    if normalised:
        value = value / ra.norm2_of(ra.BASE_ACTIVATIONS[base], ctx)
    return value


DUAL_NAMES = ("relu", "relu_sqrt2", "abs", "erf_printed", "sigmoid_printed", "erf_library",
              "relu_like_printed")


# --- Hermite coefficients in closed form -----------------------------------------------------------------

def closed_form_coefficients(name: str, n_max: int, ctx) -> list:
    """a_0..a_{n_max} from integration by parts (see the module docstring); normalised variants ÷ ‖σ‖."""
    base, normalised = split(name)
    a = [ctx.mpf(0)] * (n_max + 1)
    if base in GAUSSIAN_DERIVATIVE:
        order, scale_text, alpha = GAUSSIAN_DERIVATIVE[base]
        scale = ctx.mpf(1) if scale_text == "1" else 2 / ctx.sqrt(ctx.pi)
        beta = ctx.mpf(alpha) / (2 * (1 + alpha))
        for i in range(order, n_max + 1, 2):  # b_j = E e^{−αX²/2} h_j(X) vanishes for odd j
            t = (i - order) // 2
            b = (-beta) ** t * ctx.sqrt(ctx.factorial(2 * t)) / ctx.factorial(t) / ctx.sqrt(1 + alpha)
            a[i] = scale * b / ctx.sqrt(ctx.factorial(i) / ctx.factorial(i - order))
        if base == "relu_like_printed":
            a[0] = 2 / ctx.sqrt(ctx.pi) * (ctx.sqrt(2) - 1)  # E σ(X)
            if n_max >= 1:
                a[1] = ctx.mpf(1)  # E σ'(X) = E(E(X) + 1)
    elif base in ("relu", "relu_sqrt2", "abs"):
        factor = {"relu": ctx.mpf(1), "relu_sqrt2": ctx.sqrt(2), "abs": ctx.mpf(2)}[base]
        phi0 = 1 / ctx.sqrt(2 * ctx.pi)
        a[0] = factor * phi0
        if n_max >= 1:
            a[1] = ctx.mpf(0) if base == "abs" else factor / 2  # |x| = 2 max(x, 0) − x
        for k in range(2, n_max + 1, 2):  # max(x, 0)'' = δ_0: a_k = φ(0) He_{k−2}(0)/√(k!)
            t = (k - 2) // 2
            a[k] = factor * phi0 * (-1) ** t * double_factorial(2 * t - 1) / ctx.sqrt(ctx.factorial(k))
    else:
        raise KeyError(f"no closed-form Hermite coefficients for {name!r}")
    if normalised:
        norm = ctx.sqrt(dual(base, 1, ctx))
        a = [x / norm for x in a]
    return a



def closed_form_tail(name: str, n: int, ctx):
    """Σ_{i>n} a_i² from the closed-form coefficients.

    Gaussian-derivative activations (a_i² decays like 2^{−i}, or (2/3)^i for the library erf): summed
    directly to i = n + 400, no use of Parseval (the remainder is below (2/3)^{400} relative).
    Piecewise-linear ones (a_i² ~ i^{−5/2}, too slow to sum): the closed-form norm E σ² = σ̂(1) minus the
    closed-form partial sum."""
    base, normalised = split(name)
    if base in GAUSSIAN_DERIVATIVE:
        a = closed_form_coefficients(name, n + 400, ctx)
        return ctx.fsum(x * x for x in a[n + 1:])
    a = closed_form_coefficients(name, n, ctx)
    total = ctx.mpf(1) if normalised else dual(base, 1, ctx)
    return total - ctx.fsum(x * x for x in a)


def series(name: str, rho, ctx, n_terms: int = ra.TABLE_N):
    """(Σ_{i≤N} a_i² ρ^i, Σ_{i≤N} a_i² |ρ|^i): the truncated dual series and the size of its terms."""
    coeffs = ra.hermite_coefficients(ra.get(name), n_terms, ctx)
    rho = ctx.mpf(rho)
    terms = [a * a * rho**i for i, a in enumerate(coeffs)]
    return ctx.fsum(terms), ctx.fsum(abs(t) for t in terms)


# --- derivatives of the Gaussian-derivative activations ---------------------------------------------------



def derivative_norm2(name: str, k: int, ctx):
    """‖σ^{(k)}‖² = E σ^{(k)}(X)², k ≥ 1, exactly (Rodrigues' formula and Gaussian moments).

    E He_j(√α X)² e^{−αX²} = (1 + 2α)^{−1/2} E He_j(√α Y)², Y ~ N(0, 1/(1 + 2α)), expanded in exact integer
    Hermite coefficients and moments.  The ReLU-like activation at k = 1: σ' = 1 + E with E odd, so
    ‖σ'‖² = 1 + ‖E‖² = 1 + (4/π) arcsin(1/2)."""
    base, normalised = split(name)
    order, scale_text, alpha = GAUSSIAN_DERIVATIVE[base]
    scale = ctx.mpf(1) if scale_text == "1" else 2 / ctx.sqrt(ctx.pi)
    if k < order:  # only the ReLU-like activation at k = 1
        value = 1 + 4 / ctx.pi * ctx.asin(ctx.mpf(1) / 2)
    else:
        j = k - order
        coeffs = hermite_e_coefficients(j)
        var = ctx.mpf(1) / (1 + 2 * alpha)
        expectation = ctx.fsum(
            cp * cq * ctx.mpf(alpha) ** ((p + q) // 2) * var ** ((p + q) // 2) * gaussian_moment(p + q)
            for p, cp in enumerate(coeffs) for q, cq in enumerate(coeffs) if (p + q) % 2 == 0)
        value = scale**2 * ctx.mpf(alpha) ** j * expectation / ctx.sqrt(1 + 2 * alpha)
    if normalised:
        value = value / ra.norm2_of(ra.BASE_ACTIVATIONS[base], ctx)
    return value
