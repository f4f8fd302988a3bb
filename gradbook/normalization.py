"""Remedies for vanishing gradients, small enough to read: batch and layer normalisation with their
backward passes, and a deep network that can switch them (and residual connections) on.

Batches are columns, as in ``gradbook.networks``: A has shape (units, n). Batch normalisation
standardises each unit (row) over the batch; layer normalisation standardises each example (column)
over the units. Both then scale by a learnable γ and shift by a learnable β, one pair per unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradbook.networks import activation, init_params
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


@dataclass(frozen=True)
class Profile:
    """One backward pass: the loss, ∇W per layer, and the per-layer norms the figures plot."""

    loss: float
    grads: list[np.ndarray]
    layer_grad_norms: np.ndarray  # ‖∇_{W_l} L‖_F, input side first
    activation_grad_norms: np.ndarray  # ‖∂L/∂h_{l−1}‖_F at each layer's input, input side first
    activation_rms: np.ndarray  # root mean square of h_l for l = 0 … depth − 1 (the forward profile)


@dataclass(frozen=True, eq=False)
class DeepNet:
    """h_l = f(N(W_l h_{l−1})) for the hidden layers, then a linear output; loss ½·mean ‖ŷ − y‖².

    N is the identity, batch or layer normalisation (γ = 1, β = 0 at the start). With ``residual`` a
    hidden layer whose input and output widths agree adds its input back: h_l = h_{l−1} + α f(N(W_l h_{l−1})),
    α = ``branch_scale``. No biases: β plays that part, and without normalisation they start at zero anyway.
    """

    weights: list[np.ndarray]
    activation: str = "tanh"
    norm: str | None = None
    residual: bool = False
    branch_scale: float = 1.0

    def __post_init__(self) -> None:
        activation(self.activation)
        if self.norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}, got {self.norm!r}")
        if not self.weights:
            raise ValueError("weights must hold at least one layer")
        for i, W in enumerate(self.weights):
            as_array(W, f"W[{i}]", ndim=2)
            if i and W.shape[1] != self.weights[i - 1].shape[0]:
                raise ValueError(
                    f"W[{i}] takes {W.shape[1]} inputs but layer {i - 1} gives {self.weights[i - 1].shape[0]}"
                )
        positive(self.branch_scale, "branch_scale")

    @classmethod
    def create(
        cls, sizes: list[int], activation: str = "tanh", init: str = "xavier", seed: int = 0, **options
    ) -> DeepNet:
        """Weights drawn as ``networks.init_params(sizes, init, seed)`` draws them (so the plain net is that MLP)."""
        return cls([W for W, _ in init_params(sizes, init, seed)], activation, **options)

    def _skips(self, i: int) -> bool:
        W = self.weights[i]
        return self.residual and i < len(self.weights) - 1 and W.shape[0] == W.shape[1]

    def backprop(self, X: np.ndarray, Y: np.ndarray) -> Profile:
        f, df = activation(self.activation)
        h = as_array(X, "X", shape=(self.weights[0].shape[1], None))
        n = positive_int(h.shape[1], "batch size")
        hs, pre, post, caches = [h], [], [], []
        for i, W in enumerate(self.weights):
            a = W @ h
            if i == len(self.weights) - 1:
                h = a
            else:
                cache = None
                if self.norm:
                    a, cache = normalize(a, np.ones(len(a)), np.zeros(len(a)), self.norm)
                z = f(a)
                h = h + self.branch_scale * z if self._skips(i) else z
                pre.append(a)
                post.append(z)
                caches.append(cache)
            hs.append(h)
        Y = as_array(Y, "Y", shape=h.shape)
        grad_h = (h - Y) / n
        grads: list[np.ndarray] = []
        act_norms: list[float] = []
        for i in reversed(range(len(self.weights))):
            if i == len(self.weights) - 1:
                G = grad_h
            else:
                scale = self.branch_scale if self._skips(i) else 1.0
                G = scale * grad_h * df(pre[i], post[i])
                cache = caches[i]
                if cache is not None:
                    G = normalize_backward(G, cache)[0]
            skip = grad_h if self._skips(i) else 0.0
            grads.insert(0, G @ hs[i].T)
            grad_h = self.weights[i].T @ G + skip
            act_norms.insert(0, float(np.linalg.norm(grad_h)))
        rms = np.array([float(np.sqrt(np.mean(x**2))) for x in hs[:-1]])
        loss = 0.5 * float(np.sum((h - Y) ** 2)) / n
        return Profile(loss, grads, np.array([np.linalg.norm(g) for g in grads]), np.array(act_norms), rms)


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
