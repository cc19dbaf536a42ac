"""zhang2017 high-precision side (mpmath / sympy; never torch), one module per part of ``claims/zhang2017/``
under the same name; ``_common`` (the printed potentials and losses) is shared by several parts."""
