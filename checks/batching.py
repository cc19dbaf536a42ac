"""Batches of parameter points for the fast paths, and the helpers that keep fast paths free of per-point loops.

A :class:`Batch` holds N points of one claim's domain. It is built either from points (dicts, as hypothesis
draws them) or from columns (numpy arrays, as the vectorised sampler ``Domain.sample`` draws them); either way
the fast path reads whole columns:

* ``batch.tensor("rho", device=, dtype=)`` — a column as one tensor (vectors stack to shape (N, d));
* ``batch.array("d")`` — a column as a numpy array; ``batch.entries("theta")`` — a ragged column as stored
  (a :class:`Ragged` column when the sampler drew it padded: ``.padded`` and ``.shapes``, no per-row objects);
* ``batch.groups("d", "act")`` — when a column's shape or a formula's branch depends on a parameter (the
  dimension d, the activation), the sub-batches of equal values, each with the indices it came from;
* ``grouped(batch, ("d",), fn, ...)`` — evaluate ``fn`` on each group and reassemble the outputs in batch
  order (the one place a fast path loops: over *groups*, never over points).

``batch.points`` (a list of dicts) is materialised only on demand; a fast path that needs it is a per-point
fast path, which ``claims bench`` shows for what it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np


class BatchShapeError(ValueError):
    """A column whose entries do not have one common shape was asked for as one array (group it first)."""


def _python(value: Any) -> Any:
    """numpy scalars and arrays as plain Python values (what a point dict holds)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def entry_mask(shapes: np.ndarray, extents: tuple[int, ...]) -> np.ndarray:
    """(N, *extents) booleans: True where an element lies inside its row's entry shape ``shapes[i]`` (each entry at
    the start of every axis). Assigning entries laid end to end through it (``out[mask] = flat``) fills them in
    place: boolean indexing walks the mask in C order, the order of the concatenated row-major entries."""
    n = len(shapes)
    mask = np.ones((n,) + (1,) * len(extents), dtype=bool)
    for axis, extent in enumerate(extents):
        shape = [n] + [1] * len(extents)
        shape[axis + 1] = extent
        mask = mask & (np.arange(extent) < shapes[:, axis:axis + 1]).reshape(shape)
    return mask


class Ragged(Sequence):
    """A column of arrays of different shapes (configurations (k_i, d_i), vectors of length n_i, …) stored as one
    zero-padded array: entry i is ``padded[i, :shapes[i, 0], :shapes[i, 1], …]``, and every element outside an
    entry is 0 (the constructor enforces it).

    Samplers that draw every row at one padded shape hand their draws over in this form, so that nothing is
    made per row: a fast path reads ``padded`` directly (zero coordinates and zero-weight slots are exact for
    inner products, norms and weighted sums), ``flat()`` gives the entries laid end to end, and the float
    projections of ``checks.exact`` act on the whole array. As a sequence it behaves like the list of its
    entries (read-only numpy views), so code written for lists keeps working."""

    __slots__ = ("padded", "shapes")

    def __init__(self, padded: np.ndarray, shapes: np.ndarray):
        padded = np.asarray(padded)
        shapes = np.asarray(shapes, dtype=np.int64)
        if shapes.ndim != 2 or shapes.shape != (len(padded), padded.ndim - 1):
            raise ValueError(f"Ragged: shapes must be (N, {padded.ndim - 1}) for a padded array of shape "
                             f"{padded.shape}, got {shapes.shape}")
        if len(shapes) and (shapes.min() < 0 or np.any(shapes > np.asarray(padded.shape[1:]))):
            raise ValueError(f"Ragged: entry shapes must lie within the padded extents {padded.shape[1:]}")
        self.shapes = shapes
        self.padded = np.where(entry_mask(shapes, padded.shape[1:]), padded, np.zeros((), dtype=padded.dtype))
        self.padded.flags.writeable = False

    @classmethod
    def _of(cls, padded: np.ndarray, shapes: np.ndarray) -> Ragged:
        """Wrap arrays already known to satisfy the invariants (a row selection of a Ragged)."""
        out = cls.__new__(cls)
        out.padded, out.shapes = padded, shapes
        return out

    @property
    def extents(self) -> tuple[int, ...]:
        return tuple(self.padded.shape[1:])

    def mask(self) -> np.ndarray:
        """Boolean array of ``padded``'s shape: True on the entries' elements."""
        return entry_mask(self.shapes, self.padded.shape[1:])

    def flat(self) -> np.ndarray:
        """The entries' elements, entry after entry, each in C order (what concatenating the rows gives)."""
        return self.padded[self.mask()]

    def with_padded(self, padded: np.ndarray) -> Ragged:
        """The same entry shapes with new values (e.g. a row-wise map of ``padded`` that keeps zeros neutral)."""
        return Ragged(padded, self.shapes)

    def stacked(self) -> np.ndarray:
        """The entries as one array (N, *shape); raises :class:`BatchShapeError` unless they share a shape."""
        if not len(self.shapes):
            return self.padded[(slice(None), *(slice(0, 0) for _ in self.extents))]
        first = self.shapes[0]
        if np.any(self.shapes != first):
            raise BatchShapeError("a ragged column has entries of different shapes; group the batch by the "
                                  "parameter that sets them (Batch.groups)")
        return self.padded[(slice(None), *(slice(0, int(s)) for s in first))]

    def __len__(self) -> int:
        return len(self.shapes)

    def __getitem__(self, index):
        if isinstance(index, int | np.integer):
            return self.padded[(int(index), *(slice(0, int(s)) for s in self.shapes[index]))]
        return Ragged._of(self.padded[index], self.shapes[index])

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        return f"Ragged({len(self)} entries padded to {self.extents})"


