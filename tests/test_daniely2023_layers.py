"""daniely2023 Sec. 2.5–2.6 (claims/daniely2023/layers.py): every mutant is flagged, the torch kernels agree
with the mpmath reference, and the new reference mathematics agrees with independent known values."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
import torch
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from scipy import stats

from checks.engine.context import mp_context as _ctx
from checks.specs import Batch
from claims.daniely2023 import layers
from claims.daniely2023.fast import _activations as fast_act
from claims.daniely2023.fast import layers as F
from reference.daniely2023 import _activations as ref_act
from reference.daniely2023 import layers as L

F64 = {"device": "cpu", "dtype": torch.float64}






# --- fast path vs reference -------------------------------------------------------------------------

#: Loadings (s_x, a, b): X = s_x Z1, Y = a Z1 + b Z2; the reference gets the covariance in mpmath.
_loadings = st.tuples(st.floats(0.5, 1.5), st.floats(-1.5, 1.5), st.floats(0.0, 1.5))


def _covariance(load, ctx):
    sx, a, b = (ctx.mpf(v) for v in load)
    return sx * sx, sx * a, a * a + b * b


@given(st.sampled_from(layers.NORMALISED), st.integers(1, 12), _loadings)
@settings(max_examples=12, deadline=None)
def test_mean_square_against_polynomial_fast_matches_reference(name, n, load):
    """Outer Gauss–Legendre × inner Gauss–Hermite (torch) vs conditional moments (mpmath): float64 sums of
    ~1e4 squared differences agree to 1e-12 of the terms combined, E σ(X)² + E σ_n(Y)²."""
    act = fast_act.get(name)
    a = F.shadow_coefficients(name, n, **F64)
    fast = float(F.mean_square_against_polynomial(act.f, act.kinks, a, *load, **F64))
    ctx = _ctx()
    var_x, c, var_y = _covariance(load, ctx)
    p = L.shadow_monomials(name, n, ctx)
    ref = L.mean_square_against_polynomial(lambda cc: L.bind_activation(name, cc), p, var_x, c, var_y, ctx)
    terms = (L.mean_square_against_polynomial(lambda cc: L.bind_activation(name, cc), [0], var_x, 0, 0, ctx)
             + L.polynomial_moment(L.poly_mul(p, p, ctx), var_y, ctx))
    assert abs(fast - float(ref)) <= 1e-12 * float(terms)


@given(st.sampled_from(layers.PIECEWISE_LINEAR), st.sampled_from(layers.PIECEWISE_LINEAR), _loadings)
@settings(max_examples=25, deadline=None)
def test_homogeneous_polar_quadrature_matches_closed_form(f_name, g_name, load):
    """Polar Gauss–Legendre (exact for the degree-2 trigonometric pieces) vs the arc-sine closed form: 1e-13
    relative to the size 2(var_x + var_y) of the terms (normalised ReLU has factor √2)."""
    fast = float(F.mean_square_homogeneous(fast_act.get(f_name).f, fast_act.get(g_name).f, *load, **F64))
    ctx = _ctx()
    var_x, c, var_y = _covariance(load, ctx)
    ref = float(L.mean_square_piecewise_linear(f_name, g_name, var_x, c, var_y, ctx))
    assert abs(fast - ref) <= 1e-13 * 2 * float(var_x + var_y)


@given(st.integers(0, 60), st.sampled_from((1, -1)), st.sampled_from((9, 5)))
@settings(max_examples=25, deadline=None)
def test_log_lambda_matches_reference(n, two_sign, nine):
    """log λ(n) via lgamma vs the exact double factorial in mpmath (λ(60) ~ 1e113 overflows nothing in logs)."""
    fast = float(F.log_lambda(torch.tensor(float(n), dtype=torch.float64), two_sign=two_sign, nine=nine))
    ctx = _ctx()
    ref = float(ctx.log(L.lam(n, ctx, two_sign=two_sign, nine=nine)))
    assert math.isclose(fast, ref, rel_tol=1e-13, abs_tol=1e-13)


@given(st.sampled_from(layers.NORMALISED), st.integers(1, 5), st.integers(1, 5), st.integers(1, 3),
       st.floats(-1, 1), st.floats(0.3, 2.0), st.floats(0.3, 2.0))
@settings(max_examples=10, deadline=None)
def test_second_moment_fast_matches_reference(name, fn, gn, d1, rho, rx, ry):
    """Both sides of `lemma-2.6[second-moment]` in torch vs mpmath: product Gauss–Hermite sums of <= 6³ terms,
    agreement to 1e-11 of E f(X)² + E g(Y)²."""
    claim = layers.lemma_2_6_second_moment
    point = claim.spec.domain.complete({"f_act": name, "fn": fn, "g_act": "relu/normalised", "gn": gn, "d1": d1,
                                        "rx": rx, "ry": ry, "rho": rho})
    lf, rf, sf = claim.spec.fast(Batch([point]), claim.constants, **F64)
    lr, rr, sr = claim.spec.reference(point, claim.constants, _ctx())
    assert abs(float(lf[0]) - float(lr)) <= 1e-11 * float(sr)
    assert abs(float(rf[0]) - float(rr)) <= 1e-11 * float(sr)
    assert math.isclose(float(sf[0]), float(sr), rel_tol=1e-11)


@given(st.sampled_from(("sphere", "points", "two-points")), st.sampled_from((1, 2, 3)), st.integers(1, 5),
       st.floats(0.05, 3), st.floats(0, 3), st.floats(0, 3), st.floats(0, math.pi), st.integers(1, 6),
       st.integers(0, 9999), st.floats(1e-3, 3), st.floats(1e-3, 3))
@settings(max_examples=25, deadline=None)
# the smallest subnormal radius: its normalised norm is itself subnormal (digits lost), so the projection's
# direction must come from x/max|x| (the fast path once returned half the true direction's length here)
@example("sphere", 2, 2, 1.0, 0.5, 5e-324, 0.0, 1, 0, 1.0, 1.0)
def test_lemma_2_10_fast_matches_reference(kind, which, d, radius, r1, r2, theta, m, seed, s1, s2):
    """The two-case construction in torch vs mpmath: same sides to 1e-12 relative, away from ties. At a tie
    (d(x1, A) = d(x2, A), d(x_2, A) = ‖x1 − x2‖, or two nearest points of A) the branch is decided by rounding,
    and either branch is a valid construction (hypothesis does find ties, e.g. r1 = r2 on the sphere): those
    draws are covered by `test_lemma_2_10_ties_hold_on_either_branch` instead."""
    claim = layers.lemma_2_10
    point = claim.spec.domain.complete({"kind": kind, "which": which, "d": d, "R": radius, "r1": r1, "r2": r2,
                                        "theta": theta, "m": m, "seed": seed, "s1": s1, "s2": s2})
    assume(_lemma_2_10_tie_slack(point, _ctx()) > 1e-9)
    lf, rf = claim.spec.fast(Batch([point]), claim.constants, **F64)
    lr, rr = claim.spec.reference(point, claim.constants, _ctx())
    scale = max(float(lr), float(rr), 1e-300)
    assert abs(float(lf[0]) - float(lr)) <= 1e-12 * scale + 1e-15
    assert abs(float(rf[0]) - float(rr)) <= 1e-12 * scale + 1e-15


def _lemma_2_10_tie_slack(point, ctx) -> float:
    """Relative distance of the construction's decisions from a tie: which of x1, x2 is closer to A, Case I
    (d(x2, A) ≤ ‖x1 − x2‖) or II, and (finite A) which point of A is nearest to each x_i."""
    kind, data = point["A"]
    x1, x2 = ([ctx.mpf(v) for v in point[k]] for k in ("x1", "x2"))

    def dist(a, b):
        return L.normalised_norm([p - q for p, q in zip(a, b, strict=True)], ctx)

    gaps = []
    if kind == "sphere":
        d1, d2 = (dist(x, L.project_sphere(x, ctx.mpf(data), ctx)) for x in (x1, x2))
    else:
        pts = [[ctx.mpf(v) for v in q] for q in data]
        nearest = [sorted(dist(x, q) for q in pts) for x in (x1, x2)]
        d1, d2 = nearest[0][0], nearest[1][0]
        gaps += [n[1] - n[0] for n in nearest if len(n) > 1]
    near, far = min(d1, d2), max(d1, d2)
    gaps += [far - near, abs(far - dist(x1, x2))]
    scale = max(far, dist(x1, x2), ctx.mpf(1e-300))
    return float(min(gaps) / scale)


@pytest.mark.parametrize("which", (1, 2, 3))
@pytest.mark.parametrize("radius, r2, theta", [(1.5, 3.5940284389929237e-206, 2.0), (1.75, 2.2250738585e-313, 0.0)])
def test_lemma_2_10_fast_path_tiny_vectors(which, radius, r2, theta):
    """x2 = −3.6e-206 (d = 1): its squared norm underflows in float64; the fast path must still project it onto
    the negative end of the sphere {±1.5}, as the reference does (it once took the fallback direction +1.5).
    x2 = 2.2e-313 (subnormal): R·x2 keeps only ~35 bits, so the projection is R·(x2/‖x2‖), not (R·x2)/‖x2‖."""
    claim = layers.lemma_2_10
    point = claim.spec.domain.complete({"kind": "sphere", "which": which, "d": 1, "R": radius, "r1": 2.0,
                                        "r2": r2, "theta": theta, "m": 1, "seed": 0, "s1": 1.0, "s2": 1.0})
    lf, rf = claim.spec.fast(Batch([point]), claim.constants, **F64)
    lr, rr = claim.spec.reference(point, claim.constants, _ctx())
    assert math.isclose(float(lf[0]), float(lr), rel_tol=1e-12, abs_tol=1e-300)
    assert math.isclose(float(rf[0]), float(rr), rel_tol=1e-12, abs_tol=1e-300)


@pytest.mark.parametrize("which", (1, 2, 3))
def test_lemma_2_10_ties_hold_on_either_branch(which):
    """At a tie the fast path and the reference may take different branches of the construction; each branch
    satisfies the lemma's inequality (the claim's relation lhs ≤ rhs) on its own path."""
    claim = layers.lemma_2_10
    point = claim.spec.domain.complete({"kind": "sphere", "which": which, "d": 2, "R": 3.0, "r1": 1.0, "r2": 1.0,
                                        "theta": 0.5, "m": 1, "seed": 0, "s1": 1.0, "s2": 1.0})
    assert _lemma_2_10_tie_slack(point, _ctx()) < 1e-15  # d(x1, A) = d(x2, A) = 2 up to rounding
    lf, rf = claim.spec.fast(Batch([point]), claim.constants, **F64)
    lr, rr = claim.spec.reference(claim.spec.domain.exact_point(point, _ctx()), claim.constants, _ctx())
    assert float(lf[0]) <= float(rf[0]) * (1 + 1e-12)
    assert lr <= rr


@given(part=st.sampled_from(("sigma", "shadow")), pl=st.sampled_from(layers.PIECEWISE_LINEAR),
       name=st.sampled_from(layers.NORMALISED), n=st.integers(1, 10), v=st.floats(1e-3, 1.0),
       cos=st.floats(-1.0, 1.0))
@settings(max_examples=15, deadline=None)
def test_lemma_2_11_fast_ratio_matches_reference(part, pl, name, n, v, cos):
    """The fast path returns lhs/rhs formed in log space; the reference returns both sides (1e-12 relative:
    quadrature of squared differences as small as ‖v‖ = 1e-3, loadings built without cancellation)."""
    claim = layers.lemma_2_11
    point = claim.spec.domain.complete({"part": part, "pl_act": pl, "act": name, "n": n, "v": v, "cos": cos})
    ratio, _ = claim.spec.fast(Batch([point]), claim.constants, **F64)
    lr, rr = claim.spec.reference(point, claim.constants, _ctx())
    assert math.isclose(float(ratio[0]), float(lr / rr), rel_tol=1e-12, abs_tol=1e-14)


# --- reference vs independent known values ----------------------------------------------------------

@pytest.mark.parametrize("rho", [-1.0, -0.7, 0.0, 0.3, 0.95, 1.0])
def test_abs_and_relu_cross_moments_match_independent_forms(rho):
    """E|X||Y| (arc-sine form) vs 1-D quadrature with the registry's closed-form conditional mean of |x|, and
    E relu(X) relu(Y) vs Cho & Saul's arc-cosine kernel (1/2π)(√(1−ρ²) + (π − arccos ρ)ρ)."""
    ctx = _ctx(25)
    closed = L.abs_cross_moment(1, rho, 1, ctx)
    quad = ref_act.cross_moment(ref_act.get("abs"), ref_act.get("abs"), rho, ctx)
    assert abs(closed - quad) < ctx.mpf(10) ** -20
    relu = (1 - L.mean_square_piecewise_linear("relu", "relu", 1, rho, 1, ctx)) / 2  # (1/2 + 1/2 − 2E)/2
    r = ctx.mpf(rho)
    kernel = (ctx.sqrt(1 - r**2) + (ctx.pi - ctx.acos(r)) * r) / (2 * ctx.pi)
    assert abs(relu - kernel) < ctx.mpf(10) ** -20


