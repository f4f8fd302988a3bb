"""The book's loss landscapes: bowl, elongated (rotated) quadratic, saddle, Rosenbrock.

Convention: a point θ is an array whose LAST axis holds the coordinates, so one point is shape (d,)
and a grid of points is shape (..., d). ``value`` returns shape (...), ``grad`` shape (..., d) and
``hessian`` shape (..., d, d). For meshgrid arrays X, Y use ``on_grid(landscape.value, X, Y)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from gradbook.validation import as_array, square_matrix


def on_grid(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Evaluate ``fn`` on meshgrid arrays: a value comes back shaped like ``x``; a gradient as (2, *x.shape).

    So ``Z = on_grid(L.value, X, Y)`` and ``U, V = on_grid(L.grad, X, Y)``.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    out = fn(np.stack([x, y], axis=-1))
    return out if out.shape == x.shape else np.moveaxis(out, -1, 0)


@dataclass(frozen=True, eq=False)
class Quadratic:
    """L(θ) = ½ (θ − c)ᵀ A (θ − c) for a symmetric matrix A (not necessarily positive definite)."""

    matrix: np.ndarray
    center: np.ndarray | None = None

    def __post_init__(self) -> None:
        a = square_matrix(self.matrix, "matrix", symmetric=True)
        c = np.zeros(a.shape[0]) if self.center is None else as_array(self.center, "center", shape=(a.shape[0],))
        object.__setattr__(self, "matrix", a)
        object.__setattr__(self, "center", c)

    @property
    def dim(self) -> int:
        return self.matrix.shape[0]

    @property
    def eigenvalues(self) -> np.ndarray:
        """Curvatures along the principal axes, ascending."""
        return np.linalg.eigvalsh(self.matrix)

    @property
    def max_stable_lr(self) -> float:
        """GD converges on this quadratic iff 0 < η < 2/λ_max (for positive definite A)."""
        return 2.0 / float(np.max(np.abs(self.eigenvalues)))

    def value(self, theta: np.ndarray) -> np.ndarray:
        d = self._points(theta)
        return 0.5 * np.einsum("...i,ij,...j->...", d, self.matrix, d)

    def grad(self, theta: np.ndarray) -> np.ndarray:
        return self._points(theta) @ self.matrix.T

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        d = self._points(theta)
        return np.broadcast_to(self.matrix, d.shape[:-1] + self.matrix.shape).copy()

    def _points(self, theta: np.ndarray) -> np.ndarray:
        t = as_array(theta, "theta", last_dim=self.dim)
        return t if self._at_origin else t - self.center  # θ − (+0) is θ, bit for bit

    @cached_property
    def _at_origin(self) -> bool:
        c = np.asarray(self.center)  # an array since __post_init__
        return not c.any() and not np.signbit(c).any()  # θ − (−0) is not always θ


def bowl() -> Quadratic:
    """x² + y²: gradient (2x, 2y), perpendicular to the circular contours."""
    return Quadratic(2.0 * np.eye(2))


def elongated(curvatures: tuple[float, float] = (10.0, 1.0), angle: float = 0.0) -> Quadratic:
    """½ Σ Cᵢ (uᵢᵀθ)² with u₁ = (cos angle, sin angle), u₂ ⊥ u₁ (angle in radians)."""
    c = as_array(curvatures, "curvatures", shape=(2,))
    angle = float(as_array(angle, "angle", ndim=0))
    u = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])  # columns u₁, u₂
    return Quadratic(u @ np.diag(c) @ u.T)


def saddle() -> Quadratic:
    """θ₁² − θ₂²: a stationary point at the origin that is a minimum along θ₁ and a maximum along θ₂."""
    return Quadratic(np.diag([2.0, -2.0]))


@dataclass(frozen=True)
class Rosenbrock:
    """(a − x)² + b (y − x²)², minimum 0 at (a, a²) at the bottom of a curved valley."""

    a: float = 1.0
    b: float = 100.0

    @property
    def minimum(self) -> np.ndarray:
        return np.array([self.a, self.a**2])

    def value(self, theta: np.ndarray) -> np.ndarray:
        x, y = self._xy(theta)
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def grad(self, theta: np.ndarray) -> np.ndarray:
        x, y = self._xy(theta)
        r = y - x**2
        return np.stack([-2 * (self.a - x) - 4 * self.b * x * r, 2 * self.b * r], axis=-1)

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        x, y = self._xy(theta)
        hxx = 2 - 4 * self.b * (y - x**2) + 8 * self.b * x**2
        hxy = -4 * self.b * x
        hyy = np.full_like(x, 2 * self.b)
        return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], axis=-2)

    def _xy(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        t = as_array(theta, "theta", last_dim=2)
        return t[..., 0], t[..., 1]
