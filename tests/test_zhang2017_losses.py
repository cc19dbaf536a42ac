"""zhang2017 losses module: fast path (torch) against the reference (mpmath), known values, and the padding /
configuration helpers the claims rely on. Tolerances are derived from float64 epsilon times the number of
combined terms (stated at each use)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.engine.context import mp_context
from checks.fast.gaussian import product_gauss_hermite
from claims.zhang2017 import losses
from claims.zhang2017.fast import _common as fcommon
from claims.zhang2017.fast import losses as fast
from reference.zhang2017 import _common as rcommon
from reference.zhang2017 import losses as ref

EPS = float(torch.finfo(torch.float64).eps)
F64 = torch.float64


def _point(seed: int, k: int, d: int, case: str) -> dict:
    return losses._domain(tuple(losses.CASES)).complete({"seed": seed, "k": k, "d": d, "case": case})


def _t(x) -> torch.Tensor:
    return torch.tensor(x, dtype=F64)


# sign / ReLU: their closed forms amplify the rounding of ‖θ‖² = 1 in Φ(θ, θ) to ~1e-8 (see losses.py), so the
# diagonal-carrying losses (4), (5) are compared on the well-conditioned rows; (6), (9) on every row.
cases = st.sampled_from(losses.FINITE_DIAGONAL)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), k=st.integers(1, 4), d=st.integers(1, 5), case=cases,
       reading=st.sampled_from(ref.READINGS))
def test_losses_fast_match_reference(seed, k, d, case, reading):
    """(4), (5), (6), (9) under every reading: torch vs mpmath. ≤ 3k² = 48 terms of size ≤ scale, each with a
    few ulp (exp/arccos): tolerance 64·48·eps relative to the sum of |terms|."""
    p = _point(seed, k, d, case)
    ctx = mp_context(30)
    name, _, params = losses.CASES[case]
    fpot, rpot = fcommon.potential(name, **params), rcommon.potential(ctx, name, **params)
    a, th, b, w = _t([p["a"]]), _t([p["theta"]]), _t([p["b"]]), _t([p["w"]])
    scale = float(ref.loss4(ctx, [abs(v) for v in p["a"]], p["theta"], [abs(v) for v in p["b"]], p["w"],
                            lambda x, y: abs(rpot(x, y))))
    tol = 64 * 48 * EPS * scale
    pairs = [
        (fast.loss6(a, th, b, w, fpot, reading), ref.loss6(ctx, p["a"], p["theta"], p["b"], p["w"], rpot, reading)),
        (fast.loss9(th, w, fpot, reading), ref.loss9(ctx, p["theta"], p["w"], rpot, reading)),
    ]
    if case not in ("sign-sphere", "relu-sphere"):
        pairs += [
            (fast.loss4(a, th, b, w, fpot), ref.loss4(ctx, p["a"], p["theta"], p["b"], p["w"], rpot)),
            (fast.loss5(a, th, b, w, fpot, reading),
             ref.loss5(ctx, p["a"], p["theta"], p["b"], p["w"], rpot, reading)),
        ]
    for got, want in pairs:
        assert abs(float(got[0]) - float(want)) <= tol


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), k=st.integers(1, 4), d=st.integers(1, 5),
       case=st.sampled_from(losses.SMOOTH_CONSTANT_DIAGONAL + ("coulomb-euclidean",)))
def test_ep_velocity_fast_matches_reference(seed, k, d, case):
    """⟨dθ/dt, u⟩ of (8): autograd vs mpmath.diff. Tolerance 32·8·eps relative to Σ|contributions|·|u| (≤ 2k
    contributions per coordinate, derivative amplification ≤ 10 at |ρ| ≤ 0.95)."""
    p = _point(seed, k, d, case)
    ctx = mp_context(30)
    name, manifold, params = losses.CASES[case]
    particles = _t([p["theta"] + p["w"]])
    charges = _t([p["a"] + p["b"]])
    fixed = torch.tensor([False] * k + [True] * k)
    vel, scale = fast.ep_velocity(fcommon.potential(name, **params), particles, charges, fixed, manifold)
    u = fast.tangent(_t([p["u"] + p["u_w"]]), particles, manifold)
    got = float((vel * u).sum())
    want, _ = ref.ep_velocity_dot(ctx, rcommon.potential(ctx, name, **params), p["theta"] + p["w"],
                                  p["a"] + p["b"], [False] * k + [True] * k, p["u"] + p["u_w"], manifold)
    assert abs(got - float(want)) <= 32 * 8 * EPS * float((scale * u.abs()).sum())
    assert torch.all(vel[0, k:] == 0)  # fixed particles do not move


def test_reference_directional_derivative_is_accurate():
    """The reference derivative (mpmath.diff along a great circle) agrees with itself at 30 and 60 digits to far
    better than REFERENCE_DIFF_RTOL, and with the analytic value for Φ = e^{θ^T w − 1}."""
    p = _point(7, 3, 4, "exponential-sphere")
    values = []
    for dps in (30, 60):
        ctx = mp_context(dps)
        pot = rcommon.potential(ctx, "exponential")
        values.append(ref.directional_derivative(
            ctx, lambda x, ctx=ctx, pot=pot: ref.loss6(ctx, p["a"], x, p["b"], p["w"], pot), p["theta"], p["u"],
            "sphere"))
    assert abs(values[0] - values[1]) <= 1e-18 * abs(values[1])
    # analytic: the Euclidean gradient of (6) dotted with the tangent direction
    ctx = mp_context(60)
    th = ref.project(ctx, p["theta"], "sphere")
    u = ref.tangent(ctx, p["u"], th, "sphere")
    total = 0
    for i in range(3):
        grad = [0] * 4
        for j in range(3):
            if j != i:
                e = ctx.exp(ctx.fsum(x * y for x, y in zip(th[i], th[j], strict=True)) - 1)
                grad = [g + 2 * ctx.mpf(p["a"][i]) * p["a"][j] * e * y for g, y in zip(grad, th[j], strict=True)]
            e = ctx.exp(ctx.fsum(x * ctx.mpf(y) for x, y in zip(th[i], p["w"][j], strict=True)) - 1)
            grad = [g + 2 * ctx.mpf(p["a"][i]) * p["b"][j] * e * ctx.mpf(y) for g, y in zip(grad, p["w"][j],
                                                                                             strict=True)]
        total += ctx.fsum(g * v for g, v in zip(grad, u[i], strict=True))
    assert abs(values[1] - total) <= 1e-40 * abs(total)


def test_padding_is_exact():
    """Batches of mixed k and d (zero-padded coordinates, evaluated per (case, k) group) give the unpadded losses."""
    from checks.batching import Batch

    for case in ("gaussian-euclidean", "relu-sphere", "coulomb-euclidean"):
        points = [_point(3, 2, 3, case), _point(4, 2, 2, case), _point(5, 3, 1, case), _point(6, 2, 5, case)]
        name, manifold, params = losses.CASES[case]
        pot = fcommon.potential(name, **params)

        def compute(case_, c, pot=pot):
            return (fast.loss6(c["a"], c["theta"], c["b"], c["w"], pot),)

        padded = losses._by_case_k(Batch(points), compute, device="cpu", dtype=F64)[0]
        for i, p in enumerate(points):
            plain = fast.loss6(_t([p["a"]]), _t([p["theta"]]), _t([p["b"]]), _t([p["w"]]), pot)
            # same terms, summed in another order: a few ulp of the absolute sum
            assert abs(float(padded[i] - plain[0])) <= 64 * EPS * float(
                fast.loss4(_t([p["a"]]).abs(), _t([p["theta"]]), _t([p["b"]]).abs(), _t([p["w"]]),
                           lambda x, y, pot=pot: pot(x, y).abs())[0])


@pytest.mark.parametrize("domain", [losses._domain(tuple(losses.CASES)), losses.GH_DOMAIN, losses.ALG1_DOMAIN],
                         ids=["configuration", "gauss-hermite", "algorithm-1"])
def test_derive_batch_equals_derive(domain):
    """The vectorised derive reproduces derive row by row (same keys, same values to float rounding) on more rows
    than the generic contract test, so that the rejection sampler's fallback (d = 2, k = 4) is exercised."""
    from checks.testing import derive_batch_mismatches

    problems = derive_batch_mismatches(domain, n=400, seed=7)
    assert not problems, problems[:3]


