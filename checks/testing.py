"""Helpers for testing claims: run a claim (or its mutants) at a budget and summarise the verdict.

Used by the test suite and handy interactively:  python -m checks.testing daniely2023/lemma-2.7
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from .backend import Backend, parse
from .budget import get as get_budget
from .engine import CheckContext, run_check
from .model import Claim, Verdict
from .result import Result


def context(budget: str = "smoke", backend: str = "torch-cpu", dtype: str = "float64", seed: int = 0,
            n_tests: int = 1) -> CheckContext:
    from .tolerance import per_test_alpha

    return CheckContext(get_budget(budget), Backend(backend, dtype), seed, per_test_alpha(n_tests))


def check(claim: Claim, **kwargs) -> Result:
    return run_check(claim, context(**kwargs))


def mutant_verdicts(claim: Claim, **kwargs) -> dict[str, Result]:
    """Run every declared mutant of `claim`; the harness requires each to come out VIOLATED."""
    ctx = context(**kwargs)
    return {m.name: run_check(claim.with_constants(m.constants), ctx) for m in claim.mutants}


def assert_mutants_flagged(claim: Claim, **kwargs) -> None:
    for name, result in mutant_verdicts(claim, **kwargs).items():
        assert result.verdict == Verdict.VIOLATED, (
            f"{claim.id} mutant {name!r} was not flagged: {result.verdict.value} "
            f"{result.evidence.get('error', '')}")


def comparable_evidence(evidence):
    """Evidence without what legitimately differs between two runs of the same claim at the same seed (timings,
    stacks, run ids): what a local, a resumed and a Dask run must agree on."""
    if isinstance(evidence, dict):
        return {k: comparable_evidence(v) for k, v in evidence.items()
                if "second" not in k and k not in {"elapsed_s", "at_s", "traceback", "run_id"}}
    if isinstance(evidence, list):
        return [comparable_evidence(v) for v in evidence]
    return evidence


def main(argv: list[str] | None = None) -> int:
    from claims import get

    argv = list(sys.argv[1:] if argv is None else argv)
    backend = parse(argv.pop(argv.index("--backend") + 1)) if "--backend" in argv else Backend("torch-cpu")
    if "--backend" in argv:
        argv.remove("--backend")
    for cid in argv:
        claim = get(cid)
        r = run_check(claim, CheckContext(get_budget("smoke"), backend, 0))
        print(f"{cid}: {r.verdict.value} (expected {r.expected}) {r.seconds:.2f}s "
              f"tightest={r.evidence.get('tightest_margin')} {r.evidence.get('error', '')}")
        if r.verdict == Verdict.ERROR:
            print(r.evidence["traceback"])
        for name, m in mutant_verdicts(claim, backend=backend.name, dtype=backend.dtype_name).items():
            print(f"   mutant {name}: {m.verdict.value} {m.seconds:.2f}s {m.evidence.get('error', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def derive_batch_domains(claims_: Iterable[Claim]) -> list[tuple[str, Any]]:
    """(claim id, domain) for every distinct pointwise domain with a ``derive_batch`` among ``claims_``."""
    from .specs import PointwiseSpec, SymbolicSpec

    seen: dict[int, tuple[str, Any]] = {}
    for claim in claims_:
        spec = claim.spec.numeric if isinstance(claim.spec, SymbolicSpec) else claim.spec
        if isinstance(spec, PointwiseSpec) and spec.domain.derive_batch is not None:
            seen.setdefault(id(spec.domain), (claim.id, spec.domain))
    return list(seen.values())


def derive_batch_mismatches(domain, n: int = 24, seed: int = 0, rtol: float = 1e-12) -> list[str]:
    """Where ``domain.derive_batch`` differs from ``domain.derive`` row by row on ``n`` sampled parameter points
    (the contract of ``Domain.derive_batch``): a list of descriptions, empty when they agree."""
    import numpy as np

    from .batching import Batch

    if domain.derive_batch is None or domain.derive is None:
        return []
    rng = np.random.default_rng(seed)
    columns = {p.name: p.sample(rng, n) for p in domain.params}
    if domain.repair is not None:
        rows = [domain.repair(row) for row in Batch.from_columns(columns, n).points]
        columns = {name: [row[name] for row in rows] for name in columns}
        columns = {name: np.asarray(col) if not isinstance(col[0], str) else col for name, col in columns.items()}
    batch_rows = Batch.from_columns({**columns, **domain.derive_batch(columns)}, n)
    problems = []
    for i, params in enumerate(Batch.from_columns(columns, n).points):
        expected = domain.derive(dict(params))
        got = batch_rows.point(i)
        # a derive whose entries depend on the case leaves the other cases' columns empty (None) in a batch
        extra = {k for k in set(got) - set(params) - set(expected) if got[k] is not None}
        if extra:
            problems.append(f"row {i}: derive_batch adds {sorted(extra)}, which derive does not")
        for key, value in expected.items():
            if key not in got:
                problems.append(f"row {i}: derive_batch lacks {key!r}")
                continue
            a, b = np.asarray(value, dtype=object), np.asarray(got[key], dtype=object)
            if a.shape != b.shape:
                problems.append(f"row {i} ({params}): {key} has shape {b.shape} from derive_batch, {a.shape} "
                                "from derive")
                continue
            try:
                same = np.allclose(np.asarray(value, dtype=float), np.asarray(got[key], dtype=float),
                                   rtol=rtol, atol=rtol, equal_nan=True)
            except (TypeError, ValueError):
                same = a.shape == b.shape and bool(np.all(a == b))
            if not same:
                problems.append(f"row {i} ({params}): {key} = {got[key]!r} from derive_batch, {value!r} from derive")
    return problems


def assert_derive_batch_matches(domain, n: int = 300, seed: int = 0, rtol: float = 1e-13) -> None:
    """Assert the ``Domain.derive_batch`` contract on ``n`` sampled rows (see ``derive_batch_mismatches``)."""
    problems = derive_batch_mismatches(domain, n=n, seed=seed, rtol=rtol)
    assert not problems, "; ".join(problems[:3])
