"""High-precision mathematics (mpmath, sympy, exact integers). Never imports torch.

Every function takes an explicit mpmath context ``ctx`` (see ``checks.engine.context.mp_context``) and
never touches the global precision, so checks stay independent of each other.

Shared mathematics (Gaussian quadrature, Hermite polynomials) lives here; a paper's own high-precision side
is ``reference/<paper>/<part>.py``, under the part names of ``claims/<paper>/``.
"""