def test_distinct_cells_is_an_ordered_draw_without_replacement():
    """The grid cells of the Euclidean configurations: distinct in every row, and every position uniform over the
    cells (the law of numpy's choice(replace=False)); 9 cells, 8 draws (the tightest case, d = 1, k = 4), 90,000
    rows: a count per (position, cell) is 10,000 ± 95 (1 sd), so ± 600 is a 6-sd band."""
    from checks.streams import Streams

    rows = 90_000
    cells = losses._distinct_cells(Streams(np.arange(rows)), np.arange(rows), 8, 9)
    assert (np.sort(cells, axis=1)[:, 1:] != np.sort(cells, axis=1)[:, :-1]).all()
    counts = np.stack([np.bincount(cells[:, i], minlength=9) for i in range(8)])
    assert np.abs(counts - rows / 9).max() <= 600, counts


def test_configuration_rows_do_not_depend_on_their_batch():
    """A row's configuration is a function of its own (seed, k, d, case): the same in a batch of one and inside
    a mixed batch (where its group of equal shapes and the rejection rounds of other rows differ)."""
    domain = losses._domain(tuple(losses.CASES))
    rng = np.random.default_rng(3)
    columns = {p.name: p.sample(rng, 200) for p in domain.params}
    batch = losses._derive_batch(columns)
    for i in range(0, 200, 17):
        alone = losses._derive_batch({name: col[i:i + 1] for name, col in columns.items()})
        for name in ("theta", "w", "theta2", "a", "b", "u", "u_w"):
            assert np.array_equal(np.asarray(batch[name][i]), np.asarray(alone[name][0])), (i, name)


