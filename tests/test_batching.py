"""Batches, the vectorised sampler, and the pointwise engine's bulk search (issue 9)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

import claims
from checks.backend import Backend
from checks.batching import Batch, BatchShapeError, Ragged, grouped
from checks.budget import BUDGETS
from checks.domain import Choice, Domain, Float, Int
from checks.engine import CheckContext, run_check
from checks.exact import InnerProductPair, Orthogonal, UnitVector, float_round_trip, raw_key, round_trip
from checks.model import Claim, Kind, Mutant, Verdict
from checks.specs import PointwiseSpec, SymbolicSpec
from checks.testing import check, derive_batch_mismatches

_MUT = (Mutant("noop", {}, "placeholder (the planted claims are themselves the mutants)"),)


def test_batch_from_points_and_from_columns_agree():
    pts = [{"d": 2, "x": [1.0, 2.0], "a": "relu"}, {"d": 2, "x": [3.0, 4.0], "a": "tanh"}]
    a = Batch(pts)
    b = Batch.from_columns({"d": np.array([2, 2]), "x": np.array([[1.0, 2.0], [3.0, 4.0]]),
                            "a": ["relu", "tanh"]}, 2)
    assert a.points == b.points == pts
    assert b.point(1) == pts[1] and isinstance(b.point(1)["d"], int)
    for batch in (a, b):
        t = batch.tensor("x", device="cpu", dtype=torch.float64)
        assert t.shape == (2, 2) and t.dtype == torch.float64 and float(t[1, 0]) == 3.0
        assert batch.column("a") == ["relu", "tanh"]


def test_ragged_columns_need_grouping():
    batch = Batch([{"d": 2, "x": [1.0, 2.0]}, {"d": 3, "x": [1.0, 2.0, 3.0]}, {"d": 2, "x": [5.0, 6.0]}])
    with pytest.raises(BatchShapeError, match="group"):
        batch.tensor("x", device="cpu", dtype=torch.float64)
    groups = list(batch.groups("d"))
    assert [idx.tolist() for idx, _ in groups] == [[0, 2], [1]]
    assert groups[0][1].tensor("x", device="cpu", dtype=torch.float64).shape == (2, 2)


def test_grouped_reassembles_outputs_in_batch_order():
    batch = Batch([{"d": d, "x": [float(d)] * d} for d in (3, 2, 3, 4, 2)])

    def norms(sub):
        x = sub.tensor("x", device="cpu", dtype=torch.float64)
        return x.square().sum(-1), torch.tensor(0.5)  # a per-point output and a broadcast scalar

    lhs, half = grouped(batch, ("d",), norms, device="cpu", dtype=torch.float64)
    assert lhs.tolist() == [27.0, 8.0, 27.0, 64.0, 8.0]
    assert half.tolist() == [0.5] * 5


def test_sample_is_reproducible_in_bounds_and_hits_edges():
    dom = Domain((Int("n", 0, 9, examples=(3,)), Float("x", -2.0, 5.0), Float("s", 1e-6, 1e3, log_scale=True),
                  Choice("act", ("a", "b"))))
    one, two = dom.sample(np.random.default_rng(7), 4096), dom.sample(np.random.default_rng(7), 4096)
    assert one.points == two.points
    n, x, s = one.array("n"), one.array("x"), one.array("s")
    assert n.min() == 0 and n.max() == 9 and (-2.0 <= x).all() and (x <= 5.0).all()
    assert (x == -2.0).any() and (x == 5.0).any()  # the edges are always in the bulk
    assert (s >= 1e-6).all() and (s <= 1e3).all() and np.median(np.log10(s)) < 0  # log-uniform
    assert set(one.column("act")) == {"a", "b"}


def _pair(point):
    rng = np.random.default_rng(point["seed"])
    return {"theta": rng.standard_normal(point["d"]).tolist(), "w": rng.standard_normal(point["d"]).tolist()}


def test_float_round_trip_is_within_rounding_of_the_exact_round_trip():
    constraints = (InnerProductPair("theta", "w", "rho"),)
    rng = np.random.default_rng(1)
    for _ in range(20):
        point = {"d": 4, "rho": float(rng.uniform(-1, 1)), "seed": int(rng.integers(1000))}
        point.update(_pair(point))
        exact = round_trip(dict(point), constraints)
        cols = {k: [v] for k, v in point.items()}
        fl = float_round_trip(cols, constraints, 1)
        assert fl[raw_key("theta")][0] == point["theta"]  # the raw value is kept for the reference
        for name in ("theta", "w"):
            assert np.allclose(np.asarray(fl[name][0]), exact[name], rtol=0, atol=8e-16)
    q = np.random.default_rng(2).standard_normal((5, 3, 3))
    polar = float_round_trip({"q": q}, (Orthogonal("q"),), 5)["q"]
    assert np.allclose(np.einsum("bij,bkj->bik", polar, polar), np.eye(3), atol=1e-14)
    unit = float_round_trip({"v": q[:, 0, :]}, (UnitVector("v", radius=2.0),), 5)["v"]
    assert np.allclose(np.linalg.norm(unit, axis=-1), 2.0, atol=1e-15)


def _planted(needle_lo: float, fill_only: bool = False) -> Claim:
    """x·(1 − [x > needle_lo]·2) >= -0 on [0, 1] — false only on (needle_lo, 1], a narrow strip."""

    def ref(p, c, ctx):
        x = ctx.mpf(p["x"])
        return (x if x <= needle_lo else -x, ctx.mpf(0))

    def fast(b, c, *, device, dtype):
        x = b.tensor("x", device=device, dtype=dtype)
        return torch.where(x <= needle_lo, x, -x), torch.zeros_like(x)

    spec = PointwiseSpec(Domain((Float("x", 0.0, 1.0), Int("k", 0, 1000))), ">=", ref, fast)
    return Claim(id="planted/needle", label="planted", section="0", statement="needle", kind=Kind.INEQUALITY,
                 spec=spec, establishes="test", mutants=_MUT)


def test_bulk_search_counts_points_and_finds_a_narrow_violation():
    r = check(_planted(0.9995), budget="default")
    assert r.verdict == Verdict.VIOLATED
    assert r.evidence["minimal_counterexample"]["status"] == "violated"
    x = r.evidence["minimal_counterexample"]["point"]["x"]
    assert 0.9995 < x <= 1.0
    ok = check(_planted(1.0), budget="default")
    assert ok.verdict == Verdict.HOLDS
    assert ok.evidence["points_searched"] >= 25_600
    default = BUDGETS["default"]
    assert ok.evidence["sampled_points"] == default.examples * default.fill
    assert ok.evidence["hypothesis_points"] >= default.examples


def test_a_sampled_counterexample_is_simplified_and_reproducible():
    from checks.engine.pointwise import simplify

    dom = Domain((Float("x", 0.0, 10.0), Int("k", 0, 1000)))
    point = {"x": 7.318273645, "k": 873}
    small = simplify(dom, point, lambda p: p["x"] > 5.0)
    assert small["x"] > 5.0 and small["k"] == 0 and len(repr(small["x"])) <= 4  # e.g. 7.3 or 10.0


def test_every_derive_batch_equals_derive_row_by_row():
    """The contract of Domain.derive_batch: a point the sampler drew is the point its parameters give."""
    seen = 0
    for claim in claims.all_claims():
        spec = claim.spec.numeric if isinstance(claim.spec, SymbolicSpec) else claim.spec
        domain = getattr(spec, "domain", None)
        if domain is None or domain.derive_batch is None:
            continue
        seen += 1
        problems = derive_batch_mismatches(domain)
        assert not problems, f"{claim.id}: " + "; ".join(problems[:3])
    # (the helpers' derive_batch declarations land with the vectorised fast paths)


def test_derive_batch_contract_can_fail():
    def derive(p):
        return {"y": p["x"] * 2.0}

    good = Domain((Float("x", 0.0, 1.0),), derive=derive, derive_batch=lambda c: {"y": c["x"] * 2.0})
    bad = Domain((Float("x", 0.0, 1.0),), derive=derive, derive_batch=lambda c: {"y": c["x"] * 2.0 + 1e-9})
    assert derive_batch_mismatches(good) == []
    assert derive_batch_mismatches(bad)


def test_every_pointwise_domain_samples_and_its_fast_path_takes_the_batch():
    """Domain.sample works for every registered pointwise domain and the fast path returns one value per point."""
    for claim in claims.all_claims():
        spec = claim.spec.numeric if isinstance(claim.spec, SymbolicSpec) else claim.spec
        if not isinstance(spec, PointwiseSpec):
            continue
        batch = spec.domain.sample(np.random.default_rng(3), 8)
        assert len(batch) == 8
        with torch.no_grad():
            out = spec.fast(batch, claim.constants, device="cpu", dtype=torch.float64)
        assert all(isinstance(o, torch.Tensor) and o.shape == (8,) for o in out[:2]), claim.id


def test_float_projections_of_ragged_columns_match_the_exact_round_trip():
    from checks.exact import TangentVector

    rng = np.random.default_rng(4)
    dims = [2, 3, 2, 5, 3]
    points = [{"d": d, "theta": rng.standard_normal(d).tolist(), "u": rng.standard_normal(d).tolist()} for d in dims]
    constraints = (UnitVector("theta"), TangentVector("u", "theta"))
    cols = {k: [p[k] for p in points] for k in points[0]}
    fl = float_round_trip(cols, constraints, len(points))
    for i, p in enumerate(points):
        exact = round_trip(dict(p), constraints)
        assert np.allclose(fl["theta"][i], exact["theta"], rtol=0, atol=4e-16)
        assert np.allclose(fl["u"][i], exact["u"], rtol=0, atol=4e-16)
        assert len(fl["u"][i]) == dims[i] and fl[raw_key("u")][i] == p["u"]


def test_non_finite_fast_values_past_the_reference_budget_are_not_presumed_violations():
    """A bulk of sampled points where float arithmetic overflows (NaN fast values, 20 % of the domain) while the
    statement holds: the reference examines some, the rest are counted, not presumed to be counterexamples."""

    def ref(p, c, ctx):
        return (ctx.mpf(p["x"]), ctx.mpf(p["x"]) + 1)

    def fast(b, c, *, device, dtype):
        x = b.tensor("x", device=device, dtype=dtype)
        return torch.where(x > 0.8, torch.nan, x), x + 1

    claim = Claim(id="planted/overflow", label="planted", section="0", statement="x <= x + 1", kind=Kind.INEQUALITY,
                  spec=PointwiseSpec(Domain((Float("x", 0.0, 1.0),)), "<=", ref, fast), establishes="test",
                  mutants=_MUT)
    # a reference-call budget of 4 x 2 points, far below the distinct non-finite points the search meets
    small = dataclasses.replace(BUDGETS["default"], confirm=2)
    r = run_check(claim, CheckContext(small, Backend("torch-cpu", "float64"), 0))
    assert r.verdict == Verdict.HOLDS, r.evidence.get("note")
    assert r.evidence["alarms_past_reference_budget"] > 0 and r.evidence["nonfinite_fast_values"] > 1000


def test_one_fast_call_per_example_and_drawn_counterexamples_shrink_by_hypothesis():
    """The engine evaluates each example's drawn and sampled points in one fast-path call, and a violation
    hypothesis drew is still shrunk by hypothesis (its suspects are examined before the sampler's)."""
    calls = []

    def ref(p, c, ctx):
        return ctx.mpf(p["x"]), ctx.mpf(0)

    def fast(b, c, *, device, dtype):
        calls.append(len(b))
        x = b.tensor("x", device=device, dtype=dtype)
        return x, torch.zeros_like(x)

    spec = PointwiseSpec(Domain((Float("x", 0.0, 1.0),)), ">=", ref, fast)
    holds = Claim(id="planted/ones", label="p", section="0", statement="x >= 0", kind=Kind.INEQUALITY, spec=spec,
                  establishes="test", mutants=_MUT)
    r = check(holds, budget="smoke")
    assert r.verdict == Verdict.HOLDS
    examples = r.evidence["hypothesis_examples"]
    per_example = [n for n in calls if n > r.evidence["sampled_per_example"]]
    assert len(per_example) >= examples  # drawn + sampled in one call, every example
    # x >= 0.25 fails on [0, 0.25): hypothesis draws such points and shrinks them to the simplest one, 0.0
    bad_spec = PointwiseSpec(Domain((Float("x", 0.0, 1.0),)), ">=",
                             lambda p, c, ctx: (ctx.mpf(p["x"]), ctx.mpf("0.25")),
                             lambda b, c, *, device, dtype: (b.tensor("x", device=device, dtype=dtype),
                                                             torch.full((len(b),), 0.25, dtype=dtype)))
    bad = Claim(id="planted/quarter", label="p", section="0", statement="x >= 1/4", kind=Kind.INEQUALITY,
                spec=bad_spec, establishes="test", mutants=_MUT)
    v = check(bad, budget="smoke")
    assert v.verdict == Verdict.VIOLATED
    assert v.evidence["minimal_counterexample"]["point"]["x"] == 0.0
    assert v.evidence["shrunk_by"] == "hypothesis"


# --- Ragged columns -------------------------------------------------------------------------------------



def _ragged_example(seed: int = 0, n: int = 9) -> tuple[Ragged, list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    shapes = np.stack([rng.integers(0, 4, n), rng.integers(1, 5, n)], 1)
    padded = rng.normal(size=(n, 3, 4))  # noise outside the entries: the constructor must zero it
    rows = [padded[i, :s0, :s1].copy() for i, (s0, s1) in enumerate(shapes)]
    return Ragged(padded, shapes), rows


def test_ragged_behaves_as_the_list_of_its_entries():
    """Entries, length, iteration, row selection and the flat concatenation agree with a plain list of arrays;
    everything outside an entry is zero."""
    col, rows = _ragged_example()
    assert len(col) == len(rows)
    for got, want in zip(col, rows, strict=True):
        np.testing.assert_array_equal(got, want)
    assert np.all(col.padded[~col.mask()] == 0)
    np.testing.assert_array_equal(col.flat(), np.concatenate([r.ravel() for r in rows]))
    sub = col[np.array([4, 0, 4])]
    assert isinstance(sub, Ragged)
    for got, want in zip(sub, [rows[4], rows[0], rows[4]], strict=True):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError):
        col[0][...] = 1.0  # read-only views


def test_ragged_in_a_batch():
    """Batch.take keeps a Ragged column; point() and column() give plain lists; array() stacks equal shapes and
    refuses different ones."""
    col, rows = _ragged_example()
    batch = Batch.from_columns({"x": col, "i": np.arange(len(rows))}, len(rows))
    taken = batch.take([2, 5])
    assert isinstance(taken.entries("x"), Ragged)
    assert taken.point(1)["x"] == rows[5].tolist()
    assert batch.column("x") == [r.tolist() for r in rows]
    with pytest.raises(BatchShapeError):
        batch.array("x")
    same = Ragged(np.ones((3, 2, 2)), np.full((3, 2), 2))
    assert Batch.from_columns({"x": same}, 3).array("x").shape == (3, 2, 2)


def test_ragged_rejects_bad_shapes():
    with pytest.raises(ValueError, match="shapes must be"):
        Ragged(np.zeros((3, 2)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="within the padded extents"):
        Ragged(np.zeros((2, 2)), np.array([[1], [3]]))


def test_float_projections_on_ragged_columns_match_the_rows():
    """The float64 projection of a unit-vector constraint (behind a Where) acts on a Ragged column in one pass:
    the same values as on the list of its entries, with the padding left at zero."""
    from checks.exact import Where

    col, rows = _ragged_example(seed=3)
    keep = np.array([i % 2 == 0 for i in range(len(rows))])
    constraint = Where(UnitVector("x"), lambda p: p["keep"], "even rows")
    as_ragged = float_round_trip({"x": col, "keep": keep}, (constraint,), len(rows))["x"]
    as_list = float_round_trip({"x": list(rows), "keep": keep}, (constraint,), len(rows))["x"]
    assert isinstance(as_ragged, Ragged)
    for got, want in zip(as_ragged, as_list, strict=True):
        np.testing.assert_allclose(got, np.asarray(want, dtype=float).reshape(got.shape), rtol=0, atol=0)
    assert np.all(as_ragged.padded[~as_ragged.mask()] == 0)


def test_ragged_columns_assembles_group_draws():
    """Per-group draws become one array (one shape), a Ragged (several shapes) or a list with None (rows not
    covered); every entry is the row's own draw."""
    from checks.batching import ragged_columns

    rng = np.random.default_rng(5)
    rows_a, rows_b = np.array([0, 3]), np.array([1, 2, 4])
    va, vb = rng.normal(size=(2, 1, 3)), rng.normal(size=(3, 2, 2))
    cols = ragged_columns(5, {"x": [(rows_a, va), (rows_b, vb)], "same": [(rows_a, va), (rows_b, va[:1].repeat(3, 0))],
                              "part": [(rows_a, va)]})
    assert isinstance(cols["x"], Ragged) and cols["x"].extents == (2, 3)
    for j, row in enumerate(rows_a):
        np.testing.assert_array_equal(cols["x"][row], va[j])
    for j, row in enumerate(rows_b):
        np.testing.assert_array_equal(cols["x"][row], vb[j])
    assert isinstance(cols["same"], np.ndarray) and cols["same"].shape == (5, 1, 3)
    assert cols["part"][1] is None and np.array_equal(cols["part"][3], va[1])


def test_pad_entries_reads_ragged_columns():
    """zhang2017's pad_entries gives the same padded array from a Ragged column as from the list of its entries,
    for zero and non-zero fill and for extents smaller than the Ragged's own."""
    from claims.zhang2017.fast._common import pad_entries

    col, rows = _ragged_example(seed=7)
    shapes = col.shapes
    extents = tuple(int(m) for m in shapes.max(0))
    for fill in (0.0, -1.5):
        from_ragged = pad_entries(Batch.from_columns({"x": col}, len(rows)), "x", shapes, extents, fill)
        from_list = pad_entries(Batch.from_columns({"x": list(rows)}, len(rows)), "x", shapes, extents, fill)
        np.testing.assert_array_equal(from_ragged, from_list)
