"""``claims bench``: how much faster the torch fast path is than the mpmath reference, per claim, and whether the
two agree on the points measured.

For every claim with a fast path (identities and inequalities, the numeric cross-checks of symbolic claims,
invariances and rates):

* **fast** — a batch of N points from the claim's domain (``Domain.sample``, seeded), one warm-up call, then the
  best of ``repeat`` timed calls; throughput = N / best time (points per second). On CUDA the device is
  synchronised around each timed call.
* **reference** — the first ``reference_points`` points of the same batch at 30 digits, one after the other
  (the reference is scalar by design); throughput = points / total time.
* **agreement** — on those points, the largest difference of each side (lhs, rhs; or the output of an
  invariance's function, or a rate's quantity) between fast path and reference, relative to the size of the
  terms (the larger of both sides and both implementations' declared scales), or — for a fast path that returns
  the two sides divided by a common positive factor (a ratio form of the same statement) — between the sides
  divided by the larger one; compared with the claim's tolerance (``16 · terms · eps(dtype)`` plus the
  reference's own declared accuracy).

The CLI runs torch on one thread by default (``--threads``): the reference is single-threaded, so the speedup
compares one core with one core, and a loaded machine's thread contention does not swamp the timings.

It is a benchmark, not a test: numbers depend on the machine, which the output names.
"""

from __future__ import annotations

import math
import platform
import statistics
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .model import Claim, Kind
from .specs import InvarianceSpec, PointwiseSpec, RateSpec, SymbolicSpec
from .tolerance import fast_tolerance, reference_tolerance

BENCH_DPS = 30
#: the goals of issue 9, printed with the summary
GOAL_MEDIAN = 1000.0
GOAL_FLOOR = 30.0


@dataclass
class BenchRow:
    id: str
    kind: str
    batch: int
    fast_points_per_s: float | None = None
    reference_points_per_s: float | None = None
    speedup: float | None = None
    max_rel_diff: float | None = None  # the larger of the two sides' differences
    max_rel_diff_lhs: float | None = None
    max_rel_diff_rhs: float | None = None
    tolerance: float | None = None
    agrees: bool | None = None
    reference_points: int = 0
    note: str = ""  # the claim's fast_path_note (why it cannot reach the goal), or why the row is empty
    error: str = ""


@dataclass
class BenchReport:
    rows: list[BenchRow]
    batch: int
    backend: str
    dtype: str
    machine: dict[str, Any] = field(default_factory=dict)

    @property
    def speedups(self) -> list[float]:
        return [r.speedup for r in self.rows if r.speedup is not None and math.isfinite(r.speedup)]

    def summary(self) -> dict[str, Any]:
        s = sorted(self.speedups)
        return {"claims": len(self.rows), "measured": len(s),
                "median_speedup": statistics.median(s) if s else None,
                "p10_speedup": _percentile(s, 10) if s else None,
                "below_floor": [r.id for r in self.rows if r.speedup is not None and r.speedup < GOAL_FLOOR],
                "below_floor_without_note": [r.id for r in self.rows if r.speedup is not None
                                             and r.speedup < GOAL_FLOOR and not r.note],
                "disagreements": [r.id for r in self.rows if r.agrees is False],
                "errors": [r.id for r in self.rows if r.error]}

    def as_json(self) -> dict[str, Any]:
        return {"batch": self.batch, "backend": self.backend, "dtype": self.dtype, "machine": self.machine,
                "summary": self.summary(), "claims": [asdict(r) for r in self.rows]}


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolation percentile (numpy's default) of sorted values."""
    return float(np.percentile(np.asarray(sorted_values), q))


def benchable(claim: Claim) -> bool:
    return _fast_spec(claim) is not None


def _fast_spec(claim: Claim) -> PointwiseSpec | InvarianceSpec | RateSpec | None:
    spec = claim.spec
    if isinstance(spec, SymbolicSpec):
        spec = spec.numeric
    return spec if isinstance(spec, PointwiseSpec | InvarianceSpec | RateSpec) else None


def _timed(fn: Callable[[], Any], repeat: int, sync: Callable[[], None]) -> float:
    """Best wall time of ``repeat`` calls after one warm-up call."""
    fn()
    sync()
    best = math.inf
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - start)
    return best