def test_configurations_are_separated():
    for seed in range(40):
        for d in (1, 2, 5):
            p = _point(seed, 4, d, "gaussian-euclidean")
            pts = np.array(p["theta"] + p["w"])
            dist = np.linalg.norm(pts[:, None] - pts[None], axis=-1) + np.eye(8) * 10
            assert dist.min() >= 0.3 * 0.8 - 1e-12
            q = _point(seed, 4, d, "relu-sphere")
            pts = np.array(q["theta"] + q["w"])
            assert np.allclose(np.linalg.norm(pts, axis=1), 1)
            assert np.abs(pts @ pts.T - np.eye(8)).max() <= losses.SPHERE_SEPARATION + 1e-12


def test_second_configurations_are_separated_at_every_k():
    """θ' (the second configuration, drawn in its own slot of the padded sampler) is separated like θ, w, with the
    row's own shapes, for every k (sphere rows on S^1 too, where the crowded cases fall back)."""
    for seed in range(20):
        for k in range(1, 5):
            for d in (1, 2, 3, 5):
                p = _point(seed, k, d, "gaussian-euclidean")
                pts = np.array(p["theta2"])
                assert pts.shape == (k, d)
                dist = np.linalg.norm(pts[:, None] - pts[None], axis=-1) + np.eye(k) * 10
                assert dist.min() >= 0.3 * 0.8 - 1e-12
                q = _point(seed, k, d, "relu-sphere")
                pts = np.array(q["theta2"])
                assert pts.shape == (k, max(d, 2)) and np.allclose(np.linalg.norm(pts, axis=1), 1)
                assert np.abs(pts @ pts.T - np.eye(k)).max() <= losses.SPHERE_SEPARATION + 1e-12
                assert np.array(q["u"]).shape == (k, max(d, 2)) and np.array(q["a"]).shape == (k,)


def test_ordered_draws_with_per_row_sizes():
    """The Fisher–Yates core of the Euclidean sampler with a different (n, cells) per row: each row's first n
    entries are distinct cells of its own range."""
    from checks.streams import Streams

    rows = 2000
    n = np.arange(rows) % 8 + 1
    cells = n + np.arange(rows) % 5
    top = Streams(np.arange(rows)).bits(8) >> np.uint64(11)
    drawn = losses._ordered_draws(top, n, cells)
    for r in range(0, rows, 7):
        mine = drawn[r, :n[r]]
        assert len(set(mine.tolist())) == n[r] and mine.min() >= 0 and mine.max() < cells[r]


def test_configuration_domain_shapes_are_bounded_by_the_padding():
    with pytest.raises(ValueError):
        losses._domain(tuple(losses.CASES), k_max=losses._K_PAD + 1)


