"""Reference calculus by central differences: the numerical oracle every analytic derivative is held to.

Inputs may be arrays of any shape (a vector θ or a matrix X); derivatives come back in the same layout,
the denominator layout: ∂f/∂x has the shape of x.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gradbook.validation import as_array, positive


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∇f(x) by central differences (f(x + h eᵢ) − f(x − h eᵢ)) / 2h, shaped like x."""
    x = as_array(x, "x")
    h = positive(h, "h")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (float(f(x + step)) - float(f(x - step))) / (2 * h)
    return grad


def numerical_jacobian(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """The Jacobian J[i, j] = ∂fᵢ/∂xⱼ of a vector function of a vector, by central differences."""
    x = as_array(x, "x", ndim=1)
    h = positive(h, "h")
    cols = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        cols.append((np.atleast_1d(f(x + step)) - np.atleast_1d(f(x - step))) / (2 * h))
    return np.stack(cols, axis=-1).astype(np.float64)


def numerical_hessian(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """The Hessian of a scalar function of a vector, from values only (four-point central differences)."""
    x = as_array(x, "x", ndim=1)
    h = positive(h, "h")
    n = x.size
    eye = np.eye(n) * h
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = eye[i], eye[j]
            hess[i, j] = hess[j, i] = (
                float(f(x + ei + ej)) - float(f(x + ei - ej)) - float(f(x - ei + ej)) + float(f(x - ei - ej))
            ) / (4 * h * h)
    return hess


def directional_derivative(f: Callable[[np.ndarray], float], x: np.ndarray, direction: np.ndarray,
                           h: float = 1e-6) -> float:
    """D_u f(x) = lim (f(x + h u) − f(x − h u)) / 2h along the unit vector u = direction/‖direction‖."""
    x = as_array(x, "x")
    d = as_array(direction, "direction", shape=x.shape)
    norm = np.linalg.norm(d)
    if norm == 0:
        raise ValueError("direction must be non-zero")
    u = d / norm
    h = positive(h, "h")
    return (float(f(x + h * u)) - float(f(x - h * u))) / (2 * h)
