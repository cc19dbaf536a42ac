"""Confidence intervals and fits used by the probabilistic and rate engines.

All intervals are two-sided at level ``1 - alpha``; callers pass the per-test alpha after the run's
multiple-testing control (see ``checks.tolerance.per_test_alpha``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special as _sp  # scipy.special: the quantiles below, without scipy.stats' import cost


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    method: str
    n: int

    def as_dict(self) -> dict:
        return {"estimate": self.estimate, "low": self.low, "high": self.high, "method": self.method,
                "n": self.n}


def mean_interval(samples: np.ndarray, alpha: float, support: tuple[float, float] | None = None) -> Interval:
    """CI for a mean.

    With a known almost-sure range, the empirical-Bernstein bound (Maurer & Pontil 2009) is valid at any
    n; it is intersected with the Student-t interval only if the latter is wider (it never is narrower
    than valid). Without a range, the Student-t interval (CLT) is used, and says so.
    """
    x = np.asarray(samples, dtype=float)
    n = x.size
    if n < 2:
        raise ValueError("a confidence interval needs at least two samples")
    mean = float(x.mean())
    sd = float(x.std(ddof=1))
    if support is not None:
        lo, hi = support
        width = hi - lo
        # Maurer–Pontil: with prob. >= 1 - alpha/2 each side,
        # |mean - mu| <= sqrt(2 Var ln(4/alpha) / n) + 7 width ln(4/alpha) / (3 (n - 1)).
        log_term = math.log(4.0 / alpha)
        half = math.sqrt(2.0 * sd * sd * log_term / n) + 7.0 * width * log_term / (3.0 * (n - 1))
        return Interval(mean, max(lo, mean - half), min(hi, mean + half), "empirical-Bernstein", n)
    if sd == 0.0:
        # All draws equal and no known range: the sample says nothing about the spread, so no finite
        # interval is justified (a zero-width t-interval would claim certainty).
        return Interval(mean, -math.inf, math.inf, "degenerate (all draws equal, range unknown)", n)
    t = float(_sp.stdtrit(n - 1, 1.0 - alpha / 2.0))
    half = t * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, "Student-t (CLT)", n)


def proportion_interval(successes: int, n: int, alpha: float) -> Interval:
    """Exact Clopper–Pearson interval for a binomial proportion."""
    low = 0.0 if successes == 0 else float(_sp.betaincinv(successes, n - successes + 1, alpha / 2.0))
    high = 1.0 if successes == n else float(_sp.betaincinv(successes + 1, n - successes, 1.0 - alpha / 2.0))
    return Interval(successes / n, low, high, "Clopper-Pearson", n)


def wilson_interval(successes: int, n: int, alpha: float) -> Interval:
    """Wilson score interval for a binomial proportion (reported next to Clopper–Pearson for readers used
    to it; Clopper–Pearson, which is conservative, is the one verdicts use)."""
    if n <= 0:
        raise ValueError("an interval needs at least one trial")
    z = float(_sp.ndtri(1.0 - alpha / 2.0))
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # the score interval touches 0 / 1 exactly there
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(p, low, high, "Wilson", n)


@dataclass(frozen=True)
class SlopeFit:
    slope: float
    intercept: float
    low: float
    high: float
    r2: float
    n: int
    method: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def fit_slope(x: np.ndarray, y: np.ndarray, alpha: float, seed: int, resamples: int = 2000) -> SlopeFit:
    """Least-squares slope of y on x with a percentile pairs-bootstrap CI (seeded, reproducible).

    With at most three points the bootstrap degenerates; the t-based OLS interval is used instead.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    if n < 2:
        raise ValueError("a slope needs at least two points")
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / ss_tot if ss_tot > 0 else 1.0
    if n <= 3:
        if n == 2:
            return SlopeFit(float(slope), float(intercept), float(slope), float(slope), r2, n, "exact (2 points)")
        se = math.sqrt(float((resid**2).sum()) / (n - 2) / float(((x - x.mean()) ** 2).sum()))
        t = float(_sp.stdtrit(n - 2, 1 - alpha / 2))
        return SlopeFit(float(slope), float(intercept), slope - t * se, slope + t * se, r2, n, "OLS t-interval")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(resamples, n))
    xs, ys = x[idx], y[idx]
    xm, ym = xs.mean(axis=1, keepdims=True), ys.mean(axis=1, keepdims=True)
    sxx = ((xs - xm) ** 2).sum(axis=1)
    # a resample that drew one x value only has no slope; its sxx is rounding noise, not 0, so test the
    # draw itself (keeping it would divide noise by noise and put arbitrary slopes into the interval)
    ok = xs.max(axis=1) > xs.min(axis=1)
    boot = ((xs - xm) * (ys - ym)).sum(axis=1)[ok] / sxx[ok]
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return SlopeFit(float(slope), float(intercept), float(low), float(high), r2, n, "pairs bootstrap")
