"""The engines reject planted false claims and accept true ones (the harness tests itself)."""

from __future__ import annotations

import math

import pytest
import torch

from checks.domain import Domain, Float, Int
from checks.model import Claim, Kind, Mutant, Verdict
from checks.specs import PointwiseSpec, ProbabilisticSpec, RateSpec, SymbolicOutcome, SymbolicSpec
from checks.testing import check

_MUT = (Mutant("noop", {}, "placeholder (the planted claims are themselves the mutants)"),)


def _ineq(power_ref: float, power_fast: float | None = None, *, relation="<=", lo=0.0, hi=2.0) -> Claim:
    """x^p <= x on [lo, hi]: true for p >= 1 on [0, 1], false beyond."""
    power_fast = power_ref if power_fast is None else power_fast
    spec = PointwiseSpec(
        Domain((Float("x", lo, hi),)), relation,
        lambda p, c, ctx: (ctx.mpf(p["x"]) ** power_ref, ctx.mpf(p["x"])),
        lambda b, c, *, device, dtype: (b.tensor("x", device=device, dtype=dtype) ** power_fast,
                                        b.tensor("x", device=device, dtype=dtype)))
    return Claim(id="planted/ineq", label="planted", section="0", statement="x^p <= x", kind=Kind.INEQUALITY,
                 spec=spec, establishes="test", mutants=_MUT)


def test_true_inequality_holds_with_tightest_margin():
    r = check(_ineq(2.0, lo=0.0, hi=1.0))
    assert r.verdict == Verdict.HOLDS
    assert r.evidence["points_searched"] > 10
    assert abs(r.evidence["tightest_margin"]) < 1e-6  # equality at x = 0 and x = 1 is found


def test_false_inequality_is_violated_and_shrunk():
    r = check(_ineq(2.0, lo=0.0, hi=2.0))
    assert r.verdict == Verdict.VIOLATED
    cx = r.evidence["minimal_counterexample"]
    assert cx["status"] == "violated" and [e["dps"] for e in cx["evaluations"]] == [30, 60]
    assert 1.0 < cx["point"]["x"] <= 2.0
    assert "claims check planted/ineq" in r.evidence["reproduce"] and "--at x=" in r.evidence["reproduce"]


def test_fast_path_false_alarm_is_refuted_by_reference():
    # x² <= x on [0, 1]; the fast path has a planted bug at the edge x = 1 that the reference refutes
    claim = _ineq(2.0, lo=0.0, hi=1.0)
    buggy = PointwiseSpec(claim.spec.domain, "<=", claim.spec.reference,
                          lambda b, c, *, device, dtype: (
                              torch.where(b.tensor("x", device=device, dtype=dtype) == 1.0, 1.5,
                                          b.tensor("x", device=device, dtype=dtype) ** 2),
                              b.tensor("x", device=device, dtype=dtype)))
    from dataclasses import replace

    r = check(replace(claim, spec=buggy))
    assert r.verdict == Verdict.HOLDS
    assert r.evidence["fast_alarms_refuted_by_reference"][0]["point"] == {"x": 1.0}


def test_identity_off_by_one_ulp_scale_is_caught():
    spec = PointwiseSpec(
        Domain((Float("x", 0.5, 2.0),)), "==",
        lambda p, c, ctx: (ctx.sin(p["x"]) ** 2 + ctx.cos(p["x"]) ** 2, ctx.mpf(1) + c["eps"]),
        lambda b, c, *, device, dtype: (torch.sin(b.tensor("x", device=device, dtype=dtype)) ** 2
                                        + torch.cos(b.tensor("x", device=device, dtype=dtype)) ** 2,
                                        torch.full((len(b),), 1.0 + c["eps"], dtype=dtype)))
    claim = Claim(id="planted/pythagoras", label="p", section="0", statement="sin²+cos² = 1",
                  kind=Kind.IDENTITY, spec=spec, establishes="test", constants={"eps": 0.0},
                  mutants=(Mutant("plus-1e-9", {"eps": 1e-9}),))
    assert check(claim).verdict == Verdict.HOLDS
    assert check(claim.with_constants({"eps": 1e-9})).verdict == Verdict.VIOLATED


def test_float32_tolerance_is_derived_from_dtype():
    r64 = check(_ineq(2.0, lo=0.0, hi=1.0))
    r32 = check(_ineq(2.0, lo=0.0, hi=1.0), dtype="float32")
    assert r32.evidence["tolerance"]["fast_rtol"] > 1e6 * r64.evidence["tolerance"]["fast_rtol"]
    assert r32.verdict == Verdict.HOLDS


def test_reference_backend_uses_no_fast_path():
    def broken_fast(*a, **k):
        raise AssertionError("the reference backend must not call the fast path")

    spec = PointwiseSpec(Domain((Float("x", 0.0, 1.0),)), "<=", lambda p, c, ctx: (ctx.mpf(p["x"]) ** 2,
                                                                                    ctx.mpf(p["x"])), broken_fast)
    claim = Claim(id="planted/ref", label="p", section="0", statement="x² <= x", kind=Kind.INEQUALITY, spec=spec,
                  establishes="test", mutants=_MUT)
    assert check(claim, backend="reference").verdict == Verdict.HOLDS


def _prob(shift: float, n: int = 400, support=(0.0, 2.0), asym=None, settings=None, shifts=None) -> Claim:
    def sample(point, constants, n, gen, *, device, dtype):
        s = shifts[point["w"]] if shifts else shift
        return torch.rand(n, generator=gen, device=device, dtype=dtype) + s

    spec = ProbabilisticSpec(settings=settings or ({"w": 1},), sample=sample,
                             bound=lambda p, c: 1.0, samples=n, support=support,
                             support_reason="U + s with U uniform on [0, 1)" if support else "",
                             asymptotic_param=asym)
    return Claim(id="planted/prob", label="p", section="0", statement="E[U + s] <= 1", kind=Kind.PROBABILISTIC,
                 spec=spec, establishes="test", mutants=_MUT)


