"""daniely2023 Hermite claims: every mutant is flagged, and the fast kernels agree with the reference."""

from __future__ import annotations

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.engine.context import mp_context as _ctx
from checks.specs import Batch
from claims.daniely2023 import hermite


@given(st.integers(0, 40), st.floats(-30, 30), st.floats(-10, 10, allow_subnormal=False))
@settings(max_examples=25, deadline=None)
def test_lemma_2_2_fast_sides_agree_with_reference(n, x, y):
    """The fast path works with sides divided by max(|x|,|x+y|,1)^n; the margins must agree (rel 1e-9:
    40-step recursions at float64, relative to the larger term). Subnormal y are left out: both sides are then
    subnormal (|h_n(x+y) − h_n(x)| ≈ |h_n'(x)||y|), where float64 keeps no relative precision; the engine
    confirms such points in mpmath."""
    spec = hermite.lemma_2_2.spec
    point = {"n": n, "x": x, "y": y}
    lhs, rhs, scale = spec.fast(Batch([point]), hermite.lemma_2_2.constants, device="cpu", dtype=torch.float64)
    fast_margin = float((rhs - lhs) / scale) if float(scale) else 0.0  # 0/0 at y = 0, x a root: the engine uses 1
    l, r, s = spec.reference(point, hermite.lemma_2_2.constants, _ctx())
    assert math.isclose(fast_margin, float((r - l) / s) if s else 0.0, abs_tol=1e-9)


@given(st.integers(0, 20), st.integers(0, 20), st.floats(-1, 1))
@settings(max_examples=10, deadline=None)
def test_equation_2_fast_agrees_with_reference(i, j, rho):
    claim = hermite.equation_2_cross
    point = {"i": i, "j": j, "rho": rho}
    lf, rf, sf = claim.spec.fast(Batch([point]), claim.constants, device="cpu", dtype=torch.float64)
    lr, rr, sr = claim.spec.reference(point, claim.constants, _ctx())
    # product Gauss–Hermite sums of 24² terms: agreement to 1e-12 of Σ|terms|
    assert abs(float(lf) - float(lr)) <= 1e-12 * float(sr) + 1e-15
