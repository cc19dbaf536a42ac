"""Scale-out on Dask: a 2-worker local cluster gives the verdicts and the deterministic evidence of a
``--jobs 1`` run, and a claim that kills its process is an ERROR there too (the Dask worker survives)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from checks.cli import main
from checks.testing import comparable_evidence

#: a handful of fast real claims, one per engine kind that is cheap at smoke, plus two planted ones
IDS = ["daniely2023/section-2.4-shadow-degree[exact-degree]",  # symbolic, VIOLATED (a recorded erratum)
       "zhang2017/theorem-5.1[proof-step-final-bound]",  # symbolic, PROVED
       "daniely2023/lemma-2.2",  # inequality: a hypothesis search
       "zhang2017/theorem-B.4",  # probabilistic: Monte Carlo draws from the seed
       "zhang2017/table-1-sign[rotation-invariance]",  # invariance
       "faultpaper/identity", "faultpaper/segfault", "faultpaper/exit3"]

_DASK_RUN = """
import json, sys
import claims
from checks.backend import Backend
from checks.budget import get
from checks.runner import run
record = run([claims.get(i) for i in sys.argv[1].split(",")], budget=get("smoke"), backend=Backend("torch-cpu"),
             seed=5, dask="local:2", timeout=120)
print(json.dumps(record.to_json()))
"""


_strip = comparable_evidence


def _differences(a, b, path="") -> list[str]:
    """Where two JSON-like values differ (paths and both values), for a readable failure."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {str(a)[:80]} != {str(b)[:80]}"]


def test_local_cluster_equals_jobs_1(fault_env, fault_registry):
    pytest.importorskip("distributed")
    from checks.backend import Backend
    from checks.budget import get
    from checks.runner import run

    proc = subprocess.run([sys.executable, "-c", _DASK_RUN, ",".join(IDS)], env=fault_env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    on_dask = json.loads(proc.stdout.strip().splitlines()[-1])
    local = run([fault_registry.get(i) for i in IDS], budget=get("smoke"), backend=Backend("torch-cpu"), seed=5,
                jobs=1, timeout=120).to_json()
    assert on_dask["environment"]["executor"] == "dask local:2"
    assert on_dask["multiple_testing"] == local["multiple_testing"]
    assert [c["id"] for c in on_dask["claims"]] == IDS
    dask_claims = {c["id"]: (c["verdict"], _strip(c["evidence"])) for c in on_dask["claims"]}
    local_claims = {c["id"]: (c["verdict"], _strip(c["evidence"])) for c in local["claims"]}
    for cid in IDS:
        assert dask_claims[cid] == local_claims[cid], (cid, _differences(dask_claims[cid], local_claims[cid]))
    # the planted crashes are isolated on Dask as locally, with their causes; the rest are as expected
    verdicts = {c["id"]: c for c in on_dask["claims"]}
    assert "SIGSEGV" in verdicts["faultpaper/segfault"]["evidence"]["error"]
    assert "status 3" in verdicts["faultpaper/exit3"]["evidence"]["error"]
    assert all(c["as_expected"] for c in on_dask["claims"]), [c["id"] for c in on_dask["claims"]
                                                              if not c["as_expected"]]


def test_dask_missing_is_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask.distributed were not installed
    assert main(["run", "--kind", "symbolic", "--dask", "local:2", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "needs dask.distributed" in err and len(err.strip().splitlines()) == 1


def test_dask_bad_local_address(capsys, tmp_path):
    pytest.importorskip("distributed")
    assert main(["run", "--kind", "symbolic", "--dask", "local:0", "--out", str(tmp_path)]) == 2
    assert "positive number of workers" in capsys.readouterr().err
