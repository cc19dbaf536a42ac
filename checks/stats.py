"""Confidence intervals and fits used by the probabilistic and rate engines.

All intervals are two-sided at level ``1 - alpha`` (``alpha / 2`` per side); callers pass the per-test alpha
after the run's multiple-testing control (see ``checks.tolerance.per_test_alpha``). With a family α of 10⁻³
split over a few hundred tests, a side runs at 10⁻⁶ .. 10⁻⁷: an interval that leans on the central limit
theorem (Student-t) is far from its nominal level there on skewed or heavy-tailed draws (the normal
approximation error of a tail probability is O(skewness / √n), which at these levels is larger than the
level itself). So every side of a mean interval that may decide a verdict is *distribution-free* given a
declared, proven property of the draws:

* a proven almost-sure lower end ``lo`` makes the *lower* side valid without any tail assumption, since
  E X ≥ E min(X, t) for every t: the best of (a) the empirical-Bernstein bound of Maurer & Pontil (2009,
  Thm 4) on min(X, t) ∈ [lo, t] over a fixed grid of t (including the upper end when it is finite) and
  (b) Anderson's bound E X ≥ lo + ∫ (S_n(s) − ε)₊ ds from the one-sided DKW band with Massart's constant
  (powerful for few draws), with a Bonferroni split over the candidates; symmetrically a proven upper end
  makes the *upper* side valid;
* a declared tail bound (:class:`TailBound`, with the reason it is proven) makes a side with an infinite end
  valid: the mean of the draws clipped to ``[c − t, c + t]`` with the empirical-Bernstein bound, widened by
  the proven bound on E(|X − c| − t)₊ (the most the clipping can move the mean), at a level t fixed in
  advance from n, α and the tail bound (it is one more candidate where the end is finite).

A side with none of these is reported with the Student-t value, marked not valid (``valid_low`` /
``valid_high`` false): an engine must not let such a side decide a verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special as _sp  # scipy.special: the quantiles below, without scipy.stats' import cost

#: Truncation levels tried for a side with a proven end: lo + scale·2^k, k in this range (scale: the claimed
#: bound). Fixed in advance, so the grid costs a Bonferroni factor (ln 14 ≈ 2.6 added to ln(2/δ) ≈ 14).
_GRID_POWERS = range(-2, 10)


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    method: str
    n: int
    valid_low: bool = True  # the low side holds with probability ≥ 1 − α/2 without asymptotics
    valid_high: bool = True
    note: str = ""

    def as_dict(self) -> dict:
        out = {"estimate": self.estimate, "low": self.low, "high": self.high, "method": self.method, "n": self.n,
               "valid_low": self.valid_low, "valid_high": self.valid_high}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class TailBound:
    """A proven bound on the tail of one draw X around ``center``: ``excess(t)`` ≥ E(|X − center| − t)₊.

    Build it with :meth:`moment` (E|X − c|^p ≤ M) or :meth:`chi2` (|X − c| ≤ scale·Q a.s., Q ~ χ²_dof). The
    ``reason`` says why the property holds for the sampled quantity (it is printed in the evidence); a
    bound that does not hold voids the interval, so it must be a proof, not an estimate.
    """

    kind: str
    params: tuple[float, ...]
    reason: str
    center: float = 0.0

    def __post_init__(self) -> None:
        if not self.reason:
            raise ValueError("TailBound needs the reason it is proven")

    @classmethod
    def moment(cls, order: float, bound: float, reason: str, center: float = 0.0) -> TailBound:
        """E|X − c|^p ≤ bound, p > 1: (u − t)₊ ≤ u^p (p−1)^{p−1} / (p^p t^{p−1}) for u ≥ 0 (maximise over u)."""
        if order <= 1 or bound < 0:
            raise ValueError(f"moment tail bound needs order > 1 and bound ≥ 0, got {order}, {bound}")
        return cls("moment", (float(order), float(bound)), reason, center)

    @classmethod
    def chi2(cls, scale: float, dof: int, reason: str, center: float = 0.0) -> TailBound:
        """|X − c| ≤ scale·Q almost surely (or stochastically), Q ~ χ²_dof: E(scale·Q − t)₊ in closed form."""
        if scale < 0 or dof < 1:
            raise ValueError(f"chi2 tail bound needs scale ≥ 0 and dof ≥ 1, got {scale}, {dof}")
        return cls("chi2", (float(scale), float(dof)), reason, center)

    def excess(self, t: float) -> float:
        """An upper bound on E(|X − center| − t)₊ for t > 0."""
        if self.kind == "moment":
            p, m = self.params
            return m * (p - 1) ** (p - 1) / (p**p * t ** (p - 1))
        scale, k = self.params
        if scale == 0.0:
            return 0.0
        s = t / scale
        # E(Q − s)₊ = E Q 1{Q > s} − s P(Q > s), and E Q 1{Q > s} = k P(χ²_{k+2} > s)
        return scale * (k * float(_sp.gammaincc(k / 2 + 1, s / 2)) - s * float(_sp.gammaincc(k / 2, s / 2)))

    def describe(self) -> str:
        if self.kind == "moment":
            return f"E|X − {self.center:g}|^{self.params[0]:g} ≤ {self.params[1]:.4g} ({self.reason})"
        return f"|X − {self.center:g}| ≤ {self.params[0]:.4g}·χ²_{int(self.params[1])} ({self.reason})"


def _eb_half(var: np.ndarray | float, n: int, width: float, delta: float) -> np.ndarray | float:
    """Maurer–Pontil (2009, Thm 4), one side at level δ for draws in a range of the given width:
    with probability ≥ 1 − δ, E X − mean ≤ sqrt(2 V ln(2/δ) / n) + 7 width ln(2/δ) / (3 (n − 1)),
    V the unbiased sample variance (the same for the other side). Vectorised over V."""
    log_term = math.log(2.0 / delta)
    return np.sqrt(2.0 * np.asarray(var) * log_term / n) + 7.0 * width * log_term / (3.0 * (n - 1))


def _clipped_stats(x: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Row means and unbiased row variances of the draws clipped to [lo, hi] (x has shape (rows, n))."""
    y = np.clip(x, lo, hi)
    return y.mean(axis=1), y.var(axis=1, ddof=1)


