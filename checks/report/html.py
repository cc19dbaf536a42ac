"""index.html: one self-contained page per run (inline CSS, JS, SVG and PNG; no network access).

Order: a summary bar (verdict counts overall and per paper, run id, seed, budget, backend, environment),
then the violated bounds, then the dependency graph of each paper, then every claim grouped by paper and
section with its evidence, plot and what the finite check establishes. Filters (search, verdict, kind,
paper) also read the page's query string (``index.html?verdict=VIOLATED&paper=zhang2017``), so a link can
open a filtered view.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from typing import Any

from ..model import Verdict
from ..runner import RunRecord
from .graph import COLOURS, dependency_status, render_svg
from .text import (
    VERDICT_ORDER,
    counterexample_sides,
    erratum_text,
    evidence_summary,
    side,
    tolerance_text,
    where,
)

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328;max-width:1500px}
h1{margin:0 0 .3rem} .bar span{display:inline-block;padding:.2rem .6rem;margin:.1rem;border-radius:1rem;
color:#fff;font-weight:600} table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
td,th{border:1px solid #d0d7de;padding:.3rem .5rem;vertical-align:top;font-size:.88rem;text-align:left;
overflow-wrap:anywhere;max-width:30rem} th{background:#f6f8fa} code,pre{font-family:ui-monospace,monospace;
font-size:.82rem} pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem;max-height:24rem;overflow:auto}
.v{font-weight:700} details{margin:.2rem 0} .filters{position:sticky;top:0;background:#fff;padding:.5rem 0;
border-bottom:1px solid #d0d7de;z-index:2} .unexpected{outline:3px solid #cf222e} tr.section td{background:#eaeef2;
font-weight:600} .graph{overflow:auto;max-height:40rem;border:1px solid #d0d7de;margin-bottom:1rem}
.ev{margin:.2rem 0;padding-left:1.1rem} .ev li{font-size:.82rem} img.plot{max-width:100%;margin-top:.3rem}
.resting{color:#cf222e;font-size:.82rem} .interrupted,.load-error{background:#fff1e5;border:2px solid #bc4c00;
padding:.5rem} .env{font-size:.85rem;color:#57606a}
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
  document.querySelectorAll('section.paper').forEach(s=>{
    s.style.display=(!p||s.dataset.paper===p)?'':'none';
  });
  document.getElementById('shown').textContent=shown;
  document.body.dataset.shown=shown;
}
document.addEventListener('DOMContentLoaded',()=>{
  const params=new URLSearchParams(location.search);
  for (const [key,id] of [['verdict','fv'],['kind','fk'],['paper','fp'],['q','q']]){
    if(params.has(key)) document.getElementById(id).value=params.get(key);
  }
  applyFilters();
});
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _section_key(section: str) -> tuple:
    # numbers sort numerically and before words: "2.4" < "2.10" < "A.1"
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\s]", section or "") if p)


def _summary(record: RunRecord) -> list[str]:
    counts = Counter(r.verdict.value for r in record.claims)
    env = record.environment
    parts = []
    if record.interrupted:
        total = len(record.selection.get("ids", [])) or len(record.claims)
        parts.append(f"<p id=interrupted class=interrupted><b>INTERRUPTED</b> by {_e(record.interrupted_by)}: "
                     f"{len(record.claims)} of {total} selected claims finished; the others were not checked. "
                     "Finish the run with <code>claims run --resume DIR</code>.</p>")
    for paper, reason in sorted(record.load_errors.items()):
        parts.append(f"<p class=load-error><b>Paper not checked:</b> {_e(paper)}: {_e(reason)}</p>")
    parts += [f"<p>run <code id=run-id>{_e(record.run_id)}</code> · seed <b>{record.seed}</b> · budget "
             f"<b>{_e(record.budget)}</b> · backend <b>{_e(record.backend)}</b> · {len(record.claims)} claims · "
             f"{record.seconds:.1f} s · Bonferroni over {record.statistical_tests} statistical tests, family "
             f"α = {record.family_alpha}</p>",
             "<p class=env>" + " · ".join(f"{_e(k)} {_e(v)}" for k, v in env.items() if v not in (None, "")) + "</p>",
             "<p class=bar id=summary-bar>"]
    parts += [f"<span style='background:{COLOURS[v]}' data-verdict='{v}'>{v} {counts.get(v, 0)}</span>"
              for v in VERDICT_ORDER]
    parts.append("</p><table id=per-paper><tr><th>paper</th>" + "".join(f"<th>{v}</th>" for v in VERDICT_ORDER)
                 + "<th>total</th></tr>")
    per = Counter((r.id.split("/")[0], r.verdict.value) for r in record.claims)
    for paper in sorted({r.id.split("/")[0] for r in record.claims}):
        row = [per[(paper, v)] for v in VERDICT_ORDER]
        parts.append(f"<tr><td><a href='#paper-{_e(paper)}'>{_e(paper)}</a></td>"
                     + "".join(f"<td>{n or ''}</td>" for n in row) + f"<td>{sum(row)}</td></tr>")
    parts.append("</table>")
    return parts


def _violated(record: RunRecord, claims_by_id) -> list[str]:
    violated = sorted((r for r in record.claims if r.verdict == Verdict.VIOLATED), key=lambda r: r.id)
    parts = [f"<h2 id=violated>Violated bounds ({len(violated)})</h2>"]
    if not violated:
        return parts + ["<p>None.</p>"]
    parts.append("<table id=violated-table><tr><th>claim</th><th>statement as printed</th><th>minimal "
                 "counterexample</th><th>lhs</th><th>rhs</th><th>margin</th><th>worst counterexample</th>"
                 "<th>precision / tolerance / confidence</th><th>erratum</th><th>reproduce</th></tr>")
    for r in violated:
        cx = counterexample_sides(r)
        worst = r.evidence.get("worst_counterexample")
        claim = claims_by_id.get(r.id)
        errata = "<br>".join(f"{_e(e['summary'])}<br><i>{_e(e['evidence'])}</i>"
                             for e in r.evidence.get("errata", [])) or _e(erratum_text(r))
        dps = [str(e.get("dps")) for e in cx.get("evaluations", []) if e.get("dps")]
        precision = (f"confirmed at {', '.join(dps)} digits; " if dps else "") + tolerance_text(r.evidence)
        if cx.get("exact"):
            precision = "exact arithmetic"
        worst_text = (f"<code>{_e(where(worst))}</code> lhs {_e(side(worst, 'lhs'))} rhs {_e(side(worst, 'rhs'))}"
                      f" margin {_e(side(worst, 'margin'))}") if worst else ""
        parts.append(
            f"<tr class=violated-row data-id='{_e(r.id)}'><td><a href='#{_e(r.id)}'><code>{_e(r.id)}</code></a>"
            f"</td><td>{_e(claim.statement if claim else '')}</td><td><code>{_e(where(cx))}</code></td>"
            f"<td>{_e(side(cx, 'lhs'))}</td><td>{_e(side(cx, 'rhs'))}</td><td>{_e(side(cx, 'margin'))}</td>"
            f"<td>{worst_text}</td><td>{_e(precision)}</td><td>{errata}</td>"
            f"<td><code>{_e(r.evidence.get('reproduce', ''))}</code></td></tr>")
    parts.append("</table>")
    return parts


def _filters(record: RunRecord) -> str:
    papers = sorted({r.id.split("/")[0] for r in record.claims})
    kinds = sorted({r.kind for r in record.claims})
    return ("<div class=filters>search <input id=q oninput=applyFilters()> verdict "
            "<select id=fv onchange=applyFilters()><option value=''>all</option>"
            + "".join(f"<option>{v}</option>" for v in VERDICT_ORDER)
            + "</select> kind <select id=fk onchange=applyFilters()><option value=''>all</option>"
            + "".join(f"<option>{_e(k)}</option>" for k in kinds)
            + "</select> paper <select id=fp onchange=applyFilters()><option value=''>all</option>"
            + "".join(f"<option>{_e(p)}</option>" for p in papers)
            + f"</select> showing <span id=shown>{len(record.claims)}</span> of {len(record.claims)}</div>")


def _claim_row(r, claim, resting, plot) -> str:
    cls = "claim" + ("" if r.as_expected else " unexpected")
    ev = dict(r.evidence)
    ev.pop("margins_sample", None)
    establishes = ev.pop("establishes", "")
    label = f"{claim.label} · " if claim else ""
    summary = "".join(f"<li><b>{_e(k)}</b>: {_e(v)}</li>" for k, v in evidence_summary(r))
    rests = ("<div class=resting>rests on " + ", ".join(f"<code>{_e(d)}</code> ({_e(v)})" for d, v in resting)
             + "</div>") if resting else ""
    img = f"<img class=plot alt='plot of {_e(r.id)}' src='{plot['data_uri']}'>" if plot else ""
    return (f"<tr class='{cls}' id='{_e(r.id)}' data-verdict='{r.verdict.value}' data-kind='{_e(r.kind)}' "
            f"data-paper='{_e(r.id.split('/')[0])}'><td><code>{_e(r.id)}</code><br><small>{_e(label)}"
            f"{_e(claim.statement if claim else '')}</small>{rests}</td><td>{_e(r.kind)}</td>"
            f"<td class=v style='color:{COLOURS[r.verdict.value]}'>{r.verdict.value}</td>"
            f"<td>{_e('|'.join(r.expected))}</td><td>{r.seconds:.2f}</td><td><ul class=ev>{summary}</ul>"
            f"<i>{_e(establishes)}</i>{img}<details><summary>full evidence</summary><pre>"
            f"{_e(json.dumps(ev, default=str, indent=1, ensure_ascii=False)[:30000])}</pre></details></td></tr>")


def render_html(record: RunRecord, claims_by_id=None, plots: dict | None = None) -> str:
    claims_by_id = claims_by_id or {}
    plots = plots or {}
    parts = ["<!doctype html><html lang=en><head><meta charset=utf-8><title>claims-harness report</title>",
             f"<style>{_CSS}</style><script>{_JS}</script></head><body>", "<h1>claims-harness report</h1>"]
    parts += _summary(record)
    unexpected = [r for r in record.claims if not r.as_expected]
    if unexpected:
        parts.append("<p id=unexpected><b>Verdicts that differ from the registry's expectation:</b> " + ", ".join(
            f"<code>{_e(r.id)}</code> ({r.verdict.value}, expected {'|'.join(r.expected)})" for r in unexpected)
            + "</p>")
    parts += _violated(record, claims_by_id)
    resting = dependency_status(record, claims_by_id)
    papers = sorted({r.id.split("/")[0] for r in record.claims})
    parts.append("<h2 id=graphs>Dependency graphs</h2><p>Nodes are claims coloured by verdict; an arrow goes "
                 "from a claim to the claims resting on it; a dashed red border (⚠) marks a claim resting on a "
                 "VIOLATED or INCONCLUSIVE dependency. Hover a node for details.</p>")
    for paper in papers:
        parts.append(f"<h3>{_e(paper)}</h3><div class=graph>{render_svg(record, claims_by_id, paper)}</div>")
    parts.append("<h2 id=all>All claims</h2>" + _filters(record))
    for paper in papers:
        members = [r for r in record.claims if r.id.split("/")[0] == paper]
        by_section: dict[str, list] = defaultdict(list)
        for r in members:
            claim = claims_by_id.get(r.id)
            by_section[claim.section if claim else ""].append(r)
        parts.append(f"<section class=paper data-paper='{_e(paper)}' id='paper-{_e(paper)}'><h3>{_e(paper)}</h3>"
                     "<table class=claims-table><tr><th>claim</th><th>kind</th><th>verdict</th><th>expected</th>"
                     "<th>s</th><th>evidence</th></tr>")
        for section in sorted(by_section, key=_section_key):
            parts.append(f"<tr class=section><td colspan=6>Section {_e(section or '?')}</td></tr>")
            for r in sorted(by_section[section], key=lambda r: r.id):
                parts.append(_claim_row(r, claims_by_id.get(r.id), resting.get(r.id, []), plots.get(r.id)))
        parts.append("</table></section>")
    parts.append("</body></html>")
    return "".join(parts) + "\n"
