"""High-precision quantities for the random-network claims of daniely2023 (Sec. 1.1, 2.4–2.6).

Everything here is either exact (Hermite algebra, Gaussian moments, closed-form tails) or a deterministic
quadrature with a stated accuracy; nothing is Monte Carlo. Never imports torch. Every function takes a
local mpmath context ``ctx``.

* ``rms_shadow_error``: √E(σ(X) − σ_n(X))², the Lemma-2.6/2.7 root mean square; by Jensen and Lemma 2.8 it
  bounds E_W‖Φ²(x) − Φ^{2,n}(x)‖ at every width (a width-free reference for depth 2).
* ``wide_limit_error``: lim_{widths→∞} E_W‖Φ^i(x) − Φ^{i,n}(x)‖ via the correlation recursion of the two
  networks' pre-activations (Mehler's formula, eq. (2)).
* ``truncation_probability_bound``: the union bound on Pr(some entry of W⃗ exceeds Σ_j d_j) (Φ̃^{i,n}).
* ``true_moment_bound`` / ``shadow_moment_bound``: the explicit width-free constants that the induction in
  the proof of Claim 1 produces.
* ``shadow_norm_moments`` / ``shadow_moment_exact``: the exact moments E‖Ψ^{j,n}‖^{2r} of the shadow network
  at given widths (σ_n is a polynomial, so every moment is a finite sum of Gaussian moments);
  ``homogeneous_norm_moments`` and ``first_layer_norm_moments``: the same for the network itself when σ is
  positively homogeneous, or in the first layer.
* ``truncation_sum_upper``: a certified upper bound on Lemma 2.14's left side (Cauchy–Schwarz, the union
  bound and Markov's inequality with those exact moments).
* ``second_moment_narrow``: E (output of a layer-j neuron)² for a Xavier network whose hidden width is 1.
* ``sine_*``: σ(x) = sin(ωx)/‖sin(ω·)‖, a Lipschitz normalised activation with closed-form Hermite
  coefficients a_k = (−1)^{(k−1)/2} ω^k e^{−ω²/2}/√(k!) (odd k), used for the depth-1 case of Theorem 1.1.
"""

from __future__ import annotations

import math
from functools import cache

from reference.gaussian import gauss_legendre_nodes
from reference.hermite import gaussian_moment, hermite_e_coefficients

from . import _activations as acts

# --- activation constants ------------------------------------------------------------------------------


def lipschitz(name: str, ctx):
    """Exact Lipschitz constant of a registry activation (normalised variants: base L / ‖base‖, ‖·‖ from the
    precomputed table, which is much faster than re-integrating ‖σ‖² at 60 digits)."""
    if name.endswith("/normalised"):
        base = acts.BASE_ACTIVATIONS[name.split("/")[0]]
        return base.lipschitz(ctx) / ctx.sqrt(acts.norm2_of(base, ctx))
    return acts.get(name).lipschitz(ctx)


def sigma_at_zero(name: str, ctx):
    """σ(0), scaled like the activation (σ(0) = 0 for every registry activation, but computed, not
    assumed)."""
    act = acts.get(name)
    if name.endswith("/normalised"):
        base = acts.BASE_ACTIVATIONS[name.split("/")[0]]
        return base.f(ctx.mpf(0), ctx) / ctx.sqrt(acts.norm2_of(base, ctx))
    return act.f(ctx.mpf(0), ctx)


def epsilon(name: str, n: int, ctx):
    """ε_σ(n) = Σ_{k>n} a_k² (reference registry, tail by ‖σ‖² − Σ_{k≤n} a_k² with guard digits)."""
    return acts.epsilon_sigma(acts.get(name), n, ctx)


# --- shadow-network errors -----------------------------------------------------------------------------


def rms_shadow_error(name: str, n: int, ctx):
    """√E(σ(X) − σ_n(X))², X ~ N(0, 1), from the Hermite expansion (no use of ‖σ‖ = 1):
    Σ_{k≤n} a_k² (1 − 1/√s)² + (‖σ‖² − s), s = Σ_{k≤n} a_k² (orthonormality of h_k)."""
    act = acts.get(name)
    coeffs = acts.hermite_coefficients(act, n, ctx)
    s = ctx.fsum(a * a for a in coeffs)
    tail = acts.norm2_of(act, ctx) - s
    return ctx.sqrt(s * (1 - 1 / ctx.sqrt(s)) ** 2 + tail)


