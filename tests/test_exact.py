"""Exact domains (checks.exact): each constrained type's reference representation satisfies its constraint
to 10^−(dps−5), its float rounding is what the fast path sees, and the pointwise engine cannot be fooled by
input rounding (a true statement about exact points is never VIOLATED; a genuine violation still is)."""

from __future__ import annotations

import math
import random

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.domain import Domain, Float, Int
from checks.engine.context import mp_context
from checks.exact import (
    InnerProductPair,
    Orthogonal,
    ProbabilityVector,
    Recompute,
    SignVector,
    UnitVector,
    raw_key,
    to_float,
)
from checks.model import Claim, Kind, Mutant, Verdict
from checks.specs import PointwiseSpec
from checks.testing import check

DPS = (30, 60)


def _gauss(seed: int, shape: tuple[int, ...]) -> list:
    rng = random.Random(seed)
    if len(shape) == 1:
        return [rng.gauss(0, 1) for _ in range(shape[0])]
    return [[rng.gauss(0, 1) for _ in range(shape[1])] for _ in range(shape[0])]


def _float_pair(d: int, rho: float, seed: int) -> tuple[list[float], list[float]]:
    """A float construction of θ, w with θᵀw ≈ ρ (correct only up to rounding, like the claims' own)."""
    theta = _gauss(seed, (d,))
    nrm = math.sqrt(sum(t * t for t in theta))
    theta = [t / nrm for t in theta]
    u = _gauss(seed + 1, (d,))
    for _ in range(2):  # twice: one pass leaves a residual ∝ cond when u is nearly parallel to θ (found at d = 2)
        proj = sum(a * b for a, b in zip(u, theta, strict=True))
        u = [a - proj * b for a, b in zip(u, theta, strict=True)]
    nu = math.sqrt(sum(t * t for t in u))
    c = math.sqrt(1 - rho * rho)
    return theta, [rho * a + c * b / nu for a, b in zip(theta, u, strict=True)]


def _pair_domain(**extra) -> Domain:
    def derive(p):
        theta, w = _float_pair(p["d"], p["rho"], p["seed"])
        return {"theta": theta, "w": w}

    return Domain((Int("d", 2, 8), Float("rho", -1.0, 1.0, examples=(-1.0, 0.0, 1.0)), Int("seed", 0, 10**6)),
                  derive=derive, exact=(InnerProductPair("theta", "w", "rho"),), **extra)


def _assert_constraint_and_rounding(domain: Domain, constraint, point: dict) -> None:
    completed = domain.complete(point)
    for dps in DPS:
        ctx = mp_context(dps)
        exact = domain.exact_point(completed, ctx)
        assert constraint.defect(exact, completed, ctx) < ctx.mpf(10) ** (-(dps - 5))
        # the fast path sees the float rounding of the exact representation, entry by entry
        for name in constraint.names:
            assert completed[name] == to_float(exact[name])
    # the round trip is idempotent (re-completing a completed point changes nothing)
    assert domain.complete(completed) == completed


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 8), st.floats(-1, 1), st.integers(0, 10**6))
def test_inner_product_pair_is_exact(d, rho, seed):
    domain = _pair_domain()
    _assert_constraint_and_rounding(domain, domain.exact[0], {"d": d, "rho": rho, "seed": seed})


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(1, 8), st.integers(0, 10**6))
def test_unit_vectors_are_exact(k, d, seed):
    domain = Domain((Int("k", 1, 4), Int("d", 1, 8), Int("seed", 0, 10**6)),
                    derive=lambda p: {"rows": _gauss(p["seed"], (p["k"], p["d"]))}, exact=(UnitVector("rows"),))
    _assert_constraint_and_rounding(domain, domain.exact[0], {"k": k, "d": d, "seed": seed})


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(0, 10**6))
def test_orthogonal_is_exact(n, seed):
    def derive(p):
        g = torch.randn(p["n"], p["n"], generator=torch.Generator().manual_seed(p["seed"]), dtype=torch.float64)
        return {"q": torch.linalg.qr(g)[0].tolist()}

    domain = Domain((Int("n", 1, 6), Int("seed", 0, 10**6)), derive=derive, exact=(Orthogonal("q"),))
    _assert_constraint_and_rounding(domain, domain.exact[0], {"n": n, "seed": seed})


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 10), st.integers(0, 10**6))
def test_probability_vector_is_exact(n, seed):
    def derive(p):
        rng = random.Random(p["seed"])
        raw = [rng.random() + 1e-3 for _ in range(p["n"])]
        total = sum(raw)
        return {"p": [x / total for x in raw]}  # sums to 1 only up to rounding

    domain = Domain((Int("n", 1, 10), Int("seed", 0, 10**6)), derive=derive, exact=(ProbabilityVector("p"),))
    _assert_constraint_and_rounding(domain, domain.exact[0], {"n": n, "seed": seed})