def test_coulomb_two_charges_known_value():
    """Two like unit charges at distance 2 on a line repel with dθ/dt = (θ_1 − θ_2)/8 (Coulomb, Definition 2.1)."""
    particles = _t([[[0.0, 0.0, 0.0], [2.0, 0.0, 0.0]]])
    vel, _ = fast.ep_velocity(fcommon.potential("coulomb"), particles, _t([[1.0, 1.0]]), torch.tensor([False, True]),
                              "euclidean")
    assert torch.allclose(vel[0, 0], _t([-0.25, 0.0, 0.0]), rtol=0, atol=4 * EPS)
    assert torch.all(vel[0, 1] == 0)


def test_gradient_descent_quadratic_and_sphere():
    """Algorithm 1 (fast and reference): closed form on a quadratic; on the sphere the iterate stays unit."""
    lam, c, x0 = _t([0.5, 2.0]), _t([0.3, -0.2]), _t([[[1.0, 1.0]]])
    xT = fast.gradient_descent(lambda x: 0.5 * (lam * (x[:, 0] - c) ** 2).sum(-1), x0, 5, 0.3, "euclidean")
    closed = c + (1 - 0.3 * lam) ** 5 * (x0[0, 0] - c)
    assert torch.allclose(xT[0, 0], closed, rtol=0, atol=16 * EPS)
    ctx = mp_context(30)
    xr = ref.gradient_descent(ctx, lambda x: ctx.fsum(ctx.mpf(lv) * (x[0][i] - cv) ** 2 for i, (lv, cv) in
                                                      enumerate(zip([0.5, 2.0], [0.3, -0.2], strict=True))) / 2,
                              [[1.0, 1.0]], 5, 0.3, "euclidean")
    # the float64 closed form carries ~5 roundings of size ≤ 1
    assert all(abs(float(a) - float(b)) <= 16 * EPS for a, b in zip(xr[0], closed.tolist(), strict=True))
    v = _t([0.0, 0.0, 1.0])
    xs = fast.gradient_descent(lambda x: -(v * x[:, 0]).sum(-1), _t([[[1.0, 0.0, 0.0]]]), 6, 0.5, "sphere")
    assert abs(float(xs.norm()) - 1) <= 4 * EPS
    phi = float(fast.sphere_linear_angle(_t(math.pi / 2), _t(0.5), 6))
    assert abs(float(xs[0, 0, 2]) - math.cos(phi)) <= 64 * EPS


@pytest.mark.parametrize("rho", [-1.0, -0.6, 0.0, 0.3, 0.9, 1.0])
def test_kinked_potentials_match_literature_closed_forms(rho):
    """The quadrature potentials of the √2-scaled ReLU / sign equal the arc-cosine kernel / 2·(2/π) arcsin ρ
    (literature closed forms, used only as a cross-check); scipy quad at epsrel 1e-13."""
    relu = (math.sqrt(1 - rho * rho) + (math.pi - math.acos(rho)) * rho) / math.pi
    assert abs(losses._kinked_potential("relu", rho) - relu) <= 1e-11
    assert abs(losses._kinked_potential("sign", rho) - 4 / math.pi * math.asin(rho)) <= 1e-11


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), k=st.integers(1, 3), d=st.integers(1, 2),
       act=st.sampled_from(["hermite2", "exponential", "linear"]))
def test_gauss_hermite_expectations_match(seed, k, d, act):
    """E(Σ b σ(X,w) + Σ a σ(X,θ))² by the product rule: torch vs mpmath (≤ 64 nodes × ≤ 6 terms: 1e3·eps of the
    absolute integral)."""
    p = losses.GH_DOMAIN.complete({"seed": seed, "k": k, "d": d, "act": act})
    name, m = losses.GH_ACTIVATIONS[act]
    nodes = losses._gh_nodes(act)
    xs, wts = product_gauss_hermite(p["dim"], nodes, dtype=F64, device="cpu")
    fa = fast.activation(name, m)
    err = fast.network_outputs(fa, _t([p["b"]]), _t([p["w"]]), xs) + fast.network_outputs(fa, _t([p["a"]]),
                                                                                          _t([p["theta"]]), xs)
    got = float((err * err * wts).sum())
    ctx = mp_context(30)
    want = ref.network_square_expectation(ctx, ref.activation(ctx, name, m), p["a"], p["theta"], p["b"], p["w"], 1,
                                          nodes)
    assert abs(got - float(want)) <= 1e3 * EPS * max(1.0, abs(got))


