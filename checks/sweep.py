"""``claims sweep``: run one selection at every seed × backend and say, per claim, whether its verdict is stable.

A verdict that depends on the seed or the arithmetic is not one a reader can trust. A sweep calls the runner
once per (backend, seed) — ``checks.runner.run(claims, budget=, backend=, seed=, jobs=)`` and nothing else of
it — and folds the run records into one :class:`ClaimSweep` per claim:

- **stable**: one verdict across every seed and backend. A backend on which the claim is SKIPPED at *every*
  seed (it cannot run that kind, e.g. experiments on the reference backend) is left out of the comparison and
  shown; SKIPPED at some seeds of a backend and not at others is instability like any other.
- **as expected**: every verdict is one the registry expects (``Result.as_expected``); SKIPPED is not a verdict
  on the statement, so it never makes a claim unexpected.
- **status** (one per claim, so the counts add up): ``unstable`` (its verdict depends on the seed or the
  backend; it may also be unexpected at some seeds), else ``unexpected`` (one verdict everywhere, not the one
  expected), else ``skipped`` (no backend could run it), else ``stable``.

A sweep fails (exit status 1) when any claim is unstable or unexpected. The output formats are a terminal table
(:func:`render_table`), a JSON record (:meth:`SweepRecord.to_json`, written as ``sweep.json``), ``sweep.md``
(:func:`render_markdown`) and ``index.html`` (:mod:`checks.report.sweep_html`).
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import backend as backend_mod
from .backend import Backend
from .budget import Budget
from .model import Claim, Verdict
from .result import jsonable

__all__ = ["ClaimSweep", "RunSummary", "SweepError", "SweepRecord", "classify", "parse_backends",
           "parse_seeds", "render_markdown", "render_table", "run_dir", "sweep", "write_outputs"]

#: Seeds seed numpy's legacy generators among others, which take 0 ≤ seed < 2**32.
MAX_SEED = 2**32 - 1
#: One letter per verdict for the compact verdict-by-seed strings of the table and the Markdown.
LETTER = {"PROVED": "P", "HOLDS": "H", "VIOLATED": "V", "INCONCLUSIVE": "I", "ERROR": "E", "SKIPPED": "S",
          "MISSING": "-"}
STATUS_ORDER = ("unexpected", "unstable", "skipped", "stable")  # the order of the tables
SKIPPED = Verdict.SKIPPED.value
#: Not a verdict: a run of the sweep that has no result for the claim (e.g. a run cut short). It makes the claim
#: unstable — one verdict "across every seed" needs a verdict at every seed — but never unexpected.
MISSING = "MISSING"


class SweepError(ValueError):
    """Bad sweep input (seed list, backend); the CLI prints it as one line and exits 2."""


def parse_seeds(text: str) -> list[int]:
    """``"1-10"``, ``"1,4,7"``, ``"0-2,9"`` → the sorted distinct seeds; :class:`SweepError` on anything else.

    A range is inclusive at both ends and must not run backwards; seeds are integers in [0, 2**32 − 1].
    """
    seeds: set[int] = set()
    parts = [p.strip() for p in str(text).split(",")]
    if not text or not str(text).strip() or any(not p for p in parts):
        raise SweepError(f"bad seed list {text!r}: expected ranges and numbers such as 1-10, 1,4,7 or 0-2,9")
    for part in parts:
        m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not m:
            raise SweepError(f"bad seed list {text!r}: {part!r} is neither a seed (a non-negative integer) "
                             "nor a range A-B")
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) is not None else lo
        if hi < lo:
            raise SweepError(f"bad seed range {part!r}: it runs backwards ({lo} > {hi})")
        if hi > MAX_SEED:
            raise SweepError(f"bad seed {hi} in {text!r}: seeds must be at most {MAX_SEED}")
        seeds.update(range(lo, hi + 1))
    return sorted(seeds)


def parse_backends(labels: Sequence[str] | None) -> list[Backend]:
    """Backend labels (``torch-cpu``, ``torch-cpu-float32``, ``torch-cuda``, ``reference``, …) → distinct
    backends in the order given; default torch-cpu float64. Unknown or unavailable ones raise SweepError."""
    backends: list[Backend] = []
    for label in labels or ["torch-cpu"]:
        try:
            b = backend_mod.parse(label)
        except backend_mod.BackendError as exc:
            raise SweepError(str(exc)) from None
        reason = b.available()
        if reason:
            raise SweepError(f"backend {b.label} is unavailable: {reason}")
        if b.label not in {x.label for x in backends}:
            backends.append(b)
    return backends


def _margin(value: Any) -> float | None:
    """The tightest margin of a result's evidence as a float (JSON may have turned inf into "inf")."""
    try:
        x = float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None
    return None if x is None or math.isnan(x) else x


