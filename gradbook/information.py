"""Information geometry: Fisher matrices and KL divergences for logistic regression and Gaussians, the
natural-gradient direction F⁻¹∇L, the angle between directions, and gradient confusion between minibatches.

Gaussian parameters θ = (μ, σ) or (μ, log σ) are chosen by ``parametrization`` ('sigma' or 'log_sigma').
"""

from __future__ import annotations

import numpy as np

from gradbook.models import LogisticRegression, sigmoid
from gradbook.validation import as_array, positive, positive_int, square_matrix

PARAMETRIZATIONS = ("sigma", "log_sigma")


def logistic_fisher(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """F(w) = (1/n) Σ ŷᵢ(1 − ŷᵢ) xᵢxᵢᵀ, the expected outer product of scores with y drawn from the model.

    For logistic regression this is exactly the Hessian of the loss, which does not involve the labels,
    so it is computed as ``LogisticRegression.hessian`` (with placeholder labels).
    """
    X = as_array(X, "X", ndim=2)
    w = as_array(w, "w", shape=(X.shape[1],))
    return LogisticRegression(X, np.zeros(X.shape[0])).hessian(w)


def logistic_empirical_fisher(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(1/n) Σ gᵢgᵢᵀ with gᵢ = (ŷᵢ − yᵢ)xᵢ, the per-example gradients on the observed labels."""
    X = as_array(X, "X", ndim=2)
    y = as_array(y, "y", shape=(X.shape[0],))
    g = (sigmoid(X @ as_array(w, "w", shape=(X.shape[1],))) - y)[:, None] * X
    return g.T @ g / X.shape[0]


def gaussian_fisher(sigma: float, parametrization: str = "sigma") -> np.ndarray:
    """Fisher of N(μ, σ²): diag(1/σ², 2/σ²) in (μ, σ) and diag(1/σ², 2) in (μ, log σ); it does not depend on μ."""
    s = positive(sigma, "sigma")
    return np.diag([1 / s**2, 2 / s**2 if _param(parametrization) == "sigma" else 2.0])


def gaussian_scores(samples: np.ndarray, mu: float, sigma: float, parametrization: str = "sigma") -> np.ndarray:
    """∇_θ log p(xᵢ) for each sample, shape (n, 2)."""
    x = as_array(samples, "samples", ndim=1)
    s = positive(sigma, "sigma")
    z = (x - float(as_array(mu, "mu", ndim=0))) / s
    d_sigma = (z**2 - 1) / s
    return np.stack([z / s, d_sigma if _param(parametrization) == "sigma" else s * d_sigma], axis=1)


def gaussian_empirical_fisher(
    samples: np.ndarray, mu: float, sigma: float, parametrization: str = "sigma"
) -> np.ndarray:
    """(1/n) Σ sᵢsᵢᵀ over the samples' scores; tends to ``gaussian_fisher`` for samples drawn from N(μ, σ²)."""
    scores = gaussian_scores(samples, mu, sigma, parametrization)
    return scores.T @ scores / scores.shape[0]


def kl_gaussian(mu1: float, sigma1: float, mu2: float, sigma2: float) -> float:
    """KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½."""
    s1, s2 = positive(sigma1, "sigma1"), positive(sigma2, "sigma2")
    m1, m2 = float(as_array(mu1, "mu1", ndim=0)), float(as_array(mu2, "mu2", ndim=0))
    return float(np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5)


def kl_bernoulli(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """KL(Bern(p) ‖ Bern(q)) = p log(p/q) + (1 − p) log((1 − p)/(1 − q)), elementwise."""
    p, q = as_array(p, "p"), as_array(q, "q")
    if np.any((p < 0) | (p > 1)) or np.any((q <= 0) | (q >= 1)):
        raise ValueError("p must lie in [0, 1] and q in (0, 1)")
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(p > 0, p * np.log(p / q), 0.0)
        b = np.where(p < 1, (1 - p) * np.log((1 - p) / (1 - q)), 0.0)
    return a + b


def kl_logistic(X: np.ndarray, w1: np.ndarray, w2: np.ndarray) -> float:
    """Mean over the rows x of KL(Bern(σ(w₁ᵀx)) ‖ Bern(σ(w₂ᵀx))): how far apart two models' predictions are."""
    X = as_array(X, "X", ndim=2)
    z1 = X @ as_array(w1, "w1", shape=(X.shape[1],))
    z2 = X @ as_array(w2, "w2", shape=(X.shape[1],))
    p = sigmoid(z1)
    # written with logits so that saturated probabilities stay finite
    return float(np.mean(p * (z1 - z2) + np.logaddexp(0.0, z2) - np.logaddexp(0.0, z1)))


def natural_direction(fisher: np.ndarray, grad: np.ndarray, damping: float = 0.0) -> np.ndarray:
    """(F + λI)⁻¹ ∇L: the steepest-descent direction when step length is measured by δᵀFδ."""
    g = as_array(grad, "grad", ndim=1)
    f = square_matrix(fisher, "fisher", size=g.size)
    lam = float(damping)
    if not lam >= 0:
        raise ValueError(f"damping must be >= 0, got {damping}")
    try:
        return np.linalg.solve(f + lam * np.eye(g.size), g)
    except np.linalg.LinAlgError:
        raise ValueError("fisher (+ damping·I) is singular: add damping > 0") from None


def angle_between(u: np.ndarray, v: np.ndarray) -> float:
    """The angle between two non-zero vectors, in degrees."""
    u = as_array(u, "u", ndim=1)
    v = as_array(v, "v", shape=u.shape)
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0 or nv == 0:
        raise ValueError("u and v must be non-zero to have an angle")
    a, b = u / nu, v / nv
    return float(np.degrees(2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b))))  # stable near 0° and 180°


def hamming_distance(g1: np.ndarray, g2: np.ndarray) -> int:
    """How many coordinates have different signs in the two gradients."""
    a = as_array(g1, "g1", ndim=1)
    return int(np.sum(np.sign(a) != np.sign(as_array(g2, "g2", shape=a.shape))))


def minibatch_gradients(per_example_grads: np.ndarray, batch_size: int, seed: int = 0) -> np.ndarray:
    """Shuffle the examples once (seeded) and average their gradients in consecutive minibatches, shape (k, d)."""
    g = as_array(per_example_grads, "per_example_grads", ndim=2)
    b = positive_int(batch_size, "batch_size")
    if b > g.shape[0]:
        raise ValueError(f"batch_size must be at most the number of examples ({g.shape[0]}), got {b}")
    order = np.random.default_rng(seed).permutation(g.shape[0])
    k = g.shape[0] // b
    return g[order[: k * b]].reshape(k, b, -1).mean(axis=1)


def gradient_confusion(batch_grads: np.ndarray) -> np.ndarray:
    """Gradient confusion along a run: the Hamming distance between each minibatch gradient (a row) and
    the next, shape (k − 1,); divide by the dimension d for the fraction of coordinates that disagree."""
    g = as_array(batch_grads, "batch_grads", ndim=2)
    if g.shape[0] < 2:
        raise ValueError(f"batch_grads needs at least two minibatch gradients, got {g.shape[0]}")
    return np.array([hamming_distance(a, b) for a, b in zip(g[:-1], g[1:])])


def _param(parametrization: str) -> str:
    if parametrization not in PARAMETRIZATIONS:
        raise ValueError(f"parametrization must be one of {PARAMETRIZATIONS}, got {parametrization!r}")
    return parametrization
