"""A run always completes: planted faults (tests/fixtures/faultpaper) end only their own claim, a hang ends at
the time limit, SIGINT / SIGTERM leave valid partial outputs, and ``--resume`` finishes them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checks.cli import main
from checks.testing import comparable_evidence

CAUSES = {
    "faultpaper/segfault": "worker process died of SIGSEGV",
    "faultpaper/exit3": "worker process exited with status 3",
    "faultpaper/sigkill": "killed (SIGKILL), probably out of memory",
    "faultpaper/memory": "MemoryError: planted",
    "faultpaper/hang": "timed out after 4 s",
}


def _results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text())


def test_planted_faults_end_only_their_own_claim(fault_registry, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FAULTPAPER_SLOW_S", "1.5")
    out = tmp_path / "rep"
    started = time.monotonic()
    status = main(["run", "--paper", "faultpaper", "--budget", "smoke", "--jobs", "2", "--timeout", "4",
                   "--out", str(out), "--no-history", "--quiet"])
    elapsed = time.monotonic() - started
    data = _results(out)
    verdicts = {c["id"]: c for c in data["claims"]}
    # the run completed: every claim has a result, in selection order, and the report files exist
    assert list(verdicts) == [c.id for c in fault_registry.by_paper("faultpaper")]
    assert data["interrupted"] is False and data["timeout_s"] == 4.0
    for name in ("report.md", "index.html", "junit.xml", "events.jsonl"):
        assert (out / name).stat().st_size > 100
    # exactly the planted claims are ERROR, each with its own cause
    errors = {cid for cid, c in verdicts.items() if c["verdict"] == "ERROR"}
    assert errors == set(CAUSES)
    for cid, cause in CAUSES.items():
        assert cause in verdicts[cid]["evidence"]["error"], (cid, verdicts[cid]["evidence"]["error"])
    # the neighbours keep their normal verdicts (the slow claim finishes within the limit)
    assert {cid: c["verdict"] for cid, c in verdicts.items() if cid not in CAUSES} == {
        "faultpaper/identity": "HOLDS", "faultpaper/proved": "PROVED", "faultpaper/slow": "PROVED"}
    # what a dead worker leaves: the signal, the Python stack at the crash, the last progress event
    seg = verdicts["faultpaper/segfault"]["evidence"]
    assert seg["worker"]["signal"] == "SIGSEGV" and "in segfault" in seg["traceback"]
    assert seg["last_progress"]["stage"] == "checking"
    assert verdicts["faultpaper/exit3"]["evidence"]["worker"]["exitcode"] == 3
    hang = verdicts["faultpaper/hang"]["evidence"]
    assert hang["timeout_s"] == 4.0 and 4.0 <= hang["elapsed_s"] < 30
    assert "in hang" in hang["traceback"]  # where it was stuck when its time ran out
    assert verdicts["faultpaper/memory"]["evidence"]["traceback"].rstrip().endswith(
        "MemoryError: planted: allocation of 10^12 bytes refused")
    assert status == 0  # planted faults are expected ERROR; every other verdict is as expected
    assert elapsed < 60
    report = (out / "report.md").read_text()
    assert "faultpaper/segfault" in report and "SIGSEGV" in report


def test_jobs_1_also_isolates(fault_registry, tmp_path, monkeypatch):
    monkeypatch.setenv("FAULTPAPER_CLAIMS", "exit3,proved")
    monkeypatch.delitem(sys.modules, "faultpaper", raising=False)
    fault_registry._sources.cache_clear()
    fault_registry._load.cache_clear()
    out = tmp_path / "rep"
    assert main(["run", "--paper", "faultpaper", "--budget", "smoke", "--jobs", "1", "--out", str(out),
                 "--no-history", "--quiet", "--no-plots"]) == 0
    assert {c["id"]: c["verdict"] for c in _results(out)["claims"]} == {"faultpaper/proved": "PROVED",
                                                                          "faultpaper/exit3": "ERROR"}


def _start(env, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "checks.cli", "run", "--paper", "slowpaper", "--budget", "smoke",
                             "--jobs", "1", "--out", str(out), "--no-plots", "--quiet", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_claims(out: Path, n: int, proc: subprocess.Popen, limit_s: float = 120) -> None:
    """Wait until ``n`` claims have finished (the event log is flushed as they do)."""
    deadline = time.monotonic() + limit_s
    log = out / "events.jsonl"
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if log.exists() and sum('"event": "claim"' in line for line in log.read_text().splitlines()) >= n:
            return
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"{n} claims did not finish within {limit_s} s")


_strip = comparable_evidence


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_writes_partial_outputs_and_resume_completes(sig, fault_env, fault_registry, tmp_path,
                                                               capsys, monkeypatch):
    fault_env["FAULTPAPER_SLOW_S"] = "1.5"
    monkeypatch.setenv("FAULTPAPER_SLOW_S", "1.5")
    out = tmp_path / "interrupted"
    proc = _start(fault_env, out, "--seed", "3")
    _wait_for_claims(out, 2, proc)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, stderr
    assert "Traceback" not in stderr
    partial = _results(out)
    assert partial["interrupted"] is True and partial["interrupted_by"] == sig.name
    ids = [c.id for c in fault_registry.by_paper("slowpaper")]
    finished = [c["id"] for c in partial["claims"]]
    assert 2 <= len(finished) < len(ids) and set(finished) <= set(ids)
    assert partial["selection"]["ids"] == ids
    assert all(c["verdict"] in ("HOLDS", "PROVED") for c in partial["claims"])  # no killed claim recorded
    for name in ("report.md", "index.html", "junit.xml"):
        assert (out / name).exists()
    assert "INTERRUPTED" in (out / "report.md").read_text()
    assert "id=interrupted" in (out / "index.html").read_text()
    assert f"INTERRUPTED ({sig.name})" in stdout
    if sig == signal.SIGTERM:
        return  # the resumption is the same either way; check it once

    # a resume that is not the same run: one line, exit 2, nothing touched
    before = (out / "results.json").read_text()
    capsys.readouterr()
    assert main(["run", "--resume", str(out), "--seed", "4"]) == 2
    err = capsys.readouterr().err
    assert "it was run with --seed 3, not 4" in err and len(err.strip().splitlines()) == 1
    assert main(["run", "--resume", str(out), "--dtype", "float32"]) == 2
    assert "it was run on backend torch-cpu-float64" in capsys.readouterr().err
    assert (out / "results.json").read_text() == before

    # --resume checks only the missing claims and writes the complete run
    assert main(["run", "--resume", str(out), "--no-plots", "--quiet"]) == 0
    done = _results(out)
    assert done["interrupted"] is False and "interrupted_by" not in done
    assert [c["id"] for c in done["claims"]] == ids
    assert done["run_id"] == partial["run_id"] and done["seed"] == 3
    assert {c["id"]: c for c in done["claims"] if c["id"] in finished} == {c["id"]: c for c in partial["claims"]}
    assert "INTERRUPTED" not in (out / "report.md").read_text()
    events = [json.loads(line)["event"] for line in (out / "events.jsonl").read_text().splitlines()]
    assert events.count("claim") == len(ids)  # each claim checked once, across both halves
    assert "run-interrupted" in events and "run-resume" in events and events[-1] == "history-appended"

    # ... with the verdicts, evidence and multiple-testing level of an uninterrupted run
    fresh = tmp_path / "fresh"
    assert main(["run", "--paper", "slowpaper", "--budget", "smoke", "--seed", "3", "--jobs", "2", "--out", str(fresh),
                 "--no-plots", "--quiet", "--no-history"]) == 0
    whole = _results(fresh)
    assert done["multiple_testing"] == whole["multiple_testing"]
    assert ({c["id"]: (c["verdict"], _strip(c["evidence"])) for c in done["claims"]}
            == {c["id"]: (c["verdict"], _strip(c["evidence"])) for c in whole["claims"]})


def test_resume_of_a_corrupt_or_foreign_results_file(tmp_path, capsys):
    (tmp_path / "results.json").write_text("{not json")
    assert main(["run", "--resume", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cannot resume" in err and "not a readable results file" in err and len(err.strip().splitlines()) == 1
    (tmp_path / "results.json").write_text(json.dumps({"seed": 0, "budget": "smoke", "backend": "torch-cpu-float64",
                                                       "claims": []}))
    assert main(["run", "--resume", str(tmp_path)]) == 2
    assert "records no selection" in capsys.readouterr().err
    assert main(["run", "--resume", str(tmp_path / "nowhere")]) == 2
    assert "no results file" in capsys.readouterr().err


def test_alpha_of_a_resumed_run_is_that_of_the_whole_selection(fault_registry, monkeypatch):
    """The multiple-testing level comes from the interrupted run's record (the full selection), not from
    the claims still to check."""
    from checks import runner
    from checks.backend import Backend
    from checks.budget import get
    from checks.supervisor import WorkerConfig

    seen: list[WorkerConfig] = []
    monkeypatch.setattr("checks.supervisor.supervise", lambda tasks, config, **kw: seen.append(config) or [])
    claims = fault_registry.by_paper("slowpaper")
    previous = runner.RunRecord(seed=0, budget="smoke", backend="torch-cpu-float64", environment={},
                                statistical_tests=40)
    runner.run(claims, budget=get("smoke"), backend=Backend("torch-cpu"), resume=previous)
    assert seen[0].alpha == pytest.approx(runner.per_test_alpha(40))