@pytest.mark.parametrize("f_name,g_name,rho", [("relu/normalised", "tanh/normalised", 0.6),
                                               ("erf_printed/normalised", "abs/normalised", -0.4)])
def test_polynomial_pairs_match_mehler(f_name, g_name, rho):
    """For polynomials f = σ_n, g = τ_m and unit variances, Mehler's formula (eq. 2) gives
    E(f(X) − g(Y))² = Σ a_k² + Σ b_k² − 2 Σ a_k b_k ρ^k, independent of the conditional-moment reduction."""
    ctx = _ctx()
    a, b = L.shadow_coefficients(f_name, 5, ctx), L.shadow_coefficients(g_name, 7, ctx)
    mehler = ctx.fsum(x * x for x in a) + ctx.fsum(y * y for y in b) - 2 * ctx.fsum(
        x * y * ctx.mpf(rho) ** k for k, (x, y) in enumerate(zip(a, b, strict=False)))
    reduced = L.mean_square_against_polynomial(L.bind_polynomial(L.hermite_to_monomials(a, ctx)),
                                               L.hermite_to_monomials(b, ctx), 1, rho, 1, ctx)
    assert abs(reduced - mehler) < ctx.mpf(10) ** -20


@pytest.mark.parametrize("name,n", [("relu/normalised", 3), ("tanh/normalised", 5), ("abs/normalised", 8)])
def test_lemma_2_7_error_matches_hermite_algebra(name, n):
    """Quadrature of (σ − σ_n)² vs the Hermite algebra 2(1 − √(1 − ε_σ(n))) for normalised σ."""
    ctx = _ctx()
    ms = L.mean_square_against_polynomial(lambda c: L.bind_activation(name, c), L.shadow_monomials(name, n, ctx),
                                          1, 1, 1, ctx)
    eps = ref_act.epsilon_sigma(ref_act.get(name), n, ctx)
    assert abs(ms - 2 * (1 - ctx.sqrt(1 - eps))) < ctx.mpf(10) ** -20


