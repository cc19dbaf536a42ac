"""Plots of the evidence (matplotlib, headless): one PNG per claim that has something to draw.

- rate claims: the measured points, the fitted tail line with the range of local (secant) slopes, the claimed exponent;
- identities / inequalities: the distribution of relative margins over the searched points, the tightest
  one marked, the tolerance shaded;
- probabilistic claims: each setting's estimate with its confidence interval against the claimed bound;
- experiments: success rate per setting with its interval against the claimed rate, training curves, and
  any table the claim compares with the paper's numbers (columns ``paper`` and ``measured``).
Each figure is written next to the page (``plots/<id>.png``) and returned base64-encoded for embedding.
"""

from __future__ import annotations

import base64
import io
import math
import re
from pathlib import Path
from typing import Any

from ..result import Result


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def safe_name(claim_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]+", "_", claim_id).strip("_")


def _floats(values) -> list[float]:
    out = []
    for v in values:
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            out.append(math.nan)
    return out


def _rate(ax, ev: dict) -> bool:
    xs, ys = _floats(ev.get("grid", [])), _floats(ev.get("reference_values", []))
    fit = ev.get("tail_fit")
    if not xs or len(xs) != len(ys) or not fit:
        return False
    loglog = ev.get("scale", "loglog") == "loglog"
    px = [math.log(x) if loglog else x for x in xs]
    py = [math.log(abs(y)) if y and y == y else math.nan for y in ys]
    ax.plot(px, py, "o", color="#0969da", label="measured")
    n_tail = max(2, len(px) // 2)
    tail_x = px[-n_tail:]
    x0, y0 = sum(tail_x) / len(tail_x), sum(py[-n_tail:]) / len(tail_x)
    line = [min(px), max(px)]
    ax.plot(line, [y0 + fit["slope"] * (x - x0) for x in line], "-", color="#0969da",
            label=f"fit {fit['slope']:.3g}")
    lows = [y0 + fit["low"] * (x - x0) for x in line]
    highs = [y0 + fit["high"] * (x - x0) for x in line]
    ax.fill_between(line, [min(a, b) for a, b in zip(lows, highs, strict=True)],
                    [max(a, b) for a, b in zip(lows, highs, strict=True)], color="#0969da", alpha=0.15,
                    label="local-slope range")
    claimed = ev.get("claimed_slope")
    if claimed is not None:
        ax.plot(line, [y0 + float(claimed) * (x - x0) for x in line], "--", color="#cf222e",
                label=f"claimed {ev.get('relation', '')} {float(claimed):.3g}")
    ax.set_xlabel("log x" if loglog else "x")
    ax.set_ylabel("log quantity")
    ax.legend(fontsize=7)
    return True


def _histogram(ax, values: list[float], bins: int = 40) -> None:
    """A filled 40-bin histogram drawn as one step artist (``ax.hist`` draws one rectangle per bin, and the
    rectangles cost most of a plot's rendering time)."""
    import numpy as np

    counts, edges = np.histogram(values, bins=bins)
    ax.stairs(counts, edges, fill=True, color="#2da44e")


def _margins(ax, ev: dict) -> bool:
    margins = [m for m in _floats(ev.get("margins_sample", [])) if math.isfinite(m)]
    if len(margins) < 3:
        return False
    tol = next((v for k, v in (ev.get("tolerance") or {}).items() if k in ("fast_rtol", "reference_rtol")
                and isinstance(v, float)), None) or 1e-16

    tight = ev.get("tightest_margin")
    if min(margins) > 0:  # all strictly inside: the decades of the margin itself, tolerance marked
        _histogram(ax, [math.log10(m) for m in margins])
        if tight is not None and float(tight) > 0:
            ax.axvline(math.log10(float(tight)), color="#cf222e", label=f"tightest {float(tight):.3g}")
        ax.axvline(math.log10(tol), color="#bf8700", ls="--", label=f"tolerance {tol:.2g}")
        ax.set_xlabel("log10 relative margin (> tolerance: holds)")
    else:
        # margins on both sides of 0 across many decades: sign(m)·log10(1 + |m|/tol), "decades beyond the
        # tolerance", on a linear axis (a symlog axis costs ten times more in tick layout)
        def squash(m: float) -> float:
            return math.copysign(math.log10(1 + abs(m) / tol), m)

        _histogram(ax, [squash(m) for m in margins])
        if tight is not None:
            ax.axvline(squash(float(tight)), color="#cf222e", label=f"tightest {float(tight):.3g}")
        ax.axvspan(-math.log10(2), math.log10(2), color="#bf8700", alpha=0.3, label=f"within tolerance {tol:.2g}")
        ax.set_xlabel("sign · log10(1 + |relative margin| / tolerance)")
    ax.set_ylabel("points")
    ax.legend(fontsize=7)
    return True


def _intervals(ax, rows: list[dict], key_est, key_lo, key_hi, bound_of, label: str) -> bool:
    pts = [(i, key_est(r), key_lo(r), key_hi(r), bound_of(r)) for i, r in enumerate(rows)]
    pts = [p for p in pts if p[1] is not None]
    if not pts:
        return False
    for i, est, lo, hi, bound in pts:
        lo = est if lo is None or not math.isfinite(lo) else lo
        hi = est if hi is None or not math.isfinite(hi) else hi
        ax.errorbar([i], [est], yerr=[[est - lo], [hi - est]], fmt="o", color="#0969da", capsize=3)
        if bound is not None:
            ax.plot([i - 0.3, i + 0.3], [bound, bound], "-", color="#cf222e")
    ax.set_xlabel("setting")
    ax.set_ylabel(label)
    return True


def _probabilistic(ax, ev: dict) -> bool:
    rows = [r for r in ev.get("settings", []) if isinstance(r, dict) and "interval" in r]
    return _intervals(ax, rows, lambda r: r["interval"]["estimate"], lambda r: r["interval"]["low"],
                      lambda r: r["interval"]["high"], lambda r: r.get("bound"), "estimate (CI), bound in red")


def _paper_series(summary: dict) -> list[tuple[str, dict]]:
    """Summary entries shaped like a figure of the paper: {series: {"x_…": [...], "paper": [...],
    "measured": [...]}}."""
    out = []
    for name, value in summary.items():
        if isinstance(value, dict) and value and all(
                isinstance(v, dict) and "paper" in v and "measured" in v for v in value.values()):
            out.append((name, value))
    return out


def _paper_table(summary: dict) -> list[tuple[str, float, float]]:
    """Rows of a summary table with a printed value (key containing "paper") and a measured one (key
    starting with "measured"): (label, paper, measured)."""
    rows = []
    for row in summary.get("table") or []:
        if not isinstance(row, dict):
            continue
        paper = next((k for k in row if "paper" in k), None)
        measured = next((k for k in row if k.startswith("measured")), None)
        if paper is None or measured is None:
            continue
        label = ", ".join(f"{k}={v}" for k, v in row.items() if isinstance(v, int | str) and k != "runs")
        rows.append((label, *_floats([row[paper], row[measured]])))
    return rows


def _experiment(fig, ev: dict) -> bool:
    rows = ev.get("settings", [])
    summary = ev.get("summary") or {}
    curves = [c for r in rows for c in r.get("curves", [])][:8]
    series = _paper_series(summary)[:2]
    table = _paper_table(summary)
    panels = 1 + bool(curves) + len(series) + bool(table and not series)
    fig.set_size_inches(4.2 * panels, 3.2)
    axes = [fig.add_subplot(1, panels, i + 1) for i in range(panels)]
    claimed = ev.get("claimed_success_rate")
    _intervals(axes[0], rows, lambda r: r["success_rate"], lambda r: r["clopper_pearson"]["low"],
               lambda r: r["clopper_pearson"]["high"], lambda r: claimed, "success rate (CI), claimed in red")
    axes[0].set_ylim(-0.05, 1.05)
    k = 1
    if curves:
        for c in curves:
            axes[k].plot(range(len(c)), _floats(c), lw=0.8)
        axes[k].set_xlabel("recorded step")
        axes[k].set_ylabel("loss")
        k += 1
    for name, groups in series:  # the paper's figure next to the measured one: solid measured, dashed paper
        for i, (label, data) in enumerate(groups.items()):
            xkey = next((key for key in data if key.startswith("x")), None)
            xs = data[xkey] if xkey else list(range(len(data["measured"])))
            colour = f"C{i % 10}"
            axes[k].plot(xs, _floats(data["measured"]), "-o", color=colour, ms=3, label=f"{label} measured")
            axes[k].plot(xs, _floats(data["paper"]), "--", color=colour, lw=1, label=f"{label} paper")
        axes[k].set_title(name.replace("_", " "), fontsize=7)
        axes[k].set_xlabel((xkey or "x").removeprefix("x_"))
        axes[k].legend(fontsize=5, ncol=2)
        k += 1
    if table and not series:
        xs = range(len(table))
        axes[k].bar([x - 0.2 for x in xs], [t[1] for t in table], 0.4, label="paper")
        axes[k].bar([x + 0.2 for x in xs], [t[2] for t in table], 0.4, label="measured")
        axes[k].set_xticks(list(xs), [t[0] for t in table], rotation=60, ha="right", fontsize=5)
        axes[k].legend(fontsize=7)
    return True


def figure_for(result: Result) -> Any | None:
    """A matplotlib figure for this result's evidence, or None if there is nothing to draw."""
    plt = _pyplot()
    ev = result.evidence
    if "totals" in ev and "settings" in ev:
        fig = plt.figure()
        _experiment(fig, ev)
    else:
        fig, ax = plt.subplots(figsize=(4.8, 3))
        drawn = (_rate(ax, ev) if "tail_fit" in ev else _probabilistic(ax, ev) if "draws_per_setting" in ev
                 else _margins(ax, ev))
        if not drawn:
            plt.close(fig)
            return None
    fig.suptitle(result.id, fontsize=8)
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.17, top=0.88, wspace=0.35)  # tight_layout is slow
    return fig


def render_png(result: Result) -> bytes | None:
    """The result's plot as PNG bytes, or None if there is nothing to draw (or drawing failed)."""
    plt = _pyplot()
    try:
        fig = figure_for(result)
    except Exception:  # a plot must never cost the report: skip the figure, keep the run
        plt.close("all")
        return None
    if fig is None:
        return None
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=72)
    plt.close(fig)
    return buf.getvalue()


def render_plots(results: list[Result], out_dir: Path) -> dict[str, dict[str, str]]:
    """Write plots/<id>.png for each result with something to draw (reusing a PNG the worker already
    rendered); return {id: {file, data_uri}}."""
    folder = out_dir / "plots"
    written: dict[str, dict[str, str]] = {}
    for r in results:
        png = r.plot_png if r.plot_png is not None else render_png(r)
        if not png:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        name = f"plots/{safe_name(r.id)}.png"
        (out_dir / name).write_bytes(png)
        written[r.id] = {"file": name, "data_uri": "data:image/png;base64," + base64.b64encode(png).decode()}
    return written
