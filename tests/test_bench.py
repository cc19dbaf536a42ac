"""``claims bench``: the record it writes, its statistics, and its clear errors."""

from __future__ import annotations

import json

import pytest
import torch

from checks import backend as backend_mod
from checks.bench import BenchReport, BenchRow, bench_claim, format_table
from checks.cli import main
from checks.domain import Domain, Float
from checks.model import Claim, Kind, Mutant
from checks.specs import PointwiseSpec

_MUT = (Mutant("noop", {}, "placeholder"),)


def _claim(fast_offset: float = 0.0) -> Claim:
    spec = PointwiseSpec(
        Domain((Float("x", 0.0, 2.0),)), "<=",
        lambda p, c, ctx: (ctx.mpf(p["x"]) ** 2, ctx.mpf(p["x"]) ** 2 + 1),
        lambda b, c, *, device, dtype: (b.tensor("x", device=device, dtype=dtype) ** 2 + fast_offset,
                                        b.tensor("x", device=device, dtype=dtype) ** 2 + 1))
    return Claim(id="bench/square", label="b", section="0", statement="x² ≤ x² + 1", kind=Kind.INEQUALITY,
                 spec=spec, establishes="test", mutants=_MUT)


def test_bench_row_measures_throughput_and_agreement():
    row = bench_claim(_claim(), batch=256, reference_points=4, repeat=2, device="cpu", dtype=torch.float64)
    assert row.error == "" and row.fast_points_per_s > 0 and row.reference_points_per_s > 0
    assert row.speedup == pytest.approx(row.fast_points_per_s / row.reference_points_per_s)
    assert row.agrees and row.max_rel_diff <= row.tolerance and row.reference_points == 4


def test_bench_flags_a_fast_path_that_disagrees():
    row = bench_claim(_claim(fast_offset=1e-6), batch=64, reference_points=4, repeat=1, device="cpu",
                      dtype=torch.float64)
    assert row.agrees is False and row.max_rel_diff_lhs > 1e-8 and row.max_rel_diff_rhs < 1e-15


def test_summary_median_and_p10():
    rows = [BenchRow(id=f"p/{i}", kind="identity", batch=1, speedup=float(s)) for i, s in enumerate(range(1, 11))]
    rows[0].note = "sequential quadrature"
    report = BenchReport(rows=rows, batch=1, backend="torch-cpu", dtype="float64")
    s = report.summary()
    assert s["median_speedup"] == 5.5 and s["p10_speedup"] == pytest.approx(1.9)
    assert len(s["below_floor"]) == 10 and "p/0" not in s["below_floor_without_note"]
    assert "sequential quadrature" in format_table(report)


def test_cli_bench_json_has_the_documented_fields(capsys):
    status = main(["bench", "--id", "daniely2023/lemma-2.16", "--id", "daniely2023/section-1.1-erf-activation",
                   "--batch", "128", "--reference-points", "2", "--repeat", "1", "--format", "json", "--quiet"])
    assert status == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["daniely2023/lemma-2.16", "daniely2023/section-1.1-erf-activation"]
    for r in rows:
        assert {"id", "kind", "batch", "fast_points_per_s", "reference_points_per_s", "speedup",
                "max_rel_diff"} <= set(r)
        assert r["batch"] == 128 and r["speedup"] > 0 and r["agrees"] and not r["error"]


@pytest.mark.parametrize("args, message", [
    (["--id", "nope/lemma-1"], "nope/lemma-1"),
    (["--backend", "reference"], "torch fast path"),
    (["--batch", "0"], "at least 1"),
    (["--kind", "experiment"], "no claim with a fast path"),
])
def test_cli_bench_bad_input_is_one_line(capsys, args, message):
    assert main(["bench", "--paper", "daniely2023", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_bench_cuda_absent_is_a_clear_error(capsys):
    if backend_mod.parse("torch-cuda").available() is None:
        pytest.skip("a CUDA device is present")
    assert main(["bench", "--paper", "daniely2023", "--backend", "torch-cuda"]) == 2
    assert "unavailable" in capsys.readouterr().err
