"""Imported by the forkserver of a supervised run (inside a Dask worker): load the registry once there, so
that every worker forked from the server starts with every claim module (and torch) already imported."""

import claims

claims.all_claims()
