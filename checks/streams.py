"""Seeded random streams, one per row, drawn for many rows at once.

A domain's sampler (``Domain.derive`` / ``derive_batch``) turns a drawn ``seed`` parameter into a configuration.
With one ``numpy.random.Generator`` per row, a batch of 25,000 rows spends most of its time constructing
generators and making small draws row by row. ``Streams`` is counter based instead: the k-th number of row r is
a pure function of (seed_r, k) — the splitmix64 finaliser applied to a Weyl sequence keyed by the seed — so

* a whole batch draws with a few numpy operations, and
* a row's values do not depend on which other rows share its batch, nor on their number: ``derive`` (one row)
  and ``derive_batch`` (many) can be the same code, and a point is reproducible from its own parameters alone.

Every row keeps its own counter, so rows may draw different amounts (rejection sampling draws again only for
the rows that need it: pass ``rows=``). The streams are for building test configurations, not for
cryptography or Monte Carlo estimates whose error bars rely on a vetted generator (those use numpy or torch
generators). splitmix64 passes BigCrush as a sequential generator; keyed by a mixed seed, streams of distinct
seeds are distinct segments of 2^64-periodic sequences.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["Streams"]

_GAMMA = np.uint64(0x9E3779B97F4A7C15)  # the golden-ratio Weyl increment of splitmix64
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)
_SALT = np.uint64(0x5851F42D4C957F2D)
_TWO_53 = 2.0**-53


def _mix(z: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser (a bijection of uint64 with full avalanche), elementwise; wraps modulo 2^64."""
    z = (z ^ (z >> np.uint64(30))) * _MUL1
    z = (z ^ (z >> np.uint64(27))) * _MUL2
    return z ^ (z >> np.uint64(31))


def _as_row_values(value, n_rows: int, ndim: int) -> np.ndarray | float:
    """A scalar, or per-row values shaped to broadcast against draws of shape (n_rows, *shape)."""
    if np.ndim(value) == 0:
        return float(value)
    arr = np.asarray(value, dtype=np.float64).reshape(-1)
    if len(arr) != n_rows:
        raise ValueError(f"per-row parameter has {len(arr)} values for {n_rows} rows")
    return arr.reshape((n_rows,) + (1,) * ndim)


class Streams:
    """One reproducible random stream per seed; every draw is made for a set of rows at once.

    ``Streams(seeds)`` has ``len(seeds)`` rows. Each draw method takes a per-row ``shape`` and optionally
    ``rows`` (indices; default all rows) and returns an array of shape ``(len(rows), *shape)``, advancing only
    those rows' counters. Row r's values depend only on ``seeds[r]`` and on the shapes drawn for row r before,
    never on the other rows: ``Streams([s]).normal((3,))[0]`` equals row r's draw in any batch with seed s there
    (drawn in the same order).
    """

    def __init__(self, seeds: Sequence[int] | np.ndarray):
        raw = np.asarray(seeds).reshape(-1)
        if raw.size and not np.issubdtype(raw.dtype, np.integer):
            raise TypeError(f"seeds must be integers, got dtype {raw.dtype}")
        with np.errstate(over="ignore"):
            self._keys = _mix(raw.astype(np.int64).astype(np.uint64) ^ _SALT)
        self._counters = np.zeros(len(raw), dtype=np.uint64)

    def __len__(self) -> int:
        return len(self._keys)

    def _rows(self, rows) -> np.ndarray:
        return np.arange(len(self)) if rows is None else np.asarray(rows, dtype=np.int64).reshape(-1)

    def bits(self, shape: int | tuple[int, ...] = (), rows=None) -> np.ndarray:
        """Raw 64-bit draws, shape (len(rows), *shape)."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        idx = self._rows(rows)
        size = int(np.prod(shape, dtype=np.int64))
        with np.errstate(over="ignore"):
            counters = self._counters[idx][:, None] + np.arange(1, size + 1, dtype=np.uint64)[None, :]
            out = _mix(self._keys[idx][:, None] + counters * _GAMMA)
            self._counters[idx] += np.uint64(size)
        return out.reshape((len(idx), *shape))

    def uniform(self, low=0.0, high=1.0, shape: int | tuple[int, ...] = (), rows=None) -> np.ndarray:
        """Uniform on [low, high) (53-bit resolution); ``low``/``high`` scalars or one value per row."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        idx = self._rows(rows)
        unit = (self.bits(shape, idx) >> np.uint64(11)).astype(np.float64) * _TWO_53
        lo, hi = _as_row_values(low, len(idx), len(shape)), _as_row_values(high, len(idx), len(shape))
        return lo + (hi - lo) * unit

    def normal(self, shape: int | tuple[int, ...] = (), rows=None) -> np.ndarray:
        """Standard normal draws (Box–Muller on pairs of uniforms; the first uniform in (0, 1], so finite)."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        idx = self._rows(rows)
        size = int(np.prod(shape, dtype=np.int64))
        pairs = (size + 1) // 2
        b = self.bits((pairs, 2), idx) >> np.uint64(11)
        u1 = (b[..., 0].astype(np.float64) + 1.0) * _TWO_53
        u2 = b[..., 1].astype(np.float64) * _TWO_53
        radius = np.sqrt(-2.0 * np.log(u1))
        angle = 2.0 * np.pi * u2
        z = np.stack([radius * np.cos(angle), radius * np.sin(angle)], -1).reshape(len(idx), 2 * pairs)
        return z[:, :size].reshape((len(idx), *shape))

    def integers(self, low: int, high: int, shape: int | tuple[int, ...] = (), rows=None) -> np.ndarray:
        """Integers uniform on {low, …, high − 1} (bias below 2^-40 for ranges below 2^13)."""
        if high <= low:
            raise ValueError(f"empty integer range [{low}, {high})")
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        top = self.bits(shape, rows) >> np.uint64(11)
        return low + (top % np.uint64(high - low)).astype(np.int64)

    def signs(self, shape: int | tuple[int, ...] = (), rows=None) -> np.ndarray:
        """±1.0 with probability 1/2 each."""
        return np.where(self.bits(shape, rows) >> np.uint64(63), 1.0, -1.0)

    def permutations(self, n: int, rows=None) -> np.ndarray:
        """A uniformly random permutation of range(n) per row, shape (len(rows), n) (argsort of uniforms)."""
        return np.argsort(self.bits((n,), rows), axis=-1, kind="stable")

    def unit_vectors(self, shape: int | tuple[int, ...], rows=None) -> np.ndarray:
        """Points uniform on the unit sphere of the last axis of ``shape`` (normalised normal draws)."""
        x = self.normal(shape, rows)
        return x / np.linalg.norm(x, axis=-1, keepdims=True)
