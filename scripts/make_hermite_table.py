"""Regenerate reference/daniely2023/data/hermite_table.json: Hermite coefficients a_0..a_100 and ‖σ‖² of every base
activation at 80 digits (about 2 minutes on 2 cores). Run: python scripts/make_hermite_table.py
tests/test_reference.py recomputes a slice of the table and compares."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor

from reference.daniely2023 import _activations as A


def one(name: str) -> tuple[str, dict]:
    import mpmath

    ctx = mpmath.MPContext()
    ctx.dps = A.TABLE_DPS
    coeffs = A.compute_hermite_coefficients(name, A.TABLE_N, A.TABLE_DPS)
    norm2 = A.norm2(A.BASE_ACTIVATIONS[name], ctx)
    return name, {"dps": A.TABLE_DPS, "norm2": ctx.nstr(norm2, A.TABLE_DPS), "coefficients": list(coeffs)}


def main() -> None:
    with ProcessPoolExecutor(2) as pool:
        table = dict(pool.map(one, sorted(A.BASE_ACTIVATIONS)))
    A.TABLE_PATH.parent.mkdir(exist_ok=True)
    A.TABLE_PATH.write_text(json.dumps(table, indent=1) + "\n")
    print(f"wrote {A.TABLE_PATH}")


if __name__ == "__main__":
    main()
