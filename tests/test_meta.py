"""Every registered claim is reachable from the CLI, pytest and the report; ids match the catalogue."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import claims
from checks.model import Kind
from checks.specs import (
    ExperimentSpec,
    InvarianceSpec,
    PointwiseSpec,
    ProbabilisticSpec,
    RateSpec,
    SymbolicSpec,
)

CATALOGUE = Path(__file__).resolve().parents[2] / "shared" / "catalogue"


def test_ids_unique_and_well_formed():
    ids = [c.id for c in claims.all_claims()]
    assert len(ids) == len(set(ids))
    for cid in ids:
        assert re.fullmatch(r"[a-z]+\d{4}/[A-Za-z0-9.\-]+(\[[a-z0-9.\-]+\])?", cid), cid


@pytest.mark.parametrize("paper", claims.PAPERS)
def test_every_catalogue_statement_is_registered(paper):
    path = CATALOGUE / f"{paper}.md"
    if not path.exists():
        pytest.skip(f"catalogue {path} not present")
    headings = set(re.findall(r"^### (\S+)\s*$", path.read_text(), flags=re.M))
    registered = {c.base_id for c in claims.by_paper(paper)}
    assert headings - registered == set(), "catalogue statements without a claim"
    assert registered - headings == set(), "claims whose id is not a catalogue heading"


def test_every_claim_is_complete():
    for c in claims.all_claims():
        assert c.statement and c.establishes and c.label and c.mutants, c.id
        assert isinstance(c.spec, PointwiseSpec | SymbolicSpec | ProbabilisticSpec | RateSpec | InvarianceSpec
                          | ExperimentSpec), c.id
        assert c.kind in Kind
        for dep in c.depends:
            assert any(d.base_id == dep for d in claims.all_claims()), f"{c.id} depends on unknown {dep}"
        if "[" in c.id:
            assert c.reading, f"{c.id} is a reading but says not which"


def test_every_claim_reachable_from_pytest_collection():
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           str(Path(__file__).with_name("test_claims.py"))], capture_output=True, text=True,
                          timeout=300)
    collected = proc.stdout
    for c in claims.all_claims():
        assert f"test_claim[{c.id}|" in collected, c.id


def test_every_claim_reachable_from_the_report(tmp_path):
    """Render a run record holding every registered claim; each id must appear in every report format."""
    from checks.model import Verdict
    from checks.report import read_results, write_all
    from checks.result import Result
    from checks.runner import RunRecord

    everything = claims.all_claims()
    record = RunRecord(seed=0, budget="smoke", backend="torch-cpu-float64", environment={}, claims=[
        Result(c.id, Verdict.HOLDS, sorted(v.value for v in c.expected_verdicts), {"establishes": c.establishes},
               0.0, "torch-cpu-float64", c.kind.value) for c in everything])
    out = write_all(record, tmp_path, {c.id: c for c in everything})
    html_text = (out / "index.html").read_text()
    md_text = (out / "report.md").read_text()
    junit_text = (out / "junit.xml").read_text()
    import html

    for c in everything:
        assert html.escape(c.id) in html_text and f"`{c.id}`" in md_text and c.id in junit_text, c.id
    assert {r.id for r in read_results(out).claims} == {c.id for c in everything}


def test_every_pointwise_domain_declares_how_its_derived_inputs_are_exact():
    """Exact domains: every derived entry of every pointwise claim's points is declared constrained (its exact
    representation goes to the reference), recomputed from constrained inputs, or free (any float is an exact
    point of the domain). None is left 'given only in floating point'."""
    from checks.specs import PointwiseSpec, SymbolicSpec
    from claims import all_claims

    undeclared = {}
    for claim in all_claims():
        spec = claim.spec.numeric if isinstance(claim.spec, SymbolicSpec) else claim.spec
        if not isinstance(spec, PointwiseSpec):
            continue
        for point in spec.domain.example_points()[:6] or [spec.domain.strategy().example()]:
            names = spec.domain.float_only(point)
            if names:
                undeclared[claim.id] = names
                break
    assert not undeclared, f"derived inputs given only in floating point: {undeclared}"
