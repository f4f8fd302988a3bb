"""Reference calculus by central differences, the numerical oracle every analytic derivative is held to,
and the classical Runge–Kutta step that integrates an ODE (gradient flow, the adjoint method).

Inputs may be arrays of any shape (a vector θ or a matrix X); derivatives come back in the same layout,
the denominator layout: ∂f/∂x has the shape of x. Every first derivative here is one formula,
(f(x + h u) − f(x − h u)) / 2h, taken along a unit vector u.
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
        grad[i] = float(_central(f, x, _unit(x, i), h))
    return grad


def numerical_jacobian(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """The Jacobian J[i, j] = ∂fᵢ/∂xⱼ of a vector function of a vector, by central differences."""
    x = as_array(x, "x", ndim=1)
    h = positive(h, "h")
    cols = [np.atleast_1d(_central(f, x, _unit(x, j), h)) for j in range(x.size)]
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


def directional_derivative(
    f: Callable[[np.ndarray], float], x: np.ndarray, direction: np.ndarray, h: float = 1e-6
) -> float:
    """D_u f(x) = lim (f(x + h u) − f(x − h u)) / 2h along the unit vector u = direction/‖direction‖."""
    x = as_array(x, "x")
    d = as_array(direction, "direction", shape=x.shape)
    norm = np.linalg.norm(d)
    if norm == 0:
        raise ValueError("direction must be non-zero")
    h = positive(h, "h")
    return float(_central(f, x, d / norm, h))


def rk4_step(f: Callable[[np.ndarray], np.ndarray], y: np.ndarray, h: float) -> np.ndarray:
    """One classical Runge–Kutta step of size h for dy/dt = f(y): error O(h⁵) per step, O(h⁴) overall."""
    k1 = f(y)
    k2 = f(y + h / 2 * k1)
    k3 = f(y + h / 2 * k2)
    k4 = f(y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def _central(f: Callable[[np.ndarray], object], x: np.ndarray, u: np.ndarray, h: float) -> np.ndarray:
    """(f(x + h u) − f(x − h u)) / 2h: the derivative of f along u, behind every first derivative here."""
    return (np.asarray(f(x + h * u), dtype=np.float64) - np.asarray(f(x - h * u), dtype=np.float64)) / (2 * h)


def _unit(x: np.ndarray, i: int | tuple[int, ...]) -> np.ndarray:
    """The basis vector (or matrix) eᵢ shaped like x."""
    e = np.zeros_like(x)
    e[i] = 1.0
    return e
