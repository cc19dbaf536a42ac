"""checks.streams: a row's draws depend on its seed and its own draw history only, and have the right laws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from checks.streams import Streams

#: Significance of each distribution test below (fixed seeds, so a pass is reproducible; at 1e-6 a correct
#: generator fails one of these six tests with probability ~6e-6).
ALPHA = 1e-6


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 2**62), min_size=1, max_size=12, unique=True), st.data())
def test_a_row_is_the_same_alone_and_in_any_batch(seeds, data):
    """Draw the same sequence of shapes for the batch and for each seed alone; a middle draw only for a
    subset of rows (rejection sampling) shifts those rows' later draws, not the others'."""
    subset = data.draw(st.lists(st.integers(0, len(seeds) - 1), unique=True))
    batch = Streams(seeds)
    first = batch.normal((2, 3))
    middle = batch.uniform(-1.0, 2.0, (4,), rows=subset)
    last = batch.integers(0, 7, (5,))
    for r, seed in enumerate(seeds):
        alone = Streams([seed])
        np.testing.assert_array_equal(alone.normal((2, 3))[0], first[r])
        if r in subset:
            np.testing.assert_array_equal(alone.uniform(-1.0, 2.0, (4,))[0], middle[subset.index(r)])
        np.testing.assert_array_equal(alone.integers(0, 7, (5,))[0], last[r])


def test_distinct_seeds_give_distinct_streams():
    draws = Streams(np.arange(1000)).bits((4,))
    assert len({tuple(row) for row in draws.tolist()}) == 1000


def test_laws():
    n = 200_000
    assert stats.kstest(Streams(np.arange(n)).normal(()).ravel(), "norm").pvalue > ALPHA
    assert stats.kstest(Streams([7]).normal((n,)).ravel(), "norm").pvalue > ALPHA
    assert stats.kstest(Streams(np.arange(n)).uniform().ravel(), "uniform").pvalue > ALPHA
    counts = np.bincount(Streams([3]).integers(0, 6, (n,)).ravel(), minlength=6)
    assert stats.chisquare(counts).pvalue > ALPHA
    signs = Streams(np.arange(n)).signs()
    assert stats.binomtest(int((signs > 0).sum()), n).pvalue > ALPHA
    # neighbouring seeds are uncorrelated (the keys are mixed, not consecutive)
    z = Streams(np.arange(n)).normal(())
    assert stats.pearsonr(z[:-1], z[1:]).pvalue > ALPHA


def test_uniform_per_row_bounds_and_shapes():
    s = Streams([1, 2, 3])
    x = s.uniform(np.array([0.0, 10.0, -5.0]), np.array([1.0, 11.0, -4.0]), (50,))
    assert x.shape == (3, 50)
    assert (x[0] >= 0).all() and (x[0] < 1).all() and (x[1] >= 10).all() and (x[2] < -4).all()
    u = s.unit_vectors((4, 3), rows=[0, 2])
    assert u.shape == (2, 4, 3)
    # a normalised vector's norm is 1 to the rounding of one division and one norm: two ulps of 1 (4.4e-16)
    np.testing.assert_allclose(np.linalg.norm(u, axis=-1), 1.0, rtol=2 * np.finfo(np.float64).eps)
    p = s.permutations(6)
    assert (np.sort(p, axis=1) == np.arange(6)).all()


def test_bad_input_is_a_clear_error():
    with pytest.raises(TypeError, match="integers"):
        Streams([0.5])
    with pytest.raises(ValueError, match="empty integer range"):
        Streams([1]).integers(3, 3)
    with pytest.raises(ValueError, match="per-row parameter"):
        Streams([1, 2]).uniform(np.zeros(3), 1.0)
