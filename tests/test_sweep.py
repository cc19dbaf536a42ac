"""`claims sweep`: seed lists, stability classification, the outputs, exit status, and a real small sweep."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import checks.runner
from checks.cli import main
from checks.model import Verdict
from checks.report import read_results
from checks.report.sweep_html import render_sweep_html
from checks.result import Result
from checks.runner import RunRecord
from checks.sweep import (
    SweepError,
    classify,
    parse_backends,
    parse_seeds,
    render_markdown,
    render_table,
    run_dir,
)

SUPPORTING = ["HOLDS", "PROVED"]


# --- seed lists and backends ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, seeds", [
    ("1-10", list(range(1, 11))),
    ("1,4,7", [1, 4, 7]),
    ("0-2,9", [0, 1, 2, 9]),
    (" 3 ", [3]),
    ("5-5", [5]),
    ("7,1-2,2", [1, 2, 7]),  # sorted, each seed once
    ("0 - 1", [0, 1]),
])
def test_seed_lists(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["", " ", "a", "3-1", "-1", "1-", "1,,2", "1.5", "1-2-3", "4294967296", "1;2"])
def test_bad_seed_lists(text):
    with pytest.raises(SweepError):
        parse_seeds(text)


def test_backends():
    assert [b.label for b in parse_backends(None)] == ["torch-cpu-float64"]
    assert [b.label for b in parse_backends(["torch-cpu-float32", "reference", "torch-cpu", "torch-cpu-float64"])] \
        == ["torch-cpu-float32", "reference", "torch-cpu-float64"]
    with pytest.raises(SweepError, match="unknown backend"):
        parse_backends(["tpu"])
    with pytest.raises(SweepError, match="unknown backend 'torch-cpu-float16'"):
        parse_backends(["torch-cpu", "torch-cpu-float16"])


def test_cuda_absent_is_bad_input():
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(SweepError, match="CUDA"):
        parse_backends(["torch-cuda-float32"])


# --- classification on synthetic run records -------------------------------------------------------------------


def _record(backend: str, seed: int, verdicts: dict[str, tuple[str, list[str], float | None]]) -> RunRecord:
    claims = [Result(cid, Verdict(v), expected, {} if m is None else {"tightest_margin": m}, 0.1, backend,
                     "experiment" if "exp" in cid else "identity")
              for cid, (v, expected, m) in verdicts.items()]
    return RunRecord(seed=seed, budget="smoke", backend=backend, environment={}, claims=claims, seconds=1.5 + seed)


def _synthetic():
    """Five claims over seeds 1-3 on torch-cpu-float64 and the reference backend."""
    records = []
    for backend in ("torch-cpu-float64", "reference"):
        for seed in (1, 2, 3):
            records.append(_record(backend, seed, {
                "p/steady": ("HOLDS", SUPPORTING, 0.1 * seed),
                "p/flaky": ("INCONCLUSIVE" if seed == 2 else "HOLDS", SUPPORTING, 1e-16 * (seed - 2)),
                "p/wrong": ("VIOLATED", SUPPORTING, -0.5),
                "p/exp": ("SKIPPED" if backend == "reference" else "HOLDS", SUPPORTING, None),
                "p/erratum": ("VIOLATED", ["VIOLATED"], "-inf"),
                "p/half-skipped": ("SKIPPED" if backend == "reference" and seed == 3 else "HOLDS", SUPPORTING, None),
                "p/noisy": ("INCONCLUSIVE" if seed == 1 else "HOLDS", ["HOLDS", "INCONCLUSIVE"], 0.0),
            }))
    return classify(records)


def test_stability_classification():
    sweep = _synthetic()
    by_id = {c.id: c for c in sweep.claims}
    assert by_id["p/steady"].status == "stable" and by_id["p/steady"].verdict == "HOLDS"
    # HOLDS at some seeds, INCONCLUSIVE at others: unstable (and unexpected there: INCONCLUSIVE is not expected)
    assert by_id["p/flaky"].status == "unstable" and not by_id["p/flaky"].stable and not by_id["p/flaky"].as_expected
    assert by_id["p/flaky"].unexpected_at == [("torch-cpu-float64", 2), ("reference", 2)]
    # unstable even where every verdict is one the registry allows
    assert by_id["p/noisy"].status == "unstable" and by_id["p/noisy"].as_expected
    assert by_id["p/wrong"].status == "unexpected" and by_id["p/wrong"].stable and not by_id["p/wrong"].as_expected
    assert len(by_id["p/wrong"].unexpected_at) == 6
    # SKIPPED at every seed of a backend that cannot run the kind: shown, but neither unstable nor unexpected
    exp = by_id["p/exp"]
    assert exp.status == "stable" and exp.skipped_backends() == ["reference"]
    assert exp.verdicts["reference"] == {1: "SKIPPED", 2: "SKIPPED", 3: "SKIPPED"}
    assert by_id["p/erratum"].status == "stable"
    # SKIPPED at one seed of a backend and not at the others is instability
    assert by_id["p/half-skipped"].status == "unstable"
    assert sweep.counts() == {"claims": 7, "stable": 3, "unstable": 3, "unexpected": 1, "skipped": 0,
                              "unstable_and_unexpected_somewhere": 1}  # p/flaky
    assert not sweep.ok
    assert [c.id for c in sweep.ordered()][:4] == ["p/wrong", "p/flaky", "p/half-skipped", "p/noisy"]


def test_a_claim_missing_from_a_run_is_unstable():
    full = {"p/a": ("HOLDS", SUPPORTING, 0.1), "p/b": ("HOLDS", SUPPORTING, 0.1)}
    sweep = classify([_record("torch-cpu-float64", 1, {"p/a": full["p/a"]}), _record("torch-cpu-float64", 2, full)])
    by_id = {c.id: c for c in sweep.claims}
    assert by_id["p/a"].status == "stable"
    assert by_id["p/b"].status == "unstable" and by_id["p/b"].as_expected
    assert by_id["p/b"].seed_string("torch-cpu-float64", [1, 2]) == "-H"


def test_margin_ranges_and_json():
    sweep = _synthetic()
    by_id = {c.id: c for c in sweep.claims}
    assert by_id["p/steady"].margin_range("torch-cpu-float64") == pytest.approx((0.1, 0.3))
    assert by_id["p/exp"].margin_range("torch-cpu-float64") is None
    assert by_id["p/erratum"].margin_range("reference") == (float("-inf"), float("-inf"))
    data = json.loads(json.dumps(sweep.to_json(), allow_nan=False))
    assert data["summary"]["unstable"] == 3 and data["summary"]["ok"] is False
    assert [(r["backend"], r["seed"]) for r in data["runs"]] == [
        ("torch-cpu-float64", 1), ("torch-cpu-float64", 2), ("torch-cpu-float64", 3),
        ("reference", 1), ("reference", 2), ("reference", 3)]
    flaky = next(c for c in data["claims"] if c["id"] == "p/flaky")
    assert flaky["expected"] == SUPPORTING and flaky["stable"] is False and flaky["as_expected"] is False
    assert flaky["unexpected_at"] == [{"backend": "torch-cpu-float64", "seed": 2}, {"backend": "reference", "seed": 2}]
    cpu = flaky["backends"]["torch-cpu-float64"]
    assert cpu["verdicts"] == {"1": "HOLDS", "2": "INCONCLUSIVE", "3": "HOLDS"}
    assert cpu["margins"]["1"] == pytest.approx(-1e-16) and cpu["stable"] is False
    assert next(c for c in data["claims"] if c["id"] == "p/erratum")["backends"]["reference"]["margin_range"] == \
        ["-inf", "-inf"]


def test_table_lists_unstable_in_full_and_stable_in_summary():
    sweep = _synthetic()
    table = render_table(sweep)
    assert "p/flaky" in table and "p/wrong" in table and "p/half-skipped" in table
    assert "p/steady" not in table and "stable and as expected: 3 claims" in table
    assert "7 claims · 3 stable · 3 unstable (1 of them unexpected at some seed) · 1 unexpected" in table
    assert "time reference: seed 1 2.5 s, seed 2 3.5 s, seed 3 4.5 s" in table
    assert "HIH" in table and "unexpected at torch-cpu-float64 seed 2; reference seed 2" in table  # p/flaky
    assert "unexpected at torch-cpu-float64 seeds 1, 2, 3; reference seeds 1, 2, 3" in table  # p/wrong
    verbose = render_table(sweep, verbose=True)
    assert "p/steady" in verbose and "SSS" in verbose  # p/exp on the reference backend


def test_markdown_and_html_have_the_stability_column():
    sweep = _synthetic()
    md = render_markdown(sweep)
    assert "| claim | stability |" in md and "**unstable**" in md and "| HOLDS\\|PROVED |" in md
    assert md.index("p/wrong") < md.index("p/flaky") < md.index("p/steady")
    page = render_sweep_html(sweep)
    assert "<th>stability</th>" in page and "http" not in page.replace("https://", "").split("<body>")[0]
    assert page.index("id='p/wrong'") < page.index("id='p/flaky'") < page.index("id='p/steady'")
    assert "data-status='unstable'" in page and "data-status='unexpected'" in page
    assert "class=stability style='background:#cf222e'>unexpected" in page


# --- the command ------------------------------------------------------------------------------------------------


def _fake_run(flaky: str | None = None, wrong: str | None = None):
    """A stand-in for checks.runner.run: every claim as expected, except ``flaky`` (INCONCLUSIVE at even seeds)
    and ``wrong`` (ERROR at every seed)."""
    calls = []

    def run(claims, *, budget, backend, seed, jobs):
        calls.append((backend.label, seed, jobs))
        results = []
        for c in claims:
            expected = sorted(v.value for v in c.expected_verdicts)
            verdict = expected[0]
            if c.id == flaky and seed % 2 == 0:
                verdict = "INCONCLUSIVE"
            if c.id == wrong:
                verdict = "ERROR"
            results.append(Result(c.id, Verdict(verdict), expected, {"tightest_margin": 0.5}, 0.0, backend.label,
                                  c.kind.value))
        return RunRecord(seed=seed, budget=budget.name, backend=backend.label, environment={}, claims=results,
                         seconds=0.25)

    run.calls = calls
    return run


def test_planted_unstable_claim_exits_1(monkeypatch, capsys, tmp_path):
    fake = _fake_run(flaky="daniely2023/lemma-2.2")
    monkeypatch.setattr(checks.runner, "run", fake)
    status = main(["sweep", "--seeds", "1-3", "--paper", "daniely2023", "--backend", "torch-cpu",
                   "--backend", "reference", "--jobs", "3", "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert status == 1
    assert fake.calls == [("torch-cpu-float64", s, 3) for s in (1, 2, 3)] + [("reference", s, 3) for s in (1, 2, 3)]
    assert "unstable   daniely2023/lemma-2.2" in out and "0 unexpected" in out
    assert len([line for line in err.splitlines() if line.startswith("[sweep]")]) == 6
    data = json.loads((tmp_path / "sweep.json").read_text())
    assert data["claims"][0]["id"] == "daniely2023/lemma-2.2" and data["claims"][0]["status"] == "unstable"
    assert (tmp_path / "sweep.md").exists() and "<th>stability</th>" in (tmp_path / "index.html").read_text()
    for backend in ("torch-cpu-float64", "reference"):  # each run's results.json, readable by `claims report`
        for seed in (1, 2, 3):
            run = read_results(run_dir(tmp_path, backend, seed))
            assert (run.backend, run.seed) == (backend, seed)


def test_planted_unexpected_claim_exits_1_and_clean_sweep_exits_0(monkeypatch, capsys):
    monkeypatch.setattr(checks.runner, "run", _fake_run(wrong="daniely2023/lemma-2.2"))
    assert main(["sweep", "--seeds", "1,2", "--paper", "daniely2023", "--quiet", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert err == "" and data["summary"]["unexpected"] == 1 and data["claims"][0]["status"] == "unexpected"
    monkeypatch.setattr(checks.runner, "run", _fake_run())
    assert main(["sweep", "--seeds", "1,2", "--paper", "daniely2023", "--quiet"]) == 0
    assert "0 unstable · 0 unexpected" in capsys.readouterr().out


def test_interrupt_keeps_the_finished_runs(monkeypatch, capsys, tmp_path):
    fake = _fake_run()

    def run(claims, **kw):
        if kw["seed"] == 2:
            raise KeyboardInterrupt
        return fake(claims, **kw)

    monkeypatch.setattr(checks.runner, "run", run)
    assert main(["sweep", "--seeds", "1-3", "--paper", "daniely2023", "--out", str(tmp_path)]) == 130
    out, err = capsys.readouterr()
    assert "INTERRUPTED" in out and "interrupted" in err
    data = json.loads((tmp_path / "sweep.json").read_text())
    assert data["sweep"]["interrupted"] is True and [r["seed"] for r in data["runs"]] == [1]
    assert (tmp_path / "index.html").exists() and not run_dir(tmp_path, "torch-cpu-float64", 2).exists()


@pytest.mark.parametrize("args, fragment", [
    (["--seeds", "3-1"], "runs backwards"),
    (["--seeds", "x"], "bad seed list"),
    (["--seeds", "1", "--backend", "tpu"], "unknown backend"),
    (["--seeds", "1", "--paper", "nobody2099"], "unknown paper"),
    (["--seeds", "1", "--kind", "poetry"], "unknown kind"),
    (["--seeds", "1", "--budget", "huge"], "unknown budget"),
    (["--seeds", "1", "--jobs", "0"], "--jobs"),
])
def test_bad_input_is_one_line_and_exit_2(args, fragment, capsys, monkeypatch):
    monkeypatch.setattr(checks.runner, "run", _fake_run())
    assert main(["sweep", *args]) == 2
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1


def test_real_sweep_skips_experiments_on_the_reference_backend(capsys):
    """The real runner, in-process: an experiment cannot run on the reference backend; that is shown, not failed."""
    assert main(["sweep", "--seeds", "1-2", "--paper", "daniely2023", "--kind", "experiment", "--backend", "reference",
                 "--jobs", "1", "--format", "json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["skipped"] == data["summary"]["claims"] > 0
    for c in data["claims"]:
        assert c["status"] == "skipped" and c["backends"]["reference"]["verdicts"] == {"1": "SKIPPED", "2": "SKIPPED"}


def test_real_small_sweep_through_the_cli(tmp_path):
    # rate claims: the quickest kind at smoke budget (well under a second for daniely2023's), so this test is
    # mostly the interpreter's start-up
    proc = subprocess.run([sys.executable, "-m", "checks.cli", "sweep", "--seeds", "1-2", "--budget", "smoke",
                           "--paper", "daniely2023", "--kind", "rate", "--jobs", "1", "--format", "json",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(proc.stdout)
    assert proc.returncode == (0 if data["summary"]["ok"] else 1)
    assert data["sweep"]["seeds"] == [1, 2] and data["sweep"]["backends"] == ["torch-cpu-float64"]
    assert data["summary"]["claims"] == len(data["claims"]) > 0
    for c in data["claims"]:
        assert {"id", "expected", "status", "stable", "as_expected", "backends"} <= set(c)
        per = c["backends"]["torch-cpu-float64"]
        assert set(per["verdicts"]) == set(per["margins"]) == {"1", "2"}
        assert per["verdicts"]["1"] in {v.value for v in Verdict}
    assert len([line for line in proc.stderr.splitlines() if line.startswith("[sweep]")]) == 2
    assert json.loads((tmp_path / "sweep.json").read_text())["summary"] == data["summary"]
    page = (tmp_path / "index.html").read_text()
    assert "<th>stability</th>" in page and page.count("<tr class=claim") == len(data["claims"])
    assert "| claim | stability |" in (tmp_path / "sweep.md").read_text()
