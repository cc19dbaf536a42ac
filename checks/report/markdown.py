"""report.md: the same content as index.html for CI systems and terminals (violated bounds first)."""

from __future__ import annotations

from collections import Counter

from ..model import Verdict
from ..runner import RunRecord
from .graph import dependency_status
from .text import (
    VERDICT_ORDER,
    counterexample_sides,
    erratum_text,
    evidence_summary,
    fmt,
    side,
    tolerance_text,
    where,
)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(record: RunRecord, claims_by_id=None, plots: dict | None = None) -> str:
    claims_by_id = claims_by_id or {}
    counts = Counter(r.verdict.value for r in record.claims)
    env = record.environment
    lines = ["# claims-harness report", "",
             f"run `{record.run_id}` · seed {record.seed} · budget {record.budget} · backend {record.backend} · "
             f"{len(record.claims)} claims · {record.seconds:.1f} s · torch {env.get('torch')} · python "
             f"{env.get('python')} · commit {env.get('commit')} · Bonferroni over {record.statistical_tests} "
             f"statistical tests at family α = {record.family_alpha}",
             "", " · ".join(f"**{v}** {counts.get(v, 0)}" for v in VERDICT_ORDER), ""]
    if record.interrupted:
        total = len(record.selection.get("ids", [])) or len(record.claims)
        lines[2:2] = [f"**INTERRUPTED** by {record.interrupted_by}: {len(record.claims)} of {total} selected claims "
                      "finished; the others were not checked. Finish the run with `claims run --resume DIR`.", ""]
    for paper, reason in sorted(record.load_errors.items()):
        lines[2:2] = [f"**Paper not checked:** {paper}: {_cell(reason)}", ""]
    per_paper = Counter((r.id.split("/")[0], r.verdict.value) for r in record.claims)
    for paper in sorted({r.id.split("/")[0] for r in record.claims}):
        lines.append(f"- {paper}: " + ", ".join(f"{v} {per_paper[(paper, v)]}" for v in VERDICT_ORDER
                                                 if per_paper[(paper, v)]))
    lines.append("")
    unexpected = [r for r in record.claims if not r.as_expected]
    if unexpected:
        lines += ["## Verdicts that differ from the registry's expectation", ""]
        lines += [f"- `{r.id}`: {r.verdict.value}, expected {'|'.join(r.expected)}" for r in unexpected]
        lines.append("")
    violated = [r for r in record.claims if r.verdict == Verdict.VIOLATED]
    lines += [f"## Violated bounds ({len(violated)})", ""]
    if not violated:
        lines += ["None.", ""]
    else:
        lines += ["| claim | statement as printed | minimal counterexample | lhs | rhs | margin | worst | "
                  "tolerance / confidence | erratum | reproduce |", "|---|---|---|---|---|---|---|---|---|---|"]
        for r in violated:
            cx = counterexample_sides(r)
            worst = r.evidence.get("worst_counterexample")
            st = claims_by_id[r.id].statement if r.id in claims_by_id else ""
            errata = erratum_text(r)
            lines.append("| " + " | ".join(_cell(x) for x in (
                f"`{r.id}`", st[:300], f"`{where(cx)}`", side(cx, "lhs"), side(cx, "rhs"), side(cx, "margin"),
                f"{where(worst)} {side(worst, 'margin')}" if worst else "", tolerance_text(r.evidence), errata,
                f"`{r.evidence.get('reproduce', '')}`")) + " |")
        lines.append("")
    status = dependency_status(record, claims_by_id)
    resting = {cid: deps for cid, deps in status.items() if deps}
    if resting:
        lines += ["## Claims resting on a violated or inconclusive dependency", ""]
        lines += [f"- `{cid}` rests on " + ", ".join(f"`{d}` ({v})" for d, v in deps) for cid, deps in
                  sorted(resting.items())]
        lines.append("")
    lines += ["## All claims", "", "| claim | kind | verdict | expected | tightest margin | tolerance / confidence "
              "| seconds |", "|---|---|---|---|---|---|---|"]
    for r in sorted(record.claims, key=lambda r: r.id):
        lines.append(f"| `{r.id}` | {r.kind} | {r.verdict.value} | {'|'.join(r.expected)} | "
                     f"{fmt(r.evidence.get('tightest_margin'))} | {_cell(tolerance_text(r.evidence))} | "
                     f"{r.seconds:.2f} |")
    lines.append("")
    for r in sorted(record.claims, key=lambda r: r.id):
        claim = claims_by_id.get(r.id)
        lines += [f"### {r.id}", "", f"*{r.verdict.value}* (expected {'|'.join(r.expected)}), {r.kind}"
                  + (f", {claim.label}, Sec. {claim.section}" if claim else ""), ""]
        if claim is not None:
            lines += [f"> {claim.statement}", ""]
        for label, value in evidence_summary(r):
            lines.append(f"- {label}: {value}")
        if (plots or {}).get(r.id):
            lines.append(f"- plot: [{plots[r.id]['file']}]({plots[r.id]['file']})")
        if r.evidence.get("establishes"):
            lines += ["", f"What the check establishes: {r.evidence['establishes']}"]
        if r.evidence.get("error"):
            lines += ["", f"Error: {r.evidence['error']}"]
            if r.evidence.get("traceback"):
                lines += ["", "```", str(r.evidence["traceback"])[-2000:], "```"]
        lines.append("")
    return "\n".join(lines) + "\n"
