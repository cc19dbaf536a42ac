"""Confidence intervals and slope fits against known values and coverage."""

import numpy as np
from scipy import stats

from checks.stats import fit_slope, mean_interval, proportion_interval
from checks.tolerance import fast_tolerance, per_test_alpha, reference_tolerance


def test_clopper_pearson_known_values():
    iv = proportion_interval(0, 10, 0.05)
    assert iv.low == 0.0 and abs(iv.high - (1 - 0.025 ** (1 / 10))) < 1e-12
    iv = proportion_interval(5, 10, 0.05)
    assert abs(iv.low - stats.beta.ppf(0.025, 5, 6)) < 1e-12


def test_mean_interval_coverage():
    rng = np.random.default_rng(1)
    for support in (None, (0.0, 1.0)):
        covered = sum(mean_interval(rng.random(50), 0.1, support).low <= 0.5
                      <= mean_interval(rng.random(50), 0.1, support).high for _ in range(1))
        hits = 0
        for _ in range(400):
            iv = mean_interval(rng.random(50), 0.1, support)
            hits += iv.low <= 0.5 <= iv.high
        assert hits >= 0.85 * 400, (support, hits)
        assert covered in (0, 1)


def test_slope_fit_recovers_power_law():
    x = np.log(np.arange(1, 30))
    y = -1.5 * x + 0.3
    fit = fit_slope(x, y, 0.05, seed=0)
    assert abs(fit.slope + 1.5) < 1e-12 and fit.r2 > 0.999999


def test_tolerances_are_derived():
    import torch

    assert fast_tolerance(torch.float32) > fast_tolerance(torch.float64) * 1e8
    assert reference_tolerance(60) < reference_tolerance(30) < 1e-15
    assert reference_tolerance(60, 1e-12) == 1e-12
    assert per_test_alpha(10) == 0.005


def test_bootstrap_slope_ignores_single_point_resamples():
    """Five points of an exact power law: every seed must give a tight interval around the slope (a
    resample drawing one x value only would otherwise inject an arbitrary slope)."""
    import numpy as np

    from checks.stats import fit_slope

    x = np.log(2.0 ** np.arange(7, 12))
    y = -3.0 * x + 0.25
    for seed in range(20):
        fit = fit_slope(x, y, alpha=0.0016, seed=seed)
        assert abs(fit.low + 3.0) < 1e-6 and abs(fit.high + 3.0) < 1e-6, (seed, fit)
