"""Zhang, Panigrahy, Sachdeva (2017), "Electron-Proton Dynamics in Deep Learning" (seed 003).

Each submodule covers one part of the paper and exports ``CLAIMS``; this package concatenates them.
Ids are the catalogue's ``### `` headings (plus ``[reading]`` variants).
"""

from __future__ import annotations

from . import experiments, finite, landscape, losses, polynomial, potentials, sphere

CLAIMS = (*potentials.CLAIMS, *losses.CLAIMS, *landscape.CLAIMS, *sphere.CLAIMS, *polynomial.CLAIMS,
          *experiments.CLAIMS, *finite.CLAIMS)
