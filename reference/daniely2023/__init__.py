"""daniely2023 high-precision side (mpmath / sympy / exact rationals; never torch), one module per part of
``claims/daniely2023/`` under the same name; ``_activations`` (the activation registry with its Hermite
table in ``data/``) is shared by several parts."""
