"""Compare two runs: verdict changes, margin changes beyond noise, new and removed claims.

What counts as noise depends on where a number comes from:
- a deterministic search (identities, inequalities, invariances) reports the tightest margin over the points
  it happened to visit; another seed visits other points, so a different margin at a *different* point is
  search noise. The same point with a value differing by more than the tolerance is a real change (the
  arithmetic changed);
- statistical evidence (Monte Carlo, success rates, exponent fits) changes beyond noise only when the two
  runs' confidence intervals for the same setting are disjoint;
- exact (symbolic) evidence has no noise: any change of its recorded values is reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .result import Result
from .runner import RunRecord


@dataclass
class Change:
    id: str
    what: str
    before: Any = None
    after: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "what": self.what, "before": self.before, "after": self.after}


@dataclass
class RunDiff:
    run_a: str
    run_b: str
    verdict_changes: list[Change] = field(default_factory=list)
    beyond_noise: list[Change] = field(default_factory=list)
    noise: list[Change] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def significant(self) -> bool:
        return bool(self.verdict_changes or self.beyond_noise or self.new or self.removed)

    def as_dict(self) -> dict[str, Any]:
        return {"run_a": self.run_a, "run_b": self.run_b,
                "verdict_changes": [c.as_dict() for c in self.verdict_changes],
                "margin_changes_beyond_noise": [c.as_dict() for c in self.beyond_noise],
                "noise_level_changes": len(self.noise), "new": self.new, "removed": self.removed}


def _float(x: Any) -> float | None:
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _tolerance(ev: dict) -> float:
    tol = ev.get("tolerance") or {}
    values = [v for k, v in tol.items() if isinstance(v, float) and k in ("fast_rtol", "reference_rtol")]
    return max(values) if values else 0.0


def _disjoint(a: dict | None, b: dict | None) -> bool:
    if not a or not b:
        return False
    lo_a, hi_a, lo_b, hi_b = (_float(a.get("low")), _float(a.get("high")), _float(b.get("low")), _float(b.get("high")))
    if None in (lo_a, hi_a, lo_b, hi_b):
        return False
    return hi_a < lo_b or hi_b < lo_a


def _settings_by_key(ev: dict, interval_key: str) -> dict[str, dict]:
    out = {}
    for row in ev.get("settings", []):
        if isinstance(row, dict) and interval_key in row:
            key = json.dumps(row.get("point", row.get("setting")), sort_keys=True, default=str)
            out[key] = row[interval_key]
    return out


def compare_results(a: Result, b: Result) -> tuple[list[Change], list[Change]]:
    """(changes beyond noise, noise-level changes) between two results of the same claim."""
    ea, eb = a.evidence, b.evidence
    beyond, noise = [], []
    if "tail_fit" in ea and "tail_fit" in eb:
        change = Change(a.id, "fitted exponent", ea["tail_fit"].get("slope"), eb["tail_fit"].get("slope"))
        (beyond if _disjoint(ea["tail_fit"], eb["tail_fit"]) else noise).append(change)
        return beyond, noise
    for key in ("interval", "clopper_pearson"):
        sa, sb = _settings_by_key(ea, key), _settings_by_key(eb, key)
        for setting in sa.keys() & sb.keys():
            change = Change(a.id, f"estimate at {setting}", sa[setting].get("estimate"), sb[setting].get("estimate"))
            if change.before != change.after:
                (beyond if _disjoint(sa[setting], sb[setting]) else noise).append(change)
        if sa or sb:
            return beyond, noise
    if ea.get("method") == "exact" or eb.get("method") == "exact":
        if ea.get("values") != eb.get("values"):
            beyond.append(Change(a.id, "exact values", ea.get("values"), eb.get("values")))
        return beyond, noise
    ma, mb = _float(ea.get("tightest_margin")), _float(eb.get("tightest_margin"))
    if ma is None or mb is None or ma == mb:
        return beyond, noise
    change = Change(a.id, "tightest margin", ma, mb)
    same_point = ea.get("tightest_point") is not None and ea.get("tightest_point") == eb.get("tightest_point")
    if same_point and abs(ma - mb) > max(_tolerance(ea), _tolerance(eb)):
        change.what = "tightest margin at the same point"
        beyond.append(change)
    else:
        noise.append(change)
    return beyond, noise


def diff_runs(a: RunRecord, b: RunRecord) -> RunDiff:
    out = RunDiff(a.run_id, b.run_id)
    by_a = {(r.id, r.backend): r for r in a.claims}
    by_b = {(r.id, r.backend): r for r in b.claims}
    out.new = sorted(f"{i}|{be}" if len({x[1] for x in by_b}) > 1 else i for i, be in by_b.keys() - by_a.keys())
    out.removed = sorted(f"{i}|{be}" if len({x[1] for x in by_a}) > 1 else i for i, be in by_a.keys() - by_b.keys())
    for key in sorted(by_a.keys() & by_b.keys()):
        ra, rb = by_a[key], by_b[key]
        if ra.verdict != rb.verdict:
            out.verdict_changes.append(Change(ra.id, "verdict", ra.verdict.value, rb.verdict.value))
            continue
        beyond, noise = compare_results(ra, rb)
        out.beyond_noise += beyond
        out.noise += noise
    return out


def render_text(d: RunDiff) -> str:
    lines = [f"diff {d.run_a} → {d.run_b}"]
    if d.verdict_changes:
        lines.append(f"verdict changes ({len(d.verdict_changes)}):")
        lines += [f"  {c.id}: {c.before} → {c.after}" for c in d.verdict_changes]
    if d.beyond_noise:
        lines.append(f"changes beyond noise ({len(d.beyond_noise)}):")
        lines += [f"  {c.id}: {c.what}: {c.before} → {c.after}" for c in d.beyond_noise]
    if d.new:
        lines.append(f"new claims ({len(d.new)}): " + ", ".join(d.new))
    if d.removed:
        lines.append(f"removed claims ({len(d.removed)}): " + ", ".join(d.removed))
    lines.append(f"noise-level changes: {len(d.noise)} (other search points or overlapping confidence intervals)")
    if not d.significant:
        lines.append("no verdict changes and nothing beyond noise")
    return "\n".join(lines)