def test_probabilistic_verdicts_follow_the_interval():
    assert check(_prob(0.0), budget="default").verdict == Verdict.HOLDS  # mean 0.5
    assert check(_prob(0.9), budget="default").verdict == Verdict.VIOLATED  # mean 1.4
    assert check(_prob(0.5, n=30), budget="smoke").verdict == Verdict.INCONCLUSIVE  # mean 1.0: straddles
    r = check(_prob(0.9), budget="default")
    row = r.evidence["minimal_counterexample"]
    assert row["interval"]["low"] > 1.0 and row["interval"]["valid_low"]


def test_equality_in_expectation_is_two_sided():
    from dataclasses import replace

    claim = _prob(0.5, n=400)  # E[U + 0.5] = 1 exactly
    eq = replace(claim, spec=replace(claim.spec, relation="=="))
    assert check(eq, budget="default").verdict == Verdict.HOLDS
    # range 2, n = 400, per-test α = 1e-3: a valid interval resolves about ±0.16
    off = replace(eq, spec=replace(eq.spec, bound=lambda p, c: 1.25))
    assert check(off, budget="default").verdict == Verdict.VIOLATED


def test_asymptotic_sweep_needs_persistence():
    settings = ({"w": 1}, {"w": 2}, {"w": 4})
    r = check(_prob(0.0, settings=settings, asym="w", shifts={1: 0.9, 2: 0.9, 4: 0.0}), budget="default")
    assert r.verdict == Verdict.HOLDS  # violated at small widths only: not a violation of "width >= D"
    assert r.evidence["groups"][0]["holds_from_w"] == 4
    r = check(_prob(0.0, settings=settings, asym="w", shifts={1: 0.9, 2: 0.9, 4: 0.9}), budget="default")
    assert r.verdict == Verdict.VIOLATED


def _rate(exponent: float) -> Claim:
    spec = RateSpec(grid=tuple(float(2**k) for k in range(1, 10)),
                    reference=lambda x, c, ctx: 1 / ctx.mpf(x) ** 2 + 1 / ctx.mpf(x) ** 3,
                    fast=lambda xs, c, *, device, dtype: 1 / xs**2 + 1 / xs**3, relation="<=")
    return Claim(id="planted/rate", label="p", section="0", statement="decays like n^-e", kind=Kind.RATE, spec=spec,
                 establishes="test", constants={"exponent": exponent}, mutants=_MUT)


def test_rate_fit_compares_exponents():
    r = check(_rate(-1.0))
    assert r.verdict == Verdict.HOLDS
    assert math.isclose(r.evidence["tail_fit"]["slope"], -2.0, abs_tol=0.05)
    assert r.evidence["fast_agrees"]
    assert check(_rate(-3.0)).verdict == Verdict.VIOLATED


def test_symbolic_and_crash_isolation():
    def prove(c):
        return SymbolicOutcome(Verdict.PROVED if c["ok"] else Verdict.VIOLATED, "planted")

    claim = Claim(id="planted/sym", label="p", section="0", statement="s", kind=Kind.SYMBOLIC,
                  spec=SymbolicSpec(prove), establishes="t", constants={"ok": True}, mutants=_MUT)
    assert check(claim).verdict == Verdict.PROVED
    assert check(claim.with_constants({"ok": False})).verdict == Verdict.VIOLATED

    def crash(c):
        raise ZeroDivisionError("boom")

    crashing = Claim(id="planted/crash", label="p", section="0", statement="s", kind=Kind.SYMBOLIC,
                     spec=SymbolicSpec(crash), establishes="t", mutants=_MUT)
    r = check(crashing)
    assert r.verdict == Verdict.ERROR and "ZeroDivisionError" in r.evidence["traceback"]


def test_cuda_backend_is_skipped_cleanly_without_gpu():
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    assert check(_ineq(2.0), backend="torch-cuda").verdict == Verdict.SKIPPED


def test_claims_need_a_mutant_and_a_valid_id():
    with pytest.raises(ValueError, match="mutant"):
        Claim(id="p/x", label="", section="", statement="", kind=Kind.IDENTITY, spec=None, establishes="")
    with pytest.raises(ValueError, match="paper"):
        Claim(id="nopaper", label="", section="", statement="", kind=Kind.IDENTITY, spec=None, establishes="",
              mutants=_MUT)


def test_domain_validation_names_the_parameter():
    from checks.domain import DomainError

    d = Domain((Int("n", 0, 5), Float("x", -1, 1)))
    assert d.parse(["n=3", "x=0.5"]) == {"n": 3, "x": 0.5}
    for bad, word in ((["n=9", "x=0"], "n=9"), (["n=1"], "missing"), (["n=1", "x=0", "z=1"], "unknown"),
                      (["n=a", "x=0"], "not an integer")):
        with pytest.raises(DomainError, match=word):
            d.parse(bad)


def test_reference_backend_decides_only_settings_with_a_reference():
    from dataclasses import replace

    claim = _prob(0.0, settings=({"w": 1}, {"w": 2}))
    partial = replace(claim, spec=replace(claim.spec, reference=lambda p, c, ctx: 0.5 if p["w"] == 1 else
                                          ctx.inf, reference_is="upper"))
    r = check(partial, backend="reference")
    assert r.verdict == Verdict.HOLDS and r.evidence["settings_without_reference"] == 1
    assert check(claim, backend="reference").verdict == Verdict.SKIPPED  # no reference at all
