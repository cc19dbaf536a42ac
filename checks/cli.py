"""The ``claims`` command: list, show, check, run (the main job), sweep, bench, report, diff and history.

Exit status: 0 when every verdict is the one the registry expects (recorded errata expect VIOLATED);
1 when any verdict differs (or a registered paper could not be loaded); 2 on bad usage (unknown id, paper,
kind, backend; a parameter outside a claim's domain; CUDA asked for but absent; a corrupt results file; a
``--resume`` whose seed, budget or backend differ from the recorded run; ``--dask`` without dask installed) —
always one clear line, no traceback; 130 / 143 when ``claims run`` was stopped by SIGINT / SIGTERM (the
finished claims are written, marked interrupted; ``claims run --resume DIR`` finishes them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from . import backend as backend_mod
from .budget import BUDGETS, BudgetError
from .budget import get as get_budget
from .domain import DomainError

DEFAULT_OUT = "claims-report"
HISTORY_NAME = "history.sqlite"


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="claims", description="Check the claims of ML-theory papers.")
    sub = p.add_subparsers(dest="command", required=True)

    ls = sub.add_parser("list", help="list registered claims")
    ls.add_argument("--paper")
    ls.add_argument("--kind")
    ls.add_argument("--format", choices=("table", "json"), default="table")

    sh = sub.add_parser("show", help="show one claim: statement, domain, constants, mutants, errata")
    sh.add_argument("id")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--budget", default="default", help=f"one of {', '.join(BUDGETS)}")
        sp.add_argument("--seed", type=int, default=0)
        sp.add_argument("--backend", default="torch-cpu", help="torch-cpu, torch-cuda or reference")
        sp.add_argument("--dtype", default="float64", help="float64 or float32 (torch backends)")

    ck = sub.add_parser("check", help="check the given claims and print their verdicts")
    ck.add_argument("ids", nargs="+")
    common(ck)
    ck.add_argument("--at", nargs="+", metavar="NAME=VALUE",
                    help="evaluate one point of a pointwise claim (both sides, fast path and reference)")
    ck.add_argument("--json", action="store_true", help="print the full result records as JSON")

    rn = sub.add_parser("run", help="the main job: check every selected claim and write the reports")
    rn.add_argument("--paper")
    rn.add_argument("--kind")
    common(rn)
    # None = "not given": a fresh run takes the usual defaults, `--resume` takes the recorded values
    rn.set_defaults(budget=None, seed=None, backend=None, dtype=None)
    rn.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                    help="parallel worker processes (default: the number of cores, at most 4)")
    rn.add_argument("--timeout", type=float, default=None, metavar="S",
                    help="wall-clock limit per claim in seconds (default: the budget's: smoke 60, default 300, "
                         "thorough 1800); a claim past it is ERROR 'timed out'")
    rn.add_argument("--resume", metavar="DIR", default=None,
                    help="finish an interrupted run: check only the claims missing from DIR/results.json "
                         "(same seed, budget and backend) and write the complete result to DIR")
    rn.add_argument("--dask", metavar="ADDRESS", default=None,
                    help="run the claims as Dask tasks on the scheduler at ADDRESS (tcp://host:8786), or on a "
                         "local cluster of N worker processes with local:N")
    rn.add_argument("--out", default=None, help=f"report directory (default: {DEFAULT_OUT}; with --resume: DIR)")
    rn.add_argument("--quiet", action="store_true", help="no progress lines")
    rn.add_argument("--history", default=None,
                    help=f"SQLite database every run is appended to (default: OUT/{HISTORY_NAME})")
    rn.add_argument("--no-history", action="store_true", help="do not append this run to the history database")
    rn.add_argument("--no-plots", action="store_true", help="skip the matplotlib plots (faster reports)")

    sw = sub.add_parser("sweep", help="run the selection at every seed and backend; per claim: is its verdict stable "
                        "and as expected (exit 1 if not)")
    sw.add_argument("--seeds", required=True, help="seeds: ranges and lists such as 1-10, 1,4,7 or 0-2,9")
    sw.add_argument("--budget", default="smoke", help=f"one of {', '.join(BUDGETS)} (default smoke)")
    sw.add_argument("--backend", action="append", metavar="BACKEND",
                    help="torch-cpu[-float32|-float64], torch-cuda[-float32|-float64] or reference; repeatable "
                    "(default torch-cpu float64)")
    sw.add_argument("--paper")
    sw.add_argument("--kind")
    sw.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                    help="parallel worker processes per run (default: the number of cores, at most 4)")
    sw.add_argument("--format", choices=("table", "json"), default="table")
    sw.add_argument("--out", default=None, help="also write sweep.json, sweep.md, index.html and each run's "
                    "results.json (runs/BACKEND/seed-N/) to this directory")
    sw.add_argument("--verbose", action="store_true", help="list every claim in the table, not only the "
                    "unstable and unexpected ones")
    sw.add_argument("--quiet", action="store_true", help="no progress lines")

    bn = sub.add_parser("bench", help="fast path vs reference, per claim: points per second, speedup, agreement")
    bn.add_argument("--paper")
    bn.add_argument("--kind")
    bn.add_argument("--id", action="append", metavar="ID", help="only these claims (repeatable)")
    bn.add_argument("--batch", type=int, default=4096, help="points per fast-path call (default 4096)")
    bn.add_argument("--backend", default="torch-cpu", help="torch-cpu or torch-cuda (default torch-cpu)")
    bn.add_argument("--dtype", default="float64", help="float64 (default) or float32")
    bn.add_argument("--reference-points", type=int, default=32,
                    help="points of the same batch evaluated by the reference at 30 digits, after one untimed "
                         "warm-up call (default 32)")
    bn.add_argument("--repeat", type=int, default=5, help="timed fast-path calls after the warm-up (best is kept)")
    bn.add_argument("--seed", type=int, default=0)
    bn.add_argument("--threads", type=int, default=1,
                    help="torch CPU threads for the fast path (default 1: the reference is single-threaded, so the "
                    "speedup compares one core with one core; 0 keeps torch's default)")
    bn.add_argument("--format", choices=("table", "json"), default="table")
    bn.add_argument("--out", default=None, help="also write the JSON record to this file")
    bn.add_argument("--quiet", action="store_true", help="no progress lines")

    df = sub.add_parser("diff", help="compare two runs: verdict changes, margin changes beyond noise, new/removed")
    df.add_argument("run_a", help="a run id (or unique prefix) in the history database, or a results directory")
    df.add_argument("run_b")
    df.add_argument("--history", default=os.path.join(DEFAULT_OUT, HISTORY_NAME))
    df.add_argument("--json", action="store_true")

    hi = sub.add_parser("history", help="a claim's verdicts over the recorded runs")
    hi.add_argument("id")
    hi.add_argument("--history", default=os.path.join(DEFAULT_OUT, HISTORY_NAME))
    hi.add_argument("--json", action="store_true")

    rp = sub.add_parser("report", help="re-render the reports of a run directory and print its summary")
    rp.add_argument("dir")
    return p


def _backend(args) -> backend_mod.Backend:
    try:
        b = backend_mod.parse(args.backend, args.dtype)
    except backend_mod.BackendError as exc:
        raise UsageError(str(exc)) from None
    reason = b.available()
    if reason:
        raise UsageError(f"backend {b.label} is unavailable: {reason}")
    return b


def _budget(name: str):
    try:
        return get_budget(name)
    except BudgetError as exc:
        raise UsageError(str(exc)) from None


def _claims_module():
    import claims

    return claims


def cmd_list(args) -> int:
    from .runner import select

    reg = _claims_module()
    try:
        chosen = select(reg.by_paper(args.paper) if args.paper else reg.all_claims(), kind=args.kind)
    except (reg.UnknownClaim, ValueError) as exc:
        raise UsageError(str(exc)) from None
    _warn_load_errors(reg)
    if args.format == "json":
        print(json.dumps([{"id": c.id, "paper": c.paper, "label": c.label, "kind": c.kind.value,
                           "section": c.section, "statement": c.statement,
                           "expected": sorted(v.value for v in c.expected_verdicts),
                           "depends": list(c.depends), "reading": c.reading} for c in chosen], indent=1))
        return 0
    width = max((len(c.id) for c in chosen), default=10)
    for c in chosen:
        flag = "  [erratum]" if c.errata else ""
        print(f"{c.id:<{width}}  {c.kind.value:<13} {c.label}{flag}")
    print(f"{len(chosen)} claims", file=sys.stderr)
    return 0


def cmd_show(args) -> int:
    reg = _claims_module()
    try:
        c = reg.get(args.id)
    except reg.UnknownClaim as exc:
        raise UsageError(str(exc)) from None
    print(f"{c.id}  ({c.label}, Sec. {c.section}, {c.kind.value})")
    print(f"\nStatement as printed:\n  {c.statement}")
    if c.reading:
        print(f"\nReading: {c.reading}")
    domain = getattr(c.spec, "domain", None) or getattr(getattr(c.spec, "numeric", None), "domain", None)
    if domain is not None:
        print(f"\nDomain: {domain.describe()}")
    if c.constants:
        print(f"Constants: {dict(c.constants)}")
    print(f"\nWhat the check establishes: {c.establishes}")
    if c.assumptions:
        print("Assumptions: " + "; ".join(c.assumptions))
    print("Mutants: " + "; ".join(f"{m.name} {dict(m.constants)} ({m.description})" for m in c.mutants))
    if c.depends:
        print("Depends on: " + ", ".join(c.depends))
    if c.fast_path_note:
        print(f"Fast path: {c.fast_path_note}")
    print("Expected verdict: " + "|".join(sorted(v.value for v in c.expected_verdicts))
          + (f" ({c.expected_reason})" if c.expected_reason else ""))
    for e in c.errata:
        print(f"\nErratum: {e.summary}\n  evidence: {e.evidence}" + (f"\n  fix: {e.suggested_fix}"
                                                                     if e.suggested_fix else ""))
    return 0


def cmd_check(args) -> int:
    from .engine import CheckContext, n_statistical_tests, run_check
    from .tolerance import per_test_alpha

    reg = _claims_module()
    try:
        chosen = [reg.get(i) for i in args.ids]
    except reg.UnknownClaim as exc:
        raise UsageError(str(exc)) from None
    b, budget = _backend(args), _budget(args.budget)
    point = None
    if args.at:
        if len(chosen) != 1:
            raise UsageError("--at needs exactly one claim id")
        domain = getattr(chosen[0].spec, "domain", None)
        if domain is None or not hasattr(chosen[0].spec, "fast") or not hasattr(chosen[0].spec, "relation"):
            raise UsageError(f"--at is supported for pointwise claims; {chosen[0].id} is {chosen[0].kind.value}")
        try:
            point = domain.parse(args.at)
        except DomainError as exc:
            raise UsageError(f"{chosen[0].id}: {exc}") from None
    ctx = CheckContext(budget, b, args.seed, per_test_alpha(sum(n_statistical_tests(c) for c in chosen)))
    status = 0
    records = []
    for c in chosen:
        r = run_check(c, ctx, point)
        records.append(r.to_json())
        ok = r.as_expected or point is not None
        status = status if ok else 1
        tight = r.evidence.get("tightest_margin")
        if args.json:
            continue
        print(f"{r.verdict.value:<12} {c.id}  ({r.seconds:.2f} s"
              + (f", tightest margin {tight:.3g}" if isinstance(tight, float) else "") + ")"
              + ("" if ok else f"  <-- expected {'|'.join(r.expected)}"))
        if r.verdict.value == "VIOLATED":
            from .report.text import side, where

            cx = r.evidence.get("minimal_counterexample") or r.evidence.get("reference", {})
            print(f"    counterexample: {where(cx)}")
            if cx.get("evaluations"):
                top = cx["evaluations"][-1]
                print(f"    at {top.get('dps')} digits: lhs = {top.get('lhs')}, rhs = {top.get('rhs')}, "
                      f"margin = {top.get('margin_text', top.get('margin'))}")
            elif side(cx, "lhs"):
                print(f"    {side(cx, 'lhs')}")
        if point is not None:
            for e in r.evidence["reference"]["evaluations"]:
                print(f"    {e['dps']} digits: lhs = {e['lhs']}, rhs = {e['rhs']}, margin = {e['margin_text']}")
            if "fast_margin" in r.evidence:
                print(f"    fast path ({b.label}): margin = {r.evidence['fast_margin']:.6g}")
        if r.verdict.value == "ERROR":
            print(r.evidence.get("traceback", r.evidence.get("error")), file=sys.stderr)
    if args.json:
        print(json.dumps(records, indent=1, default=str))
    return status


_RUN_DEFAULTS = {"budget": "default", "seed": 0, "backend": "torch-cpu", "dtype": "float64"}


def _warn_load_errors(reg) -> None:
    for line in reg.load_warnings():
        print(f"claims: warning: {line}", file=sys.stderr)


def _resume_plan(args, reg):
    """The interrupted run to finish and its selection, checked against the options given (exit 2 on any
    mismatch: a resumed run must be the run that was interrupted)."""
    from .report import ResultsError, read_results

    try:
        previous = read_results(args.resume)
    except ResultsError as exc:
        raise UsageError(f"cannot resume: {exc}") from None
    recorded = backend_mod.parse(previous.backend) if previous.backend else backend_mod.parse("torch-cpu")
    for name, value in (("seed", previous.seed), ("budget", previous.budget)):
        given = getattr(args, name)
        if given is None:
            setattr(args, name, value)
        elif str(given) != str(value):
            raise UsageError(f"cannot resume {args.resume}: it was run with --{name} {value}, not {given}")
    args.backend = args.backend or recorded.name
    args.dtype = args.dtype or recorded.dtype_name
    given = _backend(args).label
    if given != recorded.label:
        raise UsageError(f"cannot resume {args.resume}: it was run on backend {recorded.label}, not {given}")
    sel = previous.selection
    if not sel.get("ids"):
        raise UsageError(f"cannot resume {args.resume}: its results file records no selection of claims")
    for name in ("paper", "kind"):
        given = getattr(args, name)
        if given is not None and given != sel.get(name):
            raise UsageError(f"cannot resume {args.resume}: it was run with --{name} {sel.get(name)}, not {given}")
        setattr(args, name, sel.get(name))
    try:
        chosen = [reg.get(i) for i in sel["ids"]]
    except reg.UnknownClaim as exc:
        raise UsageError(f"cannot resume {args.resume}: {exc}") from None
    if previous.timeout_s is not None and args.timeout is None:
        args.timeout = previous.timeout_s
    return previous, chosen


def cmd_run(args) -> int:
    from .report import write_all
    from .runner import print_progress, run, select

    reg = _claims_module()
    previous = None
    if args.resume:
        previous, chosen = _resume_plan(args, reg)
        args.out = args.out or args.resume
    else:
        for name, value in _RUN_DEFAULTS.items():
            if getattr(args, name) is None:
                setattr(args, name, value)
        try:
            base = reg.by_paper(args.paper) if args.paper else reg.all_claims()
            chosen = select(base, kind=args.kind)
        except (reg.UnknownClaim, ValueError) as exc:
            raise UsageError(str(exc)) from None
    args.out = args.out or DEFAULT_OUT
    _warn_load_errors(reg)
    if not chosen:
        raise UsageError("no claim matches the selection")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    if args.timeout is not None and not args.timeout > 0:
        raise UsageError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
    if args.dask:
        from .dask_exec import DaskUnavailable, check_available

        try:
            check_available(args.dask)
        except DaskUnavailable as exc:
            raise UsageError(str(exc)) from None
    b, budget = _backend(args), _budget(args.budget)
    timeout = args.timeout if args.timeout is not None else budget.timeout_s
    todo = len(chosen) - (len({r.id for r in previous.claims} & {c.id for c in chosen}) if previous else 0)
    print(f"{'resuming: ' + str(todo) + ' of ' if previous else 'checking '}{len(chosen)} claims · budget "
          f"{budget.name} · backend {b.label} · seed {args.seed} · "
          + (f"dask {args.dask}" if args.dask else f"jobs {args.jobs}") + f" · timeout {timeout:g} s per claim",
          file=sys.stderr)
    from .events import EventLog
    from .history import HistoryError, append
    from .report import write_results

    paper_errors = {k: v for k, v in reg.load_errors().items() if args.paper in (None, k)}
    with EventLog(os.path.join(args.out, "events.jsonl")) as log:
        record = run(chosen, budget=budget, backend=b, seed=args.seed, jobs=args.jobs,
                     progress=None if args.quiet else print_progress, events=log, plots=not args.no_plots,
                     timeout=timeout, dask=args.dask, resume=previous,
                     selection={"paper": args.paper, "kind": args.kind})
        record.load_errors = paper_errors
        results_path = write_results(record, args.out)  # the run is safe before anything else is touched
        out = write_all(record, args.out, {c.id: c for c in chosen}, plots=not args.no_plots)
        log({"event": "reports-written", "run_id": record.run_id, "dir": str(out)})
        if record.interrupted:  # a partial run is not history; the resumed, complete one will be
            log({"event": "history-skipped", "run_id": record.run_id, "reason": "interrupted"})
        elif not args.no_history:
            db = args.history or os.path.join(args.out, HISTORY_NAME)
            try:
                append(db, record, results_path)
                log({"event": "history-appended", "run_id": record.run_id, "database": db})
            except HistoryError as exc:  # the run and its reports are already written: warn, don't fail
                log({"event": "history-failed", "run_id": record.run_id, "error": str(exc)})
                print(f"claims: warning: {exc}; the run is in {results_path}", file=sys.stderr)
    _summary(record, out)
    print(f"run id: {record.run_id}")
    if record.interrupted:
        import signal

        return 128 + int(getattr(signal, record.interrupted_by, signal.SIGINT))
    return 0 if record.all_as_expected else 1


def cmd_sweep(args) -> int:
    from . import sweep as sw
    from .runner import select

    try:
        seeds = sw.parse_seeds(args.seeds)
        backends = sw.parse_backends(args.backend)
    except sw.SweepError as exc:
        raise UsageError(str(exc)) from None
    budget = _budget(args.budget)
    reg = _claims_module()
    try:
        chosen = select(reg.by_paper(args.paper) if args.paper else reg.all_claims(), kind=args.kind)
    except (reg.UnknownClaim, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if not chosen:
        raise UsageError("no claim matches the selection")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    if not args.quiet:
        print(f"sweeping {len(chosen)} claims · budget {budget.name} · {len(seeds)} seed(s) · backends "
              f"{', '.join(b.label for b in backends)} · jobs {args.jobs}", file=sys.stderr)
    on_run = None
    if args.out:
        from .report import write_results

        def on_run(rec) -> None:  # each run's results.json as it finishes: `claims report` / `claims diff` read it
            write_results(rec, sw.run_dir(args.out, rec.backend, rec.seed))

    record = sw.sweep(chosen, seeds=seeds, backends=backends, budget=budget, jobs=args.jobs,
                      progress=None if args.quiet else sw.print_progress, on_run=on_run)
    if args.out:
        sw.write_outputs(record, args.out, {c.id: c for c in chosen})
    if args.format == "json":
        print(json.dumps(record.to_json(), indent=1, allow_nan=False))
    else:
        print(sw.render_table(record, verbose=args.verbose))
        if args.out:
            print(f"report: {args.out}/index.html  (also sweep.md, sweep.json, runs/BACKEND/seed-N/results.json)")
    if record.interrupted:
        print("claims: interrupted; the table covers the finished runs", file=sys.stderr)
        return 130
    return 0 if record.ok else 1


def _load_run(ref: str, history: str):
    """A run from a results directory / results.json, else by id (or prefix) from the history database."""
    from .history import HistoryError, load_run
    from .report import ResultsError, read_results

    if os.path.exists(ref):
        try:
            return read_results(ref)
        except ResultsError as exc:
            raise UsageError(str(exc)) from None
    try:
        return load_run(history, ref)
    except HistoryError as exc:
        raise UsageError(f"{ref!r} is neither a results directory nor a recorded run: {exc}") from None


def cmd_diff(args) -> int:
    from .diff import diff_runs, render_text

    result = diff_runs(_load_run(args.run_a, args.history), _load_run(args.run_b, args.history))
    print(json.dumps(result.as_dict(), indent=1, default=str) if args.json else render_text(result))
    return 1 if result.significant else 0


def cmd_history(args) -> int:
    from .history import HistoryError, claim_history

    reg = _claims_module()
    try:
        rows = claim_history(args.history, args.id)
    except HistoryError as exc:
        raise UsageError(str(exc)) from None
    if not rows:
        try:
            reg.get(args.id)
        except reg.UnknownClaim as exc:
            raise UsageError(str(exc)) from None
        raise UsageError(f"{args.id} has no recorded run in {args.history}")
    if args.json:
        print(json.dumps(rows, indent=1, default=str))
        return 0
    print(f"{'run id':<36} {'started':<26} {'seed':>5} {'budget':<9} {'backend':<22} {'verdict':<13} margin")
    for r in rows:
        margin = "" if r["tightest_margin"] is None else f"{r['tightest_margin']:.4g}"
        print(f"{r['run_id']:<36} {str(r['started']):<26} {r['seed']:>5} {r['budget']:<9} {r['backend']:<22} "
              f"{r['verdict']:<13} {margin}")
    return 0


def _summary(record, out) -> None:
    from collections import Counter

    counts = Counter(r.verdict.value for r in record.claims)
    print(" · ".join(f"{v} {n}" for v, n in sorted(counts.items())) + f" · {record.seconds:.1f} s")
    if record.interrupted:
        total = len(record.selection.get("ids", [])) or len(record.claims)
        print(f"INTERRUPTED ({record.interrupted_by}): {len(record.claims)} of {total} claims finished; "
              f"finish with: claims run --resume {out}")
    for paper, reason in sorted(record.load_errors.items()):
        print(f"  paper not checked: {paper}: {reason}")
    for r in record.claims:
        if r.verdict.value == "VIOLATED":
            note = ("recorded erratum" if r.evidence.get("errata") else "expected") if r.as_expected else "NEW"
            print(f"  VIOLATED ({note}): {r.id}")
    bad = [r for r in record.claims if not r.as_expected]
    for r in bad:
        print(f"  unexpected: {r.id} is {r.verdict.value}, expected {'|'.join(r.expected)}")
    print(f"report: {out}/index.html  (also report.md, results.json, junit.xml, events.jsonl, plots/)")


def cmd_report(args) -> int:
    from .report import ResultsError, read_results, write_all

    try:
        record = read_results(args.dir)
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    try:
        reg = _claims_module()
        by_id = {c.id: c for c in reg.all_claims()}
    except Exception:  # reports of old runs must render even if the registry changed
        by_id = {}
    out = write_all(record, args.dir, by_id)
    _summary(record, out)
    return 0 if record.all_as_expected else 1


def cmd_bench(args) -> int:
    from .bench import benchable, format_table, run_bench
    from .runner import select

    reg = _claims_module()
    try:
        base = [reg.get(i) for i in args.id] if args.id else (reg.by_paper(args.paper) if args.paper
                                                              else reg.all_claims())
        chosen = [c for c in select(base, kind=args.kind) if benchable(c)]
    except (reg.UnknownClaim, ValueError) as exc:
        raise UsageError(str(exc)) from None
    _warn_load_errors(reg)
    if not chosen:
        raise UsageError("no claim with a fast path matches the selection")
    if args.batch < 1 or args.reference_points < 1 or args.repeat < 1:
        raise UsageError("--batch, --reference-points and --repeat must be at least 1")
    b = _backend(args)
    if not b.uses_torch:
        raise UsageError("claims bench measures the torch fast path: choose --backend torch-cpu or torch-cuda")
    if args.threads < 0:
        raise UsageError(f"--threads must be 0 (torch's default) or a positive count, got {args.threads}")
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)

    def progress(row) -> None:
        if not args.quiet:
            speed = "—" if row.speedup is None else f"{row.speedup:,.0f}×"
            print(f"  {row.id}: {speed}" + (f" ({row.error})" if row.error else ""), file=sys.stderr, flush=True)

    report = run_bench(chosen, batch=args.batch, reference_points=args.reference_points, repeat=args.repeat,
                       backend=b, seed=args.seed, progress=progress)
    record = report.as_json()
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(record, fh, indent=1)
    if args.format == "json":
        print(json.dumps(record["claims"], indent=1))
    else:
        print(format_table(report))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handlers = {"list": cmd_list, "show": cmd_show, "check": cmd_check, "run": cmd_run, "report": cmd_report,
                "diff": cmd_diff, "history": cmd_history, "sweep": cmd_sweep, "bench": cmd_bench}
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        print(f"claims: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("claims: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
