"""The `claims` command: contracts other tools rely on, and one clear line for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import claims
from checks.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checks.cli", *args], capture_output=True, text=True, timeout=300)


def test_list_json_contract(capsys):
    assert main(["list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} == {c.id for c in claims.all_claims()}
    for row in rows:
        assert {"id", "paper", "label", "kind", "statement"} <= set(row)


@pytest.mark.parametrize("args, fragment", [
    (["show", "nope/lemma-0"], "unknown claim id"),
    (["check", "daniely2023/lemma-9.9"], "unknown claim id"),
    (["list", "--paper", "nobody2099"], "unknown paper"),
    (["list", "--kind", "poetry"], "unknown kind"),
    (["check", "daniely2023/lemma-2.2", "--at", "n=999", "x=0", "y=1"], "outside the domain"),
    (["check", "daniely2023/lemma-2.2", "--at", "n=2"], "missing parameter"),
    (["check", "daniely2023/lemma-2.2", "--budget", "huge"], "unknown budget"),
    (["run", "--backend", "tpu"], "unknown backend"),
    (["report", "/nonexistent/dir"], "no results file"),
])
def test_bad_input_is_one_line_and_exit_2(args, fragment):
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert fragment in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_cuda_absent_is_a_usage_error():
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    proc = run_cli("run", "--backend", "torch-cuda")
    assert proc.returncode == 2 and "CUDA" in proc.stderr and "Traceback" not in proc.stderr


def test_corrupt_results_file(tmp_path):
    (tmp_path / "results.json").write_text("{not json")
    proc = run_cli("report", str(tmp_path))
    assert proc.returncode == 2 and "not a readable results file" in proc.stderr
    (tmp_path / "results.json").write_text('{"claims": []}')
    proc = run_cli("report", str(tmp_path))
    assert proc.returncode == 2 and "not a claims-harness results file" in proc.stderr


def test_check_at_point_prints_both_sides(capsys):
    assert main(["check", "daniely2023/lemma-2.2", "--at", "n=3", "x=0.5", "y=0.25"]) == 0
    out = capsys.readouterr().out
    assert "60 digits: lhs =" in out and "fast path" in out


def test_run_writes_contract_files_and_exit_status(tmp_path, capsys):
    out = tmp_path / "rep"
    status = main(["run", "--kind", "symbolic", "--budget", "smoke", "--out", str(out), "--quiet"])
    data = json.loads((out / "results.json").read_text())
    assert {"seed", "budget", "environment", "claims"} <= set(data)
    ids = {c.id for c in claims.all_claims() if c.kind.value == "symbolic"}
    assert {c["id"] for c in data["claims"]} == ids
    for c in data["claims"]:
        assert {"id", "verdict", "expected", "evidence", "seconds"} <= set(c)
        assert c["verdict"] in {"PROVED", "HOLDS", "VIOLATED", "INCONCLUSIVE", "ERROR", "SKIPPED"}
    assert status == (0 if all(c["as_expected"] for c in data["claims"]) else 1)
    for name in ("report.md", "junit.xml", "index.html", "events.jsonl", "history.sqlite"):
        assert (out / name).stat().st_size > 100
    # `report` re-renders from results.json alone
    assert main(["report", str(out)]) == status