def test_equation_7_proof_detail():
    outcome = losses._prove_eq7({"reading": "pairs", "prefactor": 2, "inverse_power": 2})
    assert outcome.verdict.value == "PROVED"
    assert outcome.values["multiplicity of each pair"] == "1"
    bad = losses._prove_eq7({"reading": "rebound", "prefactor": 2, "inverse_power": 2})
    assert bad.verdict.value == "VIOLATED" and bad.values["multiplicity of each pair"] == "k"


# --- closed-form pair gradients and batch padding -----------------------------------------------------------

_NAMED = (("sign", {}, True), ("relu", {}, True), ("hermite", {"m": 3}, True), ("hermite", {"m": 1}, True),
          ("exponential", {}, True), ("exponential", {}, False), ("gaussian", {}, False), ("bessel", {}, False),
          ("coulomb", {}, False), ("riesz", {"s": 1.5}, False), ("harmonic", {}, False))


@settings(max_examples=25, deadline=None)
@given(which=st.integers(0, len(_NAMED) - 1), d=st.integers(2, 5), seed=st.integers(0, 2**31 - 1))
def test_closed_form_pair_gradients_match_autograd(which, d, seed):
    """``phi_gradient`` (used by the Electron-Proton field) against autograd through ``phi``, on unit vectors for
    the sphere potentials and free points in R^d otherwise. Tolerance 64 eps relative to |g| + |closed form| (a
    handful of roundings; the ReLU autograd path cancels ±ρ/(π√(1−ρ²)) and is allowed 2^10 eps)."""
    name, params, sphere = _NAMED[which]
    gen = torch.Generator().manual_seed(seed)
    th, w = (torch.randn(32, d, generator=gen, dtype=F64) for _ in range(2))
    if sphere:
        th, w = th / th.norm(dim=-1, keepdim=True), w / w.norm(dim=-1, keepdim=True)
    th.requires_grad_(True)
    (auto,) = torch.autograd.grad(fcommon.phi(name, th, w, **params).sum(), th)
    closed = fcommon.phi_gradient(name, th.detach(), w, **params)
    rel = ((auto - closed).abs() / (auto.abs() + closed.abs() + 1e-300)).max().item()
    assert rel <= (2**10 if name == "relu" else 64) * EPS
    # the batch-last layout (coordinates on axis −2, rows last), as the Electron-Proton field evaluates them: the
    # same formulas with the coordinate sum in another order, so a few ulp of the largest value (the ReLU closed
    # form cancels near ρ = −1)
    th_t, w_t = th.detach().T.contiguous(), w.T.contiguous()
    plain = fcommon.phi(name, th.detach(), w, **params)
    for last, first in ((fcommon.phi_gradient(name, th_t, w_t, coords=-2, **params).T, closed),
                        (fcommon.phi(name, th_t, w_t, coords=-2, **params), plain)):
        torch.testing.assert_close(last, first, rtol=8 * EPS, atol=64 * EPS * float(first.abs().max()))


_PADDED_CLAIMS = ("equation-5", "equation-5[rebound-index]", "equation-6", "equation-6[rebound-index]",
                  "equation-9", "equation-9[rebound-index]", "equation-9[assumption-1-in-6]", "theorem-2.2",
                  "theorem-2.2[rebound-index]", "theorem-2.2[loss-5]", "theorem-2.2[proof-step-gradient]",
                  "equation-8", "theorem-1.1", "equation-4")


@pytest.mark.parametrize("suffix", _PADDED_CLAIMS)
def test_batched_values_do_not_depend_on_the_batch(suffix):
    """Rows of a smaller k are padded with zero-charge particles (and grouped with other cases' rows in other
    layouts) inside a batch: each row's values must equal those of the row evaluated alone (a batch of one,
    nothing padded), to rounding — 64 eps of the row's term scale (its third output, or the larger side)."""
    import claims

    claim = claims.get(f"zhang2017/{suffix}")
    spec = claim.spec
    batch = spec.domain.sample(np.random.default_rng(11), 48)
    together = [o.numpy() for o in spec.fast(batch, claim.constants, device="cpu", dtype=F64)]
    for i in range(len(batch)):
        alone = [o.numpy()[0] for o in spec.fast(batch.take([i]), claim.constants, device="cpu", dtype=F64)]
        scale = abs(alone[2]) if len(alone) > 2 else max(abs(alone[0]), abs(alone[1]))
        for side in (0, 1):
            assert abs(together[side][i] - alone[side]) <= 64 * EPS * max(scale, 1e-300), (i, side)