def _normalised_sides(sides: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """lhs/M and rhs/M with M the larger side (or the third output, the declared scale, when given): a fast path
    may return both sides divided by a common factor (a ratio form) where the reference returns them whole."""
    lhs, rhs = sides[0], sides[1]
    scale = np.abs(sides[2]) if len(sides) > 2 else np.maximum(np.abs(lhs), np.abs(rhs))
    scale = np.where(scale == 0, 1.0, scale)
    with np.errstate(invalid="ignore", over="ignore"):
        return lhs / scale, rhs / scale


def _rel(a: float, b: float, scale: float) -> float:
    if not (math.isfinite(a) and math.isfinite(b)):
        return 0.0 if a == b else math.inf
    return abs(a - b) / scale if scale > 0 else abs(a - b)


def bench_claim(claim: Claim, *, batch: int, reference_points: int, repeat: int, device: Any, dtype: Any,
                seed: int = 0) -> BenchRow:
    """One claim's row (never raises: an exception becomes the row's ``error``)."""
    import torch

    spec = _fast_spec(claim)
    row = BenchRow(id=claim.id, kind=str(claim.kind), batch=batch, note=claim.fast_path_note)
    if spec is None:
        row.note = row.note or "no fast path"
        return row
    sync = (lambda: torch.cuda.synchronize()) if torch.device(device).type == "cuda" else (lambda: None)
    try:
        with torch.no_grad():
            if isinstance(spec, PointwiseSpec):
                _bench_pointwise(claim, spec, row, batch, reference_points, repeat, device, dtype, seed, sync)
            elif isinstance(spec, InvarianceSpec):
                _bench_invariance(claim, spec, row, batch, reference_points, repeat, device, dtype, seed, sync)
            else:
                _bench_rate(claim, spec, row, batch, reference_points, repeat, device, dtype, sync)
    except Exception as exc:  # a benchmark row, never a crash of the whole bench
        row.error = f"{type(exc).__name__}: {exc}"[:300]
    if row.fast_points_per_s and row.reference_points_per_s:
        row.speedup = row.fast_points_per_s / row.reference_points_per_s
    return row


def _bench_pointwise(claim, spec: PointwiseSpec, row: BenchRow, batch: int, reference_points: int, repeat: int,
                     device, dtype, seed: int, sync) -> None:
    from .engine.context import mp_context

    points = spec.domain.sample(np.random.default_rng(seed), batch)
    best = _timed(lambda: spec.fast(points, claim.constants, device=device, dtype=dtype), repeat, sync)
    row.fast_points_per_s = batch / best
    out = spec.fast(points, claim.constants, device=device, dtype=dtype)
    raw = [o.detach().to("cpu", dtype=__import__("torch").float64).numpy() for o in out]
    fast_ratio = _normalised_sides(raw[:2])
    m = min(reference_points, batch)
    worst_l = worst_r = 0.0
    ctx = mp_context(BENCH_DPS)
    # one untimed call first, as for the fast path (caches of nodes and constants are set-up, not throughput)
    spec.reference(spec.domain.exact_point(points.point(0), ctx), claim.constants, ctx)
    start = time.perf_counter()
    refs = []
    for i in range(m):
        point = points.point(i)
        refs.append(spec.reference(spec.domain.exact_point(point, ctx), claim.constants, ctx))
    elapsed = time.perf_counter() - start
    for i, ref in enumerate(refs):
        ref_sides = [float(v) for v in ref]
        fast_raw = [float(s[i]) for s in raw]
        # directly, relative to the larger of the two implementations' term sizes ...
        common = max([abs(v) for v in ref_sides] + [abs(v) for v in fast_raw[2:]])
        direct = [_rel(fast_raw[k], ref_sides[k], common) for k in (0, 1)]
        # ... or up to a common positive factor of both sides (a ratio form of the same inequality)
        lhs, rhs = _normalised_sides([np.array([v]) for v in ref_sides[:2]])
        ratio = [_rel(fast_ratio[0][i], lhs[0], 1.0), _rel(fast_ratio[1][i], rhs[0], 1.0)]
        worst_l = max(worst_l, min(direct[0], ratio[0]))
        worst_r = max(worst_r, min(direct[1], ratio[1]))
    row.reference_points = m
    row.reference_points_per_s = m / elapsed if elapsed > 0 else None
    row.max_rel_diff_lhs, row.max_rel_diff_rhs = worst_l, worst_r
    row.max_rel_diff = max(worst_l, worst_r)
    row.tolerance = fast_tolerance(dtype, spec.terms) + reference_tolerance(BENCH_DPS, spec.reference_rtol)
    row.agrees = bool(row.max_rel_diff <= row.tolerance)


def _bench_invariance(claim, spec: InvarianceSpec, row: BenchRow, batch: int, reference_points: int, repeat: int,
                      device, dtype, seed: int, sync) -> None:
    import torch

    from .engine.context import mp_context
    from .engine.invariance import _example, _flatten, _to_mp
    from .exact import exact_point

    point = spec.domain.sample(np.random.default_rng(seed), 1).point(0)
    inputs = spec.inputs(point, claim.constants, torch.Generator().manual_seed(seed), batch, device=device,
                         dtype=dtype)
    best = _timed(lambda: spec.function(inputs, claim.constants, device=device, dtype=dtype), repeat, sync)
    row.fast_points_per_s = batch / best
    out = spec.function(inputs, claim.constants, device=device, dtype=dtype).reshape(batch, -1).to(torch.float64)
    floor = (spec.rounding_scale(inputs, claim.constants, device=device, dtype=dtype).reshape(batch)
             .to(torch.float64).abs().cpu().numpy() if spec.rounding_scale is not None else np.zeros(batch))
    m = min(reference_points, batch)
    worst = 0.0
    ctx = mp_context(BENCH_DPS)

    def mp_example(i: int) -> dict:
        example = {k: _to_mp(ctx, v) for k, v in _example(inputs, i).items()}
        return exact_point(example, spec.exact, (), ctx) if spec.exact else example

    spec.reference(mp_example(0), claim.constants, ctx)  # untimed warm-up, as for the fast path
    start = time.perf_counter()
    for i in range(m):
        ref = [float(v) for v in _flatten(spec.reference(mp_example(i), claim.constants, ctx))]
        fast = out[i].cpu().numpy()
        scale = max(max(abs(v) for v in ref), float(np.max(np.abs(fast))), float(floor[i]))
        worst = max(worst, max(_rel(f, r, scale) for f, r in zip(fast, ref, strict=True)))
    elapsed = time.perf_counter() - start
    row.reference_points = m
    row.reference_points_per_s = m / elapsed if elapsed > 0 else None
    row.max_rel_diff = row.max_rel_diff_lhs = worst
    row.tolerance = fast_tolerance(dtype, spec.terms) + reference_tolerance(BENCH_DPS, spec.reference_rtol)
    row.agrees = bool(worst <= row.tolerance)


def _bench_rate(claim, spec: RateSpec, row: BenchRow, batch: int, reference_points: int, repeat: int,
                device, dtype, sync) -> None:
    import torch

    from .engine.context import mp_context

    grid = np.asarray(spec.grid, dtype=np.float64)
    xs_np = np.resize(grid, batch)  # the grid repeated to the batch size: the same quantities, N of them
    xs = torch.as_tensor(xs_np, device=device, dtype=dtype)
    best = _timed(lambda: spec.fast(xs, claim.constants, device=device, dtype=dtype), repeat, sync)
    row.fast_points_per_s = batch / best
    out = spec.fast(xs, claim.constants, device=device, dtype=dtype).to("cpu", torch.float64).numpy()
    m = min(reference_points, len(grid))
    worst = 0.0
    ctx = mp_context(BENCH_DPS)
    spec.reference(float(grid[0]), claim.constants, ctx)  # untimed warm-up, as for the fast path
    start = time.perf_counter()
    for i in range(m):
        ref = float(spec.reference(float(grid[i]), claim.constants, ctx))
        worst = max(worst, _rel(float(out[i]), ref, max(abs(ref), abs(float(out[i])))))
    elapsed = time.perf_counter() - start
    row.reference_points = m
    row.reference_points_per_s = m / elapsed if elapsed > 0 else None
    row.max_rel_diff = row.max_rel_diff_lhs = worst
    row.tolerance = fast_tolerance(dtype, spec.fast_rtol_terms) + reference_tolerance(BENCH_DPS)
    row.agrees = bool(worst <= row.tolerance)


def machine() -> dict[str, Any]:
    import os

    import torch

    info: dict[str, Any] = {"platform": platform.platform(),
                            "processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
                            "torch": torch.__version__, "torch_threads": torch.get_num_threads()}
    if torch.cuda.is_available():
        info["cuda_device"] = torch.cuda.get_device_name(0)
    return info


def run_bench(claims: Sequence[Claim], *, batch: int = 4096, reference_points: int = 32, repeat: int = 5,
              backend: Any, seed: int = 0, progress: Callable[[BenchRow], None] | None = None) -> BenchReport:
    rows = []
    for claim in claims:
        if not benchable(claim):
            continue
        # each claim its own points: sibling claims share domains, and a reference that caches its results by
        # input (a quadrature per distinct argument) would otherwise be timed on another claim's cache hits
        row = bench_claim(claim, batch=batch, reference_points=reference_points, repeat=repeat,
                          device=backend.device, dtype=backend.dtype, seed=seed + zlib.crc32(claim.id.encode()))
        rows.append(row)
        if progress is not None:
            progress(row)
    return BenchReport(rows=rows, batch=batch, backend=backend.name, dtype=backend.dtype_name,
                       machine=machine())


def _fmt_rate(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"


def format_table(report: BenchReport, slowest: int = 10) -> str:
    """The per-claim table (slowest speedup first), then the summary and the machine."""
    lines = [f"claims bench — batch {report.batch}, {report.backend} {report.dtype}, reference at {BENCH_DPS} digits",
             "", f"{'claim':58} {'kind':12} {'fast pt/s':>12} {'ref pt/s':>10} {'speedup':>9} {'max rel diff':>12}  "]
    order = sorted(report.rows, key=lambda r: (r.speedup is None, r.speedup or 0.0))
    for r in order:
        diff = "—" if r.max_rel_diff is None else f"{r.max_rel_diff:.1e}" + ("" if r.agrees else " !")
        speed = "—" if r.speedup is None else f"{r.speedup:,.0f}×" if r.speedup >= 10 else f"{r.speedup:.2g}×"
        extra = r.error or (r.note if r.speedup is not None and r.speedup < GOAL_FLOOR else "")
        lines.append(f"{r.id[:58]:58} {r.kind[:12]:12} {_fmt_rate(r.fast_points_per_s):>12} "
                     f"{_fmt_rate(r.reference_points_per_s):>10} {speed:>9} {diff:>12}  {extra}".rstrip())
    s = report.summary()
    lines += ["", f"measured {s['measured']} of {s['claims']} claims; speedup median "
                  f"{_fmt_rate(s['median_speedup'])}× (goal ≥ {GOAL_MEDIAN:,.0f}×), 10th percentile "
                  f"{_fmt_rate(s['p10_speedup'])}×; below {GOAL_FLOOR:g}×: {len(s['below_floor'])} "
                  f"({len(s['below_floor_without_note'])} without a stated reason)"]
    if s["disagreements"]:
        lines.append(f"fast path and reference disagree beyond tolerance ('!'): {', '.join(s['disagreements'])}")
    if s["errors"]:
        lines.append(f"errors: {', '.join(s['errors'])}")
    lines.append("machine: " + ", ".join(f"{k} {v}" for k, v in report.machine.items()))
    return "\n".join(lines)


__all__ = ["BenchReport", "BenchRow", "Kind", "bench_claim", "benchable", "format_table", "run_bench"]
