"""Papers come from the entry-point group ``claims_harness.papers``: the built-in ones and an out-of-tree
package alike appear in ``claims list``, ``claims run --paper``, the report and pytest collection; a paper
that fails to import is one warning line, not a crash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import write_dist_info

from checks.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_builtin_papers_are_entry_points():
    import tomllib

    import claims

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"][
        claims.ENTRY_POINT_GROUP]
    assert declared == claims.BUILTIN_PAPERS
    assert set(claims.BUILTIN_PAPERS) <= set(claims.papers())
    assert claims.PAPERS == claims.papers()  # the former constant still answers


def test_out_of_tree_paper_in_list_and_run(fault_registry, tmp_path, capsys, monkeypatch):
    assert {"faultpaper", "slowpaper", "daniely2023", "zhang2017"} <= set(fault_registry.papers())
    assert main(["list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"slowpaper/identity", "faultpaper/segfault", "daniely2023/lemma-2.2"} <= {r["id"] for r in rows}
    monkeypatch.setenv("FAULTPAPER_SLOW_S", "0")
    out = tmp_path / "rep"
    assert main(["run", "--paper", "slowpaper", "--budget", "smoke", "--out", str(out), "--quiet",
                 "--no-history"]) == 0
    data = json.loads((out / "results.json").read_text())
    assert {c["id"] for c in data["claims"]} == {c.id for c in fault_registry.by_paper("slowpaper")}
    html = (out / "index.html").read_text()
    assert "slowpaper/slow-3" in html and "data-paper='slowpaper'" in html
    assert "slowpaper/identity" in (out / "report.md").read_text()


def test_out_of_tree_paper_in_pytest_collection(fault_env):
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "test_claims.py")], capture_output=True, text=True, timeout=300,
                          env=fault_env, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "test_claim[faultpaper/segfault|torch-cpu-float64]" in proc.stdout
    assert "test_claim[slowpaper/identity|torch-cpu-float64]" in proc.stdout
    assert "test_claim[daniely2023/lemma-2.2|torch-cpu-float64]" in proc.stdout


def test_a_paper_that_fails_to_import_is_one_warning(fault_registry, tmp_path, capsys, monkeypatch):
    broken = write_dist_info(tmp_path / "site", "brokenpaper", {"brokenpaper": "faultpaper.broken"})
    monkeypatch.syspath_prepend(str(broken))
    fault_registry._sources.cache_clear()
    fault_registry._load.cache_clear()
    assert main(["list", "--paper", "slowpaper"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    warnings = [line for line in err if line.startswith("claims: warning:")]
    assert len(warnings) == 1 and "'brokenpaper'" in warnings[0] and "nonexistent_dependency" in warnings[0]
    assert "brokenpaper" in fault_registry.load_errors() and "brokenpaper" not in fault_registry.papers()
    assert main(["run", "--paper", "brokenpaper", "--out", str(tmp_path / "rep")]) == 2
    err = capsys.readouterr().err
    assert "could not be loaded" in err and "Traceback" not in err


def test_load_errors_are_in_the_record_and_the_reports():
    from checks.report.html import render_html
    from checks.report.markdown import render_markdown
    from checks.runner import RunRecord

    record = RunRecord(seed=0, budget="smoke", backend="torch-cpu-float64", environment={},
                       load_errors={"brokenpaper": "faultpaper.broken failed to load: ImportError: planted"})
    again = RunRecord.from_json(json.loads(json.dumps(record.to_json())))
    assert again.load_errors == record.load_errors and not again.all_as_expected
    assert "Paper not checked:** brokenpaper" in render_markdown(again)
    assert "Paper not checked:</b> brokenpaper" in render_html(again)