def test_lambda_small_values():
    ctx = _ctx()
    quarter = ctx.mpf(1) / 4
    assert abs(L.lam(0, ctx) - 2 * ctx.sqrt(3)) < 1e-25
    assert abs(L.lam(1, ctx) - 8 * ctx.mpf(27) ** quarter) < 1e-25
    assert abs(L.lam(2, ctx) - 32 * ctx.mpf(9 * 105) ** quarter) < 1e-25  # (4·2 − 1)!! = 7!! = 105


@pytest.mark.parametrize("d", [1, 2, 3, 10, 600])
def test_chi_mean_factor_matches_scipy(d):
    """E‖g‖ for g ~ N(0, I/d) in the normalised norm = mean of the chi distribution with d degrees / √d."""
    assert math.isclose(float(layers._chi_mean_factor(d, _ctx())), stats.chi(d).mean() / math.sqrt(d),
                        rel_tol=1e-12)


def test_gaussian_rule_moments():
    """The composite Gauss–Legendre rule reproduces E X^{2k} = (2k − 1)!! (eq. 4) for k <= 20."""
    ctx = _ctx()
    xs, ws = L.gaussian_rule(ctx, [0])
    for k in range(21):
        want = math.prod(range(2 * k - 1, 0, -2))
        assert abs(ctx.fsum(w * x ** (2 * k) for x, w in zip(xs, ws, strict=True)) / want - 1) < 1e-25