def wide_limit_error(name: str, n: int, depth: int, ctx):
    """lim_{d_1,…,d_i→∞} E_W‖Φ^i(x) − Φ^{i,n}(x)‖ for x ∈ S̃^{d−1} and a normalised σ (‖σ‖ = 1).

    At infinite width each layer's pre-activation pair (Φ^j_k, Φ^{j,n}_k) is a centred Gaussian pair with
    unit variances (‖σ‖ = ‖σ_n‖ = 1) and correlation ρ_{j−1}, where ρ_0 = ⟨x, x⟩ = 1 and, by eq. (2),
    ρ_j = E σ(X) σ_n(Y) = Σ_{k≤n} a_k² ρ_{j−1}^k / √s. Both top layers are linear, so
    ‖Φ^i − Φ^{i,n}‖² → ‖Ψ^{i−1} − Ψ^{i−1,n}‖² → 2 − 2ρ_{i−1} (and 0 for i = 1)."""
    act = acts.get(name)
    if abs(acts.norm2_of(act, ctx) - 1) > ctx.mpf(10) ** (-(ctx.dps - 5)):
        raise ValueError(f"wide_limit_error needs a normalised activation, got {name!r}")
    coeffs = acts.hermite_coefficients(act, n, ctx)
    sq = [a * a for a in coeffs]
    root_s = ctx.sqrt(ctx.fsum(sq))
    rho = ctx.mpf(1)
    for _ in range(depth - 1):
        rho = ctx.fsum(c * rho**k for k, c in enumerate(sq)) / root_s
    return ctx.sqrt(max(ctx.mpf(0), 2 - 2 * rho)) if depth > 1 else ctx.mpf(0)


def truncation_probability_bound(dims, ctx):
    """Union bound on Pr(A), A = "some entry of W⃗ is greater than Σ_j d_j" (one-sided, as printed), for
    Xavier W^j ∈ R^{d_j × d_{j−1}} with N(0, 1/d_{j−1}) entries: Σ_j d_j d_{j−1} · ½ erfc(d̄ √d_{j−1} /
    √2)."""
    dbar = sum(dims)
    return ctx.fsum(dims[j] * dims[j - 1] * ctx.erfc(dbar * ctx.sqrt(dims[j - 1]) / ctx.sqrt(2)) / 2
                    for j in range(1, len(dims)))


# --- Claim 1: the proof's width-free constants ---------------------------------------------------------


def true_moment_bound(name: str, depth: int, ctx, *, sigma0_coeff=2, lipschitz_coeff=2):
    """M_i of the proof of Claim 1: M_0 = ‖x‖² = 1, M_j = 2σ²(0) + 2L² M_{j−1} (coefficients overridable)."""
    s0, lip = sigma_at_zero(name, ctx), lipschitz(name, ctx)
    m = ctx.mpf(1)
    for _ in range(depth):
        m = sigma0_coeff * s0 * s0 + lipschitz_coeff * lip * lip * m
    return m


def shadow_monomial_coefficients(name: str, n: int, ctx) -> list:
    """b_0..b_n with σ_n(x) = Σ_k b_k x^k (exact He_j integer coefficients, h_j = He_j/√(j!))."""
    coeffs = acts.hermite_coefficients(acts.get(name), n, ctx)
    norm = ctx.sqrt(ctx.fsum(a * a for a in coeffs))
    b = [ctx.mpf(0)] * (n + 1)
    for j, a in enumerate(coeffs):
        scale = a / ctx.sqrt(ctx.mpf(math.factorial(j))) / norm
        for k, c in enumerate(hermite_e_coefficients(j)):
            b[k] += scale * c
    return b


def _poly_power(p: list, e: int, ctx) -> list:
    out = [ctx.mpf(1)]
    for _ in range(e):
        nxt = [ctx.mpf(0)] * (len(out) + len(p) - 1)
        for i, u in enumerate(out):
            for j, v in enumerate(p):
                nxt[i + j] += u * v
        out = nxt
    return out