@dataclass
class ClaimSweep:
    """One claim across the sweep: verdicts and tightest margins by backend label and seed."""

    id: str
    kind: str
    expected: list[str]
    verdicts: dict[str, dict[int, str]] = field(default_factory=dict)  # backend label → seed → verdict
    margins: dict[str, dict[int, float | None]] = field(default_factory=dict)  # backend → seed → margin
    unexpected_at: list[tuple[str, int]] = field(default_factory=list)  # (backend, seed) with a verdict not expected

    def skipped_backends(self) -> list[str]:
        """Backends on which the claim was SKIPPED at every seed (excused from the stability comparison)."""
        return [b for b, by_seed in self.verdicts.items() if by_seed and set(by_seed.values()) == {SKIPPED}]

    def verdicts_seen(self) -> Counter:
        return Counter(v for by_seed in self.verdicts.values() for v in by_seed.values())

    @property
    def stable(self) -> bool:
        return self.verdict is not None

    @property
    def verdict(self) -> str | None:
        """The one verdict of a stable claim (SKIPPED if no backend ran it); None if it is unstable."""
        excused = set(self.skipped_backends())
        seen = {v for b, by_seed in self.verdicts.items() if b not in excused for v in by_seed.values()}
        if len(seen) > 1:
            return None
        return next(iter(seen)) if seen else SKIPPED

    def stable_on(self, backend: str) -> bool:
        return len(set(self.verdicts.get(backend, {}).values())) <= 1

    @property
    def as_expected(self) -> bool:
        return not self.unexpected_at

    def expected_on(self, backend: str) -> bool:
        return all(b != backend for b, _ in self.unexpected_at)

    @property
    def status(self) -> str:
        if not self.stable:
            return "unstable"
        if not self.as_expected:
            return "unexpected"
        if self.verdicts and len(self.skipped_backends()) == len(self.verdicts):
            return "skipped"
        return "stable"

    def margin_range(self, backend: str) -> tuple[float, float] | None:
        values = [m for m in self.margins.get(backend, {}).values() if m is not None]
        return (min(values), max(values)) if values else None

    def seed_string(self, backend: str, seeds: Sequence[int]) -> str:
        """One letter per seed (P H V I E S; '-' where the run has no result for the claim)."""
        by_seed = self.verdicts.get(backend, {})
        return "".join(LETTER.get(by_seed.get(s, ""), "-") for s in seeds)

    def to_json(self, seeds: Sequence[int]) -> dict[str, Any]:
        per_backend = {}
        for b, by_seed in self.verdicts.items():
            rng = self.margin_range(b)
            per_backend[b] = {
                "verdicts": {str(s): by_seed.get(s) for s in seeds},
                "margins": {str(s): jsonable(self.margins.get(b, {}).get(s)) for s in seeds},
                "margin_range": jsonable(list(rng)) if rng else None,
                "stable": self.stable_on(b), "as_expected": self.expected_on(b),
                "skipped": b in self.skipped_backends()}
        return {"id": self.id, "kind": self.kind, "expected": self.expected, "status": self.status,
                "stable": self.stable, "as_expected": self.as_expected,
                "verdicts_seen": dict(sorted(self.verdicts_seen().items())),
                "unexpected_at": [{"backend": b, "seed": s} for b, s in self.unexpected_at],
                "backends": per_backend}


@dataclass
class RunSummary:
    """One (backend, seed) run of the sweep: its verdict counts and time."""

    backend: str
    seed: int
    seconds: float
    run_id: str = ""
    verdicts: dict[str, int] = field(default_factory=dict)
    unexpected: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"backend": self.backend, "seed": self.seed, "seconds": round(self.seconds, 3), "run_id": self.run_id,
                "verdicts": self.verdicts, "unexpected": self.unexpected}


