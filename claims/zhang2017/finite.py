"""zhang2017, Appendix B: generalisation error (Lemma B.1, Theorems B.2–B.4) and iteration bounds
(Theorem B.5, Corollary B.6, Algorithm 4, Theorem B.7).

Two computations per claim: the mpmath / exact-rational reference (``reference.zhang2017.finite``) and the
torch fast path (``claims.zhang2017.fast.finite``). Explicit bounds are evaluated exactly (chi-distribution
moments through incomplete gammas, Rademacher complexities of distributions whose supremum is explicit);
"poly" and "T → ∞" statements become declared finite checks whose ``establishes`` says what they show.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any

import numpy as np
import torch

from checks.domain import Choice, Domain, Float, Int
from checks.engine.context import mp_context
from checks.model import Claim, Erratum, Kind, Mutant, Verdict
from checks.specs import (
    Certificate,
    ExperimentSpec,
    PointwiseSpec,
    ProbabilisticSpec,
    RateSpec,
    SymbolicOutcome,
    SymbolicSpec,
    Trial,
)
from claims.zhang2017.fast import _common as fz_common
from claims.zhang2017.fast import finite as fz
from reference.zhang2017 import finite as rz

from ._common import PAPER

_GAMMAINCC_TERMS = 128.0
_GAMMAINCC_REASON = ("torch.special.gammaincc is accurate to ~3e-14 relative for arguments up to a few hundred "
                     "(measured against mpmath), i.e. ~130 eps; products with lgamma/exp add a few ulp")


def _t(batch, name: str, *, device, dtype) -> torch.Tensor:
    return batch.tensor(name, device=device, dtype=dtype)


# =========================================================================================================
# Lemma B.1: truncating the Gaussian at radius B
# =========================================================================================================

_LEMMA_B1_STATEMENT = (
    "Let f: R^d → R be a function such that |f(x)| ≤ c‖x‖^p. Let X be a standard Gaussian in R^d. Then, there "
    "exists B = poly(d, p, log(1/ε)) such that |E[f(X)] − E[f(X) | ‖X‖ ≤ B]| ≤ ε")


def _witness_radius(d, p, eps, kappa):
    """The explicit witness B = √(κ d (p+1) log(4/ε)) (κ = 8 mirrors the proof's e^{−B²/8d})."""
    return math.sqrt(kappa * d * (p + 1) * math.log(4 / eps))


def _b1_main_reference(pt, constants, ctx):
    B = ctx.sqrt(ctx.mpf(constants["kappa"]) * pt["d"] * (pt["p"] + 1) * ctx.log(4 / ctx.mpf(pt["eps"])))
    return rz.truncation_gap(ctx, pt["d"], pt["p"], B), ctx.mpf(pt["eps"])


@fz_common.single_threaded
def _b1_main_fast(batch, constants, *, device, dtype):
    d, p, eps = (_t(batch, k, device=device, dtype=dtype) for k in ("d", "p", "eps"))
    B = torch.sqrt(constants["kappa"] * d * (p + 1) * torch.log(4 / eps))
    return fz.truncation_gap(d, p, B), eps


_B1_DOMAIN = Domain((Int("d", 1, 30, examples=(1, 30)), Int("p", 0, 8, examples=(0, 1, 8)),
                     Float("eps", 1e-12, 1e-2, log_scale=True, examples=(1e-12, 1e-2))))

lemma_b1 = Claim(
    id=f"{PAPER}/lemma-B.1", label="Lemma B.1", section="B", statement=_LEMMA_B1_STATEMENT,
    kind=Kind.INEQUALITY, constants={"kappa": 8},
    spec=PointwiseSpec(_B1_DOMAIN, "<=", _b1_main_reference, _b1_main_fast, terms=_GAMMAINCC_TERMS,
                       terms_reason=_GAMMAINCC_REASON),
    mutants=(Mutant("kappa-0.05", {"kappa": 0.05}, "witness radius √(0.05 d (p+1) log(4/ε)) (too small)"),),
    assumptions=("f = c‖x‖^p with c = 1 (the extremal case |f| = c‖x‖^p; the gap is linear in c, and the "
                 "non-radial variant c‖x‖^p 1{x_1 > 0} has exactly half the gap by symmetry)",),
    establishes="The existential 'there exists B = poly(d, p, log(1/ε))' is checked with an explicit polynomial "
                "witness B = √(κ d (p+1) log(4/ε)), κ = 8: the exact gap |E f − E[f | ‖X‖ ≤ B]| for the "
                "extremal f = c‖x‖^p (chi moments and regularized incomplete gammas; mpmath at 30/60 digits, "
                "torch gammaincc) is ≤ ε on d ≤ 30, p ≤ 8, ε ∈ [1e-12, 1e-2]. It does not cover c ≠ 1 "
                "(log(4c/ε) would be needed: B must also grow with log c, which 'poly(d, p, log(1/ε))' hides in "
                "the constant) nor other f (any |f| ≤ c‖x‖^p has gap ≤ the two terms bounded in the proof-step "
                "claims).",
    depends=(),
)


def _b1_second_reference(pt, constants, ctx):
    d, p, B = pt["d"], pt["p"], ctx.mpf(pt["B"])
    lhs = rz.second_term_lhs(ctx, d, p, B)
    rhs = constants["coefficient"] * B ** p * ctx.exp(-B * B / (constants["denominator"] * d))
    return lhs, rhs


@fz_common.single_threaded
def _b1_second_fast(batch, constants, *, device, dtype):
    d, p, B = (_t(batch, k, device=device, dtype=dtype) for k in ("d", "p", "B"))
    lhs = fz.second_term_lhs(d, p, B)
    rhs = constants["coefficient"] * B ** p * torch.exp(-B * B / (constants["denominator"] * d))
    return lhs, rhs


_B1_RADIUS_DOMAIN = Domain((Int("d", 1, 30, examples=(1, 2, 30)), Int("p", 0, 8, examples=(0, 8)),
                            Float("B", 0.01, 25.0, log_scale=True, examples=(0.01, 1.0, 2.0, 25.0))))

lemma_b1_second_term = Claim(
    id=f"{PAPER}/lemma-B.1[proof-step-second-term]", label="Lemma B.1 (proof, second term)", section="B",
    statement="|(1 − 1/P(‖X‖ ≤ B)) E[f(X) 1_{‖X‖≤B}]| ≤ 2cB^p e^{−B²/8d}",
    kind=Kind.INEQUALITY, constants={"coefficient": 2, "denominator": 8},
    spec=PointwiseSpec(_B1_RADIUS_DOMAIN, "<=", _b1_second_reference, _b1_second_fast, terms=_GAMMAINCC_TERMS,
                       terms_reason=_GAMMAINCC_REASON),
    mutants=(Mutant("coefficient-0.5", {"coefficient": 0.5}, "2cB^p → 0.5cB^p"),
             Mutant("denominator-1", {"denominator": 1}, "e^{−B²/8d} → e^{−B²/d}")),
    reading="the displayed second term of the proof, for the extremal f = c‖x‖^p (c = 1), at every radius B",
    establishes="Exact evaluation of both sides (chi moments and incomplete gammas) on d ≤ 30, p ≤ 8, "
                "B ∈ [0.01, 25]; the inequality reduces to P(‖X‖ > B) ≤ 2e^{−B²/8d} times E[‖X‖^p | ‖X‖≤B] ≤ "
                "B^p, which this checks numerically on the grid, not for all d.",
    depends=(f"{PAPER}/lemma-B.1",),
)


def _b1_tail_reference(pt, constants, ctx):
    d, p, B = pt["d"], pt["p"], ctx.mpf(pt["B"])
    lhs = rz.tail_expectation(ctx, d, p, B)
    rhs = rz.printed_tail_integral(ctx, d, p, B, prefactor_exponent=constants["prefactor_exponent"])
    return lhs, rhs


@fz_common.single_threaded
def _b1_tail_fast(batch, constants, *, device, dtype):
    d, p, B = (_t(batch, k, device=device, dtype=dtype) for k in ("d", "p", "B"))
    lhs = fz.tail_expectation(d, p, B)
    rhs = (2 * math.pi) ** (constants["prefactor_exponent"] * d) * fz.radial_tail_integral(d, p, B)
    return lhs, rhs


lemma_b1_tail_integral = Claim(
    id=f"{PAPER}/lemma-B.1[proof-step-tail-integral]", label="Lemma B.1 (proof, tail integral)", section="B",
    statement="E[|f(X)| 1_{‖X‖>B}] ≤ (2π)^d ∫_B^∞ c r^p e^{−r²/2} r^{d−1} dr",
    kind=Kind.INEQUALITY, constants={"prefactor_exponent": 1},
    spec=PointwiseSpec(_B1_RADIUS_DOMAIN, "<=", _b1_tail_reference, _b1_tail_fast, terms=_GAMMAINCC_TERMS,
                       terms_reason=_GAMMAINCC_REASON),
    mutants=(Mutant("prefactor-(2pi)^-d", {"prefactor_exponent": -1}, "(2π)^d → (2π)^{−d}"),),
    reading="the first displayed bound on the tail term, for f = c‖x‖^p (c = 1); the right side by integration by "
            "parts of the printed integrand (reference; the tests also compare it with a tanh-sinh quadrature) "
            "and by the incomplete-gamma closed form (torch)",
    establishes="The true tail is |S^{d−1}|/(2π)^{d/2} ∫_B^∞ c r^{p+d−1}e^{−r²/2}dr; the printed prefactor (2π)^d "
                "exceeds 2^{1−d/2}/Γ(d/2) for every d ≥ 1, so the step is valid (loose by (2π)^d Γ(d/2) 2^{d/2−1}). "
                "Checked exactly on d ≤ 30, p ≤ 8, B ∈ [0.01, 25].",
    depends=(f"{PAPER}/lemma-B.1",),
)


def _b1_tailbound_point(pt: dict) -> dict:
    """B = √(p+d)(1+s), rounded up to the next float if needed so that B² ≥ p + d holds exactly: the float B is
    then itself a point of the reading's domain (a free input)."""
    n = pt["p"] + pt["d"]
    B = math.sqrt(n) * (1 + pt["s"])
    while Fraction(B) ** 2 < n:
        B = math.nextafter(B, math.inf)
    return {"B": B}


def _b1_tailbound_batch(cols) -> dict:
    """``_b1_tailbound_point`` for N rows: B = √(p+d)(1+s) vectorised (IEEE sqrt and products round as Python's);
    the exact test B² ≥ p + d (and the step up) is run row by row only where fl(B²) is within 4 ulp of p + d —
    elsewhere |B² − fl(B²)| ≤ ulp/2 settles it."""
    n = np.asarray(cols["p"], dtype=np.int64) + np.asarray(cols["d"], dtype=np.int64)
    B = np.sqrt(n.astype(np.float64)) * (1 + np.asarray(cols["s"], dtype=np.float64))
    near = np.flatnonzero(~(B * B > n * (1 + 4 * np.finfo(np.float64).eps)))
    for row in near:
        B[row] = _b1_tailbound_point({"p": int(n[row]), "d": 0, "s": float(cols["s"][row])})["B"]
    return {"B": B}


def _b1_tailbound_reference(pt, constants, ctx):
    """Both printed sides divided by (2π)^d B^{p+d} e^{−B²/2} > 0 (an equivalent inequality whose sides are O(1):
    the printed ones range over 1e−250 … 1e+40, outside float32; relative margins are unchanged)."""
    d, p, B = pt["d"], pt["p"], ctx.mpf(pt["B"])
    unit = (2 * ctx.pi) ** d * B ** (p + d) * ctx.exp(-B * B / 2)
    return rz.printed_tail_integral(ctx, d, p, B) / unit, ctx.mpf(constants["C"])


@fz_common.single_threaded
def _b1_tailbound_fast(batch, constants, *, device, dtype):
    d, p, B = (_t(batch, k, device=device, dtype=dtype) for k in ("d", "p", "B"))
    lhs = fz.normalised_radial_tail(d, p, B)  # the (2π)^d cancels
    return lhs, torch.full_like(lhs, float(constants["C"]))


_TAILBOUND_TERMS = 64.0
_TAILBOUND_REASON = ("Legendre's continued fraction for Γ(a, x)e^x x^{−a} (modified Lentz, ≤ ~160 factors, each "
                     "stopped once it rounds to 1): measured against mpmath on p + d ≤ 38, B ∈ [√(p+d), 6√(p+d)] at "
                     "≤ 35 eps in float64 and ≤ 9 eps in float32 (tests/test_zhang2017_finite.py)")


lemma_b1_tail_bound = Claim(
    id=f"{PAPER}/lemma-B.1[proof-step-tail-bound]", label="Lemma B.1 (proof, tail bound)", section="B",
    statement="(2π)^d ∫_B^∞ c r^p e^{−r²/2} r^{d−1} dr ≤ C(2π)^d B^{p+d} e^{−B²/2}",
    kind=Kind.INEQUALITY, constants={"C": 1},
    spec=PointwiseSpec(Domain((Int("d", 1, 30, examples=(1, 30)), Int("p", 0, 8, examples=(0, 8)),
                               Float("s", 0.0, 5.0, examples=(0.0, 5.0))), derive=_b1_tailbound_point,
                              derive_batch=_b1_tailbound_batch,
                              free=("B",)),
                       "<=", _b1_tailbound_reference, _b1_tailbound_fast, terms=_TAILBOUND_TERMS,
                       terms_reason=_TAILBOUND_REASON),
    mutants=(Mutant("C-0.5", {"C": 0.5}, "C = 1 → C = 1/2"),),
    reading="the unspecified constant C read as C = 1 and the radius restricted to B² ≥ p + d (B = √(p+d)(1+s), "
            "s ∈ [0, 5]); the integrand r^{p+d−1}e^{−r²/2} decreases beyond √(p+d−1), which gives "
            "∫_B^∞ ≤ B^{p+d−1}e^{−B²/2}/(B − (p+d−1)/B) ≤ B^{p+d}e^{−B²/2} there. Both sides are compared after "
            "division by (2π)^d B^{p+d}e^{−B²/2} > 0 (equivalent; the printed sides leave float32's range)",
    establishes="Exact both sides on d ≤ 30, p ≤ 8 for B ≥ √(p+d). For B → 0 the left side tends to a positive "
                "constant and the right side to 0, so no constant C works for all B > 0: the step needs B "
                "large, which the proof's B = poly(d, p, log(1/ε)) provides.",
    depends=(f"{PAPER}/lemma-B.1",),
)


_B1_RATE_D, _B1_RATE_P = 3, 2
_B1_LOG_GRID = tuple(4.0 * 2 ** (k / 2) for k in range(9))  # log(1/ε) from 4 to 64
_B1_D_GRID = (2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0)
_B1_RATE_EPS = math.exp(-14.0)  # ≈ 8.3e-7
_B1_ROOT_TERMS = 16.0
_B1_ROOT_REASON = ("the root B* of gap(B) = ε inherits the gap's ~1e-13 relative error divided by "
                   "|d log gap / d log B| ≈ B² ≥ 10, plus the bisection's last bit")


@lru_cache(maxsize=128)
def _minimal_radius_cached(prec: int, d: int, p: int, log_inv_eps: float) -> str:
    """B*(d, p, ε = e^{−log_inv_eps}) at the given precision, as a decimal string (cached: the mutants of the
    rate claims only change the claimed exponent)."""
    ctx = mp_context(30)
    ctx.prec = prec
    return ctx.nstr(rz.minimal_truncation_radius(ctx, d, p, ctx.exp(-ctx.mpf(log_inv_eps))), ctx.dps + 5)


def _b1_radius_vs_log_reference(x, constants, ctx):
    return ctx.mpf(_minimal_radius_cached(ctx.prec, _B1_RATE_D, _B1_RATE_P, float(x)))


@fz_common.single_threaded
def _b1_radius_vs_log_fast(xs, constants, *, device, dtype):
    d = torch.full_like(xs, float(_B1_RATE_D))
    return fz.minimal_truncation_radius(d, torch.full_like(xs, float(_B1_RATE_P)), torch.exp(-xs))


def _b1_radius_vs_d_reference(x, constants, ctx):
    return ctx.mpf(_minimal_radius_cached(ctx.prec, int(x), _B1_RATE_P, -math.log(_B1_RATE_EPS)))


@fz_common.single_threaded
def _b1_radius_vs_d_fast(xs, constants, *, device, dtype):
    return fz.minimal_truncation_radius(xs, torch.full_like(xs, float(_B1_RATE_P)),
                                        torch.full_like(xs, _B1_RATE_EPS))


lemma_b1_radius_log = Claim(
    id=f"{PAPER}/lemma-B.1[minimal-radius-in-log-inverse-eps]", label="Lemma B.1", section="B",
    statement=_LEMMA_B1_STATEMENT, kind=Kind.RATE, constants={"exponent": 1},
    spec=RateSpec(grid=_B1_LOG_GRID, reference=_b1_radius_vs_log_reference, fast=_b1_radius_vs_log_fast,
                  relation="<=", scale="loglog", exponent_name="exponent", tail_fraction=0.6,
                  fast_rtol_terms=_B1_ROOT_TERMS, fast_rtol_reason=_B1_ROOT_REASON),
    mutants=(Mutant("exponent-0.25", {"exponent": 0.25}, "B* ≲ log(1/ε)^1 → log(1/ε)^0.25"),),
    reading="'B = poly(log(1/ε))' for the smallest admissible radius B*(ε) (the root of gap(B) = ε, f = ‖x‖^p, "
            "d = 3, p = 2): its growth in log(1/ε) is at most linear",
    establishes="B*(ε) exactly (mpmath root at 30 digits; torch bisection) for log(1/ε) ∈ {4, 4√2, 8, …, 64}; log–log "
                "slope (tail, CI) ≈ 0.43, tending to 1/2 (B* ≈ √(2 log(1/ε)) as the Gaussian tail predicts). A finite "
                "grid cannot prove 'poly'; the check shows the claimed degree-1 envelope is not exceeded there.",
    depends=(f"{PAPER}/lemma-B.1",),
)

lemma_b1_radius_d = Claim(
    id=f"{PAPER}/lemma-B.1[minimal-radius-in-d]", label="Lemma B.1", section="B",
    statement=_LEMMA_B1_STATEMENT, kind=Kind.RATE, constants={"exponent": 1},
    spec=RateSpec(grid=_B1_D_GRID, reference=_b1_radius_vs_d_reference, fast=_b1_radius_vs_d_fast,
                  relation="<=", scale="loglog", exponent_name="exponent", tail_fraction=0.6,
                  fast_rtol_terms=_B1_ROOT_TERMS, fast_rtol_reason=_B1_ROOT_REASON),
    mutants=(Mutant("exponent-0.2", {"exponent": 0.2}, "B* ≲ d^1 → d^0.2"),),
    reading="'B = poly(d)' for the smallest admissible radius B*(d) at ε = e^{−14} ≈ 8.3e-7, p = 2: growth at most "
            "linear in d",
    establishes="B*(d) exactly for d ∈ {2, 4, …, 512}; the tail slope (≈ 0.4) approaches 1/2 (B* ≈ √d + "
                "O(√log(1/ε))). Finite proxy for 'poly(d)' only.",
    depends=(f"{PAPER}/lemma-B.1",),
)


# =========================================================================================================
# Theorem B.2 (Bartlett–Mendelson): uniform deviation over the threshold class on [0, 1]
# =========================================================================================================

_B2_SETTINGS = tuple({"n": n, "delta": delta} for n in (10, 40, 160) for delta in (0.05, 0.2))


@cache
def _thresholds_rademacher_fast(n: int) -> float:
    return float(fz.rademacher_thresholds(n, 2.0, dtype=torch.float64, device="cpu"))


def _b2_sample(point, constants, n_draws, generator, *, device, dtype):
    n, delta = point["n"], point["delta"]
    x = torch.rand(n_draws, n, generator=generator, device=device, dtype=dtype)
    deviation = fz.ks_statistic(x)  # sup_{f ∈ F} |E f − (1/n) Σ f(x_i)| for f = 1{· ≤ t}
    bound = (constants["rademacher_weight"] * _thresholds_rademacher_fast(n)
             + math.sqrt(constants["confidence_coeff"] * math.log(2 / delta) / n))
    return (deviation <= bound).to(dtype)


theorem_b2 = Claim(
    id=f"{PAPER}/theorem-B.2", label="Theorem B.2", section="B",
    statement="(Bartlett and Mendelson (2002)) Consider a function class F of functions f: X → [0, 1]. And let "
              "x_1, ..., x_n ∈ X be i.i.d. samples selected according to some distribution D. Let the Rademacher "
              "complexity of F to be R_n(F) = E_{x_i,σ_i}[sup_{f∈F} |(2/n) Σ_{i=1}^n f(x_i) σ_i|] where σ_i are "
              "Rademacher variables. Then, for any n and δ ∈ (0, 1), with probability at least 1 − δ, "
              "|E_X[f(X)] − (1/n) Σ_{i=1}^n f(x_i)| ≤ R_n(F) + √(8 ln(2/δ)/n) for all f ∈ F simultaneously.",
    kind=Kind.PROBABILISTIC, constants={"rademacher_weight": 1, "confidence_coeff": 8},
    spec=ProbabilisticSpec(settings=_B2_SETTINGS, sample=_b2_sample,
                           bound=lambda point, constants: 1 - point["delta"], relation=">=",
                           statistic="probability", samples=2000),
    mutants=(Mutant("no-complexity-coeff-0.05", {"rademacher_weight": 0, "confidence_coeff": 0.05},
                    "R_n(F) dropped and √(8 ln(2/δ)/n) → √(0.05 ln(2/δ)/n)"),),
    assumptions=("F = {x ↦ 1{x ≤ t} : t ∈ R}, D = U[0, 1]: then sup_f |E f − (1/n)Σ f(x_i)| is the "
                 "Kolmogorov–Smirnov statistic and R_n(F) = (2/n) E max_{k≤n} |S_k| exactly (random-walk "
                 "maximum by dynamic programming)",),
    establishes="For the threshold class on U[0, 1] (n ∈ {10, 40, 160}, δ ∈ {0.05, 0.2}) the frequency of the "
                "event 'uniform deviation ≤ R_n(F) + √(8 ln(2/δ)/n)' is at least 1 − δ (Clopper–Pearson, "
                "Bonferroni). One class and one distribution: the cited theorem is not re-proved. Hypothesis "
                "audit for the downstream uses: Theorem B.3/B.4 apply it to σ_1(x^Tθ)σ_2(x^Tw), whose range is "
                "[−C², C²], not [0, 1] (a rescaling by 2C² is needed and is not stated).",
    depends=(),
)


# =========================================================================================================
# Theorem B.3 and its linear class
# =========================================================================================================

@cache
def _linear_fast_unit(config: str, n: int, d: int, factor: float) -> float:
    if config == "point-mass":
        return float(fz.rademacher_linear_point_mass(n, 1.0, factor, dtype=torch.float64, device="cpu"))
    return float(fz.rademacher_linear_coordinates(n, d, 1.0, factor, dtype=torch.float64, device="cpu"))


def _linear_reference(pt, constants, ctx):
    n, d, B = pt["n"], pt["d"], ctx.mpf(pt["B"])
    factor = constants["rademacher_factor"]
    if pt["config"] == "point-mass":
        lhs = rz.rademacher_linear_point_mass(ctx, n, B, factor)
    else:
        lhs = rz.rademacher_linear_coordinates(ctx, n, d, B, factor)
    return lhs, B * ctx.sqrt(ctx.mpf(constants["numerator"]) / n)


@fz_common.single_threaded
def _linear_fast(batch, constants, *, device, dtype):
    """R_n(G)/B depends on (config, n, d) only: enumerated once per distinct triple (cached), gathered by index."""
    factor = float(constants["rademacher_factor"])
    point_mass = (batch.array("config").astype(object) == "point-mass").astype(np.int64)
    n_int, d_int = batch.array("n").astype(np.int64), batch.array("d").astype(np.int64)
    codes, inverse = np.unique((point_mass * 1024 + n_int) * 1024 + d_int, return_inverse=True)
    units = [_linear_fast_unit("point-mass" if code >> 20 else "coordinates", int((code >> 10) & 1023),
                               int(code & 1023), factor) for code in codes.tolist()]
    B, n = _t(batch, "B", device=device, dtype=dtype), _t(batch, "n", device=device, dtype=dtype)
    lhs = torch.tensor(units, device=device, dtype=torch.float64)[torch.as_tensor(inverse.reshape(-1), device=device)]
    return lhs.to(dtype) * B, B * torch.sqrt(constants["numerator"] / n)


_LINEAR_DOMAIN = Domain((Choice("config", ("point-mass", "coordinates"), examples=("point-mass", "coordinates")),
                         Int("n", 1, 6, examples=(1, 2, 3, 6)), Int("d", 1, 3, examples=(1, 3)),
                         Float("B", 0.01, 100.0, log_scale=True, examples=(1.0,))),
                        examples=({"config": "point-mass", "n": 1, "d": 1, "B": 1.0},))

_LINEAR_STATEMENT = ("First, let's define a simpler function class: G = {x → x^T θ | x ∈ X, θ ∈ S^{d−1}}. By simple "
                     "Rademacher bounds on the class of linear functions Kakade et al. (2009), R_n(G) ≤ B√(2/n)")

_LINEAR_ESTABLISHES = (
    "R_n(G) exactly (sup_θ |(f/n) Σσ_iθ^Tx_i| = (f/n)‖Σσ_ix_i‖; expectation over σ and the samples by exact "
    "enumeration) for two distributions on the ball of radius B: the point mass at a vector of norm B and the "
    "uniform law on {B e_1, …, B e_d}; n ≤ 6, d ≤ 3. mpmath at 30/60 digits, torch by brute-force enumeration "
    "of index and sign sequences.")

theorem_b3_linear = Claim(
    id=f"{PAPER}/theorem-B.3-linear-class", label="Theorem B.3 (proof: linear class)", section="B",
    statement=_LINEAR_STATEMENT, kind=Kind.INEQUALITY, constants={"numerator": 2, "rademacher_factor": 2},
    spec=PointwiseSpec(_LINEAR_DOMAIN, "<=", _linear_reference, _linear_fast, terms=8,
                       terms_reason="a mean of up to 4.7e4 norms (pairwise summation) and a square root"),
    mutants=(Mutant("numerator-1", {"numerator": 1}, "B√(2/n) → B√(1/n)"),),
    reading="R_n as defined in Theorem B.2 (factor 2/n, absolute value), the definition the paper uses",
    establishes=_LINEAR_ESTABLISHES + " With the 2/n normalisation the sharp bound is 2B/√n (Jensen), attained "
                "as d → ∞ and at n = 1; the printed B√(2/n) is smaller by √2.",
    errata=(Erratum(
        "With Theorem B.2's definition of R_n (factor 2/n), R_n(G) can exceed B√(2/n): the cited Kakade et al. "
        "bound is for the 1/n normalisation.",
        "n = 1, any D supported on the sphere of radius B: R_1(G) = E sup_θ |2θ^Tx| = 2B > √2·B = B√(2/1). "
        "Point mass, n = 3: R_3 = (2/3)·E|S_3|·B = B > B√(2/3) = 0.8165B; n = 4: 0.75B > 0.7071B; as n → ∞ "
        "R_n ~ 2√(2/π)B/√n = 1.596B/√n > 1.414B/√n. (Equality at n = 2.)",
        "R_n(G) ≤ 2B/√n with the 2/n definition (or B/√n with the 1/n one); every constant downstream "
        "(2LB√(2/n), 8CLB√(2/n), 32CLB√(2/n), 48CLB√(2/n)) scales accordingly by √2."),),
    depends=(f"{PAPER}/theorem-B.2",),
)

theorem_b3_linear_standard = Claim(
    id=f"{PAPER}/theorem-B.3-linear-class[standard-normalisation]", label="Theorem B.3 (proof: linear class)",
    section="B", statement=_LINEAR_STATEMENT, kind=Kind.INEQUALITY, constants={"numerator": 2,
                                                                               "rademacher_factor": 1},
    spec=PointwiseSpec(_LINEAR_DOMAIN, "<=", _linear_reference, _linear_fast, terms=8,
                       terms_reason="a mean of up to 4.7e4 norms (pairwise summation) and a square root"),
    mutants=(Mutant("numerator-0.5", {"numerator": 0.5}, "B√(2/n) → B√(0.5/n)"),),
    reading="R_n with the usual 1/n normalisation, E sup |(1/n) Σ σ_i f(x_i)| (Kakade et al.'s convention)",
    establishes=_LINEAR_ESTABLISHES + " Under this normalisation R_n(G) ≤ B/√n ≤ B√(2/n) (Jensen).",
    depends=(f"{PAPER}/theorem-B.2",),
)

_B3_STATEMENT = (
    "Let X = {x ∈ R^d, ‖x‖_2 ≤ B} and let σ_1, σ_2: R → [−C, C] be L-Lipschitz functions. Consider the following "
    "class of functions F_{σ_1,σ_2} = {x → σ_1(x^T θ) σ_2(x^T w) | x ∈ X, θ, w ∈ S^{d−1}} Then, R_n(F_{σ_1,σ_2}) ≤ "
    "48 C L B √(2/n)")


def _b3_point_factory(offset: int):
    def point(pt: dict) -> dict:
        """σ_1, σ_2 from the drawn pair; L = 1 and B = u·C/L with u = 2^{−offset−k} (R_n(F) scales as C² and
        the bound as C·LB, so the ratio depends on u = LB/C, n, d and the families only). A dyadic grid of u
        keeps the search cheap, and the offset puts hypothesis' shrink target k = 0 where a counterexample is
        expected (u = 2^{−7} for the printed statement, u = 1 for the σ(0) = 0 reading and its mutant), so
        shrinking a counterexample ends quickly."""
        s1, s2 = pt["pair"].split("/")
        return {"sigma1": s1, "sigma2": s2, "L": 1.0, "B": 2.0 ** (-offset - pt["k"]) * pt["C"]}

    return point


def _b3_batch_factory(offset: int):
    def derive_batch(cols) -> dict:
        """The factory's ``point`` for N rows: the pair split once per distinct pair, B = 2^{−offset−k}·C by
        ldexp (exact, as Python's 2.0 ** j) and one product."""
        pairs = np.asarray(cols["pair"], dtype=object)
        s1, s2 = np.empty(len(pairs), dtype=object), np.empty(len(pairs), dtype=object)
        for pair in dict.fromkeys(pairs.tolist()):
            hit = pairs == pair
            s1[hit], s2[hit] = pair.split("/")
        B = np.ldexp(1.0, -offset - np.asarray(cols["k"], dtype=np.int64)) * np.asarray(cols["C"], dtype=np.float64)
        return {"sigma1": s1, "sigma2": s2, "L": np.ones(len(pairs)), "B": B}

    return derive_batch


def _b3_reference(pt, constants, ctx):
    n, d, B, C, L = pt["n"], pt["d"], ctx.mpf(pt["B"]), ctx.mpf(pt["C"]), ctx.mpf(pt["L"])
    lhs = rz.rademacher_product_point_mass(ctx, n, d, B, pt["sigma1"], pt["sigma2"], C, L, factor=2)
    return lhs, constants["coefficient"] * C * L * B * ctx.sqrt(ctx.mpf(2) / n)


@fz_common.single_threaded
def _b3_fast(batch, constants, *, device, dtype):
    C, L, B, n, d = (_t(batch, k, device=device, dtype=dtype) for k in ("C", "L", "B", "n", "d"))
    lhs = fz.rademacher_product_point_mass(n, d, B, batch.array("sigma1"), batch.array("sigma2"), C, L, 2.0)
    return lhs, constants["coefficient"] * C * L * B * torch.sqrt(2 / n)


def _b3_domain(families: tuple[str, ...], example: Mapping[str, Any], offset: int = 7) -> Domain:
    """Pairs of test activations, n ≤ 64, d ≤ 3, C ∈ {0.1, 1, 10}, u = LB/C = 2^{−offset−k} with k ranging so
    that u ∈ {2^−14, …, 2^10} in every case."""
    pairs = tuple(f"{a}/{b}" for a in families for b in families)
    return Domain((Choice("pair", pairs, examples=pairs[:1]), Int("n", 1, 64, examples=(1, 64)),
                   Int("d", 1, 3, examples=(2,)), Choice("C", (0.1, 1.0, 10.0)),
                   Int("k", -10 - offset, 14 - offset)), derive=_b3_point_factory(offset),
                  derive_batch=_b3_batch_factory(offset), examples=(example,),
                  free=("L", "B"))  # any float L, B > 0 is a point of the class (B = 2^−j·C: one rounding of C)


_B3_ESTABLISHES = (
    "R_n(F) exactly for D the point mass at x_0 with ‖x_0‖ = B (every x_i = x_0, a legitimate distribution "
    "on X): sup_{θ,w} |(2/n) Σσ_i σ_1(x_0^Tθ)σ_2(x_0^Tw)| = (2/n)|S_n| sup|σ_1| sup|σ_2| over the reachable "
    "x_0^Tθ ∈ [−B, B] (d ≥ 2) or {±B} (d = 1). Test activations σ(t) = C cos(Lt/C), C sin(Lt/C), "
    "C tanh(Lt/C) and clip(Lt, 0, C), each R → [−C, C] and L-Lipschitz; n ≤ 64, d ≤ 3, C ∈ {0.1, 1, 10}, L = 1 "
    "and B = uC with u = LB/C ∈ {2^−14, …, 2^10} (both sides are homogeneous: R_n ∝ C², bound ∝ C·LB, so this "
    "covers every (C, L, B) with LB/C in that range). Other distributions "
    "(e.g. uniform in the ball) are not searched: the point mass suffices for the counterexample.")

theorem_b3 = Claim(
    id=f"{PAPER}/theorem-B.3", label="Theorem B.3", section="B", statement=_B3_STATEMENT, kind=Kind.INEQUALITY,
    constants={"coefficient": 48},
    spec=PointwiseSpec(_b3_domain(("cos", "sin", "tanh", "clip"),
                                  {"pair": "cos/cos", "n": 1, "d": 2, "C": 1.0, "k": 0}),
                       "<=", _b3_reference, _b3_fast, terms=4,
                       terms_reason="binomial weights through lgamma/exp and a sum of n + 1 terms"),
    mutants=(Mutant("coefficient-4", {"coefficient": 4}, "48CLB√(2/n) → 4CLB√(2/n)"),),
    reading="as printed: any σ_1, σ_2 with values in [−C, C] and Lipschitz constant L (no condition at 0)",
    establishes=_B3_ESTABLISHES,
    errata=(Erratum(
        "The bound scales with L, but the class has Rademacher complexity of order C²/√n even when L → 0 "
        "(σ(0) ≠ 0): the contraction step 'R_n(σ_i ∘ G) ≤ 2LB√(2/n)' needs σ(0) = 0 (Ledoux–Talagrand with "
        "absolute values), which is not assumed.",
        "σ_1 = σ_2 = cos (C = 1, L = 1), d = 2, n = 1, B = 2^−7: R_1(F) = 2·max|cos|² = 2, while 48CLB√(2/1) = "
        "0.530 (B = 0.01: 0.679). For every n: R_n(F) = 2C² E|S_n|/n ≈ 1.596C²/√n > 67.9CLB/√n whenever "
        "LB < 0.0235C; a constant σ ≡ C (L = 0) gives R_n > 0 against a bound of 0.",
        "Assume σ_i(0) = 0 (then the reading [vanishing-at-origin] holds on the tested range), or add a term "
        "of order C²/√n for the constant parts σ_i(0)."),),
    depends=(f"{PAPER}/theorem-B.2", f"{PAPER}/theorem-B.3-linear-class"),
)

theorem_b3_vanishing = Claim(
    id=f"{PAPER}/theorem-B.3[vanishing-at-origin]", label="Theorem B.3", section="B", statement=_B3_STATEMENT,
    kind=Kind.INEQUALITY, constants={"coefficient": 48},
    spec=PointwiseSpec(_b3_domain(("sin", "tanh", "clip"),
                                  {"pair": "clip/clip", "n": 1, "d": 2, "C": 1.0, "k": 0}, offset=0),
                       "<=", _b3_reference, _b3_fast, terms=4,
                       terms_reason="binomial weights through lgamma/exp and a sum of n + 1 terms"),
    mutants=(Mutant("coefficient-0.1", {"coefficient": 0.1}, "48CLB√(2/n) → 0.1CLB√(2/n)"),),
    reading="with the extra hypothesis σ_1(0) = σ_2(0) = 0 that the contraction step needs",
    establishes=_B3_ESTABLISHES.replace("C cos(Lt/C), ", "") + " Here |σ(t)| ≤ min(C, L|t|), so R_n(F) ≤ "
                "2 min(C, LB)² E|S_n|/n; the largest ratio R_n/(CLB√(2/n)) found is √2 (clip, u = 1, n = 1), so "
                "48 is loose by a factor ≈ 34 on this family.",
    depends=(f"{PAPER}/theorem-B.2", f"{PAPER}/theorem-B.3-linear-class"),
)


def _composition_reference(pt, constants, ctx):
    n, d, B, C, L = pt["n"], pt["d"], ctx.mpf(pt["B"]), ctx.mpf(pt["C"]), ctx.mpf(pt["L"])
    m = rz.mean_abs_walk(n)
    lhs = 2 * ctx.mpf(m.numerator) / m.denominator / n * rz.activation_sup(ctx, pt["sigma1"], C, L, B, d)
    return lhs, constants["coefficient"] * L * B * ctx.sqrt(ctx.mpf(2) / n)


@fz_common.single_threaded
def _composition_fast(batch, constants, *, device, dtype):
    C, L, B, n, d = (_t(batch, k, device=device, dtype=dtype) for k in ("C", "L", "B", "n", "d"))
    walk = fz.mean_abs_walk_of(n).to(dtype)
    return (2 * walk / n * fz.activation_sup_of(batch.array("sigma1"), C, L, B, d),
            constants["coefficient"] * L * B * torch.sqrt(2 / n))


theorem_b3_composition = Claim(
    id=f"{PAPER}/theorem-B.3[proof-step-lipschitz-composition]", label="Theorem B.3 (proof)", section="B",
    statement="Since σ_1, σ_2 are L-lipschitz, we apply standard structural results in Bartlett and Mendelson "
              "(2002) R_n(σ_i ∘ G) ≤ 2LB√(2/n)",
    kind=Kind.INEQUALITY, constants={"coefficient": 2},
    spec=PointwiseSpec(_b3_domain(("cos", "sin", "tanh", "clip"),
                                  {"pair": "cos/cos", "n": 1, "d": 2, "C": 1.0, "k": 0}),
                       "<=", _composition_reference, _composition_fast, terms=4,
                       terms_reason="binomial weights through lgamma/exp and a sum of n + 1 terms"),
    mutants=(Mutant("coefficient-0.2", {"coefficient": 0.2}, "2LB√(2/n) → 0.2LB√(2/n)"),),
    reading="the first structural step of the proof, R_n of σ ∘ G = {x ↦ σ(x^Tθ)} for the same test activations "
            "and the point-mass distribution (the second family of the pair is not used)",
    establishes="R_n(σ ∘ G) = (2/n)E|S_n| sup|σ| exactly for the point mass at x_0, ‖x_0‖ = B; the contraction "
                "bound fails exactly when σ(0) ≠ 0 carries mass the factor L cannot see (the source of the "
                "Theorem B.3 erratum).",
    errata=(Erratum(
        "The contraction R_n(φ ∘ G) ≤ 2L R_n(G) (with absolute values) requires φ(0) = 0; for σ(0) ≠ 0 it fails.",
        "σ = cos (C = L = 1), d = 2, B = 2^−7, n = 1: R_1(σ ∘ G) = 2·max|cos| = 2 > 2LB√2 = 0.0221.",
        "Apply the contraction to σ − σ(0) and add |σ(0)|·(2/n)E|S_n| ≤ 2|σ(0)|/√n."),),
    depends=(f"{PAPER}/theorem-B.3-linear-class",),
)


def _square_identity_prove(constants) -> SymbolicOutcome:
    import sympy as sp

    a, b, c = sp.symbols("a b c", real=True)
    coefficient = sp.nsimplify(constants["product_coefficient"])
    identity = sp.simplify(coefficient * a * b - ((a + b) ** 2 - a ** 2 - b ** 2))
    lip_c = sp.Max(*[abs(sp.diff(sp.Symbol("t") ** 2, sp.Symbol("t")).subs(sp.Symbol("t"), v)) for v in (-c, c)])
    lip_c = sp.simplify(lip_c.subs(c, sp.Symbol("C", positive=True)))
    claimed = sp.nsimplify(constants["square_lipschitz"]) * sp.Symbol("C", positive=True)
    values = {"2ab − ((a+b)² − a² − b²)": str(identity), "Lipschitz constant of s on [−C, C]": str(lip_c),
              "claimed": str(claimed)}
    if identity != 0:
        return SymbolicOutcome(Verdict.VIOLATED, "the algebraic identity fails", 0,
                               {"a": 1, "b": 1, "difference": str(identity.subs({a: 1, b: 1}))}, values)
    if sp.simplify(lip_c - claimed) != 0:
        return SymbolicOutcome(Verdict.VIOLATED, "s(x) = x² is not claimed-Lipschitz on [−C, C]", 0,
                               {"lipschitz": str(lip_c), "claimed": str(claimed)}, values)
    return SymbolicOutcome(Verdict.PROVED, "sympy: 2ab = (a+b)² − a² − b² identically; s' = 2t so s is 2C-Lipschitz "
                           "on [−C, C] (sup |s'| at ±C). Note: σ_1 + σ_2 ranges over [−2C, 2C], where s is "
                           "4C-Lipschitz — the proof's 32CLB uses that (2·4C·2·2LB); and dividing by 2 the final "
                           "sum gives 24CLB√(2/n), so the printed 48 is conservative.", 0, None, values)


theorem_b3_identity = Claim(
    id=f"{PAPER}/theorem-B.3[proof-step-square-identity]", label="Theorem B.3 (proof)", section="B",
    statement="Let s(x) = x², then s is 2C-Lipschitz when |x| ≤ C […] Since 2σ_1(x^T θ) σ_2(x^T w) = (σ_1(x^T θ) + "
              "σ_2(x^T w))² − σ_1(x^T θ)² − σ_2(x^T w)²",
    kind=Kind.SYMBOLIC, constants={"product_coefficient": 2, "square_lipschitz": 2},
    spec=SymbolicSpec(prove=_square_identity_prove),
    mutants=(Mutant("product-coefficient-1", {"product_coefficient": 1}, "2σ_1σ_2 → σ_1σ_2"),
             Mutant("lipschitz-C", {"square_lipschitz": 1}, "2C-Lipschitz → C-Lipschitz")),
    reading="the two elementary facts the proof combines (symbolic in a, b and C > 0)",
    establishes="Both facts for all real a, b and C > 0 (sympy). The bookkeeping of constants is recorded in the "
                "detail: with these facts the proof actually yields 24CLB√(2/n) given its earlier steps.",
    depends=(f"{PAPER}/theorem-B.3",),
)


# =========================================================================================================
# Theorem B.4: empirical potentials from truncated Gaussian samples
# =========================================================================================================

_B4_SETTINGS = ({"m": 1, "d": 3, "n": 200, "radius": 4.0}, {"m": 2, "d": 3, "n": 200, "radius": 4.0},
                {"m": 2, "d": 3, "n": 2000, "radius": 4.0}, {"m": 3, "d": 5, "n": 500, "radius": 5.0})
_B4_GRID_SIZE = 12


@cache
def _b4_grid(d: int) -> np.ndarray:
    z = np.random.default_rng([2017, d]).standard_normal((_B4_GRID_SIZE, d))
    return z / np.linalg.norm(z, axis=1, keepdims=True)


def _hermite_coefficients(m: int) -> np.ndarray:
    """Monomial coefficients of He_m/√(m!) (lowest degree first)."""
    return np.polynomial.hermite_e.herme2poly([0] * m + [1]) / math.sqrt(math.factorial(m))


@cache
def _b4_constants(m: int, d: int, radius: float) -> tuple[float, float, float]:
    """(C, L, bias): sup|σ| and sup|σ'| on [−B, B] for σ = He_m/√(m!) (dense grid plus end points; both are
    polynomials), and Lemma B.1's bound on |E_{D_B}[σσ] − Φ| ≤ E[H 1{‖X‖>B}] + (Q/P)E[H 1{‖X‖≤B}] with
    |σ(x^Tθ)σ(x^Tw)| ≤ H(‖x‖) = (Σ_k |c_k| ‖x‖^k)²."""
    from scipy.special import gammaincc, gammaln

    coef = _hermite_coefficients(m)
    t = np.linspace(-radius, radius, 200001)
    C = float(np.abs(np.polynomial.polynomial.polyval(t, coef)).max())
    L = float(np.abs(np.polynomial.polynomial.polyval(t, np.polynomial.polynomial.polyder(coef))).max())
    envelope = np.polynomial.polynomial.polymul(np.abs(coef), np.abs(coef))  # H as a polynomial in r
    q = gammaincc(d / 2, radius ** 2 / 2)
    tail = total = 0.0
    for k, ck in enumerate(envelope):
        moment = math.exp(k / 2 * math.log(2) + gammaln((d + k) / 2) - gammaln(d / 2))
        tail += ck * moment * gammaincc((d + k) / 2, radius ** 2 / 2)
        total += ck * moment
    return C, L, float(tail + q / (1 - q) * total)


def _b4_bound(point, constants):
    C, L, bias = _b4_constants(point["m"], point["d"], point["radius"])
    return constants["coefficient"] * C * L * point["radius"] * math.sqrt(2 / point["n"]) + bias


def _b4_range(point, constants) -> tuple[float, float]:
    """Proven almost-sure range of one draw of sup|Φ̂_n − Φ|: [0, C² + 1] (C from _b4_constants)."""
    C, _, _ = _b4_constants(point["m"], point["d"], point["radius"])
    return 0.0, C * C + 1.0


def _b4_sample(point, constants, n_draws, generator, *, device, dtype):
    # the draws do not depend on the constants: cache them per (setting, size, seed) so that mutants, which
    # only change the bound, reuse the same Monte Carlo sample
    key = (tuple(sorted(point.items())), n_draws, generator.initial_seed(), dtype, str(device))
    if key not in _B4_CACHE:
        _B4_CACHE[key] = _b4_draw(point, n_draws, generator, device=device, dtype=dtype)
    return _B4_CACHE[key]


_B4_CACHE: dict = {}


def _b4_draw(point, n_draws, generator, *, device, dtype):
    m, d, n, radius = point["m"], point["d"], point["n"], point["radius"]
    grid = torch.as_tensor(_b4_grid(d), device=device, dtype=dtype)
    out = []
    chunk = max(1, 400_000 // (n * d))
    for start in range(0, n_draws, chunk):
        size = min(chunk, n_draws - start)
        x = fz.truncated_gaussian(size * n, d, radius, generator, dtype=dtype, device=device).reshape(size, n, d)
        out.append(fz.potential_sup_deviation(x, grid, m))
    return torch.cat(out)


theorem_b4 = Claim(
    id=f"{PAPER}/theorem-B.4", label="Theorem B.4", section="B",
    statement="Let M = S^{d−1} and L be as in 5 with potential function Φ corresponding to activation σ. Assume "
              "that |σ(x)|, |σ'(x)|, |σ''(x)|, |σ'''(x)| are all O(|x|^p) for some p ≤ d. Then, in "
              "poly(d^p, 1/ε, log(1/ζ)) samples, we can compute L̂ such that with probability 1 − ζ, we have "
              "simultaneously ‖L̂(x) − L(x)‖, ‖∇L̂(x) = L(x)‖, ‖∇²L̂(x) − ∇²L(x)‖ ≤ ε for all x ∈ Ω.",
    kind=Kind.PROBABILISTIC, constants={"coefficient": 48},
    spec=ProbabilisticSpec(settings=_B4_SETTINGS, sample=_b4_sample, bound=_b4_bound, relation="<=",
                           statistic="mean", samples=80, support=_b4_range,
                           support_reason="sup_{θ,w}|Φ̂_n − Φ| ≤ C² + 1: |x| ≤ B on D_B, so |σ(θ^T x)| ≤ C = "
                           "sup_{|t|≤B}|σ(t)| and |Φ| = |θ^T w|^m ≤ 1"),
    mutants=(Mutant("coefficient-0.001", {"coefficient": 0.001},
                    "the proof's 48CLB√(2/n) → 0.001CLB√(2/n) (the constant is loose by ~10^3, so only a "
                    "collapse of this size is detectable)"),),
    assumptions=("σ = He_m/√(m!) (probabilists' Hermite, orthonormal), so Φ(θ, w) = (θ^Tw)^m exactly; "
                 "|σ^{(j)}(x)| = O(|x|^m), p = m ≤ d",
                 "D_B: N(0, I_d) conditioned on ‖x‖ ≤ B with B = 4 (d = 3) or 5 (d = 5)",
                 "the sup over θ, w ∈ S^{d−1} is taken over a fixed grid of 12 unit vectors (78 pairs)"),
    reading="the value part of the conclusion, for the potential Φ itself (each term of (5)); the middle item "
            "'‖∇L̂(x) = L(x)‖' is read as the gradient deviation and not checked here",
    establishes="The sample complexity the proof produces, made explicit: E sup_{θ,w}|Φ̂_n(θ, w) − Φ(θ, w)| ≤ "
                "48 C L B √(2/n) + bias, where the first term is the symmetrisation bound R_n(F) with Theorem "
                "B.3's constant (C, L = sup|σ|, sup|σ'| on [−B, B]) and the bias is Lemma B.1's bound for the "
                "truncation. Monte Carlo mean over repeated samples (empirical-Bernstein interval on the proven "
                "range [0, C² + 1]) on four settings "
                "(m ∈ {1, 2, 3}, d ∈ {3, 5}, n ∈ {200, 500, 2000}); the sup is over a grid, so a violation would "
                "be genuine but holding does not cover all of S^{d−1}. Not checked: the gradient and Hessian "
                "deviations, the union over the poly(k) terms of L, and the polynomial dependence on d^p "
                "(only four settings). Audit: the exponential row of Table 1 violates the growth hypothesis "
                "(σ grows like e^{|x|}); sign and ReLU have no σ'' / σ'''.",
    depends=(f"{PAPER}/lemma-B.1", f"{PAPER}/theorem-B.2", f"{PAPER}/theorem-B.3", f"{PAPER}/equation-5"),
)


# =========================================================================================================
# Theorem B.5 / Corollary B.6: Algorithm 1 with α = 1/(2L) on functions with strict saddles
# =========================================================================================================

_GD_SETTINGS = ({"function": "saddle-quartic", "d": 2, "box": 2.0},
                {"function": "double-well", "d": 2, "box": 1.5},
                {"function": "double-well", "d": 5, "box": 1.5})
_GD_GRAD_TOL = 1e-10  # stop when ‖∇f‖ ≤ this: the iterate then moves by < α·1e-10 per step
_GD_T = 4000
_GD_FREE = 2000  # confirm: steps without the early stop before re-running to a critical point
_TILT = 0.25
_GLOBAL_MIN = {"saddle-quartic": -1.0, "double-well": 0.0,
               # tilted well (x² − 1)²/4 + x/4: the smaller real root of x³ − x + 1/4 is the global minimiser
               "tilted-well": float(min(((r * r - 1) ** 2 / 4 + _TILT * r) for r in np.roots([1, 0, -1, _TILT]).real))}


def _hessian_bound(function: str, box: float) -> float:
    """sup_Ω ‖∇²f‖ on the box [−b, b]^d (both test functions have diagonal Hessians)."""
    if function == "saddle-quartic":
        return max(2.0, abs(3 * box * box - 2), 2.0)
    return max(abs(3 * box * box - 1), 1.0)  # double well and tilted well: f'' = 3x² − 1 per coordinate


@cache
def _maps_box_into_itself(function: str, box: float) -> bool:
    """The hypothesis g(Ω) ⊆ Ω for g(x) = x − (1/(2L))∇f(x) as printed: the test functions are separable, so
    g acts coordinatewise; each coordinate map is checked on a grid of 20001 points of [−b, b]."""
    alpha = 1 / (2 * _hessian_bound(function, box))
    t = torch.linspace(-box, box, 20001, dtype=torch.float64)
    if function == "saddle-quartic":
        maps = [t - alpha * 2 * t, t - alpha * (-2 * t + t ** 3)]
    elif function == "tilted-well":
        maps = [t - alpha * (t ** 3 - t + _TILT)]
    else:
        maps = [t - alpha * (t ** 3 - t)]
    return all(bool((m.abs() <= box).all()) for m in maps)


#: per-coordinate gradient p(t) = c3·t³ + c1·t + c0 of the separable test functions (coordinate-wise)
_COORD_GRADIENTS = {"saddle-quartic": ((0.0, 2.0, 0.0), (1.0, -2.0, 0.0)),
                    "double-well": ((1.0, -1.0, 0.0),), "tilted-well": ((1.0, -1.0, _TILT),)}


def _divergence_certificate(function: str, alpha: float, x: torch.Tensor) -> Certificate | None:
    """A proof that the iterates leave every bounded set, from the end point x of a run.

    The test functions are separable, so Algorithm 1 acts on each coordinate by g(t) = t − α p(t) with p a
    polynomial c3 t³ + c1 t + c0. If c3 ≠ 0: for |t| ≥ 1, |g(t)| ≥ α|c3||t|³ − |1 − αc1||t| − α|c0||t|, which is
    ≥ 2|t| once t² ≥ (2 + |1 − αc1| + α|c0|)/(α|c3|); if c3 = 0 and q = |1 − αc1| > 1: |g(t)| ≥ q|t| − α|c0| ≥
    ((1 + q)/2)|t| once |t| ≥ 2α|c0|/(q − 1). So a coordinate with |x_i| > R grows at least geometrically for
    ever: |x_{T+n,i}| ≥ growth^n·|x_i| → ∞. Returns None when no coordinate of x is past its R."""
    coeffs = _COORD_GRADIENTS[function]
    best = None
    for i, t in enumerate(x.tolist()):
        c3, c1, c0 = coeffs[min(i, len(coeffs) - 1)]
        if not math.isfinite(t):
            continue
        lin = abs(1 - alpha * c1)
        if c3 != 0:
            radius, growth = max(1.0, math.sqrt((2 + lin + alpha * abs(c0)) / (alpha * abs(c3)))), 2.0
        elif lin > 1:
            radius, growth = 2 * alpha * abs(c0) / (lin - 1), (1 + lin) / 2
        else:
            continue
        margin = abs(t) - radius
        if margin > 0 and (best is None or margin / max(radius, 1.0) > best[0]):
            best = (margin / max(radius, 1.0), i, t, radius, growth, (c3, c1, c0))
    if best is None:
        return None
    _, i, t, radius, growth, (c3, c1, c0) = best
    return Certificate(
        "divergence", margin=abs(t) - radius, margin_of=f"|x_{i + 1}| − R at the end point",
        verification=f"coordinate map g(t) = t − α({c3:g}t³ + {c1:g}t + {c0:g}), α = {alpha:.6g}: |g(t)| ≥ "
                     f"{growth:.4g}|t| for all |t| ≥ R = {radius:.6g} (triangle inequality, proven above); the end "
                     f"point has |x_{i + 1}| = {abs(t):.6g} > R, so |x_{{T+n}}| ≥ {growth:.4g}^n·R → ∞",
        numbers={"coordinate": i + 1, "x_i": t, "R": radius, "growth_factor": growth, "alpha": alpha})


def _gd_classify(setting, end: dict, global_only: bool, alpha: float | None = None) -> Trial:
    func = fz.TEST_FUNCTIONS[setting["function"]]
    x = end["x"]
    value, grad, hess = func(x)
    gnorm = float(grad.norm())
    eigs = torch.linalg.eigvalsh(hess)
    lam, lam_max = float(eigs[0]), float(eigs[-1])
    diag = {"steps": end["steps"], "grad_norm": gnorm, "lambda_min": lam, "value": float(value),
            "end_point": [float(v) for v in x], "hypothesis_g_maps_box": _maps_box_into_itself(
                setting["function"], setting["box"])}
    if not diag["hypothesis_g_maps_box"]:
        return Trial("unfinished", diag, "hypothesis g(Ω) ⊆ Ω fails for this setting", end["curve"])
    if end["diverged"]:
        cert = None if alpha is None else _divergence_certificate(setting["function"], alpha, x)
        if cert is None:
            return Trial("unfinished", diag, "‖x‖ > 1e6 but no coordinate past its proven escape radius",
                         end["curve"])
        return Trial("failure", diag, "the iterates leave every bounded set (proven geometric growth of a "
                     "coordinate): no limit exists", end["curve"], cert)
    if gnorm > _GD_GRAD_TOL:
        return Trial("unfinished", diag, "not yet at a critical point within the step budget", end["curve"])
    if lam < 0:
        # converging to a strict saddle from one start does not refute "almost surely": the starts that do so
        # may form a null set (the stable manifold); no certificate of a positive-measure failure
        return Trial("unfinished", diag, "ended at a strict saddle (a critical point in S); a single start "
                     "attracted to a saddle is not a certified counterexample to an almost-sure statement",
                     end["curve"])
    # the global minimum value: the tilted and double wells are separable (d times the 1-D value)
    per = 1 if setting["function"] == "saddle-quartic" else setting["d"]
    gap = float(value) - per * _GLOBAL_MIN[setting["function"]]
    if global_only and gap > 1e-9:
        # a strict local minimum (λ_min > 0) with α·λ_max < 2 is a linearly stable fixed point of the
        # iteration: it attracts an open set of starts, so the failure has positive probability
        attracting = alpha is not None and lam > 0 and alpha * lam_max < 2
        cert = Certificate(
            "stationary-point", margin=gap - 1e-9, margin_of="f(x_T) − (global minimum value) − 1e-9 (the success "
            "tolerance)", verification="closed-form gradient and Hessian in float64 at the end point; λ_min > 0 "
            "and α·λ_max < 2 make it a linearly stable fixed point of x ↦ x − α∇f (an open basin of starts)",
            numbers={"value": float(value), "global_minimum_value": per * _GLOBAL_MIN[setting["function"]],
                     "lambda_max": lam_max, "alpha": alpha, "alpha_times_lambda_max": None if alpha is None
                     else alpha * lam_max},
            hypotheses_met=attracting, grad_norm=gnorm, g_tol=_GD_GRAD_TOL, lambda_min=lam, h_tol=0.0)
        return Trial("failure", diag, "converged to a strict local minimum that is not global", end["curve"], cert)
    return Trial("success", diag, "converged to a (global) minimum", end["curve"])


@lru_cache(maxsize=512)
def _gd_cached(function: str, x0: tuple[float, ...], alpha: float, T: int, tol: float = _GD_GRAD_TOL) -> dict:
    """Algorithm 1 runs, cached: Theorem B.5 and Corollary B.6 share their runs (same seeds, same settings).
    tol < 0 disables the early stop (a fixed number of steps)."""
    return fz.gradient_descent_closed(function, torch.tensor(x0, dtype=torch.float64), alpha, T, tol)


def _gd_run_factory(global_only: bool):
    def run(setting, constants, seed, *, device, dtype):
        gen = torch.Generator().manual_seed(int(seed) % (2 ** 63))
        box, d = setting["box"], setting["d"]
        x0 = (2 * torch.rand(d, generator=gen, dtype=torch.float64) - 1) * box  # uniform on Ω
        alpha = constants["step_factor"] / _hessian_bound(setting["function"], box)
        end = _gd_cached(setting["function"], tuple(float(v) for v in x0), alpha, _GD_T)
        trial = _gd_classify(setting, end, global_only, alpha)
        return replace(trial, diagnostics={**trial.diagnostics, "x0": [float(v) for v in x0], "alpha": alpha})

    def confirm(setting, constants, seed, trial):
        # "as T → ∞": continue from the end point with ten times the budget
        x = torch.tensor(trial.diagnostics["end_point"], dtype=torch.float64)
        if trial.outcome == "failure":
            return trial  # certified already: proven divergence, or an attracting non-global minimum
        alpha = trial.diagnostics["alpha"]
        # first _GD_FREE steps without the early stop (an end point near a saddle but off its stable manifold
        # escapes: the unstable coordinate grows by ≥ 1.068 per step here, so 1e-16 → O(1) within ~600
        # steps), then the usual run to a critical point
        free = _gd_cached(setting["function"], tuple(float(v) for v in x), alpha, _GD_FREE, -1.0)
        if free["diverged"]:
            end = free
        else:
            end = _gd_cached(setting["function"], tuple(float(v) for v in free["x"]), alpha, 10 * _GD_T)
        again = _gd_classify(setting, end, global_only, alpha)
        return replace(again, diagnostics={**again.diagnostics, "alpha": alpha,
                                           "confirmed_after_extra_steps": end["steps"]})

    return run, confirm


def _gd_summary(records) -> dict:
    rows = []
    for setting, trials in records:
        rows.append({**setting, "runs": len(trials),
                     "success": sum(t.outcome == "success" for t in trials),
                     "mean_steps": float(np.mean([t.diagnostics.get("steps", 0) for t in trials]))})
    return {"table": rows}


_B5_RUN, _B5_CONFIRM = _gd_run_factory(global_only=False)
_B6_RUN, _B6_CONFIRM = _gd_run_factory(global_only=True)

_GD_FINITE = ("Algorithm 1 on M = R^d (Π_M = id) with α = step_factor/L, L = sup_Ω ‖∇²f‖, from x_0 uniform on the "
              "box Ω; stop when ‖∇f‖ ≤ 1e-10 or after 4000 steps; confirm continues 2000 steps without the early "
              "stop (escaping any saddle not exactly on its stable manifold), then up to 40000 more with it. Success: "
              "the end point is a critical point with λ_min(∇²f) > 0. Failure (genuine, certified): iterates with a "
              "coordinate past the radius beyond which the coordinate map provably at least doubles (or grows "
              "geometrically) — a proven divergence. A critical point with λ_min < 0 that persists is unfinished "
              "(one start on a stable manifold does not refute 'almost surely').")

_GD_GLOBAL = (" Success also needs f(x_T) within 1e-9 of the global minimum value; a critical point above it with "
              "λ_min > 0 and α·λ_max < 2 (an attracting fixed point: an open basin of starts) is a certified failure.")

_GD_ASSUMPTIONS = ("f(x, y) = x² − y² + y⁴/4 on Ω = [−2, 2]² (L = 10); f(x) = Σ(x_i² − 1)²/4 on [−1.5, 1.5]^d, "
                   "d ∈ {2, 5} (L = 5.75); g(Ω) ⊆ Ω with g = id − ∇f/(2L) is verified on a grid per setting",)

theorem_b5 = Claim(
    id=f"{PAPER}/theorem-B.5", label="Theorem B.5", section="B.1",
    statement="Lee et al. (2016)Panageas and Piliouras (2016) Let f: Ω → R be a twice differentiable function such "
              "that sup_{x∈Ω} ‖∇²f‖ ≤ L. Let S ⊆ Ω be the set of critical points of f that are not local minima. "
              "Also, if g(x) = x − (1/(2L)) ∇f(x), then g(Ω) ⊆ Ω. Then, running Algorithm 1 with gradient input ∇f "
              "and stepsize α = 1/(2L), as the iteration T → ∞, will converge to a point x_∞ outside of S almost "
              "surely over randomly chosen initial points x_0.",
    kind=Kind.EXPERIMENT, constants={"step_factor": 0.5},
    spec=ExperimentSpec(settings=_GD_SETTINGS, run=_B5_RUN, seeds=20, claimed_rate=1.0, confirm=_B5_CONFIRM,
                        summarize=_gd_summary, finite_check=_GD_FINITE),
    mutants=(Mutant("step-12-over-L", {"step_factor": 12.0},
                    "α = 1/(2L) → α = 12/L (> 2/λ at every minimum: e.g. x ← x − α·2x = −1.4x for the quartic)"),),
    assumptions=_GD_ASSUMPTIONS,
    establishes="A sanity check of a cited result on three explicit functions with strict saddles: every random "
                "start converges to a local minimum (never to the saddle). 'Almost surely' and 'T → ∞' become "
                "'every one of the seeds, within 4000 (+2000 + 40000) steps'. Audit of the paper's uses: Theorems 3.6, "
                "3.9, 3.10 and 4.2 run projected GD on S^{d−1} or with singular potentials whose Hessian is "
                "unbounded (no finite L), so B.5's hypotheses (Euclidean Ω, sup‖∇²f‖ ≤ L, g(Ω) ⊆ Ω) are not "
                "verified there; that is not checked by this claim.",
    depends=(f"{PAPER}/algorithm-1", f"{PAPER}/definition-3.2"),
)

corollary_b6 = Claim(
    id=f"{PAPER}/corollary-B.6", label="Corollary B.6", section="B.1",
    statement="Assume all the assumptions of Theorem B.5 and let f admit a global minima in Ω. Assume all critical "
              "points of f in Ω are not local minima, except at the global minima. Then, running Algorithm 1 "
              "with gradient input ∇f and stepsize α = 1/(2L) will converge to the global minima almost surely "
              "as the iteration count T → ∞.",
    kind=Kind.EXPERIMENT, constants={"step_factor": 0.5},
    spec=ExperimentSpec(settings=_GD_SETTINGS, run=_B6_RUN, seeds=20, claimed_rate=1.0, confirm=_B6_CONFIRM,
                        summarize=_gd_summary, finite_check=_GD_FINITE + _GD_GLOBAL),
    mutants=(Mutant("step-12-over-L", {"step_factor": 12.0}, "α = 1/(2L) → α = 12/L (GD cannot settle at a "
                    "minimum: the step exceeds 2/λ_max(∇²f) there)"),),
    assumptions=_GD_ASSUMPTIONS + ("every local minimum of both functions is global (f = −1, resp. 0)",),
    establishes="Same runs as Theorem B.5 with the stronger conclusion: the end point attains the global minimum "
                "value. A finite sanity check of a cited result ('almost surely' = all seeds; 'T → ∞' = the "
                "documented budget).",
    depends=(f"{PAPER}/theorem-B.5",),
)


corollary_b6_control = Claim(
    id=f"{PAPER}/corollary-B.6[control-nonglobal-local-minimum]", label="Corollary B.6", section="B.1",
    statement=corollary_b6.statement, kind=Kind.EXPERIMENT, constants={"step_factor": 0.5},
    spec=ExperimentSpec(settings=({"function": "tilted-well", "d": 2, "box": 1.5},), run=_B6_RUN, seeds=20,
                        claimed_rate=1.0, confirm=_B6_CONFIRM, summarize=_gd_summary,
                        finite_check=_GD_FINITE + _GD_GLOBAL),
    mutants=(Mutant("step-1-over-4L", {"step_factor": 0.25},
                    "α = 1/(2L) → α = 1/(4L) (the control stays violated with a smaller step)"),),
    reading="a control: the conclusion applied to f(x) = Σ_{i≤2} (x_i² − 1)²/4 + x_i/4 on [−1.5, 1.5]², which "
            "violates the hypothesis 'no local minima except the global ones' (per coordinate: a local minimum at "
            "≈ 0.837, the global one at ≈ −1.107); it shows that the experiment detects convergence to a "
            "non-global minimum",
    expected=frozenset({Verdict.VIOLATED}),
    expected_reason="the hypothesis 'all critical points other than the global minima are not local minima' is "
                    "deliberately false here: a start with some coordinate above 0.27 (about 65 % of the box) "
                    "converges to a non-global local minimum, which the run certifies (‖∇f‖ ≤ 1e-10, λ_min > 0, f "
                    "above the global value)",
    establishes="Not a check of the corollary: evidence that the experiment would flag a non-global limit if one "
                "occurred in the settings of the main claim.",
    depends=(f"{PAPER}/corollary-B.6",),
)


# =========================================================================================================
# Algorithm 4 (exact rational reference routine)
# =========================================================================================================

_SADDLE_T = 60  # (1 + 1/8)^60 ≈ 1e3: the iterate has left the saddle region long before


def _algorithm4_prove(constants) -> SymbolicOutcome:
    """Run Algorithm 4 in exact rationals on quadratics and check every returned point lies in M_ε
    (Def. 4.1) and that convex quadratics return while strict saddles with λ_min < −ε do not."""
    gf, hf = Fraction(constants["grad_fraction"]), Fraction(constants["hess_fraction"])
    cases, values = 0, {}
    # (a) convex 1-D quadratics L(x) = λx²/2: must return, inside M_ε
    for lam in (Fraction(1), Fraction(2)):
        for eps in (Fraction(1, 2), Fraction(1, 3)):
            for x0 in (Fraction(2), Fraction(-3, 2)):
                for seed in (0, 1):
                    rng = np.random.default_rng([seed, 4])
                    alpha = eps * eps / 4
                    x, steps = rz.algorithm4_exact(lambda v, lam=lam: (lam * v[0],), lambda v, lam=lam: lam, (x0,),
                                                   4000, alpha, eps,
                                                   lambda rng=rng: rz.rational_sphere_noise(rng, 1),
                                                   gf, hf)
                    cases += 1
                    point = {"case": "convex quadratic", "lambda": str(lam), "eps": str(eps), "x0": str(x0),
                             "seed": seed}
                    if x is None:
                        return SymbolicOutcome(Verdict.VIOLATED, "Algorithm 4 returned FAIL on a convex quadratic",
                                               cases, point)
                    grad = abs(lam * x[0])
                    values[f"convex λ={lam} ε={eps} x0={x0} seed={seed}"] = f"steps={steps}, |∇L|={float(grad):.4g}"
                    if grad > eps or lam < -eps:
                        return SymbolicOutcome(
                            Verdict.VIOLATED, "returned a point outside M_ε", cases,
                            {**point, "returned_x": str(x[0]), "grad_norm": float(grad), "steps": steps})
    # (b) the 2-D strict saddle L = (x² − y²)/2 (λ_min = −1): any returned point must lie in M_ε, i.e. none for ε < 1
    for eps in (Fraction(1, 2), Fraction(3, 4)):
        for seed in (0, 1):
            rng = np.random.default_rng([seed, 5])
            x, steps = rz.algorithm4_exact(lambda v: (v[0], -v[1]), lambda v: Fraction(-1),
                                           (Fraction(0), Fraction(0)), _SADDLE_T, Fraction(1, 8), eps,
                                           lambda rng=rng: rz.rational_sphere_noise(rng, 2, digits=4), gf, hf)
            cases += 1
            values[f"saddle ε={eps} seed={seed}"] = "FAIL" if x is None else f"returned at step {steps}"
            if x is not None and -1 < -eps:
                return SymbolicOutcome(
                    Verdict.VIOLATED, "returned a strict saddle point with λ_min = −1 < −ε (outside M_ε)", cases,
                    {"case": "strict saddle (x² − y²)/2", "eps": str(eps), "seed": seed, "steps": steps,
                     "returned": [str(v) for v in x]})
    return SymbolicOutcome(Verdict.HOLDS, "exact-rational runs of Algorithm 4: convex quadratics λx²/2 (λ ∈ {1, 2}, "
                           "ε ∈ {1/2, 1/3}, two starts, two noise seeds) return inside M_ε; the strict saddle "
                           "(x² − y²)/2 (ε ∈ {1/2, 3/4}) never returns", cases, None, values)


algorithm_4 = Claim(
    id=f"{PAPER}/algorithm-4", label="Algorithm 4", section="B.2",
    statement="Algorithm 4: x = SGD(L̂, x0, T, α, ε). Input: L̂: M → R; x0 ∈ M; T ∈ N; α ∈ R; ε ∈ R. x = x0; for "
              "i = 1 to T do: Draw n uniformly on unit sphere; x = x − α(∇L̂(x) + n); x = Π_M x; if ‖∇L̂(x)‖ ≤ 2ε/3 "
              "and λ_min(∇²L̂(x)) ≥ −2ε/3 then return x; end; end; return FAIL;",
    kind=Kind.SYMBOLIC, constants={"grad_fraction": Fraction(2, 3), "hess_fraction": Fraction(2, 3)},
    spec=SymbolicSpec(prove=_algorithm4_prove),
    mutants=(Mutant("grad-threshold-2eps", {"grad_fraction": Fraction(2)}, "‖∇L̂‖ ≤ 2ε/3 → ‖∇L̂‖ ≤ 2ε"),
             Mutant("hess-threshold-2eps", {"hess_fraction": Fraction(2)}, "λ_min ≥ −2ε/3 → λ_min ≥ −2ε")),
    assumptions=("M = R^dim (Π_M = id), dim ∈ {1, 2}; noise uniform on S^0 = {±1} exactly, on S^1 as rational "
                 "points ((1−t²)/(1+t²), 2t/(1+t²)) with t = tan(φ/2) rounded to 4 decimals (exactly unit norm, "
                 "approximately uniform)",),
    establishes="The routine as printed (step, then the termination test with the printed 2/3 thresholds) run in "
                "exact rational arithmetic: on convex quadratics it returns, and the returned point is in M_ε "
                "(Def. 4.1; here in M_{2ε/3}); on a strict saddle with λ_min = −1 < −ε it returns FAIL. Finite "
                "list of instances; the sphere/projection variant (M = S^{d−1}) is exercised by "
                "claims.zhang2017.fast._common.sgd in the tests, not here.",
    depends=(f"{PAPER}/definition-4.1",),
)


# =========================================================================================================
# Theorem B.7: Algorithm 4 returns a point of M_ε within poly(1/ε) iterations
# =========================================================================================================

_B7_STATEMENT = (
    "Let L: Ω → R be a twice differentiable function such that |L(x)| ≤ B, ‖∇²L(x)‖ ≤ C, ‖∇²f(x) − ∇²f(y)‖ ≤ "
    "ρ‖x − y‖ for all x, y ∈ Ω. Also, assume that we access to stochastic function L̂ such that ‖L̂(x) − L(x)‖, "
    "‖∇L̂(x) = L(x)‖, ‖∇²L̂(x) − ∇²L(x)‖ ≤ ε/3 for all x ∈ Ω. Then, we can choose stepsize η = 1/poly(d, B, C, ρ, "
    "1/ε, log(1/ζ)), such that with probability at least 1 − ζ, running Algorithm 4 on f̂ with stepsize η returns "
    "a point that is in M_ε after at most poly(d, B, L, ρ, 1/ε, log(1/ζ)) iterations.")
_B7_SETTINGS = ({"d": 2, "eps": 0.5}, {"d": 3, "eps": 0.5})
_B7_BOX = 2.0


def _b7_iterations(d: int, eps: float, constants) -> int:
    return int(math.ceil(constants["T_scale"] * d / eps ** 2))


def _b7_trial(setting, constants, seed, eta, T) -> Trial:
    d, eps = setting["d"], setting["eps"]
    res = fz.algorithm4_double_well(d, eps, eta, T, [int(seed)], float(constants["grad_fraction"]),
                                    float(constants["hess_fraction"]))
    diag: dict[str, Any] = {"eta": eta, "T": T, "steps": int(res["steps"][0]),
                            "max_abs_coordinate": float(res["max_abs"][0])}
    if not bool(res["returned"][0]):
        return Trial("unfinished", diag, "Algorithm 4 returned FAIL within T")
    gnorm, lam, inside = fz.in_m_eps_double_well(res["x"], eps)
    diag.update(grad_norm_L=float(gnorm[0]), lambda_min_L=float(lam[0]), returned=[float(v) for v in res["x"][0]])
    if diag["max_abs_coordinate"] > _B7_BOX:
        return Trial("unfinished", diag, "the iterates left Ω = [−2, 2]^d, where the hypotheses were verified")
    # margins well above float64 rounding of these O(1) closed forms decide genuinely
    if bool(inside[0]):
        return Trial("success", diag, "returned a point of M_ε")
    margin = max(diag["grad_norm_L"] - eps, -eps - diag["lambda_min_L"])
    cert = Certificate("exact", margin=margin, margin_of="max(‖∇L‖ − ε, −ε − λ_min(∇²L)) at the returned point",
                       verification="closed-form gradient and Hessian of L = Σ(x_i² − 1)²/4 in float64 (O(1) terms: "
                       "rounding ~1e-15, far below the margin); the returned point lies in Ω where the hypotheses "
                       "were verified", numbers={"returned": diag["returned"], "grad_norm_L": diag["grad_norm_L"],
                                                 "lambda_min_L": diag["lambda_min_L"], "eps": eps})
    return Trial("failure", diag, "returned a point outside M_ε (‖∇L‖ > ε or λ_min(∇²L) < −ε)", certificate=cert)


def _b7_run(setting, constants, seed, *, device, dtype):
    eps = setting["eps"]
    return _b7_trial(setting, constants, seed, constants["step_scale"] * eps ** 2,
                     _b7_iterations(setting["d"], eps, constants))


def _b7_confirm(setting, constants, seed, trial):
    if trial.outcome == "failure":
        return trial  # a returned point outside M_ε is already certified by the closed-form derivatives
    eps = setting["eps"]  # FAIL: halve the step and allow eight times the iterations
    return _b7_trial(setting, constants, seed, constants["step_scale"] * eps ** 2 / 2,
                     8 * _b7_iterations(setting["d"], eps, constants))


_B7_CONSTANTS = {"grad_fraction": 2 / 3, "hess_fraction": 2 / 3, "step_scale": 0.25, "T_scale": 100}

theorem_b7 = Claim(
    id=f"{PAPER}/theorem-B.7", label="Theorem B.7", section="B.2", statement=_B7_STATEMENT, kind=Kind.EXPERIMENT,
    constants=_B7_CONSTANTS,
    spec=ExperimentSpec(settings=_B7_SETTINGS, run=_b7_run, seeds=20, claimed_rate=1.0, confirm=_b7_confirm,
                        finite_check="Algorithm 4 on L̂ = L + (ε/3) sin(u^Tx + φ), L = Σ(x_i² − 1)²/4, from the "
                        "saddle x_0 = 0, η = ε²/4, T = ⌈100 d/ε²⌉; FAIL is re-run with η/2 and 8T. Success: the "
                        "returned point is in M_ε of L (closed-form gradient and Hessian). Failure (genuine): a "
                        "returned point outside M_ε."),
    mutants=(Mutant("thresholds-4eps", {"grad_fraction": 4.0, "hess_fraction": 4.0},
                    "the termination test 2ε/3 → 4ε (returns at the saddle, outside M_ε)"),),
    assumptions=("Ω = [−2, 2]^d, d ∈ {2, 3}: |L| ≤ 2.25d, ‖∇²L‖ ≤ 11, ∇²L is 12-Lipschitz; the perturbation "
                 "(ε/3) sin(u^Tx + φ) (u, φ random per seed) is ≤ ε/3 in value, gradient and Hessian",
                 "symbols read as: L the true objective (also 'f' in the Hessian-Lipschitz condition), L̂ the "
                 "stochastic one ('f̂'), the middle deviation '‖∇L̂(x) = L(x)‖' as ‖∇L̂ − ∇L‖; γ of the proof is "
                 "not used"),
    establishes="With probability-one phrasing (claimed rate 1, confirm = smaller step and longer run) on a toy "
                "objective with strict saddles: Algorithm 4 started at a saddle returns a point of M_ε within "
                "the budget for every seed. This also checks the proof's triangle-inequality step (‖∇L̂ − ∇L‖, "
                "‖∇²L̂ − ∇²L‖ ≤ ε/3 and the 2ε/3 test put the returned point in M_ε). The 1 − ζ probability at "
                "a fixed ζ and the dependence of η on (d, B, C, ρ) are not measured; the poly(1/ε) iteration "
                "count is the reading [iterations-poly-in-inverse-eps].",
    depends=(f"{PAPER}/algorithm-4", f"{PAPER}/definition-4.1"),
)

_B7_RATE_SEEDS = tuple(range(8))
_B7_RATE_GRID = (2.0, 2.5, 3.2, 4.0)  # 1/ε
_B7_RATE_D = 2


_B7_RATE_T = 20_000  # far above the slowest return on the grid (~1000 steps at 1/ε = 4)


@lru_cache(maxsize=64)
def _b7_rate_fast_one(x: float, step_scale: float, gf: float, hf: float, dtype: torch.dtype, device: str) -> float:
    eps = 1 / x
    res = fz.algorithm4_double_well(_B7_RATE_D, eps, step_scale * eps ** 2, _B7_RATE_T, list(_B7_RATE_SEEDS),
                                    gf, hf, dtype=dtype, device=device)
    return float(res["steps"].to(torch.float64).mean())


def _b7_rate_fast(xs, constants, *, device, dtype):
    # cached per grid point: mutants that only change the claimed exponent reuse the runs
    vals = [_b7_rate_fast_one(float(x), float(constants["step_scale"]), float(constants["grad_fraction"]),
                              float(constants["hess_fraction"]), dtype, str(device)) for x in xs.tolist()]
    return torch.tensor(vals, dtype=dtype, device=device)


@lru_cache(maxsize=64)
def _b7_rate_reference_one(x: float, step_scale: float, gf: float, hf: float) -> Fraction:
    eps = 1 / x
    steps = [rz.algorithm4_double_well_float(_B7_RATE_D, eps, step_scale * eps ** 2, _B7_RATE_T, s, gf, hf)
             for s in _B7_RATE_SEEDS]
    return Fraction(sum(steps), len(steps))


def _b7_rate_reference(x, constants, ctx):
    mean = _b7_rate_reference_one(float(x), float(constants["step_scale"]), float(constants["grad_fraction"]),
                                  float(constants["hess_fraction"]))
    return ctx.mpf(mean.numerator) / mean.denominator


theorem_b7_rate = Claim(
    id=f"{PAPER}/theorem-B.7[iterations-poly-in-inverse-eps]", label="Theorem B.7", section="B.2",
    statement=_B7_STATEMENT, kind=Kind.RATE, constants={**_B7_CONSTANTS, "exponent": 3},
    spec=RateSpec(grid=_B7_RATE_GRID, reference=_b7_rate_reference, fast=_b7_rate_fast, relation="<=",
                  scale="loglog", exponent_name="exponent", tail_fraction=1.0),
    mutants=(Mutant("exponent-1", {"exponent": 1}, "iterations ≲ (1/ε)^3 → (1/ε)^1"),),
    reading="'after at most poly(…, 1/ε, …) iterations' with η = ε²/4 (a 1/poly(1/ε) step): the mean number of "
            "iterations until Algorithm 4 returns grows no faster than (1/ε)^3 on the tested range",
    establishes="Mean return time over 8 fixed noise seeds (d = 2, from the saddle, L̂ as in the main reading) at "
                "1/ε ∈ {2, 2.5, 3.2, 4}; log–log slope with a bootstrap CI compared with 3. The measured slope "
                "(≈ 2.0 on this range; log(1/ε)/ε² is expected for η ∝ ε²) is a finite proxy: no finite range can "
                "establish or refute "
                "'poly'. The reference is an independent float64 implementation with the same noise stream "
                "(mpmath adds nothing to an integer step count and would take minutes).",
    depends=(f"{PAPER}/theorem-B.7", f"{PAPER}/algorithm-4"),
)


CLAIMS: tuple[Claim, ...] = (
    lemma_b1, lemma_b1_second_term, lemma_b1_tail_integral, lemma_b1_tail_bound, lemma_b1_radius_log,
    lemma_b1_radius_d, theorem_b2, theorem_b3_linear, theorem_b3_linear_standard, theorem_b3, theorem_b3_vanishing,
    theorem_b3_composition, theorem_b3_identity, theorem_b4,
    theorem_b5, corollary_b6, corollary_b6_control, algorithm_4, theorem_b7, theorem_b7_rate,
)
