"""The book's models as loss functions of their parameters: the data is fixed, the parameters move.

Each model has ``value``, ``grad`` and ``hessian`` of its parameter vector θ. As in ``landscapes``,
θ's LAST axis holds the parameters, so a grid of parameter points (..., d) gives values of shape (...).
Models fitted to n examples also give ``per_example_grads`` (n, d) and ``batch_grad`` for minibatches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from gradbook.validation import as_array, in_interval, positive_int, square_matrix


def _mean_last(a: np.ndarray) -> np.ndarray:
    """``np.mean(a, axis=-1)`` bit for bit (the same pairwise sum, over the same count) without its
    Python-level wrapper, which cost more than the sum in the optimisers' steps."""
    return np.add.reduce(a, axis=-1) / a.shape[-1]


def house_data(n: int = 50, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seeded toy data: areas x in m² (mean ≈ 100) and prices y in 万元 ≈ 3·x + 50 plus noise."""
    n = positive_int(n, "n")
    rng = np.random.default_rng(seed)
    area = np.round(np.clip(rng.normal(100.0, 20.0, n), 40.0, 200.0), 1)
    price = np.round(3.0 * area + 50.0 + rng.normal(0.0, 30.0, n), 1)
    return area, price


def standardize(x: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Return (z, mean, std) with z = (x − mean)/std: zero mean, unit spread."""
    x = as_array(x, "x", ndim=1)
    std = float(x.std())
    if x.size < 2 or std == 0:
        raise ValueError("x must hold at least two different values to be standardized")
    mean = float(x.mean())
    return (x - mean) / std, mean, std


def unstandardize(theta_z: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Turn (w, b) fitted on z = (x − mean)/std back into (w, b) for the raw x."""
    w, b = as_array(theta_z, "theta_z", shape=(2,))
    return np.array([w / std, b - w * mean / std])


@dataclass(frozen=True, eq=False)
class LinearMSE:
    """L(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)²: the mean squared error of the line ŷ = w x + b."""

    x: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        x = as_array(self.x, "x", ndim=1)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", as_array(self.y, "y", shape=x.shape))

    @property
    def n_examples(self) -> int:
        return self.x.size

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        """ŷᵢ − yᵢ, shape (..., n)."""
        t = as_array(theta, "theta", last_dim=2)
        if t.ndim == 1:  # one θ, as in every optimiser step: the same products and sums, less indexing
            return t[0] * self.x + t[1] - self.y
        return t[..., :1] * self.x + t[..., 1:] - self.y

    def value(self, theta: np.ndarray) -> np.ndarray:
        return _mean_last(self.residuals(theta) ** 2)

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """(2/n) Σ (ŷᵢ − yᵢ)(xᵢ, 1): error times input strength."""
        r = self.residuals(theta)
        if r.ndim == 1:
            return 2.0 * np.array([_mean_last(r * self.x), _mean_last(r)])
        return 2.0 * np.stack([_mean_last(r * self.x), _mean_last(r)], axis=-1)

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        t = as_array(theta, "theta", last_dim=2)
        h = 2.0 * np.array([[np.mean(self.x**2), np.mean(self.x)], [np.mean(self.x), 1.0]])
        return np.broadcast_to(h, t.shape[:-1] + (2, 2)).copy()

    def minimizer(self) -> np.ndarray:
        """The least-squares (w, b)."""
        a = np.stack([self.x, np.ones_like(self.x)], axis=1)
        return np.linalg.lstsq(a, self.y, rcond=None)[0]

    def per_example_grads(self, theta: np.ndarray) -> np.ndarray:
        """Row i is the gradient of (w xᵢ + b − yᵢ)², shape (n, 2)."""
        r = self.residuals(as_array(theta, "theta", shape=(2,)))
        return 2.0 * np.stack([r * self.x, r], axis=1)

    def batch_grad(self, theta: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """The gradient of the loss over the examples ``idx`` only (a minibatch)."""
        return self.per_example_grads(theta)[_indices(idx, self.n_examples)].mean(axis=0)


@dataclass(frozen=True, eq=False)
class OnePointLinear:
    """f = θ·x on one data point (x, y) with L = ½ (f − y)²; the notes' example is x = (3, 1), y = 8."""

    x: np.ndarray = (3.0, 1.0)  # type: ignore[assignment]
    y: float = 8.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", as_array(self.x, "x", ndim=1))
        object.__setattr__(self, "y", float(as_array(self.y, "y", ndim=0)))

    def prediction(self, theta: np.ndarray) -> np.ndarray:
        return as_array(theta, "theta", last_dim=self.x.size) @ self.x

    def value(self, theta: np.ndarray) -> np.ndarray:
        return 0.5 * (self.prediction(theta) - self.y) ** 2

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """(f − y) x: at θ = (1, 1) this is (−12, −4)."""
        return (self.prediction(theta) - self.y)[..., None] * self.x

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        t = as_array(theta, "theta", last_dim=self.x.size)
        return np.broadcast_to(np.outer(self.x, self.x), t.shape[:-1] + (self.x.size,) * 2).copy()


def sigmoid(z: npt.ArrayLike) -> np.ndarray:
    """σ(z) = 1/(1 + e^(−z)), computed without overflow."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def add_bias(x: np.ndarray) -> np.ndarray:
    """Append a column of ones so the last weight acts as the bias."""
    x = as_array(x, "x", ndim=2)
    return np.hstack([x, np.ones((x.shape[0], 1))])


def two_blobs(
    n: int = 100, seed: int = 0, positive_fraction: float = 0.5, separation: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded 2-D binary data: class 1 around (+s/2, +s/2), class 0 around (−s/2, −s/2); labels y ∈ {0, 1}."""
    n = positive_int(n, "n", minimum=2)
    frac = in_interval(positive_fraction, "positive_fraction", 0.0, 1.0, closed_low=False)
    rng = np.random.default_rng(seed)
    n_pos = min(max(1, round(n * frac)), n - 1)
    y = np.r_[np.ones(n_pos), np.zeros(n - n_pos)]
    centers = np.where(y[:, None] == 1, separation / 2, -separation / 2)
    return centers + rng.normal(size=(n, 2)), y


@dataclass(frozen=True, eq=False)
class LogisticRegression:
    """Binary cross-entropy of ŷ = σ(wᵀx), averaged over the rows of X (add_bias(X) for a bias term)."""

    X: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        X = as_array(self.X, "X", ndim=2)
        y = as_array(self.y, "y", shape=(X.shape[0],))
        if not np.all((y == 0) | (y == 1)):
            raise ValueError("y must hold labels 0 and 1 only")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)

    @property
    def n_examples(self) -> int:
        return self.X.shape[0]

    def logits(self, w: np.ndarray) -> np.ndarray:
        return as_array(w, "w", last_dim=self.X.shape[1]) @ self.X.T

    def probabilities(self, w: np.ndarray) -> np.ndarray:
        """ŷᵢ = σ(wᵀxᵢ), shape (..., n)."""
        return sigmoid(self.logits(w))

    def value(self, w: np.ndarray) -> np.ndarray:
        z = self.logits(w)
        return _mean_last(np.logaddexp(0.0, z) - self.y * z)  # −[y log ŷ + (1−y) log(1−ŷ)]

    def grad(self, w: np.ndarray) -> np.ndarray:
        """(1/n) Σ (ŷᵢ − yᵢ) xᵢ."""
        return (self.probabilities(w) - self.y) @ self.X / self.n_examples

    def hessian(self, w: np.ndarray) -> np.ndarray:
        """(1/n) Σ ŷᵢ(1 − ŷᵢ) xᵢ xᵢᵀ."""
        p = self.probabilities(w)
        return np.einsum("...n,ni,nj->...ij", p * (1 - p), self.X, self.X) / self.n_examples

    def per_example_grads(self, w: np.ndarray) -> np.ndarray:
        """Row i is (ŷᵢ − yᵢ) xᵢ, shape (n, d)."""
        w = as_array(w, "w", shape=(self.X.shape[1],))
        return (self.probabilities(w) - self.y)[:, None] * self.X

    def batch_grad(self, w: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """The gradient over the examples ``idx`` only (a minibatch)."""
        return self.per_example_grads(w)[_indices(idx, self.n_examples)].mean(axis=0)


@dataclass(frozen=True, eq=False)
class GaussianLogDensity:
    """log p(x) for N(μ, Σ), a function of the point x: gradient −Σ⁻¹(x − μ), Hessian −Σ⁻¹."""

    mean: np.ndarray
    cov: np.ndarray

    def __post_init__(self) -> None:
        mean = as_array(self.mean, "mean", ndim=1)
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "cov", square_matrix(self.cov, "cov", size=mean.size, positive_definite=True))

    @property
    def precision(self) -> np.ndarray:
        """Σ⁻¹."""
        return np.linalg.inv(self.cov)

    def value(self, x: np.ndarray) -> np.ndarray:
        d = as_array(x, "x", last_dim=self.mean.size) - self.mean
        _, logdet = np.linalg.slogdet(2 * np.pi * self.cov)
        return -0.5 * np.einsum("...i,ij,...j->...", d, self.precision, d) - 0.5 * logdet

    def grad(self, x: np.ndarray) -> np.ndarray:
        d = as_array(x, "x", last_dim=self.mean.size) - self.mean
        return -d @ self.precision.T

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = as_array(x, "x", last_dim=self.mean.size)
        return np.broadcast_to(-self.precision, x.shape[:-1] + self.cov.shape).copy()


@dataclass(frozen=True, eq=False)
class GaussianFit:
    """Mean negative log-likelihood of data under N(μ, σ²), as a function of θ = (μ, σ) or (μ, log σ)."""

    data: np.ndarray
    parametrization: str = "sigma"

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", as_array(self.data, "data", ndim=1, min_ndim=1))
        if self.data.size == 0:
            raise ValueError("data must hold at least one sample")
        if self.parametrization not in ("sigma", "log_sigma"):
            raise ValueError(f"parametrization must be 'sigma' or 'log_sigma', got {self.parametrization!r}")

    def sigma(self, theta: np.ndarray) -> np.ndarray:
        t = as_array(theta, "theta", last_dim=2)
        if self.parametrization == "log_sigma":
            return np.exp(t[..., 1])
        if np.any(t[..., 1] <= 0):
            raise ValueError("sigma (theta[..., 1]) must be > 0")
        return t[..., 1]

    def minimizer(self) -> np.ndarray:
        s = float(self.data.std())
        return np.array([self.data.mean(), s if self.parametrization == "sigma" else math.log(s)])

    def _parts(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s = self.sigma(theta)
        mean, var = self._moments
        d = as_array(theta, "theta", last_dim=2)[..., 0] - mean
        return d, s, d**2 + var  # m2 = mean of (xᵢ − μ)²

    @cached_property
    def _moments(self) -> tuple[np.float64, np.float64]:
        """The data's mean and variance, once: every step of an optimiser asks for them."""
        return self.data.mean(), self.data.var()

    def value(self, theta: np.ndarray) -> np.ndarray:
        _, s, m2 = self._parts(theta)
        return np.log(s) + 0.5 * math.log(2 * math.pi) + m2 / (2 * s**2)

    def grad(self, theta: np.ndarray) -> np.ndarray:
        d, s, m2 = self._parts(theta)
        g_sigma = 1 / s - m2 / s**3
        second = g_sigma if self.parametrization == "sigma" else s * g_sigma
        return np.stack([d / s**2, second], axis=-1)

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        d, s, m2 = self._parts(theta)
        if self.parametrization == "sigma":
            off, h22 = -2 * d / s**3, -1 / s**2 + 3 * m2 / s**4
        else:
            off, h22 = -2 * d / s**2, 2 * m2 / s**2
        return np.stack([np.stack([1 / s**2, off], -1), np.stack([off, h22], -1)], axis=-2)


def _indices(idx: np.ndarray, n: int) -> np.ndarray:
    idx = np.asarray(idx)
    if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"idx must be a non-empty 1-D array of integer indices, got {idx!r}")
    if idx.min() < 0 or idx.max() >= n:
        raise ValueError(f"idx must index examples 0..{n - 1}, got values from {idx.min()} to {idx.max()}")
    return idx
