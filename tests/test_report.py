"""The report a theorist reads: page structure, plots, dependency graph, history, diff, event log, and a
real-browser rendering of index.html (headless Chromium) with a screenshot kept as a test artifact."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

import claims
from checks.backend import Backend
from checks.budget import get as get_budget
from checks.cli import main
from checks.diff import diff_runs
from checks.events import EventLog, read_events
from checks.history import HistoryError, append, claim_history, load_run
from checks.model import Verdict
from checks.report import read_results, write_all
from checks.report.graph import dependency_status, render_svg
from checks.result import Result
from checks.runner import RunRecord, run

FIXED = ("daniely2023/equation-1", "daniely2023/equation-2", "daniely2023/equation-2[cross-moment]",
         "daniely2023/section-1.1-erf-activation", "daniely2023/lemma-2.7", "daniely2023/lemma-2.6")
ARTIFACTS = Path(os.environ.get("CLAIMS_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts"))


def _fixed_run(seed: int, events=None) -> RunRecord:
    return run([claims.get(i) for i in FIXED], budget=get_budget("smoke"), backend=Backend("torch-cpu"), seed=seed,
               events=events)


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    """A small fixed run (seed 0) written with every report, its event log and its history entry."""
    out = tmp_path_factory.mktemp("report")
    with EventLog(out / "events.jsonl") as log:
        record = _fixed_run(0, events=log)
    write_all(record, out, {c.id: c for c in claims.all_claims()})
    append(out / "history.sqlite", record, out / "results.json")
    return out, record


def test_page_is_self_contained_and_violated_bounds_come_first(fixed):
    out, record = fixed
    page = (out / "index.html").read_text()
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert page.index("id=violated-table") < page.index("id=graphs") < page.index("id=all")
    violated = [r for r in record.claims if r.verdict == Verdict.VIOLATED]
    assert violated, "the fixed run includes the equation-2 erratum"
    table = page[page.index("id=violated-table"): page.index("</table>", page.index("id=violated-table"))]
    for r in violated:
        assert html.escape(r.id, quote=True) in table
        assert html.escape(r.evidence["reproduce"], quote=True) in table
    assert "confirmed at 30, 60 digits" in table
    assert html.escape(claims.get("daniely2023/equation-2").errata[0].summary, quote=True) in table
    assert f"<code id=run-id>{record.run_id}</code>" in page


def test_plots_are_embedded_and_written_next_to_the_page(fixed):
    out, _ = fixed
    page = (out / "index.html").read_text()
    pngs = sorted((out / "plots").glob("*.png"))
    names = {p.name for p in pngs}
    assert "daniely2023_section-1.1-erf-activation.png" in names  # a rate: fit, band, claimed exponent
    assert "daniely2023_lemma-2.7.png" in names  # an inequality: distribution of margins
    assert "daniely2023_lemma-2.6.png" in names  # Monte Carlo: intervals against the bound
    assert page.count("src='data:image/png;base64,") == len(pngs)
    for p in pngs:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plots/daniely2023_lemma-2.7.png" in (out / "report.md").read_text()


def test_dependency_graph_marks_claims_resting_on_violated_ones():
    everything = {c.id: c for c in claims.all_claims()}
    dependent = next(c for c in everything.values() if c.paper == "daniely2023" and c.depends)
    dep = dependent.depends[0]
    record = RunRecord(seed=0, budget="smoke", backend="b", environment={}, claims=[
        Result(dependent.id, Verdict.HOLDS, ["HOLDS"], {}, 0, "b", "identity"),
        Result(dep, Verdict.VIOLATED, ["VIOLATED"], {}, 0, "b", "identity")])
    assert dependency_status(record, everything)[dependent.id] == [(dep, "VIOLATED")]
    svg = render_svg(record, everything, "daniely2023")
    assert svg.startswith("<svg") and svg.count("class='node'") == 2
    assert f"data-id='{html.escape(dependent.id)}' data-verdict='HOLDS' data-resting='yes'" in svg
    # a HOLDS dependency is not something to rest uneasily on
    record.claims[1] = Result(dep, Verdict.HOLDS, ["HOLDS"], {}, 0, "b", "identity")
    assert dependency_status(record, everything)[dependent.id] == []


def test_markdown_and_junit_carry_the_same_content(fixed):
    out, record = fixed
    md = (out / "report.md").read_text()
    junit = (out / "junit.xml").read_text()
    assert md.index("## Violated bounds") < md.index("## All claims")
    for r in record.claims:
        assert f"`{r.id}`" in md and r.id in junit
        if r.verdict == Verdict.VIOLATED:
            assert "counterexample:" in junit and r.evidence["reproduce"] in md
    assert f'name="run_id" value="{record.run_id}"' in junit


def test_event_log_records_every_claim(fixed):
    out, record = fixed
    events = read_events(out / "events.jsonl")
    assert [e["event"] for e in events][0] == "run-start" and events[-1]["event"] == "run-end"
    assert {e["id"] for e in events if e["event"] == "claim"} == set(FIXED)
    assert all(e["run_id"] == record.run_id for e in events)


def test_history_round_trip_and_claim_history(fixed):
    out, record = fixed
    again = load_run(out / "history.sqlite", record.run_id[:12])
    assert [(r.id, r.verdict) for r in again.claims] == [(r.id, r.verdict) for r in record.claims]
    rows = claim_history(out / "history.sqlite", "daniely2023/equation-2")
    assert rows[-1]["verdict"] == "VIOLATED" and rows[-1]["run_id"] == record.run_id


def test_diff_of_two_seeds_is_noise_only(fixed):
    _, record = fixed
    other = _fixed_run(1)
    d = diff_runs(record, other)
    assert not d.verdict_changes and not d.beyond_noise and not d.new and not d.removed, d.as_dict()
    assert not d.significant


def test_diff_reports_verdict_changes_new_removed_and_real_margin_changes(fixed):
    _, record = fixed
    changed = RunRecord.from_json(json.loads(json.dumps(record.to_json())))
    changed.run_id = "changed"
    changed.claims[0].verdict = Verdict.INCONCLUSIVE
    removed = changed.claims.pop()
    changed.claims.append(Result("zhang2017/equation-7", Verdict.HOLDS, ["HOLDS"], {}, 0.0, removed.backend, "x"))
    same_point = next(r for r in changed.claims if r.evidence.get("tightest_point") is not None)
    same_point.evidence["tightest_margin"] = float(same_point.evidence["tightest_margin"]) - 0.5
    d = diff_runs(record, changed)
    assert [(c.id, c.before, c.after) for c in d.verdict_changes] == [(record.claims[0].id, record.claims[0]
                                                                       .verdict.value, "INCONCLUSIVE")]
    assert d.new == ["zhang2017/equation-7"] and d.removed == [removed.id]
    assert [c.id for c in d.beyond_noise] == [same_point.id]


def test_cli_diff_history_and_bad_databases(fixed, tmp_path, capsys):
    out, record = fixed
    db = str(out / "history.sqlite")
    assert main(["diff", str(out), record.run_id, "--history", db]) == 0
    assert "no verdict changes and nothing beyond noise" in capsys.readouterr().out
    assert main(["history", "daniely2023/equation-2", "--history", db]) == 0
    assert record.run_id in capsys.readouterr().out
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"this is not a database" * 100)
    for argv in (["history", "daniely2023/equation-2", "--history", str(corrupt)],
                 ["diff", "some-run", "other-run", "--history", str(corrupt)],
                 ["history", "daniely2023/equation-2", "--history", str(tmp_path / "missing.sqlite")],
                 ["history", "nobody/claim", "--history", db]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("claims: error:") and "\n" not in err and "Traceback" not in err
    with pytest.raises(HistoryError):
        append(corrupt, record)


def test_run_survives_a_corrupt_history_database(tmp_path, capsys):
    out = tmp_path / "rep"
    out.mkdir()
    (out / "history.sqlite").write_bytes(b"garbage" * 200)
    status = main(["run", "--paper", "daniely2023", "--kind", "symbolic", "--budget", "smoke", "--out", str(out),
                   "--quiet", "--no-plots"])
    assert status in (0, 1)
    assert "warning" in capsys.readouterr().err
    record = read_results(out)  # the run was written before the database was touched
    assert record.claims and any(e["event"] == "history-failed" for e in read_events(out / "events.jsonl"))
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(out / "history.sqlite").execute("SELECT * FROM runs").fetchall()


# --- a real browser -------------------------------------------------------------------------------------

def _chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome", "chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _browser(*args: str) -> subprocess.CompletedProcess:
    exe = _chromium()
    return subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--disable-dev-shm-usage", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(_chromium() is None, reason="no Chromium on this machine (.ci/run installs Debian's `chromium` "
                    "package when it can; here it could not be installed)")
def test_real_browser_renders_violated_bounds_and_filters_work(fixed):
    out, record = fixed
    page = (out / "index.html").resolve().as_uri()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report-screenshot.png"
    proc = _browser("--window-size=1400,1800", f"--screenshot={shot}", page)
    assert shot.exists() and shot.stat().st_size > 20_000, proc.stderr[-2000:]
    # the DOM after the page's scripts ran: unfiltered, then filtered through the query string
    dom = _browser("--dump-dom", page).stdout
    n = len(record.claims)
    assert f'data-shown="{n}"' in dom
    assert 'id="violated-table"' in dom and dom.count('class="violated-row"') == sum(
        r.verdict == Verdict.VIOLATED for r in record.claims)
    for verdict in ("VIOLATED", "HOLDS"):
        dom = _browser("--dump-dom", page + f"?verdict={verdict}").stdout
        expected = sum(r.verdict.value == verdict for r in record.claims)
        assert f'data-shown="{expected}"' in dom, verdict
        rows = re.findall(r'<tr class="claim[^"]*" id="([^"]+)" data-verdict="(\w+)"[^>]*?(style="display: none;")?>',
                          dom)
        assert len(rows) == n
        for _, v, hidden in rows:
            assert bool(hidden) == (v != verdict)
    dom = _browser("--dump-dom", page + "?kind=rate").stdout
    assert f'data-shown="{sum(r.kind == "rate" for r in record.claims)}"' in dom
    filtered = ARTIFACTS / "report-screenshot-violated-only.png"
    _browser("--window-size=1400,1000", f"--screenshot={filtered}", page + "?verdict=VIOLATED")
    assert filtered.exists()
