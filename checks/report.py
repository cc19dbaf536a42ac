"""Reports of a run: results.json (the contract), report.md, junit.xml and a self-contained index.html.

Violated bounds come first everywhere. Files are written atomically (temp file + rename), results.json
before anything else, so a crash while rendering never loses the run.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from .model import Verdict
from .result import Result
from .runner import RunRecord

VERDICT_ORDER = [v.value for v in Verdict]
COLOURS = {"PROVED": "#1a7f37", "HOLDS": "#2da44e", "VIOLATED": "#cf222e", "INCONCLUSIVE": "#bf8700",
           "ERROR": "#8250df", "SKIPPED": "#6e7781"}


class ResultsError(ValueError):
    """A results file that is missing, unreadable or not a claims-harness results file."""


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_results(location: str | os.PathLike) -> RunRecord:
    """Load a run from a results.json file or a report directory; one clear error on any problem."""
    path = Path(location)
    if path.is_dir():
        path = path / "results.json"
    if not path.exists():
        raise ResultsError(f"no results file at {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path} is not a readable results file: {exc}") from None
    try:
        return RunRecord.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ResultsError(f"{path} is not a claims-harness results file (missing or bad field: {exc})") from None


def write_all(record: RunRecord, out_dir: str | os.PathLike, claims_by_id: dict[str, Any] | None = None) -> Path:
    out = Path(out_dir)
    atomic_write(out / "results.json", json.dumps(record.to_json(), indent=1, allow_nan=False) + "\n")
    atomic_write(out / "report.md", render_markdown(record, claims_by_id))
    atomic_write(out / "junit.xml", render_junit(record, claims_by_id))
    atomic_write(out / "index.html", render_html(record, claims_by_id))
    return out


# --- shared helpers -------------------------------------------------------------------------------------

def _sorted(results: list[Result]) -> list[Result]:
    rank = {"VIOLATED": 0, "ERROR": 1, "INCONCLUSIVE": 2, "SKIPPED": 3, "HOLDS": 4, "PROVED": 5}
    return sorted(results, key=lambda r: (rank[r.verdict.value], r.id))


def _statement(claims_by_id, rid: str) -> str:
    claim = (claims_by_id or {}).get(rid)
    return claim.statement if claim is not None else ""


def _side(cx: dict | None, key: str) -> str:
    if not cx:
        return ""
    evals = cx.get("evaluations")
    if evals:
        value = evals[-1].get(key, "")
        return _num(value, 12) if key in ("lhs", "rhs") else str(value)
    if key == "margin" and "margin" in cx:
        return _num(cx["margin"], 4)
    if key == "lhs" and "interval" in cx:
        iv = cx["interval"]
        return f"{_num(iv['estimate'])} [{_num(iv['low'])}, {_num(iv['high'])}]"
    if key == "lhs" and "reference" in cx:
        return _num(cx["reference"].get("value"))
    if key == "rhs" and "bound" in cx:
        return _num(cx["bound"])
    return ""


def _num(x: Any, digits: int = 6) -> str:
    """Format a number that may have come back from JSON as a string ('inf', an mpmath value)."""
    try:
        return f"{float(x):.{digits}g}"
    except (TypeError, ValueError):
        return str(x)


def _tolerance_text(ev: dict) -> str:
    tol = ev.get("tolerance")
    if isinstance(tol, dict):
        parts = [f"{k}={v:.3g}" for k, v in tol.items() if isinstance(v, float)]
        return ", ".join(parts)
    if "confidence_per_test" in ev:
        return f"confidence {ev['confidence_per_test']:.6f} per test (Bonferroni)"
    if "confidence" in ev:
        return f"confidence {ev['confidence']:.6f}"
    return "exact" if ev.get("method") == "exact" else ""


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.4g}"
    return "" if x is None else str(x)


# --- markdown -------------------------------------------------------------------------------------------

def render_markdown(record: RunRecord, claims_by_id=None) -> str:
    counts = Counter(r.verdict.value for r in record.claims)
    lines = ["# claims-harness report", "",
             f"seed {record.seed} · budget {record.budget} · backend {record.backend} · "
             f"{len(record.claims)} claims · {record.seconds:.1f} s · "
             f"Bonferroni over {record.statistical_tests} statistical tests at family α = {record.family_alpha}",
             "", " · ".join(f"**{v}** {counts.get(v, 0)}" for v in VERDICT_ORDER), ""]
    unexpected = [r for r in record.claims if not r.as_expected]
    if unexpected:
        lines += ["## Verdicts that differ from the registry's expectation", ""]
        lines += [f"- `{r.id}`: {r.verdict.value}, expected {'|'.join(r.expected)}" for r in unexpected]
        lines.append("")
    violated = [r for r in record.claims if r.verdict == Verdict.VIOLATED]
    lines += ["## Violated bounds", ""]
    if not violated:
        lines += ["None.", ""]
    else:
        lines += ["| claim | counterexample (minimal) | lhs | rhs | margin | erratum | reproduce |",
                  "|---|---|---|---|---|---|---|"]
        for r in violated:
            cx = r.evidence.get("minimal_counterexample", {})
            errata = "; ".join(e["summary"] for e in r.evidence.get("errata", [])) or "—"
            lines.append(f"| `{r.id}` | `{json.dumps(cx.get('point'), default=str)}` | {_side(cx, 'lhs')} | "
                         f"{_side(cx, 'rhs')} | {_side(cx, 'margin')} | {errata} | "
                         f"`{r.evidence.get('reproduce', '')}` |")
        lines.append("")
    lines += ["## All claims", "", "| claim | kind | verdict | expected | tightest margin | tolerance / confidence "
              "| seconds |", "|---|---|---|---|---|---|---|"]
    for r in _sorted(record.claims):
        lines.append(f"| `{r.id}` | {r.kind} | {r.verdict.value} | {'|'.join(r.expected)} | "
                     f"{_fmt(r.evidence.get('tightest_margin'))} | {_tolerance_text(r.evidence)} | "
                     f"{r.seconds:.2f} |")
    lines.append("")
    for r in _sorted(record.claims):
        lines += [f"### {r.id}", "", f"*{r.verdict.value}* (expected {'|'.join(r.expected)}), {r.kind}", ""]
        st = _statement(claims_by_id, r.id)
        if st:
            lines += [f"> {st}", ""]
        if r.evidence.get("establishes"):
            lines += [f"What the check establishes: {r.evidence['establishes']}", ""]
        if r.evidence.get("error"):
            lines += ["```", str(r.evidence.get("traceback", r.evidence["error"]))[-2000:], "```", ""]
    return "\n".join(lines) + "\n"


# --- junit ----------------------------------------------------------------------------------------------

def render_junit(record: RunRecord, claims_by_id=None) -> str:
    suite = ET.Element("testsuite", name="claims-harness", tests=str(len(record.claims)),
                       failures=str(sum(1 for r in record.claims if not r.as_expected and r.verdict != Verdict.ERROR)),
                       errors=str(sum(1 for r in record.claims if r.verdict == Verdict.ERROR and not r.as_expected)),
                       skipped=str(sum(1 for r in record.claims if r.verdict == Verdict.SKIPPED)),
                       time=f"{record.seconds:.3f}")
    for r in record.claims:
        paper = r.id.split("/")[0]
        case = ET.SubElement(suite, "testcase", classname=f"claims.{paper}", name=f"{r.id}[{r.backend}]",
                             time=f"{r.seconds:.3f}")
        summary = f"{r.verdict.value} (expected {'|'.join(r.expected)})"
        if r.verdict == Verdict.SKIPPED:
            ET.SubElement(case, "skipped", message=str(r.evidence.get("reason", "")))
        elif not r.as_expected:
            tag = "error" if r.verdict == Verdict.ERROR else "failure"
            el = ET.SubElement(case, tag, message=summary)
            el.text = json.dumps(r.evidence, default=str, indent=1)[:20000]
        out = ET.SubElement(case, "system-out")
        out.text = summary + "\n" + str(r.evidence.get("reproduce", ""))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


# --- html -----------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328;max-width:1400px}
h1{margin:0 0 .3rem} .bar span{display:inline-block;padding:.2rem .6rem;margin:.1rem;border-radius:1rem;
color:#fff;font-weight:600} table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
td,th{border:1px solid #d0d7de;padding:.3rem .5rem;vertical-align:top;font-size:.9rem;text-align:left;
overflow-wrap:anywhere;max-width:28rem}
th{background:#f6f8fa} code,pre{font-family:ui-monospace,monospace;font-size:.85rem} pre{white-space:pre-wrap;
background:#f6f8fa;padding:.5rem;max-height:24rem;overflow:auto} .v{font-weight:700}
details{margin:.2rem 0} .filters{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #d0d7de}
.unexpected{outline:3px solid #cf222e}
"""

