"""Torch fast-path kernels (batched, CPU or CUDA, float32/float64). Never calls the reference.

The names and structure mirror ``reference/`` so a reader sees one formula in two arithmetics; the code
is written independently (e.g. quadrature nodes come from numpy, not from the mpmath reference).
"""
from . import activations, gaussian, hermite, networks  # noqa: F401,E402