@dataclass
class SweepRecord:
    """The whole sweep: its settings, one summary per run, one :class:`ClaimSweep` per claim."""

    seeds: list[int]
    budget: str
    backends: list[str]
    runs: list[RunSummary] = field(default_factory=list)
    claims: list[ClaimSweep] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False  # the sweep was stopped (SIGINT, or a run that says it was interrupted)

    def add(self, rec: Any) -> RunSummary:
        """Fold one run record (``checks.runner.RunRecord``) in: its verdicts and tightest margins per claim.

        A claim absent from this run, or absent from earlier runs, is MISSING there."""
        index = {c.id: c for c in self.claims}
        unexpected = 0
        for r in rec.claims:
            c = index.get(r.id)
            if c is None:
                c = index[r.id] = ClaimSweep(r.id, r.kind, list(r.expected))
                self.claims.append(c)
                for earlier in self.runs:
                    c.verdicts.setdefault(earlier.backend, {})[earlier.seed] = MISSING
                    c.margins.setdefault(earlier.backend, {})[earlier.seed] = None
            c.verdicts.setdefault(rec.backend, {})[rec.seed] = r.verdict.value
            c.margins.setdefault(rec.backend, {})[rec.seed] = _margin(r.evidence.get("tightest_margin"))
            if r.verdict.value != SKIPPED and not r.as_expected:
                c.unexpected_at.append((rec.backend, rec.seed))
                unexpected += 1
        present = {r.id for r in rec.claims}
        for c in self.claims:
            if c.id not in present:
                c.verdicts.setdefault(rec.backend, {})[rec.seed] = MISSING
                c.margins.setdefault(rec.backend, {})[rec.seed] = None
        summary = RunSummary(rec.backend, int(rec.seed), float(rec.seconds), str(getattr(rec, "run_id", "")),
                             dict(sorted(Counter(r.verdict.value for r in rec.claims).items())), unexpected)
        self.runs.append(summary)
        self.seconds += summary.seconds
        if rec.backend not in self.backends:
            self.backends.append(rec.backend)
        if rec.seed not in self.seeds:
            self.seeds = sorted([*self.seeds, rec.seed])
        return summary

    def ordered(self) -> list[ClaimSweep]:
        """Unexpected first, then unstable, skipped, stable; by id within each."""
        return sorted(self.claims, key=lambda c: (STATUS_ORDER.index(c.status), c.id))

    def counts(self) -> dict[str, int]:
        """Claims by status; the statuses are disjoint, so the counts add up to the number of claims."""
        status = Counter(c.status for c in self.claims)
        return {"claims": len(self.claims), **{s: status.get(s, 0) for s in ("stable", "unstable", "unexpected",
                                                                                 "skipped")},
                # not a status of its own: unstable claims that are also unexpected at some seed or backend
                "unstable_and_unexpected_somewhere": sum(not c.stable and not c.as_expected for c in self.claims)}

    @property
    def ok(self) -> bool:
        return all(c.stable and c.as_expected for c in self.claims)

    def to_json(self) -> dict[str, Any]:
        return {"sweep": {"seeds": self.seeds, "budget": self.budget, "backends": self.backends,
                          "seconds": round(self.seconds, 3), "interrupted": self.interrupted},
                "summary": {**self.counts(), "ok": self.ok},
                "runs": [r.to_json() for r in self.runs],
                "claims": [c.to_json(self.seeds) for c in self.ordered()]}


def classify(records: Iterable[Any], *, seeds: Sequence[int] | None = None, budget: str = "",
             backends: Sequence[str] | None = None) -> SweepRecord:
    """Fold run records (``checks.runner.RunRecord``: ``seed``, ``backend``, ``seconds``, ``run_id`` and
    ``claims``, a list of ``Result``) into a SweepRecord. Claims keep the order in which they first appear."""
    records = list(records)
    seeds = list(seeds) if seeds is not None else sorted({r.seed for r in records})
    backends = list(backends) if backends is not None else list(dict.fromkeys(r.backend for r in records))
    out = SweepRecord(seeds=seeds, budget=budget or (records[0].budget if records else ""), backends=backends)
    for rec in records:
        out.add(rec)
    return out