def ragged_columns(size: int, parts: Mapping[str, Sequence[tuple[np.ndarray, np.ndarray]]]) -> dict[str, Any]:
    """Columns of ``size`` rows assembled from per-group draws: ``parts[name]`` lists (row indices, values with
    leading axis len(indices)), each group's entries of one shape. A column whose groups cover every row once
    becomes one numpy array when all its entries share a shape, else a :class:`Ragged` padded to the largest
    extents; a column some rows lack is a list with None there."""
    out: dict[str, Any] = {}
    for name, groups in parts.items():
        covered = np.zeros(size, dtype=np.int64)
        for rows, _ in groups:
            covered[rows] += 1
        shapes = {np.shape(values)[1:] for _, values in groups}
        if not np.all(covered == 1) or len({len(s) for s in shapes}) != 1:
            column: list[Any] = [None] * size
            for rows, values in groups:
                for j, row in enumerate(np.asarray(rows).tolist()):
                    column[row] = values[j]
            out[name] = column
            continue
        dtype = np.result_type(*(np.asarray(values).dtype for _, values in groups))
        if len(shapes) == 1:
            full = np.empty((size, *shapes.pop()), dtype=dtype)
            for rows, values in groups:
                full[rows] = values
            out[name] = full
            continue
        extents = tuple(int(max(s[axis] for s in shapes)) for axis in range(len(next(iter(shapes)))))
        padded = np.zeros((size, *extents), dtype=dtype)
        entry_shapes = np.zeros((size, len(extents)), dtype=np.int64)
        for rows, values in groups:
            values = np.asarray(values)
            padded[(np.asarray(rows), *(slice(0, e) for e in values.shape[1:]))] = values
            entry_shapes[rows] = values.shape[1:]
        out[name] = Ragged._of(padded, entry_shapes)  # zero outside the entries by construction
    return out


