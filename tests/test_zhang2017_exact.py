"""zhang2017 exact domains: every pointwise claim's derived inputs are declared (constrained, recomputed or
free), and at drawn points the reference's exact representation satisfies each constraint to 10^−(dps−5) while
the fast path sees its float rounding."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.engine.context import mp_context
from checks.exact import to_float
from checks.specs import PointwiseSpec, SymbolicSpec
from claims import all_claims


def _pointwise():
    out = []
    for claim in all_claims():
        if not claim.id.startswith("zhang2017/"):
            continue
        spec = claim.spec.numeric if isinstance(claim.spec, SymbolicSpec) else claim.spec
        if isinstance(spec, PointwiseSpec) and (spec.domain.derive is not None or spec.domain.exact):
            out.append(pytest.param(spec.domain, id=claim.id))
    return out


@pytest.mark.parametrize("domain", _pointwise())
def test_derived_inputs_declared_and_exact(domain):
    @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data):
        point = data.draw(domain.strategy())
        assert domain.float_only(point) == []
        for dps in (30, 60):
            ctx = mp_context(dps)
            exact = domain.exact_point(point, ctx)
            for c in domain.exact:
                assert c.defect(exact, point, ctx) < ctx.mpf(10) ** (-(dps - 5)), c.describe()
                for name in c.names:
                    assert point[name] == to_float(exact[name])  # the fast path sees the float rounding
        assert domain.complete(point) == point  # idempotent

    for p in domain.example_points():
        assert domain.float_only(p) == []
    run()
