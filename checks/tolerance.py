"""The one place tolerances come from.

Floating-point tolerances are derived from the dtype's machine epsilon, the size of the terms that were
combined (margins are relative to that scale) and a per-claim error-growth factor (``terms``) that must
carry a reason. Reference tolerances come from the working precision, or from a declared quadrature
accuracy. Statistical tolerances come from sample sizes and the run's multiple-testing control.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Safety factor on the rounding-error model: a sum of k terms accumulates at most ~k·eps relative error
#: (recursive summation); 16 covers the constant of that bound and of elementary functions (≤ 2 ulp each).
ROUNDING_SAFETY = 16.0

#: Digits kept in reserve when the reference confirms a point: a mpmath computation at `dps` digits is
#: trusted to dps - RESERVE_DIGITS digits (quadrature, recursions and cancellations eat the rest).
RESERVE_DIGITS = 10

#: Rising precisions at which candidate counterexamples are re-evaluated; a verdict must agree at both.
CONFIRM_DPS = (30, 60)

#: Run-wide family-wise error rate for statistical verdicts (split over all statistical tests, Bonferroni).
#:
#: Chosen so that a sweep of 30 runs is free of statistical false alarms with probability ≥ 97 %: the runs
#: use independent seeds, so P(no false alarm in 30 runs) ≥ (1 − α)^30, and (1 − α)^30 ≥ 0.97 ⇔
#: α ≤ 1 − 0.97^(1/30) = 1.0152e−3. With α = 10⁻³: (1 − 10⁻³)^30 = 0.97044 ≥ 0.97 (the union bound gives
#: the same: 30 α = 0.03). With the former 0.05 one run in twenty could report a false alarm and a 30-run
#: sweep would be clean only with probability 0.95^30 = 0.21.
#: The price is a per-test level of 10⁻³ / (number of statistical tests) — about 4·10⁻⁶ for the ~250 tests
#: of a full run — which is why every interval that decides a verdict is distribution-free (checks.stats);
#: the errata found by Monte Carlo keep their power at it (tests/test_stats_coverage.py, the claim tests).
FAMILY_ALPHA = 1e-3


def machine_epsilon(dtype: object) -> float:
    import torch

    return float(torch.finfo(dtype).eps)


def fast_tolerance(dtype: object, terms: float = 1.0) -> float:
    """Relative tolerance for a fast-path margin: ROUNDING_SAFETY · terms · eps(dtype)."""
    return ROUNDING_SAFETY * terms * machine_epsilon(dtype)


def reference_tolerance(dps: int, declared: float | None = None) -> float:
    """Relative tolerance for a reference margin at `dps` digits (or the declared quadrature accuracy)."""
    working = 10.0 ** (-(dps - RESERVE_DIGITS))
    return max(working, declared or 0.0)


def per_test_alpha(n_tests: int, family_alpha: float = FAMILY_ALPHA) -> float:
    """Bonferroni: each of n_tests statistical tests runs at family_alpha / n_tests."""
    return family_alpha / max(1, n_tests)


@dataclass(frozen=True)
class TolerancePolicy:
    """What a report prints about the tolerances and confidence a check used."""

    fast_rtol: float | None = None
    reference_rtol: float | None = None
    confidence: float | None = None
    note: str = ""

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}
