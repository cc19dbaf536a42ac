"""Shared torch kernels (batched, CPU or CUDA, float32/float64), named by what they compute: Gaussian
quadrature rules, Hermite polynomials. Paper-specific fast paths live with their paper
(``claims/<paper>/fast/<part>.py``). Never calls the reference.

The code is written independently of ``reference/`` (e.g. quadrature nodes come from numpy, not from mpmath).
"""
