"""Daniely, Srebro, Vardi (2023), "Most Neural Networks Are Almost Learnable" (seed 004).

Each submodule covers one part of the paper and exports ``CLAIMS``; this package concatenates them.
Ids are the catalogue's ``### `` headings (plus ``[reading]`` variants).
"""

from __future__ import annotations

from . import activations, hermite, layers, networks, shadow

CLAIMS = (*hermite.CLAIMS, *activations.CLAIMS, *shadow.CLAIMS, *layers.CLAIMS, *networks.CLAIMS)
