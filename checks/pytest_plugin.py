"""pytest plugin (registered under ``pytest11``): every registered claim becomes a test item.

A test that asks for the ``registered_claim`` fixture is parametrised over the registry × the selected
backends, one item per (claim, backend) named ``[<claim id>|<backend>]``. Claims with recorded errata are
strict xfails that only accept VIOLATED (any other verdict fails). Options live in the "claims" group;
defaults come from CLAIMS_BUDGET / CLAIMS_BACKEND / CLAIMS_DTYPE so tox environments can select them.
The plugin imports the registry lazily, only when such a test is collected.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

_RESULTS = pytest.StashKey[list]()


class ExpectedViolation(Exception):
    """Raised by a claim test when a claim with a recorded erratum is VIOLATED, as expected."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("claims", "claims-harness")
    group.addoption("--claims-budget", default=os.environ.get("CLAIMS_BUDGET", "smoke"),
                    help="budget for registered-claim tests: smoke, default or thorough")
    group.addoption("--claims-backend", default=os.environ.get("CLAIMS_BACKEND", "torch-cpu"),
                    help="comma-separated backends: torch-cpu, torch-cuda, reference")
    group.addoption("--claims-dtype", default=os.environ.get("CLAIMS_DTYPE", "float64"),
                    help="float64 or float32 for torch backends")
    group.addoption("--claims-seed", type=int, default=int(os.environ.get("CLAIMS_SEED", "0")))


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_RESULTS] = []


def _backends(config: pytest.Config):
    from checks.backend import parse

    return [parse(b.strip(), config.getoption("--claims-dtype"))
            for b in config.getoption("--claims-backend").split(",") if b.strip()]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "registered_mutant" in metafunc.fixturenames:
        import claims

        metafunc.parametrize("registered_mutant", [
            pytest.param((claim, mutant), id=f"{claim.id}~{mutant.name}")
            for claim in claims.all_claims() for mutant in claim.mutants])
    if "registered_claim" not in metafunc.fixturenames:
        return
    import claims

    params = []
    for backend in _backends(metafunc.config):
        for claim in claims.all_claims():
            marks = []
            if claim.errata:
                marks.append(pytest.mark.xfail(strict=True, raises=ExpectedViolation,
                                               reason="recorded erratum: " + claim.errata[0].summary))
            params.append(pytest.param((claim, backend), id=f"{claim.id}|{backend.label}", marks=marks))
    metafunc.parametrize("registered_claim", params)


@pytest.fixture(scope="session")
def claims_alpha() -> float:
    """Per-test significance: Bonferroni over every statistical test of the registry (one 'run')."""
    import claims
    from checks.engine import n_statistical_tests
    from checks.tolerance import per_test_alpha

    return per_test_alpha(sum(n_statistical_tests(c) for c in claims.all_claims()))


@pytest.fixture
def check_registered(request: pytest.FixtureRequest, claims_alpha: float):
    """Run the engine on a (claim, backend) pair and apply the registry's expectation."""
    from checks.budget import get as get_budget
    from checks.engine import CheckContext, run_check
    from checks.model import Verdict

    def _check(pair):
        claim, backend = pair
        reason = backend.available()
        if reason:
            pytest.skip(reason)
        ctx = CheckContext(get_budget(request.config.getoption("--claims-budget")), backend,
                           request.config.getoption("--claims-seed"), claims_alpha)
        result = run_check(claim, ctx)
        request.config.stash[_RESULTS].append(result)
        if result.verdict == Verdict.SKIPPED:
            pytest.skip(str(result.evidence.get("reason", result.evidence.get("note", ""))))
        detail = result.evidence.get("traceback") or result.evidence.get("note") or ""
        if claim.errata and result.verdict == Verdict.VIOLATED:
            raise ExpectedViolation(result.evidence.get("minimal_counterexample"))
        assert result.verdict in claim.expected_verdicts, (
            f"{claim.id} on {backend.label}: {result.verdict.value}, expected "
            f"{'|'.join(sorted(v.value for v in claim.expected_verdicts))}. {detail}")
        return result

    return _check


@pytest.fixture
def check_mutant(request: pytest.FixtureRequest):
    """Run a claim with one mutant's constants; the engine must flag it VIOLATED (a check that can fail).

    Each mutant check is its own experiment: its statistical tests form one family (Bonferroni over the
    claim's own settings), not a share of the whole registry's run."""
    from checks.backend import Backend
    from checks.budget import get as get_budget
    from checks.engine import CheckContext, n_statistical_tests, run_check
    from checks.model import Verdict
    from checks.tolerance import per_test_alpha

    def _check(pair):
        claim, mutant = pair
        ctx = CheckContext(get_budget(request.config.getoption("--claims-budget")),
                           Backend("torch-cpu", "float64"), request.config.getoption("--claims-seed"),
                           per_test_alpha(n_statistical_tests(claim)))
        result = run_check(claim.with_constants(mutant.constants), ctx)
        assert result.verdict == Verdict.VIOLATED, (
            f"{claim.id} mutant {mutant.name!r} ({mutant.description}) was not flagged: {result.verdict.value} "
            f"{result.evidence.get('error', '')}")
        return result

    return _check


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    results = config.stash.get(_RESULTS, [])
    if not results:
        return
    counts = Counter(r.verdict.value for r in results)
    terminalreporter.section("claims-harness verdicts")
    terminalreporter.write_line(" · ".join(f"{v} {n}" for v, n in sorted(counts.items()))
                                + f"  (budget {config.getoption('--claims-budget')})")
    for r in results:
        if r.verdict.value in ("VIOLATED", "INCONCLUSIVE", "ERROR"):
            terminalreporter.write_line(f"  {r.verdict.value:<12} {r.id} [{r.backend}]")