def test_sign_vector_is_exact_and_rejects_other_values():
    domain = Domain((Int("n", 1, 5),), derive=lambda p: {"x": [(-1.0) ** i for i in range(p["n"])]},
                    exact=(SignVector("x"),))
    _assert_constraint_and_rounding(domain, domain.exact[0], {"n": 5})
    bad = Domain((Int("n", 1, 5),), derive=lambda p: {"x": [0.5] * p["n"]}, exact=(SignVector("x"),))
    with pytest.raises(ValueError, match="not ±1"):
        bad.complete({"n": 2})


def test_raw_values_are_kept_and_recompute_uses_exact_inputs():
    domain = _pair_domain(recompute=(Recompute("gap", lambda p, ctx: 1 - ctx.fsum(
        ctx.mpf(a) * ctx.mpf(b) for a, b in zip(p["theta"], p["w"], strict=True))),))
    point = domain.complete({"d": 3, "rho": 0.3, "seed": 7})
    assert raw_key("theta") in point and raw_key("w") in point
    ctx = mp_context(60)
    exact = domain.exact_point(point, ctx)
    assert abs(exact["gap"] - (1 - ctx.mpf(0.3))) < ctx.mpf(10) ** -55


# --- the engine: input rounding never makes a true statement VIOLATED ------------------------------------

def _inner_product_claim(domain: Domain, scale: float = 1.0) -> Claim:
    """θᵀw = ρ (true on the exact domain); the mutant scales ρ."""

    def reference(p, constants, ctx):
        return ctx.fsum(ctx.mpf(a) * ctx.mpf(b) for a, b in zip(p["theta"], p["w"], strict=True)), \
            ctx.mpf(constants["c"]) * ctx.mpf(p["rho"]), ctx.mpf(1)

    def fast(batch, constants, *, device, dtype):
        out = [sum(a * b for a, b in zip(p["theta"], p["w"], strict=True)) for p in batch.points]
        lhs = torch.tensor(out, dtype=dtype, device=device)
        rhs = constants["c"] * batch.tensor("rho", device=device, dtype=dtype)
        return lhs, rhs, torch.ones_like(lhs)

    return Claim(id="test/inner-product", label="test", section="-", statement="θᵀw = ρ", kind=Kind.IDENTITY,
                 spec=PointwiseSpec(domain, "==", reference, fast, terms=8, terms_reason="a d-term dot product"),
                 establishes="test", constants={"c": scale},
                 mutants=(Mutant("c", {"c": 1.001}),))


def test_true_identity_on_exact_domain_holds_on_every_backend():
    claim = _inner_product_claim(_pair_domain())
    for backend, dtype in (("torch-cpu", "float64"), ("torch-cpu", "float32"), ("reference", "float64")):
        result = check(claim, backend=backend, dtype=dtype, seed=3)
        assert result.verdict == Verdict.HOLDS, (backend, dtype, result.evidence.get("minimal_counterexample"))


def test_mutant_of_exact_domain_claim_is_violated_and_says_how_point_was_made_exact():
    claim = _inner_product_claim(_pair_domain(), scale=1.001)
    result = check(claim, seed=3)
    assert result.verdict == Verdict.VIOLATED
    conf = result.evidence["minimal_counterexample"]
    assert conf["status"] == "violated"
    assert "Gram–Schmidt" in conf["exact_domain"]["constrained"][0]


