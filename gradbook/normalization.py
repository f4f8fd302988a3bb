"""Remedies for vanishing gradients, small enough to read: batch and layer normalisation with their
backward passes, and a deep network that can switch them (and residual connections) on.

Batches are columns, as in ``gradbook.networks``: A has shape (units, n). Batch normalisation
standardises each unit (row) over the batch; layer normalisation standardises each example (column)
over the units. Both then scale by a learnable γ and shift by a learnable β, one pair per unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradbook.networks import MLP
from gradbook.validation import as_array, positive, positive_int

NORMS = (None, "batch", "layer")
_AXIS = {"batch": 1, "layer": 0}  # the axis each kind averages over


@dataclass(frozen=True)
class NormCache:
    """What the backward pass needs: the standardised values, 1/√(var + ε), γ and the averaged axis."""

    xhat: np.ndarray
    inv_std: np.ndarray
    gamma: np.ndarray
    axis: int


def normalize(
    A: np.ndarray, gamma: np.ndarray, beta: np.ndarray, kind: str = "batch", eps: float = 1e-5
) -> tuple[np.ndarray, NormCache]:
    """γ ⊙ (A − μ)/√(σ² + ε) + β, with μ, σ² over the batch (kind='batch') or the units ('layer')."""
    if kind not in _AXIS:
        raise ValueError(f"kind must be 'batch' or 'layer', got {kind!r}")
    A = as_array(A, "A", ndim=2)
    gamma = as_array(gamma, "gamma", shape=(A.shape[0],))
    beta = as_array(beta, "beta", shape=(A.shape[0],))
    axis = _AXIS[kind]
    if A.shape[axis] < 2:
        raise ValueError(f"{kind} normalisation averages over axis {axis}, which must hold at least 2 values")
    mu = A.mean(axis=axis, keepdims=True)
    inv_std = 1.0 / np.sqrt(A.var(axis=axis, keepdims=True) + positive(eps, "eps"))
    xhat = (A - mu) * inv_std
    return gamma[:, None] * xhat + beta[:, None], NormCache(xhat, inv_std, gamma, axis)


def normalize_backward(G: np.ndarray, cache: NormCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(∂L/∂A, ∂L/∂γ, ∂L/∂β) given G = ∂L/∂(output).

    With g = γ ⊙ G, the mean and variance both depend on A, so ∂L/∂A = (g − mean(g) − x̂ mean(g x̂)) / √(σ² + ε),
    the means taken over the normalised axis: the gradient loses its component along 1 and along x̂.
    """
    G = as_array(G, "G", shape=cache.xhat.shape)
    g = cache.gamma[:, None] * G
    ax = cache.axis
    dA = cache.inv_std * (
        g - g.mean(axis=ax, keepdims=True) - cache.xhat * (g * cache.xhat).mean(axis=ax, keepdims=True)
    )
    return dA, np.sum(G * cache.xhat, axis=1), G.sum(axis=1)


@dataclass(frozen=True, eq=False)
class DeepNet(MLP):
    """An ``MLP`` whose hidden layers normalise: h_l = f(N(W_l h_{l−1} + b_l)), or with ``residual``
    h_l = h_{l−1} + α f(N(W_l h_{l−1} + b_l)), then a linear output; loss ½·mean ‖ŷ − y‖².

    N is the identity (``norm=None``: the plain MLP), batch or layer normalisation with γ = 1, β = 0.
    The forward and backward passes are ``MLP``'s; this class only fills its two normalisation hooks.
    """

    norm: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}, got {self.norm!r}")

    def _normalize(self, a: np.ndarray) -> tuple[np.ndarray, NormCache | None]:
        if self.norm is None:
            return a, None
        return normalize(a, np.ones(len(a)), np.zeros(len(a)), self.norm)

    def _normalize_backward(self, G: np.ndarray, cache: NormCache | None) -> np.ndarray:
        return G if cache is None else normalize_backward(G, cache)[0]


def input_gradient_ratio(
    act: str, init: str, depth: int, width: int = 32, batch: int = 64, seed: int = 0, **options
) -> float:
    """‖∂L/∂h_0‖ / ‖∂L/∂h_{depth−1}‖: how much of the gradient arriving below the output reaches the input.

    The network is ``DeepNet.create([width] * depth + [1], act, init, seed, **options)`` on seeded
    N(0, 1) inputs and targets, so ``depth`` counts its affine layers, the output layer included.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(width, batch))
    Y = rng.normal(size=(1, batch))
    g = DeepNet.create([width] * positive_int(depth, "depth", minimum=2) + [1], act, init, seed, **options)
    norms = g.backprop(X, Y).activation_grad_norms
    return float(norms[0] / norms[-1])