def test_shadow_monomials_match_hermite_series():
    ctx = _ctx()
    p = L.shadow_monomials("relu/normalised", 9, ctx)
    series = ref_act.shadow(ref_act.get("relu/normalised"), 9, ctx)
    for x in (-3.5, -0.2, 0.0, 1.1, 4.0):
        assert abs(L.poly_eval(p, ctx.mpf(x), ctx) - series(ctx.mpf(x))) < 1e-22


def test_row_mean_square_known_value():
    """E_w (w·x)² = ‖x‖² (normalised) for a Xavier row: f = h_1, g = 0."""
    ctx = _ctx()
    x = [ctx.mpf(1.5), ctx.mpf(-0.5), ctx.mpf(2)]
    value = L.row_mean_square([0, 1], [0], x, [0, 0, 0], ctx)
    assert abs(value - L.normalised_norm(x, ctx) ** 2) < 1e-25


def test_joint_projection_known_cases():
    """The antipodal sphere example (Case I, ratio 1/0.34) and the two-point example (Case II, 1.99 vs 2)."""
    ctx = _ctx()
    out = L.joint_projection([ctx.mpf(0.34) * ctx.sqrt(2), 0], [-ctx.mpf(0.34) * ctx.sqrt(2), 0],
                             lambda v: L.project_sphere(v, 1, ctx), ctx)
    assert out["case"] == "I"
    gap = L.normalised_norm([a - b for a, b in zip(out["t1"], out["t2"], strict=True)], ctx)
    assert abs(gap - 2) < 1e-25
    pts = ([0, 0], [1, 1.99])
    out = L.joint_projection([0, 1], [0, 1.99], lambda v: L.project_points(v, pts, ctx), ctx)
    assert out["case"] == "II" and out["t1"] == out["t2"] == [0, 0]
    lhs = L.normalised_norm(L._sub([0, 1.99], out["t2"], ctx), ctx)
    assert abs(lhs / (2 * out["d2"]) - ctx.mpf(1.99) / 2) < 1e-25


