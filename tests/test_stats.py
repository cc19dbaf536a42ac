"""Confidence intervals and slope fits against known values and coverage."""

import numpy as np
from scipy import stats

from checks.stats import fit_slope, mean_interval, proportion_interval
from checks.tolerance import FAMILY_ALPHA, fast_tolerance, per_test_alpha, reference_tolerance


def test_clopper_pearson_known_values():
    iv = proportion_interval(0, 10, 0.05)
    assert iv.low == 0.0 and abs(iv.high - (1 - 0.025 ** (1 / 10))) < 1e-12
    iv = proportion_interval(5, 10, 0.05)
    assert abs(iv.low - stats.beta.ppf(0.025, 5, 6)) < 1e-12


def test_mean_interval_coverage():
    rng = np.random.default_rng(1)
    hits = 0
    for _ in range(400):
        iv = mean_interval(rng.random(50), 0.1, (0.0, 1.0))
        hits += iv.low <= 0.5 <= iv.high
    assert hits >= 0.9 * 400, hits


def test_slope_fit_recovers_power_law():
    x = np.log(np.arange(1, 30))
    y = -1.5 * x + 0.3
    fit = fit_slope(x, y)
    assert abs(fit.slope + 1.5) < 1e-12 and fit.r2 > 0.999999


def test_tolerances_are_derived():
    import torch

    assert fast_tolerance(torch.float32) > fast_tolerance(torch.float64) * 1e8
    assert reference_tolerance(60) < reference_tolerance(30) < 1e-15
    assert reference_tolerance(60, 1e-12) == 1e-12
    assert per_test_alpha(10) == FAMILY_ALPHA / 10
    # the documented false-alarm budget: a 30-run sweep is clean with probability >= 97 %
    assert (1 - FAMILY_ALPHA) ** 30 >= 0.97


def test_slope_interval_is_the_range_of_local_exponents():
    """Exact values carry no sampling error: the interval is the deterministic range of the secant slopes,
    independent of any seed or level (a power law gives a zero-width interval, a bent curve a wide one)."""
    x = np.log(2.0 ** np.arange(7, 12))
    fit = fit_slope(x, -3.0 * x + 0.25)
    assert abs(fit.low + 3.0) < 1e-12 and abs(fit.high + 3.0) < 1e-12, fit
    y = -3.0 * x + 0.1 * x**2  # local slope −3 + 0.2 x rises along the grid
    fit = fit_slope(x, y)
    secants = np.diff(y) / np.diff(x)
    assert fit.low == secants.min() and fit.high == secants.max() and fit.low < fit.slope < fit.high
    assert "no confidence level" in fit.method


def test_rate_verdicts_are_deterministic_and_take_no_share_of_alpha():
    """A rate claim fits exact reference values: its interval (the range of local exponents on the tail) is
    the same at every seed and level, and it is not counted as a statistical test. The local exponents of
    1/x² + 1/x³ lie in (−3, −2) and tend to −2: "decays at least like x^−2" HOLDS on the grid (every local
    exponent is ≤ −2), x^−3 is VIOLATED (every local exponent is above it), and an exponent inside their
    range is INCONCLUSIVE."""
    from checks.engine import n_statistical_tests
    from checks.model import Claim, Kind, Mutant, Verdict
    from checks.specs import RateSpec
    from checks.testing import check

    def rate(exponent: float) -> Claim:
        spec = RateSpec(grid=tuple(float(2**k) for k in range(1, 8)),
                        reference=lambda x, c, ctx: 1 / ctx.mpf(x) ** 2 + 1 / ctx.mpf(x) ** 3,
                        fast=lambda xs, c, *, device, dtype: 1 / xs**2 + 1 / xs**3, relation="<=")
        return Claim(id="planted/rate", label="p", section="0", statement="decays like x^-e", kind=Kind.RATE,
                     spec=spec, establishes="test", constants={"exponent": exponent},
                     mutants=(Mutant("noop", {}, "planted"),))

    a = check(rate(-2.0), seed=1, n_tests=1)
    b = check(rate(-2.0), seed=7, n_tests=500)
    assert a.evidence["tail_fit"] == b.evidence["tail_fit"] and a.verdict == b.verdict == Verdict.HOLDS
    fit = a.evidence["tail_fit"]
    assert -3.0 < fit["low"] <= fit["slope"] <= fit["high"] < -2.0
    assert check(rate(-3.0)).verdict == Verdict.VIOLATED
    assert check(rate((fit["low"] + fit["high"]) / 2)).verdict == Verdict.INCONCLUSIVE
    assert n_statistical_tests(rate(-2.0)) == 0
