"""index.html of a sweep: one self-contained page (inline CSS and JS, no network access).

A summary bar (claims, stable, unstable, unexpected), the time of every (backend, seed) run, then one row per
claim — unexpected and unstable first — with a colour-coded **stability** column, the verdicts seen, one cell
per backend with a coloured mark per seed, and the range of the tightest margin per backend. A status filter
also reads the query string (``index.html?status=unstable``). Styling is the run report's (``html._CSS``).
"""

from __future__ import annotations

from typing import Any

from ..sweep import (
    LETTER,
    STATUS_ORDER,
    ClaimSweep,
    SweepRecord,
    margin_text,
    summary_line,
    times_text,
    unexpected_text,
)
from .graph import COLOURS
from .html import _CSS, _e

#: Stability colours, taken from the verdict palette so the two pages read alike.
STATUS_COLOURS = {"stable": COLOURS["HOLDS"], "unstable": COLOURS["INCONCLUSIVE"],
                  "unexpected": COLOURS["VIOLATED"], "skipped": COLOURS["SKIPPED"]}

_SWEEP_CSS = """
.seed{display:inline-block;min-width:1.3rem;text-align:center;margin:1px;border-radius:.25rem;color:#fff;
font-family:ui-monospace,monospace;font-size:.8rem} .stability{font-weight:700;color:#fff;text-align:center}
td.m{font-family:ui-monospace,monospace;font-size:.8rem;white-space:nowrap}
"""

_JS = """
function applyFilters(){
  const s=document.getElementById('fs').value, q=document.getElementById('q').value.toLowerCase();
  let shown=0;
  document.querySelectorAll('tr.claim').forEach(tr=>{
    const ok=(!s||tr.dataset.status===s)&&(!q||tr.textContent.toLowerCase().includes(q));
    tr.style.display=ok?'':'none'; if(ok) shown++;
  });
  document.getElementById('shown').textContent=shown;
}
document.addEventListener('DOMContentLoaded',()=>{
  const params=new URLSearchParams(location.search);
  if(params.has('status')) document.getElementById('fs').value=params.get('status');
  if(params.has('q')) document.getElementById('q').value=params.get('q');
  applyFilters();
});
"""


def _seed_cells(c: ClaimSweep, backend: str, seeds: list[int]) -> str:
    by_seed = c.verdicts.get(backend, {})
    marks = []
    for s in seeds:
        v = by_seed.get(s)
        colour = COLOURS.get(v or "", "#afb8c1")
        margin = c.margins.get(backend, {}).get(s)
        title = f"seed {s}: {v or 'no result'}" + (f", tightest margin {margin:.6g}" if margin is not None else "")
        marks.append(f"<span class=seed style='background:{colour}' title='{_e(title)}' data-seed='{s}' "
                     f"data-verdict='{_e(v or '')}'>{LETTER.get(v or '', '-')}</span>")
    note = " <small>(cannot run here)</small>" if backend in c.skipped_backends() else ""
    return "".join(marks) + note


def _row(c: ClaimSweep, record: SweepRecord, claim: Any) -> str:
    seen = ", ".join(f"{v} {n}" for v, n in sorted(c.verdicts_seen().items()))
    where = f"<br><small>unexpected at {_e(unexpected_text(c))}</small>" if c.unexpected_at else ""
    statement = f"<br><small>{_e(claim.label)} · {_e(claim.statement)}</small>" if claim is not None else ""
    cells = "".join(f"<td>{_seed_cells(c, b, record.seeds)}</td><td class=m>{_e(margin_text(c, b))}</td>"
                    for b in record.backends)
    return (f"<tr class=claim id='{_e(c.id)}' data-status='{c.status}' data-kind='{_e(c.kind)}'>"
            f"<td><code>{_e(c.id)}</code>{statement}</td><td>{_e(c.kind)}</td>"
            f"<td class=stability style='background:{STATUS_COLOURS[c.status]}'>{c.status}</td>"
            f"<td>{_e('|'.join(c.expected))}</td><td>{_e(seen)}{where}</td>{cells}</tr>")


def render_sweep_html(record: SweepRecord, claims_by_id: dict[str, Any] | None = None) -> str:
    claims_by_id = claims_by_id or {}
    counts = record.counts()
    parts = ["<!doctype html><html lang=en><head><meta charset=utf-8><title>claims-harness sweep</title>",
             f"<style>{_CSS}{_SWEEP_CSS}</style><script>{_JS}</script></head><body>",
             "<h1>claims-harness sweep</h1>",
             f"<p id=summary>{_e(summary_line(record))}</p><p class=bar id=summary-bar>",
             f"<span style='background:{STATUS_COLOURS['stable']}' data-status=stable>stable {counts['stable']}</span>",
             f"<span style='background:{STATUS_COLOURS['unstable']}' data-status=unstable>unstable "
             f"{counts['unstable']}</span>",
             f"<span style='background:{STATUS_COLOURS['unexpected']}' data-status=unexpected>unexpected "
             f"{counts['unexpected']}</span>"]
    if counts["skipped"]:
        parts.append(f"<span style='background:{STATUS_COLOURS['skipped']}' data-status=skipped>skipped "
                     f"{counts['skipped']}</span>")
    parts.append("</p><p class=env>" + "<br>".join(_e(t) for t in times_text(record)) + "</p>")
    parts.append("<p>A claim is <b>stable</b> when it has one verdict across every seed and backend (a backend on "
                 "which it is SKIPPED at every seed — it cannot run that kind — is left out and marked), "
                 "<b>unexpected</b> when some verdict is not one the registry expects. Each seed cell is one "
                 "letter: P PROVED, H HOLDS, V VIOLATED, I INCONCLUSIVE, E ERROR, S SKIPPED; hover for the seed "
                 "and its tightest margin. Where the sweep was written with <code>--out</code>, each run's "
                 "results.json is in <code>runs/BACKEND/seed-N/</code> (<code>claims report</code> renders it, "
                 "<code>claims diff</code> compares two).</p>")
    parts.append("<div class=filters>stability <select id=fs onchange=applyFilters()><option value=''>all</option>"
                 + "".join(f"<option>{s}</option>" for s in STATUS_ORDER)
                 + "</select> search <input id=q oninput=applyFilters()> showing <span id=shown>"
                 f"{len(record.claims)}</span> of {len(record.claims)}</div>")
    head = "".join(f"<th>{_e(b)}<br><small>by seed {_e(', '.join(map(str, record.seeds)))}</small></th>"
                   f"<th>{_e(b)}<br><small>tightest margin min … max</small></th>" for b in record.backends)
    parts.append("<table id=sweep-table><tr><th>claim</th><th>kind</th><th>stability</th><th>expected</th>"
                 f"<th>verdicts seen</th>{head}</tr>")
    parts += [_row(c, record, claims_by_id.get(c.id)) for c in record.ordered()]
    parts.append("</table></body></html>")
    return "".join(parts) + "\n"