def progress_line(summary: RunSummary) -> str:
    counts = " · ".join(f"{v} {n}" for v, n in summary.verdicts.items())
    return (f"[sweep] {summary.backend} seed {summary.seed}: {counts}"
            + (f" · {summary.unexpected} unexpected" if summary.unexpected else "") + f" · {summary.seconds:.1f} s")


def run_dir(out_dir: str | Path, backend: str, seed: int) -> Path:
    """Where ``--out`` keeps one run's results.json (``claims report`` / ``claims diff`` read it)."""
    return Path(out_dir) / "runs" / backend / f"seed-{seed}"


def sweep(claims: Sequence[Claim], *, seeds: Sequence[int], backends: Sequence[Backend], budget: Budget,
          jobs: int = 1, progress: Callable[[str], None] | None = None,
          on_run: Callable[[Any], None] | None = None, run: Callable[..., Any] | None = None) -> SweepRecord:
    """Run ``claims`` at every backend × seed and classify the results.

    ``run`` defaults to ``checks.runner.run`` and is called as ``run(claims, budget=, backend=, seed=, jobs=)``.
    An interrupt (KeyboardInterrupt, or a run record marked ``interrupted``) ends the sweep early: the record
    returned holds the finished runs and ``interrupted=True``.
    Each run record is handed to ``on_run`` (e.g. to write its results.json) and folded into the sweep, then
    dropped: a sweep holds verdicts and margins, not every run's evidence. ``progress`` receives one line per
    finished (backend, seed) run.
    """
    if run is None:
        from .runner import run
    out = SweepRecord(seeds=list(seeds), budget=budget.name, backends=[b.label for b in backends])
    start = time.perf_counter()
    try:
        for b in backends:
            for seed in seeds:
                t0 = time.perf_counter()
                rec = run(claims, budget=budget, backend=b, seed=seed, jobs=jobs)
                if not rec.seconds:  # a runner that does not time itself: the sweep's clock
                    rec.seconds = time.perf_counter() - t0
                if on_run:
                    on_run(rec)
                out.add(rec)
                if progress:
                    progress(progress_line(out.runs[-1]))
                if getattr(rec, "interrupted", False):  # the runner caught the interrupt and returned what it had
                    raise KeyboardInterrupt
    except KeyboardInterrupt:
        out.interrupted = True  # the caller still writes what finished; runs not started are simply absent
    out.seconds = time.perf_counter() - start
    return out


# --- rendering -----------------------------------------------------------------------------------------------


def _num(x: float) -> str:
    return f"{x:.3g}"


def margin_text(c: ClaimSweep, backend: str) -> str:
    rng = c.margin_range(backend)
    if rng is None:
        return ""
    return _num(rng[0]) if rng[0] == rng[1] else f"{_num(rng[0])} … {_num(rng[1])}"


def unexpected_text(c: ClaimSweep) -> str:
    """Where a claim's verdict was not as expected, grouped by backend: 'torch-cpu-float64 seeds 2, 5; ...'."""
    by_backend: dict[str, list[int]] = {}
    for b, seed in c.unexpected_at:
        by_backend.setdefault(b, []).append(seed)
    return "; ".join(f"{b} seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, seeds))}"
                     for b, seeds in by_backend.items())


def _seen_text(c: ClaimSweep) -> str:
    return ", ".join(f"{v} {n}" for v, n in sorted(c.verdicts_seen().items()))


def summary_line(record: SweepRecord) -> str:
    k = record.counts()
    both = k["unstable_and_unexpected_somewhere"]
    line = (f"{k['claims']} claims · {k['stable']} stable · {k['unstable']} unstable"
            + (f" ({both} of them unexpected at some seed)" if both else "") + f" · {k['unexpected']} unexpected"
            + (f" · {k['skipped']} skipped everywhere" if k["skipped"] else "")
            + (" · INTERRUPTED" if record.interrupted else "")
            + f" · {len(record.runs)} runs ({len(record.backends)} backend(s) × {len(record.seeds)} seed(s), "
            f"budget {record.budget}) · {record.seconds:.1f} s")
    return line


def times_text(record: SweepRecord) -> list[str]:
    lines = []
    for b in record.backends:
        runs = [r for r in record.runs if r.backend == b]
        lines.append(f"time {b}: " + ", ".join(f"seed {r.seed} {r.seconds:.1f} s" for r in runs)
                     + f" (total {sum(r.seconds for r in runs):.1f} s)")
    return lines