class Batch:
    """N parameter points of a domain, with column access. Construct from ``points`` (a sequence of dicts) or
    with :meth:`from_columns`. Columns are read-only views: a fast path must not modify them."""

    def __init__(self, points: Sequence[Mapping[str, Any]] | None = None):
        self._points: list[dict[str, Any]] | None = [dict(p) for p in (points or ())]
        self._columns: dict[str, Any] = {}
        self._size = len(self._points)

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any], size: int) -> Batch:
        """A batch from columns: each value is a numpy array with leading axis ``size`` or a list of ``size``
        entries (e.g. vectors of different lengths)."""
        batch = cls.__new__(cls)
        batch._points = None
        batch._size = int(size)
        batch._columns = {}
        for name, col in columns.items():
            if len(col) != size:
                raise ValueError(f"column {name!r} has {len(col)} entries, expected {size}")
            batch._columns[name] = col
        return batch

    def __len__(self) -> int:
        return self._size

    @property
    def names(self) -> tuple[str, ...]:
        if self._points is not None:
            return tuple(self._points[0]) if self._points else ()
        return tuple(self._columns)

    @property
    def points(self) -> list[dict[str, Any]]:
        """The points as dicts of plain Python values (materialised once, on demand)."""
        if self._points is None:
            cols = {name: (col.tolist() if isinstance(col, np.ndarray) else [_python(v) for v in col])
                    for name, col in self._columns.items()}
            self._points = [dict(zip(cols, row, strict=True)) for row in zip(*cols.values(), strict=True)] \
                if cols else [{} for _ in range(self._size)]
        return self._points

    def point(self, i: int) -> dict[str, Any]:
        """Point ``i`` as a dict, without materialising the others."""
        if self._points is not None:
            return dict(self._points[i])
        return {name: _python(col[i]) for name, col in self._columns.items()}

    def column(self, name: str) -> list[Any]:
        """A column as a list of plain values (vectors as lists)."""
        if name in self._columns:
            col = self._columns[name]
            return col.tolist() if isinstance(col, np.ndarray) else [_python(v) for v in col]
        return [p[name] for p in self.points]

    def entries(self, name: str) -> Sequence[Any]:
        """A column as stored, without conversion: a numpy array (leading axis N), or a list of N entries that
        may be numpy arrays of different shapes (sampled ragged columns) or Python lists (points). The cheap way
        for a fast path to pack a ragged column itself (e.g. ``np.concatenate`` of the rows)."""
        if name in self._columns:
            return self._columns[name]
        return [p[name] for p in self.points]

    def array(self, name: str, dtype: Any = None) -> np.ndarray:
        """A column as one numpy array (leading axis N); raises :class:`BatchShapeError` when its entries have
        different shapes (use :meth:`groups` on the parameter that sets the shape)."""
        if name not in self._columns:
            try:
                self._columns[name] = np.asarray([p[name] for p in self.points], dtype=dtype)
            except ValueError as exc:  # ragged nested lists
                raise BatchShapeError(f"column {name!r} has entries of different shapes; group the batch by "
                                      "the parameter that sets them (Batch.groups)") from exc
        col = self._columns[name]
        if isinstance(col, Ragged):
            col = self._columns[name] = col.stacked()
        if not isinstance(col, np.ndarray) or col.dtype == object:
            try:
                col = np.stack([np.asarray(v) for v in col]) if len(col) else np.asarray(col)
            except ValueError as exc:
                raise BatchShapeError(f"column {name!r} has entries of different shapes; group the batch by "
                                      "the parameter that sets them (Batch.groups)") from exc
            self._columns[name] = col
        return col if dtype is None else col.astype(dtype, copy=False)

    def tensor(self, name: str, *, device: Any, dtype: Any):
        """A column as one tensor on ``device`` in ``dtype`` (vectors stack to (N, d), matrices to (N, k, d))."""
        import torch

        col = self.array(name)
        if col.dtype.kind not in "biuf":  # e.g. Python objects that numpy could not type
            return torch.tensor(col.tolist(), device=device, dtype=dtype)
        return torch.as_tensor(col, device=device).to(dtype)

    def take(self, index: Sequence[int] | np.ndarray) -> Batch:
        """The sub-batch of the given positions (in that order)."""
        index = np.asarray(index, dtype=np.int64)
        if self._points is not None and not self._columns:
            return Batch([self._points[i] for i in index])
        cols: dict[str, Any] = {}
        for name in self.names:
            col = self._columns.get(name)
            if col is None:
                col = [p[name] for p in self.points]
            cols[name] = col[index] if isinstance(col, np.ndarray | Ragged) else [col[i] for i in index]
        return Batch.from_columns(cols, len(index))

    def groups(self, *names: str) -> Iterator[tuple[np.ndarray, Batch]]:
        """(indices, sub-batch) for every combination of values of ``names`` present, in order of first
        appearance; within a group the points keep their order."""
        if not names:
            yield np.arange(len(self), dtype=np.int64), self
            return
        cols = [self.entries(n) for n in names]
        if all(isinstance(c, np.ndarray) and c.ndim == 1 and c.dtype.kind in "biuf" for c in cols):
            # numeric scalar columns (the usual case: d, k, degree): grouped at C level, in order of first appearance
            keys = np.stack([c.astype(np.float64) for c in cols], 1)
            _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
            inverse = inverse.reshape(-1)
            order = np.argsort(first, kind="stable")
            indices = [np.flatnonzero(inverse == g) for g in order]
        else:
            found: dict[tuple, list[int]] = {}
            for i, key in enumerate(zip(*cols, strict=True)):
                found.setdefault(tuple(_hashable(_python(k)) for k in key), []).append(i)
            indices = [np.asarray(idx, dtype=np.int64) for idx in found.values()]
        for index in indices:
            yield index, (self if len(index) == len(self) else self.take(index))




