"""Formatting shared by every report format: numbers, both sides of a counterexample, tolerances, and a
kind-aware one-line summary of the evidence (points searched, tightest margin, CI, fitted exponent...)."""

from __future__ import annotations

import json
from typing import Any

from ..model import Verdict
from ..result import Result

VERDICT_ORDER = [v.value for v in Verdict]
RANK = {"VIOLATED": 0, "ERROR": 1, "INCONCLUSIVE": 2, "SKIPPED": 3, "HOLDS": 4, "PROVED": 5}


def violated_first(results: list[Result]) -> list[Result]:
    return sorted(results, key=lambda r: (RANK[r.verdict.value], r.id))


def num(x: Any, digits: int = 6) -> str:
    """Format a number that may have come back from JSON as a string ('inf', an mpmath value)."""
    try:
        return f"{float(x):.{digits}g}"
    except (TypeError, ValueError):
        return "" if x is None else str(x)


def fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.4g}"
    return "" if x is None else str(x)


def side(cx: dict | None, key: str) -> str:
    """lhs / rhs / margin of a counterexample record, whatever engine produced it."""
    if not cx:
        return ""
    evals = cx.get("evaluations")
    if evals:
        value = evals[-1].get(key, "")
        return num(value, 12) if key in ("lhs", "rhs") else num(value, 4)
    if key == "margin" and "margin" in cx:
        return num(cx["margin"], 4)
    if key == "lhs" and "interval" in cx:
        iv = cx["interval"]
        return f"{num(iv['estimate'])} [{num(iv['low'])}, {num(iv['high'])}]"
    if key == "lhs" and "reference" in cx:
        return num(cx["reference"].get("value"))
    if key == "rhs" and "bound" in cx:
        return num(cx["bound"])
    if key == "lhs" and "outcome" in cx:  # an experiment's failed run
        return f"{cx['outcome']}: " + ", ".join(f"{k}={num(v, 4)}" for k, v in list(cx.get("diagnostics", {})
                                                                                     .items())[:4])
    return ""


def counterexample_sides(result: Result) -> dict:
    """The minimal counterexample, with exact (symbolic) sides filled in from ``values`` when needed."""
    cx = dict(result.evidence.get("minimal_counterexample") or {})
    for key in ("lhs", "rhs"):
        if not side(cx, key) and key in result.evidence.get("values", {}):
            cx.setdefault("evaluations", [{}])
            cx["evaluations"] = [{**cx["evaluations"][0], key: result.evidence["values"][key]}]
    return cx


def where(cx: dict | None) -> str:
    if not cx:
        return ""
    point = cx.get("point", cx.get("setting"))
    extra = {k: cx[k] for k in ("seed", "input_seed", "batch_index") if k in cx}
    text = json.dumps(point, default=str, ensure_ascii=False) if point is not None else ""
    return (text + " " + json.dumps(extra)) if extra else text


def erratum_text(result: Result) -> str:
    """The recorded erratum, or why a VIOLATED verdict without one is expected (a reading, a control)."""
    errata = result.evidence.get("errata", [])
    if errata:
        return "; ".join(f"{e['summary']} — {e['evidence']}" for e in errata)
    if result.evidence.get("expected_reason"):
        return "not an erratum (expected): " + str(result.evidence["expected_reason"])
    return "— (not a recorded erratum)"


def tolerance_text(ev: dict) -> str:
    tol = ev.get("tolerance")
    if isinstance(tol, dict):
        return ", ".join(f"{k}={v:.3g}" for k, v in tol.items() if isinstance(v, float))
    if "confidence_per_test" in ev:
        text = f"confidence {ev['confidence_per_test']:.8f} per test (Bonferroni"
        if "family_alpha" in ev:
            text += f" of family α = {ev['family_alpha']:g}"
        text += ")"
        if ev.get("interval_mechanism"):
            mechanism = str(ev["interval_mechanism"])
            text += "; interval: " + (mechanism if len(mechanism) <= 160 else mechanism[:159] + "…")
        return text
    if "confidence" in ev:
        return f"confidence {ev['confidence']:.6f}"
    return "exact" if ev.get("method") == "exact" else ""


def evidence_summary(result: Result) -> list[tuple[str, str]]:
    """What a reader wants first about a claim's evidence, as (label, value) pairs, by kind of evidence."""
    ev = result.evidence
    out: list[tuple[str, str]] = []
    if "points_searched" in ev:
        out.append(("points searched", str(ev["points_searched"])))
    if "inputs_evaluated" in ev:
        out += [("inputs × group elements", str(ev["inputs_evaluated"])), ("group", str(ev.get("group"))),
                ("largest relative discrepancy", num(ev.get("largest_relative_discrepancy"), 3))]
    if ev.get("tightest_margin") is not None:
        at = ev.get("tightest_point")
        out.append(("tightest margin", num(ev["tightest_margin"], 4) + (f" at {json.dumps(at, default=str)}"
                                                                         if at else "")))
    if "tail_fit" in ev:
        fit = ev["tail_fit"]
        out.append(("fitted exponent", f"{num(fit['slope'], 4)} [{num(fit['low'], 4)}, {num(fit['high'], 4)}] "
                    f"vs claimed {ev.get('relation', '')} {num(ev.get('claimed_slope'), 4)} (R² {num(fit['r2'], 4)})"))
    if "settings" in ev and "draws_per_setting" in ev:
        out.append(("Monte Carlo", f"{len(ev['settings'])} settings × {ev['draws_per_setting']} draws"))
    if "totals" in ev:
        t, iv = ev["totals"], ev.get("success_rate_interval", {})
        out.append(("runs", f"{t['runs']}: {t['success']} success, {t['failure']} genuine failure, "
                    f"{t['unfinished']} unfinished; success rate CI [{num(iv.get('low'), 3)}, {num(iv.get('high'), 3)}]"
                    f" vs claimed {num(ev.get('claimed_success_rate'), 3)}"))
    if ev.get("method") == "exact":
        out.append(("exact", str(ev.get("detail", ""))[:400]))
    tol = tolerance_text(ev)
    if tol:
        out.append(("tolerance / confidence", tol))
    if ev.get("note"):
        out.append(("note", str(ev["note"])))
    if ev.get("reason"):
        out.append(("reason", str(ev["reason"])))
    return out