_JS = """
function applyFilters(){
  const q=document.getElementById('q').value.toLowerCase();
  const v=document.getElementById('fv').value, k=document.getElementById('fk').value,
        p=document.getElementById('fp').value;
  let shown=0;
  document.querySelectorAll('tr.claim').forEach(tr=>{
    const ok=(!v||tr.dataset.verdict===v)&&(!k||tr.dataset.kind===k)&&(!p||tr.dataset.paper===p)
             &&(!q||tr.textContent.toLowerCase().includes(q));
    tr.style.display=ok?'':'none'; if(ok) shown++;
  });
  document.getElementById('shown').textContent=shown;
}
"""


def _e(x: Any) -> str:
    return html.escape(str(x))


def render_html(record: RunRecord, claims_by_id=None) -> str:
    counts = Counter(r.verdict.value for r in record.claims)
    papers = sorted({r.id.split("/")[0] for r in record.claims})
    kinds = sorted({r.kind for r in record.claims})
    env = record.environment
    parts = ["<!doctype html><html lang=en><head><meta charset=utf-8><title>claims-harness report</title>",
             f"<style>{_CSS}</style><script>{_JS}</script></head><body>",
             "<h1>claims-harness report</h1>",
             f"<p>seed <b>{record.seed}</b> · budget <b>{_e(record.budget)}</b> · backend <b>{_e(record.backend)}</b>"
             f" · {len(record.claims)} claims · {record.seconds:.1f} s · torch {_e(env.get('torch'))} · python "
             f"{_e(env.get('python'))} · commit {_e(env.get('commit'))} · Bonferroni over {record.statistical_tests}"
             f" statistical tests, family α = {record.family_alpha}</p><p class=bar>"]
    for v in VERDICT_ORDER:
        parts.append(f"<span style='background:{COLOURS[v]}'>{v} {counts.get(v, 0)}</span>")
    parts.append("</p>")
    unexpected = [r for r in record.claims if not r.as_expected]
    if unexpected:
        parts.append("<p><b>Verdicts that differ from the registry's expectation:</b> " + ", ".join(
            f"<code>{_e(r.id)}</code> ({r.verdict.value}, expected {'|'.join(r.expected)})" for r in unexpected)
            + "</p>")
    violated = [r for r in record.claims if r.verdict == Verdict.VIOLATED]
    parts.append(f"<h2 id=violated>Violated bounds ({len(violated)})</h2>")
    if not violated:
        parts.append("<p>None.</p>")
    else:
        parts.append("<table id=violated-table><tr><th>claim</th><th>statement as printed</th><th>minimal "
                     "counterexample</th><th>lhs</th><th>rhs</th><th>margin</th><th>worst</th>"
                     "<th>tolerance / confidence</th><th>erratum</th><th>reproduce</th></tr>")
        for r in violated:
            cx = dict(r.evidence.get("minimal_counterexample", {}))
            for key in ("lhs", "rhs"):  # exact (symbolic) counterexamples carry their sides in `values`
                if not _side(cx, key) and key in r.evidence.get("values", {}):
                    cx.setdefault("evaluations", [{}])[0][key] = r.evidence["values"][key]
            worst = r.evidence.get("worst_counterexample")
            errata = "<br>".join(f"{_e(e['summary'])}<br><i>{_e(e['evidence'])}</i>"
                                 for e in r.evidence.get("errata", [])) or "— (not a recorded erratum)"
            parts.append(
                f"<tr><td><code>{_e(r.id)}</code></td><td>{_e(_statement(claims_by_id, r.id))}</td>"
                f"<td><code>{_e(json.dumps(cx.get('point'), default=str))}</code></td><td>{_e(_side(cx, 'lhs'))}</td>"
                f"<td>{_e(_side(cx, 'rhs'))}</td><td>{_e(_side(cx, 'margin'))}</td>"
                f"<td>{_e(json.dumps(worst.get('point'), default=str)) if worst else ''} "
                f"{_e(_side(worst, 'margin')) if worst else ''}</td>"
                f"<td>{_e(_tolerance_text(r.evidence))}</td><td>{errata}</td>"
                f"<td><code>{_e(r.evidence.get('reproduce', ''))}</code></td></tr>")
        parts.append("</table>")
    parts.append("<h2>All claims</h2><div class=filters>search <input id=q oninput=applyFilters()> verdict "
                 "<select id=fv onchange=applyFilters()><option value=''>all</option>"
                 + "".join(f"<option>{v}</option>" for v in VERDICT_ORDER)
                 + "</select> kind <select id=fk onchange=applyFilters()><option value=''>all</option>"
                 + "".join(f"<option>{_e(k)}</option>" for k in kinds)
                 + "</select> paper <select id=fp onchange=applyFilters()><option value=''>all</option>"
                 + "".join(f"<option>{_e(p)}</option>" for p in papers)
                 + f"</select> showing <span id=shown>{len(record.claims)}</span></div>")
    parts.append("<table id=claims-table><tr><th>claim</th><th>kind</th><th>verdict</th><th>expected</th>"
                 "<th>tightest margin</th><th>tolerance / confidence</th><th>s</th><th>evidence</th></tr>")
    for r in sorted(record.claims, key=lambda r: r.id):
        cls = "claim" + ("" if r.as_expected else " unexpected")
        ev = dict(r.evidence)
        ev.pop("margins_sample", None)
        establishes = ev.pop("establishes", "")
        parts.append(
            f"<tr class='{cls}' data-verdict='{r.verdict.value}' data-kind='{_e(r.kind)}' "
            f"data-paper='{_e(r.id.split('/')[0])}'><td><code>{_e(r.id)}</code><br><small>"
            f"{_e(_statement(claims_by_id, r.id))}</small></td><td>{_e(r.kind)}</td>"
            f"<td class=v style='color:{COLOURS[r.verdict.value]}'>{r.verdict.value}</td>"
            f"<td>{_e('|'.join(r.expected))}</td><td>{_e(_fmt(ev.get('tightest_margin')))}</td>"
            f"<td>{_e(_tolerance_text(ev))}</td><td>{r.seconds:.2f}</td><td><i>{_e(establishes)}</i>"
            f"<details><summary>evidence</summary><pre>{_e(json.dumps(ev, default=str, indent=1)[:30000])}</pre>"
            "</details></td></tr>")
    parts.append("</table></body></html>")
    return "".join(parts) + "\n"