def test_without_the_declaration_rounding_artefacts_are_caught_by_the_guard():
    """The same domain without the exact declaration: θ, w are 'given only in floating point'. The reference
    at 60 digits then sees θᵀw ≠ ρ at the 1e-16 level; the rounding guard must refuse VIOLATED."""
    def derive(p):
        theta, w = _float_pair(p["d"], p["rho"], p["seed"])
        return {"theta": theta, "w": w}

    bare = Domain((Int("d", 2, 8), Float("rho", -1.0, 1.0), Int("seed", 0, 10**6)), derive=derive)
    claim = _inner_product_claim(bare)
    for seed in range(3):
        result = check(claim, backend="reference", seed=seed)
        assert result.verdict != Verdict.VIOLATED, result.evidence.get("minimal_counterexample")
    # a genuine violation is not masked by the guard
    assert check(_inner_product_claim(bare, scale=1.001), backend="reference", seed=0).verdict == Verdict.VIOLATED


def test_float_only_lists_undeclared_derived_entries():
    bare = Domain((Int("d", 2, 3),), derive=lambda p: {"v": [0.1] * p["d"], "k": 3})
    assert bare.float_only(bare.complete({"d": 2})) == ["v"]
    free = Domain((Int("d", 2, 3),), derive=lambda p: {"v": [0.1] * p["d"]}, free=("v",))
    assert free.float_only(free.complete({"d": 2})) == []


# --- additions for zhang2017: TangentVector, Where ---------------------------------------------------------

def _tangent_domain() -> Domain:
    from checks.exact import TangentVector

    def derive(p):
        rows = [_gauss(p["seed"] + r, (p["d"],)) for r in range(p["k"])]
        rows = [[x / math.sqrt(sum(y * y for y in row)) for x in row] for row in rows]
        i = p["i"] % p["k"]
        u = _gauss(p["seed"] + 99, (p["d"],))
        proj = sum(a * b for a, b in zip(u, rows[i], strict=True))
        u = [a - proj * b for a, b in zip(u, rows[i], strict=True)]  # tangent only up to rounding
        return {"theta": rows, "u": u}

    return Domain((Int("d", 2, 6), Int("k", 1, 4), Int("i", 0, 3), Int("seed", 0, 10**6)), derive=derive,
                  exact=(UnitVector("theta"), TangentVector("u", "theta", row="i")))


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 6), st.integers(1, 4), st.integers(0, 3), st.integers(0, 10**6))
def test_tangent_vector_is_exact(d, k, i, seed):
    domain = _tangent_domain()
    point = {"d": d, "k": k, "i": i, "seed": seed}
    _assert_constraint_and_rounding(domain, domain.exact[1], point)
    _assert_constraint_and_rounding(domain, domain.exact[0], point)


def test_tangent_vector_float_path_is_orthogonal_to_rounding_only():
    """The float rounding of the exact tangent vector is orthogonal to the float base up to rounding, and the
    exact one to the exact base at working precision (not merely at float64's 1e-16)."""
    domain = _tangent_domain()
    completed = domain.complete({"d": 5, "k": 3, "i": 2, "seed": 7})
    ctx = mp_context(60)
    exact = domain.exact_point(completed, ctx)
    dot = ctx.fsum(a * b for a, b in zip(exact["u"], exact["theta"][2], strict=True))
    assert abs(dot) < ctx.mpf(10) ** -55
    fdot = math.fsum(a * b for a, b in zip(completed["u"], completed["theta"][2], strict=True))
    assert 0 < abs(fdot) < 1e-14 or fdot == 0


def test_where_applies_inner_constraint_only_where_stated():
    from checks.domain import Choice
    from checks.exact import Where

    def derive(p):
        return {"theta": [[3.0, 4.0], [1.0, 1.0]]}

    domain = Domain((Choice("manifold", ("sphere", "euclidean")),), derive=derive,
                    exact=(Where(UnitVector("theta"), lambda p: p["manifold"] == "sphere", "manifold = sphere"),))
    on = domain.complete({"manifold": "sphere"})
    _assert_constraint_and_rounding(domain, domain.exact[0], {"manifold": "sphere"})
    assert on["theta"][0] == [0.6, 0.8]
    off = domain.complete({"manifold": "euclidean"})
    assert off["theta"] == [[3.0, 4.0], [1.0, 1.0]]  # free: the floats are the exact point
    assert domain.exact_point(off, mp_context(30))["theta"] == [[3.0, 4.0], [1.0, 1.0]]
    assert domain.exact[0].defect({"theta": [[3.0, 4.0]]}, off, mp_context(30)) == 0
    assert "elsewhere free" in domain.exact[0].describe()
    assert domain.float_only(off) == [] and domain.float_only(on) == []
