"""Dependency graph per paper, blueprint style, with status computed from evidence.

Nodes are the claims of a run coloured by verdict; edges are the declared dependencies (a claim → the
claims it rests on). A claim is marked as *resting on* a dependency whose verdict is VIOLATED or
INCONCLUSIVE. A dependency names a catalogue id: its status is the verdict of the plain entry (the
statement as printed); readings ``ID[...]`` are their own nodes but do not stand in for the statement.
The layout is a layered drawing computed here (columns by dependency depth), emitted as inline SVG, so
the page needs no network access and no graphviz binary.
"""

from __future__ import annotations

import html
from collections import defaultdict

from ..runner import RunRecord

COLOURS = {"PROVED": "#1a7f37", "HOLDS": "#2da44e", "VIOLATED": "#cf222e", "INCONCLUSIVE": "#bf8700",
           "ERROR": "#8250df", "SKIPPED": "#6e7781"}
SHAKY = ("VIOLATED", "INCONCLUSIVE")

_NODE_W, _NODE_H, _COL_GAP, _ROW_GAP, _PAD = 230, 22, 70, 8, 10


def _status_of(record: RunRecord) -> dict[str, str]:
    """Verdict per catalogue id: the plain entry's, else the worst reading's (when only readings ran)."""
    plain = {r.id: r.verdict.value for r in record.claims}
    order = ["VIOLATED", "ERROR", "INCONCLUSIVE", "SKIPPED", "HOLDS", "PROVED"]
    out: dict[str, str] = {}
    for r in record.claims:
        base = r.id.split("[", 1)[0]
        if base in plain:
            out[base] = plain[base]
        elif base not in out or order.index(r.verdict.value) < order.index(out[base]):
            out[base] = r.verdict.value
    return out


def dependency_status(record: RunRecord, claims_by_id) -> dict[str, list[tuple[str, str]]]:
    """For each claim of the run: the dependencies it rests on that are VIOLATED or INCONCLUSIVE."""
    status = _status_of(record)
    out: dict[str, list[tuple[str, str]]] = {}
    for r in record.claims:
        claim = (claims_by_id or {}).get(r.id)
        deps = claim.depends if claim is not None else r.evidence.get("depends", ())
        out[r.id] = [(d, status[d]) for d in deps if status.get(d) in SHAKY]
    return out


def _layers(ids: list[str], deps: dict[str, list[str]]) -> dict[str, int]:
    """Longest-path depth from the claims with no dependency (cycles, if any, are cut)."""
    depth: dict[str, int] = {}

    def visit(node: str, stack: frozenset) -> int:
        if node in depth:
            return depth[node]
        parents = [p for p in deps.get(node, []) if p in deps and p not in stack]
        d = 1 + max((visit(p, stack | {node}) for p in parents), default=-1)
        depth[node] = d
        return d

    for node in ids:
        visit(node, frozenset())
    return depth


def render_svg(record: RunRecord, claims_by_id, paper: str) -> str:
    """An inline SVG of one paper's dependency graph (empty string when the paper has no claim)."""
    results = {r.id: r for r in record.claims if r.id.split("/")[0] == paper}
    if not results:
        return ""
    claims_by_id = claims_by_id or {}
    ids = sorted(results)
    base_to_node = {cid.split("[", 1)[0]: cid for cid in reversed(ids)}
    base_to_node.update({cid: cid for cid in ids if "[" not in cid})
    deps = {}
    for cid in ids:
        claim = claims_by_id.get(cid)
        declared = claim.depends if claim is not None else results[cid].evidence.get("depends", ())
        deps[cid] = [base_to_node[d] for d in declared if d in base_to_node and base_to_node[d] != cid]
    resting = dependency_status(record, claims_by_id)
    depth = _layers(ids, deps)
    columns: dict[int, list[str]] = defaultdict(list)
    for cid in ids:
        columns[depth[cid]].append(cid)
    pos = {}
    for col, members in columns.items():
        for row, cid in enumerate(members):
            pos[cid] = (_PAD + col * (_NODE_W + _COL_GAP), _PAD + row * (_NODE_H + _ROW_GAP))
    width = _PAD * 2 + (max(columns) + 1) * (_NODE_W + _COL_GAP) - _COL_GAP
    height = _PAD * 2 + max(len(m) for m in columns.values()) * (_NODE_H + _ROW_GAP)
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' class=depgraph data-paper='{html.escape(paper)}' "
           f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' font-family='sans-serif' "
           "font-size='11'><defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='6' "
           "markerHeight='6' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' fill='#57606a'/></marker>"
           "</defs>"]
    for cid in ids:  # edges first, under the nodes: from the dependency to the claim resting on it
        x2, y2 = pos[cid]
        for dep in deps[cid]:
            x1, y1 = pos[dep]
            shaky = results[dep].verdict.value in SHAKY
            colour = "#cf222e" if shaky else "#8c959f"
            sx, sy, ex, ey = x1 + _NODE_W, y1 + _NODE_H / 2, x2, y2 + _NODE_H / 2
            if ex <= sx:  # same column (a cut cycle): route around
                ex, ey = x2 + _NODE_W / 2, y2
            mid = (sx + ex) / 2
            out.append(f"<path d='M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}' fill='none' stroke='{colour}' "
                       f"stroke-width='{1.6 if shaky else 0.9}' marker-end='url(#arrow)'/>")
    for cid in ids:
        x, y = pos[cid]
        verdict = results[cid].verdict.value
        rests = resting.get(cid, [])
        title = f"{cid}: {verdict}" + ("; rests on " + ", ".join(f"{d} ({v})" for d, v in rests) if rests else "")
        label = cid.split("/", 1)[1]
        label = label if len(label) <= 34 else label[:33] + "…"
        stroke = "stroke='#cf222e' stroke-width='2.5' stroke-dasharray='4 2'" if rests else "stroke='#1f2328'"
        out.append(f"<g class='node' data-id='{html.escape(cid)}' data-verdict='{verdict}' "
                   f"data-resting='{'yes' if rests else 'no'}'><title>{html.escape(title)}</title>"
                   f"<rect x='{x}' y='{y}' width='{_NODE_W}' height='{_NODE_H}' rx='4' fill='{COLOURS[verdict]}' "
                   f"{stroke}/><text x='{x + 6}' y='{y + 15}' fill='#fff'>{html.escape(label)}"
                   f"{' ⚠' if rests else ''}</text></g>")
    out.append("</svg>")
    return "".join(out)