# --- exact domains (checks.exact): derived geometry is exact for the reference ------------------------

_GEOMETRY_CLAIMS = {"equation-5": "eta", "equation-6": "eta", "lemma-2.12": "delta"}


def _claim(short: str):
    return next(c for c in layers.CLAIMS if c.id.endswith("/" + short))


@pytest.mark.parametrize("short", sorted(_GEOMETRY_CLAIMS))
def test_near_sphere_geometry_is_exact_for_the_reference_and_rounded_for_the_fast_path(short):
    """r1, r2, t (and δ_eff) are recomputed for the reference from the declared parameters: at 60 digits they
    satisfy the statement's constraints to 10^−55 (|r_i − 1| ≤ η or δ, |r1 − r2| ≤ t, t ≤ η or t ≤ r1 + r2,
    δ_eff = max |r_i − 1|); the fast path's floats are their correct roundings."""
    claim = _claim(short)
    domain, scale_name = claim.spec.domain, _GEOMETRY_CLAIMS[short]
    ctx = _ctx(60)
    tol = ctx.mpf(10) ** -55
    formula = {"lemma-2.12": layers._lemma212_geometry}.get(short, layers._eq5_geometry)

    @given(domain.strategy())
    @settings(max_examples=60, deadline=None, derandomize=True)
    def run(point):
        exact = domain.exact_point(point, ctx)
        r1, r2, t = exact["r1"], exact["r2"], exact["t"]
        bound = ctx.mpf(point[scale_name])
        assert abs(r1 - 1) <= bound + tol and abs(r2 - 1) <= bound + tol
        assert abs(r1 - r2) <= t + tol
        if short == "lemma-2.12":
            assert t <= r1 + r2 + tol
            assert abs(exact["delta_eff"] - max(abs(r1 - 1), abs(r2 - 1))) <= tol
        else:
            assert t <= bound + tol
        for name, value in formula(point).items():
            assert point[name] == float(value)  # correct rounding of the exact value
            assert isinstance(exact[name], type(ctx.mpf(0)))  # the reference never reads the float

    run()


def test_lemma_2_12_exact_triangle_where_float_arithmetic_leaves_it():
    """At s = 1 the float formula t = |r1 − r2| + (r1 + r2 − |r1 − r2|) can exceed r1 + r2 by an ulp (an
    impossible triangle: an indefinite covariance). The exact geometry has t = r1 + r2 exactly, and the
    reference's covariance is the degenerate (antipodal) one: ⟨x, x'⟩ = −‖x‖‖x'‖ to working precision."""
    delta, a1, a2 = 0.12753451286971085, -0.009129825816118098, -0.10101787042252375
    r1f, r2f = 1 + a1 * delta, 1 + a2 * delta
    gap = abs(r1f - r2f)
    assert Fraction(gap + (r1f + r2f - gap)) > Fraction(r1f) + Fraction(r2f)  # the float chain's t
    point = layers.lemma_2_12.spec.domain.complete({"act": "relu/normalised", "n": 1, "delta": delta, "a1": a1,
                                                    "a2": a2, "s": 1.0})
    ctx = _ctx(60)
    exact = layers.lemma_2_12.spec.domain.exact_point(point, ctx)
    var_x, cov, var_y = layers._ref_pair_covariance(exact, ctx)
    assert abs(cov + ctx.sqrt(var_x * var_y)) <= ctx.mpf(10) ** -55
    assert abs(exact["t"] - (exact["r1"] + exact["r2"])) <= ctx.mpf(10) ** -55


def test_second_moment_and_lemma_2_10_inputs_are_free():
    """Lemma 2.6 (second relation) and Lemma 2.10 hold for every x, y (x1, x2, A): both sides read the vectors
    as given, so the domains declare them free and the reference sees exactly the fast path's floats."""
    for claim, names in ((layers.lemma_2_6_second_moment, ("x", "y")), (layers.lemma_2_10, ("A", "x1", "x2"))):
        domain = claim.spec.domain
        assert set(names) <= set(domain.free)
        point = domain.example_points()[0]
        assert domain.float_only(point) == []
        assert all(domain.exact_point(point, _ctx(30))[n] == point[n] for n in names)
