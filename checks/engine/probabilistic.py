"""Engine for bounds on expectations and probabilities over random weights (Monte Carlo with CIs).

Each setting of the sweep gets a confidence interval at the per-test level the run assigns (Bonferroni
across every statistical test of the run). VIOLATED needs the interval to exclude the bound; when the
spec has a high-precision reference (an exact value, or an upper bound valid at every width), it is
consulted: an upper bound below the claimed bound proves the setting, an exact value decides it.
For "width >= D" statements (``asymptotic_param``) only a violation that persists at every swept value
of that parameter counts; the report shows the smallest swept value from which the bound holds.

Why a declared sweep and not a hypothesis search: the multiple-testing control needs the number of tests
fixed before any draw is seen, and steering toward the tightest *estimated* margin would select settings
for their Monte Carlo noise (a winner's curse that inflates false VIOLATED verdicts). Hypothesis drives the
deterministic engines; here the sweep is part of the claim's declaration.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np

from ..model import Claim, Verdict
from ..specs import ProbabilisticSpec
from ..stats import mean_interval, proportion_interval
from ..tolerance import CONFIRM_DPS, FAMILY_ALPHA, fast_tolerance
from .context import CheckContext, mp_context


def n_statistical_tests(spec: ProbabilisticSpec) -> int:
    return len(spec.settings)


def _status(low: float, high: float, bound: float, relation: str) -> str:
    if relation == "==":  # an equality in expectation: refuted only when the interval excludes the value
        return "holds" if low <= bound <= high else "violated"
    if relation in ("<=", "<"):
        if low > bound:
            return "violated"
        return "holds" if high <= bound else "straddles"
    if high < bound:
        return "violated"
    return "holds" if low >= bound else "straddles"


def _deciding_side(ci_low: float, ci_high: float, bound: float, relation: str, status: str) -> str | None:
    """Which side of the interval produced `status` ("low" / "high"), None when both sides do (holds for
    "==") or none."""
    if status == "violated":
        if relation == "==":
            return "low" if ci_low > bound else "high"
        return "low" if relation in ("<=", "<") else "high"
    if status == "holds" and relation != "==":
        return "high" if relation in ("<=", "<") else "low"
    return None


def _draw_count(spec: ProbabilisticSpec, point: dict, ctx: CheckContext) -> int:
    """Draws for one setting: the spec's default-budget count (or its per-setting count) times the budget's
    scale, at least 8."""
    base = spec.samples(point) if callable(spec.samples) else spec.samples
    return max(8, int(round(base * ctx.budget.mc_scale)))


def _mechanism(spec: ProbabilisticSpec, point: dict, constants: dict) -> tuple[tuple[float, float] | None, Any]:
    support = spec.support(point, constants) if callable(spec.support) else spec.support
    tail = spec.tail(point, constants) if spec.tail is not None else None
    return (None if support is None else (float(support[0]), float(support[1]))), tail


def _reference_status(value: float, bound: float, relation: str, rtol: float, kind: str) -> str | None:
    slack = rtol * max(abs(value), abs(bound), 1e-300)
    if relation == "==":
        if kind != "exact":
            return None  # an upper bound cannot settle an equality
        return "holds" if abs(value - bound) <= slack else "violated"
    if relation in ("<=", "<"):
        if value <= bound - slack:
            return "holds"  # exact value or an upper bound below the bound
        if kind == "exact" and value > bound + slack:
            return "violated"
        return None
    if kind == "exact":
        if value >= bound + slack:
            return "holds"
        if value < bound - slack:
            return "violated"
    return None


def evaluate_setting(claim: Claim, spec: ProbabilisticSpec, point: dict, ctx: CheckContext,
                     index: int) -> dict[str, Any]:
    constants = claim.constants
    bound = float(spec.bound(point, constants))
    row: dict[str, Any] = {"point": dict(point), "bound": bound}
    statuses = []
    if ctx.backend.uses_torch:
        import torch

        n = _draw_count(spec, point, ctx)
        gen = torch.Generator(device=ctx.backend.device)
        gen.manual_seed(ctx.seed * 1_000_003 + index)
        with torch.no_grad():
            draws = spec.sample(point, constants, n, gen, device=ctx.backend.device, dtype=ctx.backend.dtype)
        x = draws.detach().to("cpu", torch.float64).numpy().reshape(-1)
        if not np.isfinite(x).all():
            row["nonfinite_draws"] = int((~np.isfinite(x)).sum())
            x = x[np.isfinite(x)]
        if x.size >= 2:
            if spec.statistic == "probability":
                ci = proportion_interval(int(round(x.sum())), x.size, ctx.alpha)
            else:
                support, tail = _mechanism(spec, point, constants)
                slack = 0.0
                if support is not None:  # the rounding of the fast path may carry a draw past a proven end
                    ends = [abs(v) for v in support if math.isfinite(v)]
                    slack = fast_tolerance(ctx.backend.dtype, 64) * max(ends + [1.0])
                ci = mean_interval(x, ctx.alpha, support, tail, scale=bound, range_slack=slack)
            row["interval"] = ci.as_dict()
            row["confidence"] = 1.0 - ctx.alpha
            mc = _status(ci.low, ci.high, bound, spec.relation)
            side = _deciding_side(ci.low, ci.high, bound, spec.relation, mc)
            valid = (ci.valid_low and ci.valid_high) if side is None else (ci.valid_low if side == "low"
                                                                            else ci.valid_high)
            if mc == "violated" and not valid:
                # the side that would refute rests on the normal approximation, which is not valid at this
                # level on skewed draws: no verdict of VIOLATED from it
                row["mc_status_unvalidated"] = mc
                row["mc_note"] = ("the interval excludes the bound only on a Student-t side (no proven range or "
                                  "tail bound for it): not a valid refutation at this level")
                mc = "straddles"
            elif mc == "holds" and not valid:
                row["mc_note"] = ("confirmed on a Student-t side (no proven range or tail bound): not valid at this "
                                  "level")
            row["mc_status"] = mc
            statuses.append(row["mc_status"])
            scale = max(abs(bound), abs(ci.estimate), 1e-300)
            if spec.relation == "==":
                row["margin"] = -abs(ci.estimate - bound) / scale
            else:
                row["margin"] = ((bound - ci.estimate) if spec.relation in ("<=", "<")
                                 else (ci.estimate - bound)) / scale
    if spec.reference is not None:
        ref_values = []
        for dps in CONFIRM_DPS[:1]:
            ctx_mp = mp_context(dps)
            ref_values.append(float(spec.reference(point, constants, ctx_mp)))
        value = ref_values[-1]
        row["reference"] = {"value": value, "is": spec.reference_is, "rtol": spec.reference_rtol,
                            "dps": CONFIRM_DPS[0]}
        ref = _reference_status(value, bound, spec.relation, spec.reference_rtol, spec.reference_is or "")
        if ref is not None:
            row["reference_status"] = ref
            if "margin" not in row:
                diff = {"==": -abs(value - bound), "<=": bound - value, "<": bound - value}.get(
                    spec.relation, value - bound)
                row["margin"] = diff / max(abs(bound), abs(value), 1e-300)
            # An exact reference overrides Monte Carlo noise; an upper bound can only prove the claim.
            statuses = [ref]
            if "interval" in row and spec.reference_is == "exact":
                lo, hi = row["interval"]["low"], row["interval"]["high"]
                slack = spec.reference_rtol * max(abs(value), 1e-300)
                row["mc_agrees_with_reference"] = bool(lo - slack <= value <= hi + slack)
    if not statuses:
        row["status"] = "unevaluated"
    elif "violated" in statuses:
        row["status"] = "violated"
    elif all(s == "holds" for s in statuses):
        row["status"] = "holds"
    else:
        row["status"] = "straddles"
    return row


def check_probabilistic(claim: Claim, spec: ProbabilisticSpec, ctx: CheckContext) -> tuple[Verdict, dict]:
    rows = [evaluate_setting(claim, spec, dict(p), ctx, i) for i, p in enumerate(spec.settings)]
    evidence: dict[str, Any] = {
        "settings": rows, "relation": spec.relation, "statistic": spec.statistic,
        "confidence_per_test": 1.0 - ctx.alpha,
        "multiple_testing": f"Bonferroni over every statistical test of the run (family α = {FAMILY_ALPHA:g} by "
                            "default; the run's results.json records the family α used)",
        "interval_mechanism": _describe_mechanism(spec),
        "draws_per_setting": (_draw_count(spec, {}, ctx) if not callable(spec.samples)
                              else "per setting (each interval's n)"),
    }
    if all(r["status"] == "unevaluated" for r in rows):
        evidence["note"] = "no setting could be evaluated on this backend (no reference for this claim)"
        return Verdict.SKIPPED, evidence
    if not ctx.backend.uses_torch:
        # Reference-only backend: settings whose only evidence would be Monte Carlo are left out (and
        # counted), so the verdict rests on what exact arithmetic could decide.
        skipped = [r["point"] for r in rows if r["status"] == "unevaluated"]
        if skipped:
            evidence["settings_without_reference"] = len(skipped)
            evidence["note"] = (f"reference-only backend: {len(rows) - len(skipped)} of {len(rows)} settings "
                                "decided by the reference; the others need the Monte Carlo fast path")
            rows = [r for r in rows if r["status"] != "unevaluated"]
    decisive = rows
    if spec.asymptotic_param:
        decisive = _persistent_rows(rows, spec.asymptotic_param, evidence)
    # the tightest margin among the settings that decide the verdict (for "width >= D" statements, the
    # largest swept value; small widths are allowed to fail and are shown in the sweep instead)
    margins = [(r["margin"], r) for r in decisive if "margin" in r]
    if margins:
        m, r = min(margins, key=lambda t: t[0])
        evidence["tightest_margin"], evidence["tightest_point"] = m, r["point"]
    unvalidated = sum(1 for r in rows if r.get("mc_status_unvalidated") == "violated")
    if unvalidated:
        evidence["unvalidated_refutations"] = unvalidated
        evidence["statistics_note"] = (
            f"{unvalidated} setting(s) excluded the bound only on a Student-t side, which is not valid at this "
            "level: reported INCONCLUSIVE there, not VIOLATED (declare a proven range or tail bound on the spec "
            "to let Monte Carlo refute)")
    violated = [r for r in decisive if r["status"] == "violated"]
    evidence["reproduce"] = ctx.reproduce(claim.id)
    if violated:
        worst = min(violated, key=lambda r: r.get("margin", 0.0))
        evidence["minimal_counterexample"] = violated[0]
        evidence["worst_counterexample"] = worst
        return Verdict.VIOLATED, evidence
    if any(r["status"] in ("straddles", "unevaluated") for r in decisive):
        return Verdict.INCONCLUSIVE, evidence
    return Verdict.HOLDS, evidence


def _describe_mechanism(spec: ProbabilisticSpec) -> str:
    """What makes this claim's Monte Carlo interval valid at the run's level (printed in every report)."""
    if spec.statistic == "probability":
        return "Clopper-Pearson (exact binomial)"
    parts = []
    if spec.support is not None:
        parts.append(f"proven almost-sure range: {spec.support_reason}")
    if spec.tail is not None:
        parts.append("proven tail bound (see each setting's interval)")
    if not parts:
        return ("none declared: Student-t interval, not valid at this level; Monte Carlo cannot refute this claim "
                "(at most INCONCLUSIVE)")
    return "; ".join(parts) + " — empirical Bernstein (Maurer-Pontil), truncation bias bounded where clipped"


def _persistent_rows(rows: list[dict], param: str, evidence: dict) -> list[dict]:
    """Group settings by everything except `param`; a group is violated only if every width is.

    Returns one summary row per group: violated (persists), holds (holds at the largest swept value),
    straddles (otherwise)."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        key = repr(sorted((k, v) for k, v in r["point"].items() if k != param))
        groups[key].append(r)
    summary = []
    for members in groups.values():
        members.sort(key=lambda r: r["point"][param])
        largest = members[-1]
        holds_from = None
        for r in reversed(members):
            if r["status"] != "holds":
                break
            holds_from = r["point"][param]
        if all(r["status"] == "violated" for r in members):
            status = "violated"
        elif largest["status"] == "holds":
            status = "holds"
        else:
            status = "straddles"
        summary.append({**largest, "status": status, f"holds_from_{param}": holds_from,
                        "sweep": [{param: r["point"][param], "status": r["status"]} for r in members]})
    evidence["asymptotic_in"] = param
    evidence["groups"] = [{k: v for k, v in s.items() if k in ("point", "status", "sweep",
                                                               f"holds_from_{param}")} for s in summary]
    return summary