def scaled_gaussian_power_moment(b: list, k: int, ctx) -> list:
    """c_0..c_{k·deg}: E p(rZ)^{2k} = Σ_m c_m r^{2m} for p(x) = Σ b_t x^t (E Z^{2m} = (2m − 1)!!, eq. (4))."""
    e = _poly_power(b, 2 * k, ctx)
    return [e[2 * m] * gaussian_moment(2 * m) for m in range((len(e) + 1) // 2)]


def _poly_mul(p: list, q: list, ctx) -> list:
    out = [ctx.mpf(0)] * (len(p) + len(q) - 1)
    for i, u in enumerate(p):
        for j, v in enumerate(q):
            out[i + j] += u * v
    return out


class _EvenPowerMoments:
    """r ↦ scaled_gaussian_power_moment(b, r) for increasing r, building p^{2r} = p^{2r−2}·p²
    incrementally."""

    def __init__(self, b: list, ctx):
        self.ctx, self.square = ctx, _poly_power(b, 2, ctx)
        self.powers = [[ctx.mpf(1)]]
        self.cache: dict[int, list] = {}

    def __call__(self, r: int) -> list:
        if r not in self.cache:
            while len(self.powers) <= r:
                self.powers.append(_poly_mul(self.powers[-1], self.square, self.ctx))
            e = self.powers[r]
            self.cache[r] = [e[2 * m] * gaussian_moment(2 * m) for m in range((len(e) + 1) // 2)]
        return self.cache[r]


def shadow_moment_bound(name: str, n: int, depth: int, ctx):
    """B_i(1) of the proof of Claim 1 (E‖Ψ^{i,n}(x)‖² ≤ B_i(1) at every width).

    B_0(k) = ‖x‖^{2k} = 1; B_j(k) = Σ_m max(c^{(k)}_m, 0) B_{j−1}(m), where E_w σ_n^{2k}(wᵀu) = Σ_m c^{(k)}_m
    ‖u‖^{2m} (w ~ N(0, I/d) gives wᵀu ~ N(0, ‖u‖²)), after the proof's Jensen step (mean of squares)^k ≤ mean
    of 2k-th powers; dropping negative coefficients keeps an upper bound because E‖u‖^{2m} ≥ 0."""
    moments = _EvenPowerMoments(shadow_monomial_coefficients(name, n, ctx), ctx)
    memo: dict[tuple[int, int], object] = {}

    def bound(j: int, k: int):
        if j == 0:
            return ctx.mpf(1)
        if (j, k) not in memo:
            c = moments(k)
            memo[(j, k)] = ctx.fsum(cm * bound(j - 1, m) for m, cm in enumerate(c) if cm > 0)
        return memo[(j, k)]

    return bound(depth, 1)


def _partition_terms(power: int, conditional, ctx, max_parts: int | None = None) -> list:
    """[(ℓ, polynomial)] over the partitions λ ⊢ power with at most ``max_parts`` parts:
    m!/(Π λ_i!)/(Π_r mult_r!) · Π_i conditional(λ_i)."""
    from sympy.utilities.iterables import partitions

    out = []
    for parts in partitions(power, m=max_parts):
        coeff = ctx.mpf(math.factorial(power))
        term = [ctx.mpf(1)]
        for part, mult in parts.items():
            coeff /= ctx.mpf(math.factorial(part)) ** mult * math.factorial(mult)
            for _ in range(mult):
                term = _poly_mul(term, conditional(part), ctx)
        out.append((sum(parts.values()), [coeff * t for t in term]))
    return out


def _mean_power(d: int, power: int, conditional, ctx, terms: list | None = None) -> list:
    """E[T^power] for the mean T of d i.i.d. copies of Y, as a polynomial (coefficient list) in whatever
    ``conditional(r)`` — the polynomial E[Y^r] — depends on. Partition expansion: E[(Σ_k Y_k)^m] = Σ_{λ ⊢ m}
    m!/(Π λ_i!) · 1/(Π_r mult_r!) · d^{(ℓ)} · Π_i E[Y^{λ_i}], with d^{(ℓ)} the falling factorial and ℓ the
    number of parts; ``terms`` may pass precomputed ``_partition_terms``."""
    terms = _partition_terms(power, conditional, ctx, min(d, power)) if terms is None else terms
    poly = [ctx.mpf(0)]
    for length, term in terms:
        if length > d:
            continue
        falling = math.prod(range(d - length + 1, d + 1))
        size = max(len(poly), len(term))
        poly = [(poly[t] if t < len(poly) else 0) + (falling * term[t] if t < len(term) else 0)
                for t in range(size)]
    scale = ctx.mpf(d) ** power
    return [c / scale for c in poly]


@cache
def _shadow_partition_terms(name: str, n: int, power: int, max_parts: int,
                            dps: int) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """``_partition_terms`` for σ_n², cached across widths (a width d ≥ ℓ only enters through the falling
    factorial d^{(ℓ)}); stored as strings so that no mpf crosses contexts."""
    conditional = _shadow_conditional(name, n, dps)
    work = conditional.ctx
    return tuple((length, tuple(work.nstr(c, dps) for c in poly))
                 for length, poly in _partition_terms(power, conditional, work, max_parts))


@cache
def _shadow_conditional(name: str, n: int, dps: int) -> _EvenPowerMoments:
    """E[σ_n(√q Z)^{2r}] as polynomials in q, in a private context at ``dps`` digits (cached)."""
    import mpmath

    work = mpmath.MPContext()
    work.dps = dps
    return _EvenPowerMoments(shadow_monomial_coefficients(name, n, work), work)


def shadow_norm_moments(name: str, n: int, widths, r_max: int, ctx) -> list:
    """[[E‖Ψ^{j,n}‖^{2r} for r = 0..r_max] for j = 1..len(widths)], x ∈ S̃^{d−1}, σ_n on every layer, exactly.

    Given q = ‖Ψ^{j−1,n}‖², the d_j values Y_k = σ_n(w_kᵀΨ^{j−1,n})² are i.i.d. with E[Y^r | q] a polynomial
    in q (``scaled_gaussian_power_moment``), so E[‖Ψ^{j,n}‖^{2r} | q] is one too (``_mean_power``) and the
    recursion closes on the moments of ‖Ψ^{j−1,n}‖², starting from ‖x‖² = 1. No Jensen step (cf.
    shadow_moment_bound)."""
    memo: dict[tuple[int, int], object] = {}
    dps = int(ctx.dps) + 10  # guard digits: the central moments downstream cancel

    def moment(layer: int, power: int):
        if layer == 0 or power == 0:
            return ctx.mpf(1)
        if (layer, power) not in memo:
            max_parts = min(widths[layer - 1], power)
            terms = [(length, [ctx.mpf(c) for c in poly])
                     for length, poly in _shadow_partition_terms(name, n, power, max_parts, dps)]
            poly = _mean_power(widths[layer - 1], power, None, ctx, terms)
            memo[(layer, power)] = ctx.fsum(c * moment(layer - 1, t) for t, c in enumerate(poly))
        return memo[(layer, power)]

    return [[moment(j, r) for r in range(r_max + 1)] for j in range(1, len(widths) + 1)]


def shadow_moment_exact(name: str, n: int, widths, ctx, m: int = 1):
    """E‖Ψ^{i,n}_W⃗(x)‖^{2m} exactly (hidden and output widths d_1, …, d_i); see ``shadow_norm_moments``."""
    return shadow_norm_moments(name, n, widths, m, ctx)[-1][m]


def homogeneous_norm_moments(name: str, widths, r_max: int, ctx) -> list:
    """[[E‖Ψ^j‖^{2r} for r = 0..r_max] for j = 1..len(widths)] for a positively homogeneous σ, exactly.

    σ(tz) = tσ(z) for t ≥ 0 gives σ(w_kᵀΨ^{j−1}) = ‖Ψ^{j−1}‖ σ(Z_k) with Z_k i.i.d. N(0, 1) independent of
    layers < j, so ‖Ψ^j‖² = ‖Ψ^{j−1}‖² U_j, U_j the mean of d_j i.i.d. σ(Z)²; E σ(Z)^{2s} = (σ(1)^{2s} +
    σ(−1)^{2s}) (2s − 1)!!/2."""
    act = acts.get(name)
    if not act.kinks or not _positively_homogeneous(act, ctx):
        raise ValueError(f"{name} is not a positively homogeneous registry activation")
    up, down = act.f(ctx.mpf(1), ctx), act.f(ctx.mpf(-1), ctx)

    def conditional(s: int) -> list:
        return [(up ** (2 * s) + down ** (2 * s)) / 2 * gaussian_moment(2 * s)]

    out, previous = [], [ctx.mpf(1)] * (r_max + 1)
    for d in widths:
        factors = [ctx.mpf(1)] + [_mean_power(d, r, conditional, ctx)[0] for r in range(1, r_max + 1)]
        previous = [p * f for p, f in zip(previous, factors, strict=True)]
        out.append(previous)
    return out


def deviation_probability_bound(moments: list, delta, ctx):
    """Pr(|1 − ‖Ψ‖| > δ) ≤ min_m E(T − 1)^{2m} / η^{2m} (Markov), T = ‖Ψ‖², η = 2δ − δ² (|1 − r| > δ implies
    |1 − r²| > 2δ − δ²); ``moments`` = [E T^0, …, E T^R], the central moments by the binomial expansion."""
    eta = 2 * ctx.mpf(delta) - ctx.mpf(delta) ** 2
    best = ctx.mpf(1)
    for m in range(1, (len(moments) - 1) // 2 + 1):
        central = ctx.fsum(math.comb(2 * m, r) * (-1) ** (2 * m - r) * moments[r] for r in range(2 * m + 1))
        best = min(best, central / eta ** (2 * m))
    return best


def activation_even_moments(name: str, s_max: int, ctx) -> list:
    """[E σ(Z)^{2s} for s = 0..s_max] by the composite rule (registry kinks sit at 0, a panel edge)."""
    return [ctx.mpf(v) for v in _activation_even_moments(name, s_max, int(ctx.dps))]


@cache
def _activation_even_moments(name: str, s_max: int, dps: int) -> tuple[str, ...]:
    import mpmath

    act = acts.get(name)
    if any(k != 0 for k in act.kinks):
        raise ValueError(f"{name}: kinks away from 0 are not panel edges of the rule")
    work = mpmath.MPContext()
    work.dps = dps + 10
    xs, ws = _gl_rule(work)
    squares = [act.f(x, work) ** 2 for x in xs]
    return tuple(work.nstr(work.fsum(w * q**s for q, w in zip(squares, ws, strict=True)), dps + 5)
                 for s in range(s_max + 1))


def first_layer_norm_moments(name: str, width: int, r_max: int, ctx) -> list:
    """[E‖Ψ^1‖^{2r} for r = 0..r_max]: ‖Ψ^1‖² is the mean of d_1 i.i.d. σ(Z)² (x ∈ S̃^{d−1}), exactly up to
    the quadrature of E σ(Z)^{2s}."""
    even = activation_even_moments(name, r_max, ctx)
    return [ctx.mpf(1)] + [_mean_power(width, r, lambda s: [even[s]], ctx)[0] for r in range(1, r_max + 1)]


def truncation_sum_upper(name: str, n: int, depth: int, width: int, d_out: int, delta, ctx, m_max: int = 5):
    """A width-dependent upper bound on Lemma 2.14's left side (x ∈ S̃^{d−1}, d_1 = … = d_{i−1} = width, d_i =
    d_out, Ψ^{i,n} = σ_n(Φ^{i,n})): E[‖Ψ^i‖1_B] + E[‖Ψ^{i,n}‖1_B] ≤ (√E‖Ψ^i‖² + √E‖Ψ^{i,n}‖²)·√Pr(B)
    (Cauchy–Schwarz, the printed proof's step), Pr(B) ≤ Σ_{j<i} [Pr(|1 − ‖Ψ^j‖| > δ) + Pr(|1 − ‖Ψ^{j,n}‖| >
    δ)] (union bound, Markov with exact moments up to order 2·m_max). The network's norms: exact moments at
    depth 2 for every σ (first layer), and at every depth for positively homogeneous σ; E‖Ψ^i‖² is exact for
    homogeneous σ and bounded by the Claim-1 constant M_i otherwise."""
    act = acts.get(name)
    homogeneous = bool(act.kinks) and _positively_homogeneous(act, ctx)
    if depth > 2 and not homogeneous:
        raise ValueError("beyond depth 2 the network's norm moments are exact only for homogeneous σ")
    hidden = (width,) * (depth - 1)
    r_max = 2 * m_max
    p_b = ctx.mpf(0)
    if hidden:
        true_moments = (homogeneous_norm_moments(name, hidden, r_max, ctx) if homogeneous
                        else [first_layer_norm_moments(name, width, r_max, ctx)])
        for moments in (*true_moments, *shadow_norm_moments(name, n, hidden, r_max, ctx)):
            p_b += deviation_probability_bound(moments, delta, ctx)
    p_b = min(ctx.mpf(1), p_b)
    top = hidden + (d_out,)
    a = (homogeneous_norm_moments(name, top, 1, ctx)[-1][1] if homogeneous
         else true_moment_bound(name, depth, ctx))
    b = shadow_moment_exact(name, n, top, ctx)
    return (ctx.sqrt(a) + ctx.sqrt(b)) * ctx.sqrt(p_b)


# --- Sec. 1.1: second moment of a neuron's output in a narrow Xavier network -----------------------------

#: Registry activations of the form σ(x) = c·erf(a x) (before normalisation): for them
#: G(q) = E σ(√q Z)² = c² (2/π) arcsin(2a²q / (1 + 2a²q)) (Williams 1997), so the narrow-network moment is a
#: 1-D integral. Tests check c·erf(a x) against the registry formula.
ERF_FAMILY = {"erf_printed": ("sqrt2", "1/sqrt2"), "sigmoid_printed": ("sqrt(pi/2)", "1/sqrt2"),
              "erf_library": ("1", "1")}


def erf_family_parameters(name: str, ctx) -> tuple:
    """(c, a) with σ(x) = c·erf(a x) for the erf-type registry activations (normalised: c/‖base‖)."""
    base = name.split("/")[0]
    if base not in ERF_FAMILY:
        raise KeyError(f"{name!r} is not an erf-type activation")
    values = {"sqrt2": ctx.sqrt(2), "1/sqrt2": 1 / ctx.sqrt(2), "sqrt(pi/2)": ctx.sqrt(ctx.pi / 2),
              "1": ctx.mpf(1)}
    c, a = (values[t] for t in ERF_FAMILY[base])
    if name.endswith("/normalised"):
        c /= ctx.sqrt(acts.norm2_of(acts.BASE_ACTIVATIONS[base], ctx))
    return c, a


def _positively_homogeneous(act, ctx) -> bool:
    """σ(cx) = cσ(x) for c > 0 (checked at a few points): true for the kinked registry activations."""
    pts = [ctx.mpf(v) for v in ("-1.7", "-0.3", "0.9", "2.5")]
    return all(abs(act.f(3 * x, ctx) - 3 * act.f(x, ctx)) <= ctx.mpf(10) ** (-(ctx.dps - 5)) for x in pts)


def narrow_moment_supported(name: str) -> bool:
    """Whether ``second_moment_narrow`` has a closed-form route for this activation at layer 2."""
    return bool(acts.get(name).kinks) or name.split("/")[0] in ERF_FAMILY


#: Composite Gauss–Legendre rule for the narrow-network moments: short panels near 0 (the erf-type
#: integrands have complex singularities at |Im x| ≈ 0.35–0.5; kinks sit at 0, a panel edge) and 48 nodes
#: per panel; the Gaussian weight beyond |x| = 24 is below 1e-125 (the rule serves precisions up to ~100
#: digits). Nodes are cached per precision (mpmath's own quad caches them per context, and every
#: confirmation uses a fresh context). Tests compare with adaptive mpmath quadrature.
_GL_PANELS = (-24, -16, -10, -7, -5, -3.5, -2.5, -2, -1.75, -1.5, -1.25, -1, -0.75, -0.5, -0.25, 0,
              0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3.5, 5, 7, 10, 16, 24)
_GL_DEGREE = 5  # mpmath's degree m has 3·2^(m−1) nodes




def _gl_rule(ctx) -> tuple[list, list]:
    """Nodes and weights (Gaussian density included) of the composite rule at ctx's precision."""
    base = [(ctx.mpf(x), ctx.mpf(w)) for x, w in gauss_legendre_nodes(_GL_DEGREE, int(ctx.dps) + 10)]
    norm = 1 / ctx.sqrt(2 * ctx.pi)
    xs, ws = [], []
    for a, b in zip(_GL_PANELS[:-1], _GL_PANELS[1:], strict=True):
        half, mid = ctx.mpf(b - a) / 2, ctx.mpf(a + b) / 2
        for x, w in base:
            t = mid + half * x
            xs.append(t)
            ws.append(half * w * ctx.exp(-t * t / 2) * norm)
    return xs, ws


def gaussian_expectation_gl(f, ctx):
    """E f(X), X ~ N(0, 1), by the fixed composite Gauss–Legendre rule above (f smooth between panel
    edges)."""
    xs, ws = _gl_rule(ctx)
    return ctx.fsum(w * f(x) for x, w in zip(xs, ws, strict=True))


def second_moment_narrow(name: str, layer: int, ctx):
    """E_W⃗ (Ψ^j_k(x))² for x ∈ S̃^{d−1}, post-activation, layer j ∈ {1, 2}, hidden width d_1 = 1.

    Layer 1: Φ^1_k = w_kᵀx ~ N(0, ‖x‖²) = N(0, 1), so the moment is ‖σ‖² = G(1). Layer 2 with d_1 = 1: given
    the single hidden value s = σ(Z), Φ²_k ~ N(0, s²) and the moment is E_Z G(σ(Z)²), G(q) = E σ(√q Z)².
    Kinked registry activations are positively homogeneous (G(q) = q‖σ‖², so the moment is ‖σ‖⁴, ‖σ‖² by split
    quadrature); erf-type ones have G in closed form (ERF_FAMILY); the outer integrals use the composite
    rule."""
    if layer not in (1, 2):
        raise ValueError("second_moment_narrow covers layers 1 and 2")
    act = acts.get(name)
    if act.kinks:
        if not _positively_homogeneous(act, ctx):
            raise ValueError(f"{name}: kinked but not positively homogeneous; no closed form here")
        if any(k != 0 for k in act.kinks):
            raise ValueError(f"{name}: kinks away from 0 are not panel edges of the rule")
        norm2 = gaussian_expectation_gl(lambda x: act.f(x, ctx) ** 2, ctx)
        return norm2 if layer == 1 else norm2**2
    c, a = erf_family_parameters(name, ctx)

    def g_of(q):
        t = 2 * a * a * q
        return c * c * 2 / ctx.pi * ctx.asin(t / (1 + t))

    if layer == 1:
        return g_of(ctx.mpf(1))
    # the registry formula equals c·erf(a x) (checked in the tests), so evaluate that form directly (faster)
    return gaussian_expectation_gl(lambda x: g_of((c * ctx.erf(a * x)) ** 2), ctx)


# --- a high-frequency Lipschitz activation: sin(ωx), normalised ----------------------------------------


def sine_norm2(omega, ctx):
    """E sin(ωX)² = (1 − e^{−2ω²})/2."""
    omega = ctx.mpf(omega)
    return (1 - ctx.exp(-2 * omega * omega)) / 2


def sine_hermite_coefficient(omega, k: int, ctx):
    """a_k of sin(ωx)/‖sin(ω·)‖: E e^{iωX} He_k(X) = (iω)^k e^{−ω²/2}, so a_k = (−1)^{(k−1)/2} ω^k
    e^{−ω²/2}/√(k!) for odd k, 0 for even k (before normalisation)."""
    if k % 2 == 0:
        return ctx.mpf(0)
    omega = ctx.mpf(omega)
    sign = -1 if (k // 2) % 2 else 1
    raw = sign * omega**k * ctx.exp(-omega * omega / 2) / ctx.sqrt(ctx.factorial(k))
    return raw / ctx.sqrt(sine_norm2(omega, ctx))


def sine_epsilon(omega, n: int, ctx):
    """ε_σ(n) for σ = sin(ωx)/‖·‖, as the convergent tail Σ_{odd k>n} a_k² (no cancellation)."""
    # the a_k² follow a Poisson(ω²) profile (odd k only): stop well past its mean + 20 s.d.
    omega = ctx.mpf(omega)
    total = ctx.mpf(0)
    k = n + 1 if (n + 1) % 2 else n + 2
    stop = omega * omega + 20 * omega + 20
    while True:
        term = sine_hermite_coefficient(omega, k, ctx) ** 2
        total += term
        if k > stop and term <= total * ctx.eps:
            return total
        k += 2


def sine_epsilons(omega, n_max: int, ctx) -> list:
    """[ε_σ(0), …, ε_σ(n_max)] for σ = sin(ωx)/‖·‖ by backward accumulation of the tail (one pass)."""
    omega = ctx.mpf(omega)
    stop = int(ctx.ceil(omega * omega + 20 * omega + 20))
    k_max = max(stop, n_max + 2)
    squares = [sine_hermite_coefficient(omega, k, ctx) ** 2 for k in range(k_max + 1)]
    tails, acc = [ctx.mpf(0)] * (n_max + 1), ctx.fsum(squares[n_max + 1:])
    for n in range(n_max, -1, -1):
        tails[n] = acc
        acc += squares[n]
    return tails


def sine_lipschitz(omega, ctx):
    """sup |σ'| = ω/‖sin(ω·)‖."""
    return ctx.mpf(omega) / ctx.sqrt(sine_norm2(omega, ctx))