def row_groups(*keys: np.ndarray) -> list[np.ndarray]:
    """Row indices grouped by equal values of the numeric columns ``keys`` (e.g. the shapes a sampler draws at),
    one ascending index array per distinct key, in key order — the columns-only counterpart of ``Batch.groups``."""
    if not len(keys[0]):
        return []
    _, inverse = np.unique(np.stack([np.asarray(k) for k in keys], 1), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    return [np.flatnonzero(inverse == g) for g in range(int(inverse.max()) + 1)]


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if isinstance(value, list | tuple) else value


def assemble(size: int, parts: Iterable[tuple[np.ndarray, Any]], *, device: Any, dtype: Any) -> Any:
    """Put per-group outputs back in batch order: ``parts`` yields (row indices, output), the output a tensor of
    len(indices) entries or a tuple of them; Python numbers and 0-d tensors are broadcast over their group."""
    import torch

    outputs: list[torch.Tensor] | None = None
    single = False
    for index, out in parts:
        if not isinstance(out, tuple | list):
            out, single = (out,), True
        if outputs is None:
            outputs = [torch.empty(size, device=device, dtype=dtype) for _ in out]
        where = torch.as_tensor(index, device=device)
        for target, value in zip(outputs, out, strict=True):
            value = torch.as_tensor(value, device=device, dtype=dtype)
            target[where] = value.expand(len(index)) if value.dim() == 0 else value.reshape(len(index))
    if outputs is None:
        return torch.empty(0, device=device, dtype=dtype)
    return outputs[0] if single else tuple(outputs)


def grouped(batch: Batch, names: Sequence[str], fn: Callable[[Batch], Sequence[Any] | Any], *,
            device: Any, dtype: Any) -> Any:
    """Evaluate ``fn(sub_batch)`` on each group of equal ``names`` values and reassemble its outputs (a tensor
    of shape (len(sub_batch),) or a tuple of them) in the batch's order (``assemble``)."""
    return assemble(len(batch), ((index, fn(sub)) for index, sub in batch.groups(*names)), device=device,
                    dtype=dtype)


def derive_from_batch(derive_batch: Callable[[dict[str, np.ndarray]], Mapping[str, Any]]
                      ) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A ``Domain.derive`` that is ``derive_batch`` on a one-row batch (values as plain Python, as a point
    holds them). With a sampler whose rows do not depend on their batch (``checks.streams.Streams``), the
    point-by-point and the batched draws are then one piece of code, equal by construction."""

    def derive(point: Mapping[str, Any]) -> dict[str, Any]:
        columns = {name: np.asarray([value]) if np.ndim(value) == 0 else [value] for name, value in point.items()}
        return {name: _python(values[0]) for name, values in derive_batch(columns).items()}

    derive.__doc__ = f"One row of {getattr(derive_batch, '__qualname__', 'derive_batch')}."
    return derive