def _seed_header(seeds: Sequence[int]) -> str:
    if len(seeds) > 1 and list(seeds) == list(range(seeds[0], seeds[-1] + 1)):
        return f"seeds {seeds[0]}-{seeds[-1]}"
    return "seeds " + ",".join(map(str, seeds))


def render_table(record: SweepRecord, *, verbose: bool = False) -> str:
    """The terminal table: unexpected and unstable claims in full (all claims with ``verbose``), then a compact
    summary of the stable ones, the summary line and the time of every run."""
    shown = [c for c in record.ordered() if verbose or c.status in ("unexpected", "unstable")]
    lines = [f"claims sweep · budget {record.budget} · {_seed_header(record.seeds)} · backends "
             f"{', '.join(record.backends)} · letters per seed: P PROVED, H HOLDS, V VIOLATED, I INCONCLUSIVE, "
             "E ERROR, S SKIPPED"]
    if shown:
        width = max(len(c.id) for c in shown)
        lines.append(f"{'status':<10} {'claim':<{width}}  {'expected':<22} per backend: verdict by seed  "
                     "[tightest margin min … max]")
        for c in shown:
            cells = []
            for b in record.backends:
                cells.append(f"{b} {c.seed_string(b, record.seeds)}"
                             + (f" [{margin_text(c, b)}]" if margin_text(c, b) else ""))
            lines.append(f"{c.status:<10} {c.id:<{width}}  {'|'.join(c.expected):<22} " + "  ".join(cells))
            if c.status in ("unexpected", "unstable"):
                detail = f"{'':<10} {'':<{width}}  seen: {_seen_text(c)}"
                if c.unexpected_at:
                    detail += "; unexpected at " + unexpected_text(c)
                lines.append(detail)
    elif record.claims:
        lines.append("no unstable or unexpected claim")
    if not verbose:
        rest = [c for c in record.claims if c.status in ("stable", "skipped")]
        if rest:
            by_verdict = Counter(c.verdict for c in rest)
            lines.append(f"stable and as expected: {len(rest)} claims ("
                         + ", ".join(f"{v} {n}" for v, n in sorted(by_verdict.items()))
                         + "); --verbose lists them")
    lines.append(summary_line(record))
    lines += times_text(record)
    return "\n".join(lines)


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(record: SweepRecord) -> str:
    """sweep.md: the summary, the time of every run, and one row per claim (unexpected and unstable first)."""
    lines = ["# claims sweep", "", f"budget {record.budget} · {_seed_header(record.seeds)} · backends "
             f"{', '.join(record.backends)}", "", f"**{summary_line(record)}**", ""]
    lines += [f"- {t}" for t in times_text(record)]
    lines += ["", "Verdict by seed: one letter per seed in seed order (P PROVED, H HOLDS, V VIOLATED, "
              "I INCONCLUSIVE, E ERROR, S SKIPPED).", ""]
    header = ["claim", "stability", "expected", "verdicts seen"]
    for b in record.backends:
        header += [f"{b} by seed", f"{b} margin"]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for c in record.ordered():
        row = [f"`{c.id}`", f"**{c.status}**" if c.status in ("unexpected", "unstable") else c.status,
               "|".join(c.expected), _seen_text(c)]
        for b in record.backends:
            row += [f"`{c.seed_string(b, record.seeds)}`", margin_text(c, b)]
        lines.append("| " + " | ".join(_md(x) if not x.startswith("`") else x for x in row) + " |")
    return "\n".join(lines) + "\n"


def write_outputs(record: SweepRecord, out_dir: str | Path, claims_by_id: dict[str, Claim] | None = None) -> Path:
    """sweep.json (first: the sweep is safe before anything else is rendered), sweep.md and index.html."""
    from .report import atomic_write
    from .report.sweep_html import render_sweep_html

    out = Path(out_dir)
    atomic_write(out / "sweep.json", json.dumps(record.to_json(), indent=1, allow_nan=False) + "\n")
    atomic_write(out / "sweep.md", render_markdown(record))
    atomic_write(out / "index.html", render_sweep_html(record, claims_by_id or {}))
    return out


def print_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
