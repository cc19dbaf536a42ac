"""Imported by the forkserver of a supervised run (inside a Dask worker): load the registry once there, so
that every worker forked from the server starts with every claim module, torch and matplotlib imported."""

import claims
from checks.report.plots import _pyplot

claims.all_claims()
_pyplot()
