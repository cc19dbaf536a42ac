"""Tests for the zhang2017 landscape module (Defs. 3.1, 3.2, 3.5, Thm. 3.3, Cor. 3.4, Assumption 1, Thm. 3.6):
fast path vs mpmath reference, closed forms vs autograd, the constructive configurations and the end-point
certification of the experiments."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from checks.streams import Streams
from checks.testing import assert_derive_batch_matches
from claims.zhang2017 import landscape as claims
from claims.zhang2017.fast import _common as fast_common
from claims.zhang2017.fast import landscape as fast
from reference.zhang2017 import landscape as ref

EPS = float(torch.finfo(torch.float64).eps)


def _ctx(dps: int = 30):
    ctx = mpmath.MPContext()
    ctx.dps = dps
    return ctx


@settings(max_examples=25, deadline=None)
@given(d=st.integers(1, 5), name=st.sampled_from(("gaussian", "exponential-radial", "coulomb", "quadratic",
                                                  "plummer")),
       seed=st.integers(0, 2**31 - 1), r=st.floats(0.1, 6.0))
@example(d=1, name="gaussian", seed=0, r=1.0)  # Δ_θ e^{−r²/2} = (r² − 1)e^{−r²/2} = 0: a cancelling Laplacian
def test_laplacian_fast_matches_reference(d, name, seed, r):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=d)
    u = rng.normal(size=d)
    w = theta + r * u / np.linalg.norm(u)
    pot = fast.potential_callable(name, d)
    lap, mag = fast.laplacian_batched(lambda x: pot(x, torch.tensor(w).unsqueeze(0)), torch.tensor(theta)[None])
    ctx = _ctx()
    pot_mp = ref.potential_mp(ctx, name, d)
    lap_ref, mag_ref = ref.laplacian_mp(ctx, lambda x: pot_mp(x, list(w)), list(theta))
    # autograd: d second derivatives of an elementary function, each O(10) roundings relative to the size of its
    # chain-rule terms — Σ|∂_mm Φ|, or |Φ|(1 + r² + r^{-2}) (the radial terms g''(r), g'(r)/r of these potentials)
    # where ∂_mm Φ itself cancels (the Gaussian's Laplacian vanishes at r = 1 in d = 1)
    phi = abs(float(pot_mp(list(theta), list(w))))
    tol = 64 * d * EPS * (float(mag_ref) + phi * (1 + r * r + 1 / (r * r))) + 1e-300
    assert abs(float(lap[0]) - float(lap_ref)) <= tol


def test_radial_laplacian_known_values():
    # Δ r^{2−d} = 0 for symbolic d, Δ e^{−r²/2} = (r² − d) e^{−r²/2}, Δ r^{−s} = s(s + 2 − d) r^{−s−2}
    assert ref.radial_laplacian(ref.R ** (2 - ref.D), ref.D) == 0
    gauss = ref.radial_laplacian(ref.radial_expr("gaussian", ref.D), ref.D)
    assert sp.simplify(gauss - (ref.R**2 - ref.D) * sp.exp(-ref.R**2 / 2)) == 0
    riesz = ref.radial_laplacian(ref.radial_expr("riesz", ref.D, s=ref.S), ref.D)
    assert sp.simplify(riesz - ref.S * (ref.S + 2 - ref.D) * ref.R ** (-ref.S - 2)) == 0
    assert ref.cartesian_matches_radial(ref.radial_expr("harmonic", 3), 3)


@settings(max_examples=20, deadline=None)
@given(d=st.integers(1, 4), k=st.integers(1, 4), seed=st.integers(0, 2**31 - 1),
       name=st.sampled_from(("coulomb", "gaussian", "harmonic", "exponential-radial")))
def test_closed_form_gradient_matches_autograd(d, k, seed, name):
    rng = np.random.default_rng(seed)
    pts = torch.tensor(claims._separated_points(rng, 2 * k, d))
    theta, w = pts[:k], pts[k:]
    a = torch.tensor(rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.5, 2, size=k))
    b = torch.tensor(rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.5, 2, size=k))
    grad = fast.loss6_gradient(a, theta, b, w, name, d, {})
    x = theta.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad(fast_common.loss6(a, x, b, w, fast.radial_potential(name, d)), x)
    # both are sums of 2k − 1 ≤ 7 terms per particle of size ≤ max|term|; 64 eps of the largest entry
    scale = float(auto.abs().max()) + float(grad.abs().max())
    assert torch.allclose(grad, auto, rtol=0, atol=64 * 2 * k * EPS * scale)


def test_earnshaw_block_hessian_fast_matches_reference():
    point = claims._earnshaw_domain.complete({"d": 3, "k": 3, "layout": "random", "seed": 7})
    from checks.specs import Batch

    lhs, _, scale = claims._earnshaw_fast(Batch([point]), {"exponent_shift": 0}, device="cpu", dtype=torch.float64)
    lam_ref, _, scale_ref = claims._earnshaw_reference(point, {"exponent_shift": 0}, _ctx())
    assert abs(float(lhs[0]) - float(lam_ref)) <= 1e3 * EPS * float(scale_ref)  # eigen-solver ~ O(d) · terms
    assert float(lam_ref) < 0  # harmonic: trace 0 and non-zero Hessian
    assert math.isclose(float(scale[0]), float(scale_ref), rel_tol=1e-12)


def test_regular_simplex_is_isotropic():
    streams = Streams(np.arange(5))
    for d in (1, 2, 3):
        vs = claims._regular_simplex(streams, np.arange(5), d)
        assert vs.shape == (5, d + 1, d)
        for v in vs:
            np.testing.assert_allclose(v.T @ v, (d + 1) / d * np.eye(d), atol=1e-12)
            np.testing.assert_allclose(v.sum(0), 0, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 12), d=st.integers(1, 5), seed=st.integers(0, 2**31 - 1))
def test_separated_points_meet_the_hypothesis(n, d, seed):
    """Both the experiments' generator-driven version and the domains' batched one (rows seed..seed + 7, crowded
    enough at d = 1 that pushes fail and draw again for some rows only)."""
    batched = claims._separated_points_batch(Streams(seed + np.arange(8)), np.arange(8), n, d)
    for pts in (claims._separated_points(np.random.default_rng(seed), n, d), *batched):
        dist = np.linalg.norm(pts[:, None] - pts[None], axis=-1) + np.eye(n) * 1e9
        assert dist.min() >= claims.MIN_SEPARATION - 1e-12


def test_definition_3_2_records_the_converses():
    f = claims._x**3
    paper_min, paper_strict, lam = claims._paper_predicates(f, 0)
    assert paper_min and not paper_strict and lam == 0
    assert claims._neighbourhood_truth(f, "taylor") == (False, False)
    assert claims._neighbourhood_truth(claims._x**4, "taylor") == (True, True)
    assert claims._paper_predicates(claims._x**4, 0)[1] is False


def test_gaussian_pair_is_a_certified_spurious_minimum():
    # the planted mutant of Cor. 3.4 / Thm. 3.6: two learners around w_1 = 0 with w_2 = 6 (d = 1)
    setting = {"d": 1, "k": 2, "layout": "pair", "signs": "assumption-1"}
    trial = claims._theorem_run(setting, {"potential": "gaussian"}, 3, device="cpu", dtype=torch.float64)
    assert trial.outcome == "failure"
    assert trial.diagnostics["newton_lambda_min"] > 0.5
    assert trial.diagnostics["newton_grad_norm"] < 1e-10
    # symmetric pair ±s around w_1 with e^{3s²/2} = 2 (the 1-D stationarity condition); w_2 at distance ≈ 5.3
    # from the right learner adds −2e^{−5.3²/2} ≈ −1.4e-6 to the loss, hence the 1e-5 tolerance
    s_star = math.sqrt(2 * math.log(2) / 3)
    assert abs(trial.diagnostics["loss"] - (2 * math.exp(-2 * s_star**2) - 4 * math.exp(-s_star**2 / 2))) < 1e-5


def test_subharmonic_run_matches_and_cage_is_spurious():
    setting = {"d": 2, "k": 3, "layout": "random", "signs": "assumption-1"}
    trial = claims._theorem_run(setting, {"potential": "subharmonic-riesz"}, 1, device="cpu", dtype=torch.float64)
    assert trial.outcome == "success" and sorted(trial.diagnostics["matched"]) == [0, 1, 2]
    cage = {"d": 1, "k": 2, "layout": "cage", "signs": "cage", "b": 1.0}
    trial = claims._assumption_run(cage, {"potential": "subharmonic-riesz", "a_sign": 1}, 0, device="cpu",
                                   dtype=torch.float64)
    assert trial.outcome == "success" and trial.diagnostics["loss"] > 0


def test_quadratic_potential_loss_is_unbounded_below():
    # (9) with Φ = 1 + r² depends on θ only through S = Σθ_i: L = −2|S|² + 4 S·Σw + const (exact in sympy)
    k, d = 3, 2
    th = sp.Matrix(k, d, lambda i, j: sp.Symbol(f"t{i}{j}"))
    w = sp.Matrix(k, d, lambda i, j: sp.Symbol(f"w{i}{j}"))

    def phi(x, y):
        return 1 + sum((x[m] - y[m]) ** 2 for m in range(d))

    loss = 2 * sum(phi(th.row(i), th.row(j)) for i in range(k) for j in range(i + 1, k))
    loss -= 2 * sum(phi(th.row(i), w.row(j)) for i in range(k) for j in range(k))
    s = [sum(th[i, m] for i in range(k)) for m in range(d)]
    sw = [sum(w[i, m] for i in range(k)) for m in range(d)]
    rest = sp.expand(loss - (-2 * sum(x**2 for x in s) + 4 * sum(x * y for x, y in zip(s, sw, strict=True))))
    assert not any(rest.has(th[i, m]) for i in range(k) for m in range(d))




def test_derive_batch_matches_derive():
    """The vectorised derives (separated points pushed over all rows at once) reproduce the one-row ones,
    including the rows where a push fails 100 times and draws a new direction (d = 1, k = 4)."""
    for domain in (claims._harmonic_domain, claims._subharmonic_domain, claims._earnshaw_domain,
                   claims._proof_domain, claims._trace_domain):
        assert_derive_batch_matches(domain, 120)


def _separated_points_plainly(seed: int, n: int, d: int, spread: float = 1.5) -> np.ndarray:
    """The law of ``_separated_points_batch`` for one row, transcribed without shortcuts: 100 pushes at most,
    a random direction where a push degenerates, then 0.5 beyond the farthest point."""
    streams = Streams([seed])
    pts: list[np.ndarray] = []
    for _ in range(n):
        x = streams.normal((d,))[0] * spread
        for _ in range(100):
            close = [y for y in pts if np.sqrt(((x - y) ** 2).sum()) < claims.MIN_SEPARATION]
            if not close:
                break
            y = close[0]
            u = x - y
            norm = np.linalg.norm(u)
            u = u / norm if norm > 1e-9 else streams.normal((d,))[0]
            x = y + u / np.linalg.norm(u) * (claims.MIN_SEPARATION * 1.2)
        else:
            u = streams.normal((d,))[0]
            x = u / np.linalg.norm(u) * (max(np.linalg.norm(y) for y in pts) + 0.5)
        pts.append(x)
    return np.array(pts)


@pytest.mark.parametrize("d", [1, 2])
def test_separated_points_cycle_shortcut_changes_nothing(d, monkeypatch):
    """The batched sampler stops pushing a row that is back at an earlier position (a push cycle, frequent
    at d = 1): its points equal, bit for bit, those of the same code without the shortcut (no positions
    remembered), and the plain one-row transcription of the law to rounding (norms summed in another order)."""
    seeds = np.arange(60)
    batched = claims._separated_points_batch(Streams(seeds), np.arange(60), 12, d)
    monkeypatch.setattr(claims, "_CYCLE_MEMORY", 0)
    np.testing.assert_array_equal(batched, claims._separated_points_batch(Streams(seeds), np.arange(60), 12, d))
    for seed in seeds.tolist():
        np.testing.assert_allclose(batched[seed], _separated_points_plainly(seed, 12, d), rtol=1e-13, atol=1e-15)