def _student_t(x: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    n = x.shape[1]
    mean, sd = x.mean(axis=1), x.std(axis=1, ddof=1)
    half = float(_sp.stdtrit(n - 1, 1.0 - alpha / 2.0)) * sd / math.sqrt(n)
    # all draws equal and no range known: the sample says nothing about the spread (no finite interval)
    half = np.where(sd == 0.0, np.inf, half)
    return mean - half, mean + half


def student_t_interval(samples: np.ndarray, alpha: float) -> Interval:
    """The Student-t (CLT) interval, for description only: it is not valid at the levels a run uses on
    skewed draws (tests/test_stats_coverage.py shows it under-covering), so both sides are marked invalid."""
    x = np.asarray(samples, dtype=float).reshape(1, -1)
    low, high = _student_t(x, alpha)
    return Interval(float(x.mean()), float(low[0]), float(high[0]), "Student-t (CLT)", x.shape[1], False, False)


def _anderson_lower(x: np.ndarray, delta: float, lo: float) -> np.ndarray:
    """Anderson's lower confidence bound for E X from X ≥ lo: with probability ≥ 1 − δ, P(X > s) ≥ S_n(s) − ε
    for every s at once (one-sided DKW, Massart's constant: ε = sqrt(ln(1/δ) / (2n))), and E X = lo +
    ∫_lo^∞ P(X > s) ds. Rows of x are independent samples."""
    n = x.shape[1]
    eps = math.sqrt(math.log(1.0 / delta) / (2.0 * n))
    xs = np.sort(x, axis=1)
    gaps = np.diff(np.concatenate([np.full((x.shape[0], 1), lo), xs], axis=1), axis=1)  # x_(i+1) − x_(i)
    level = np.clip((n - np.arange(n)) / n - eps, 0.0, None)  # S_n on [x_(i), x_(i+1)) is (n − i)/n
    return lo + gaps @ level


def _lower_from_end(x: np.ndarray, alpha_side: float, lo: float, hi: float, scale: float,
                    tail: TailBound | None) -> tuple[np.ndarray, str]:
    """A valid lower confidence bound for E X from the proven lower end lo (see the module docstring): the
    best of a fixed set of candidates, each at alpha_side / (number of candidates)."""
    levels = [lo + scale * 2.0**k for k in _GRID_POWERS if lo + scale * 2.0**k < hi]
    if math.isfinite(hi):
        levels.append(hi)
    k = len(levels) + 1 + (tail is not None)
    delta = alpha_side / k
    n = x.shape[1]
    best = _anderson_lower(x, delta, lo)
    for t in levels:
        mean, var = _clipped_stats(x, lo, t)
        best = np.maximum(best, mean - _eb_half(var, n, t - lo, delta))
    if tail is not None:
        best = np.maximum(best, _tail_clipped(x, delta, lo, hi, tail)[0])
    what = (f"best of {k} bounds at α/{k} each: Anderson (DKW) and empirical Bernstein on min(X, t) for a fixed "
            f"grid of t, from the proven end {lo:.4g}" + (" and the tail bound" if tail is not None else ""))
    return best, what


def _tail_clipped(x: np.ndarray, delta: float, lo: float, hi: float,
                  tail: TailBound) -> tuple[np.ndarray, np.ndarray, str]:
    """Both sides from the draws clipped to [c − t, c + t] ∩ [lo, hi], each at level δ, widened by the tail
    bound's truncation bias on the sides where the clipping is active."""
    n = x.shape[1]
    t = _truncation_level(tail, n, delta, lo, hi)
    c_lo, c_hi = max(lo, tail.center - t), min(hi, tail.center + t)
    m_c, v_c = _clipped_stats(x, c_lo, c_hi)
    half = _eb_half(v_c, n, c_hi - c_lo, delta)
    bias = tail.excess(t)
    low = m_c - half - (bias if c_lo > lo else 0.0)  # clipping from below can only raise the mean
    high = m_c + half + (bias if c_hi < hi else 0.0)
    return low, high, (f"empirical Bernstein on draws clipped to [{c_lo:.4g}, {c_hi:.4g}], widened by the truncation "
                       f"bias ≤ {bias:.3g} from the tail bound {tail.describe()}")


def _truncation_level(tail: TailBound, n: int, delta: float, lo: float, hi: float) -> float:
    """The clipping half-width t, fixed before the draws are looked at: it minimises the bias bound plus the
    range term of the empirical-Bernstein bound over a log grid (the variance term is ignored: it is
    data-dependent and varies slowly with t)."""
    log_term = math.log(2.0 / delta)
    best_t, best = 1.0, math.inf
    for t in np.geomspace(1e-8, 1e12, 801):
        width = min(hi, tail.center + t) - max(lo, tail.center - t)
        cost = tail.excess(float(t)) + 7.0 * width * log_term / (3.0 * (n - 1))
        if cost < best:
            best_t, best = float(t), cost
    return best_t


def mean_bounds(x: np.ndarray, alpha: float, support: tuple[float, float] | None = None,
                tail: TailBound | None = None, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, Interval]:
    """The bounds of :func:`mean_interval` for every row of ``x`` (shape (rows, n), draws already inside
    ``support``): (low, high, description), the description an Interval of the first row. Used by
    mean_interval and, vectorised, by the coverage tests, so both exercise the same code."""
    rows, n = x.shape
    if n < 2:
        raise ValueError("a confidence interval needs at least two samples")
    lo, hi = support if support is not None else (-math.inf, math.inf)
    side = alpha / 2.0
    scale = abs(scale) if scale and math.isfinite(scale) else 1.0
    mean = x.mean(axis=1)
    t_low, t_high = _student_t(x, alpha)
    mirrored = None if tail is None else TailBound(tail.kind, tail.params, tail.reason, -tail.center)
    parts = []
    if math.isfinite(lo):
        low, what = _lower_from_end(x, side, lo, hi, scale, tail)
        valid_low = True
    elif tail is not None:
        low, _, what = _tail_clipped(x, side, lo, hi, tail)
        valid_low = True
    else:
        low, what, valid_low = t_low, "Student-t, not valid at this level", False
    parts.append(f"low: {what}")
    if math.isfinite(hi):
        neg, what = _lower_from_end(-x, side, -hi, -lo, scale, mirrored)
        high, valid_high = -neg, True
    elif tail is not None:
        _, high, what = _tail_clipped(x, side, lo, hi, tail)
        valid_high = True
    else:
        high, what, valid_high = t_high, "Student-t, not valid at this level", False
    parts.append(f"high: {what}")
    low, high = np.maximum(lo, low), np.minimum(hi, high)
    if valid_low and valid_high:
        method, note = "valid at this level (distribution-free) — " + "; ".join(parts), ""
    elif valid_low or valid_high:
        method = "one side valid — " + "; ".join(parts)
        note = f"no proven {'upper' if valid_low else 'lower'} end or tail bound: that side cannot refute"
    else:
        method, note = "Student-t (CLT), not valid at this level", "no proven range or tail bound: cannot refute"
    return low, high, Interval(float(mean[0]), float(low[0]), float(high[0]), method, n, valid_low, valid_high, note)


def mean_interval(samples: np.ndarray, alpha: float, support: tuple[float, float] | None = None,
                  tail: TailBound | None = None, scale: float = 1.0, range_slack: float = 0.0) -> Interval:
    """A two-sided interval for E X at level 1 − alpha (alpha / 2 per side), valid side by side.

    ``support`` is a proven almost-sure range (either end may be infinite); ``tail`` a proven tail bound;
    ``scale`` a data-independent magnitude (e.g. the claimed bound) that places the truncation grid of a
    side that only has a one-sided range. ``range_slack`` (absolute) is the rounding a draw may carry past
    the proven range (it is clipped back); a draw further out means the range is not proven: ValueError.
    Sides that none of these make valid carry the Student-t value and ``valid_low`` / ``valid_high`` false
    (see the module docstring).
    """
    x = np.asarray(samples, dtype=float).reshape(-1)
    lo, hi = support if support is not None else (-math.inf, math.inf)
    if lo > hi:
        raise ValueError(f"support {support} is empty")
    if x.size and ((x < lo - range_slack).any() or (x > hi + range_slack).any()):
        worst = float(max(lo - x.min(), x.max() - hi))
        raise ValueError(f"a draw lies {worst:.3g} outside the declared almost-sure range {support}: the range "
                         "is not proven")
    x = np.clip(x, lo, hi)
    return mean_bounds(x.reshape(1, -1), alpha, support, tail, scale)[2]


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


def fit_slope(x: np.ndarray, y: np.ndarray) -> SlopeFit:
    """Least-squares slope of y on x, and the range [low, high] of the local (secant) slopes between
    neighbouring grid points.

    The rate engine fits exact reference values on a deterministic grid: there is no sampling error, so no
    confidence level applies (a bootstrap over grid points would only describe how far the points are from
    a straight line, and at a per-test level of 10⁻⁶ its percentile interval is just the most extreme
    resamples). What a finite grid can say is deterministic: every local exponent on it lies in
    [low, high]. A rate statement "slope ≤ s" holds on the grid when high ≤ s and fails there when
    low > s; in between the grid has not reached the asymptotic regime (or the curve bends).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    if n < 2:
        raise ValueError("a slope needs at least two points")
    order = np.argsort(x)
    x, y = x[order], y[order]
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / ss_tot if ss_tot > 0 else 1.0
    dx = np.diff(x)
    keep = dx > 0  # repeated grid values carry no slope
    secants = np.diff(y)[keep] / dx[keep]
    if secants.size == 0:
        raise ValueError("a slope needs two distinct x values")
    return SlopeFit(float(slope), float(intercept), float(secants.min()), float(secants.max()), r2, n,
                    "least squares; interval = range of the local (secant) slopes on the grid (exact values, "
                    "no sampling error: no confidence level)")
