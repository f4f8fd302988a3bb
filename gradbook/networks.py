"""Networks small enough to read: an MLP with manual backprop, a vanilla RNN with BPTT, clipping.

Batches are columns, as in the notes: X has shape (features, n), a layer computes A = W X + b with
W of shape (out, in), and its gradients are ∇_W L = G Xᵀ and ∂L/∂b = Σ_k g⁽ᵏ⁾ for G = ∂L/∂A.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np

from gradbook.models import sigmoid
from gradbook.validation import as_array, positive, positive_int

Params = list[tuple[np.ndarray, np.ndarray]]

# name -> (f(a), f'(a) written with h = f(a) where that is the natural form)
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "sigmoid": (sigmoid, lambda a, h: h * (1 - h)),  # at most 1/4: deep sigmoid stacks vanish
    "tanh": (np.tanh, lambda a, h: 1 - h**2),
    "relu": (lambda a: np.maximum(a, 0.0), lambda a, h: (a > 0).astype(float)),
    "linear": (lambda a: a, lambda a, h: np.ones_like(a)),
}
INITS = ("xavier", "he", "naive")


def activation(name: str) -> tuple[Callable, Callable]:
    """(f, f') for 'sigmoid', 'tanh', 'relu' or 'linear'; f'(a, h) takes the input a and output h = f(a)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def init_params(sizes: Sequence[int], init: str = "xavier", seed: int = 0, naive_std: float = 1.0) -> Params:
    """Weights for layer sizes [in, h₁, …, out]: Xavier N(0, 2/(in+out)), He N(0, 2/in), or naive N(0, std²)."""
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output size, got {list(sizes)}")
    sizes = [positive_int(s, "each layer size") for s in sizes]
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    naive_std = positive(naive_std, "naive_std")
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        std = {"xavier": np.sqrt(2.0 / (fan_in + fan_out)), "he": np.sqrt(2.0 / fan_in), "naive": naive_std}[init]
        params.append((rng.normal(0.0, std, (fan_out, fan_in)), np.zeros(fan_out)))
    return params


def affine_backward(W: np.ndarray, X: np.ndarray, G: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of A = W X + b given G = ∂L/∂A: returns (∇_W L = G Xᵀ, ∂L/∂b = Σ_k g⁽ᵏ⁾, ∂L/∂X = Wᵀ G)."""
    W = as_array(W, "W", ndim=2)
    X = as_array(X, "X", shape=(W.shape[1], None))
    G = as_array(G, "G", shape=(W.shape[0], X.shape[1]))
    return G @ X.T, G.sum(axis=1), W.T @ G


@dataclass(frozen=True)
class Backprop:
    """What one backward pass returns: the loss, (∇W, ∇b) per layer, and the per-layer profiles."""

    loss: float
    grads: Params
    layer_grad_norms: np.ndarray  # ‖∇_{W_l} L‖_F for each layer, input side first
    activation_grad_norms: np.ndarray  # ‖∂L/∂H_l‖_F at each layer's input, input side first
    activation_rms: np.ndarray  # root mean square of H_l at each layer's input (the forward profile)


@dataclass(frozen=True, eq=False)
class MLP:
    """Affine layers with an activation between them and a linear output; loss ½·mean ‖ŷ − y‖².

    With ``residual`` a hidden layer whose input and output widths agree adds its input back:
    h_l = h_{l−1} + α f(a_l), α = ``branch_scale``. A subclass may normalise a_l through the
    ``_normalize`` hooks, as ``gradbook.normalization.DeepNet`` does.
    """

    params: Params
    activation: str = "tanh"
    residual: bool = False
    branch_scale: float = 1.0

    def __post_init__(self) -> None:
        activation(self.activation)
        positive(self.branch_scale, "branch_scale")
        if not self.params:
            raise ValueError("params must hold at least one (W, b) layer")
        for i, (W, b) in enumerate(self.params):
            W = as_array(W, f"W[{i}]", ndim=2)
            as_array(b, f"b[{i}]", shape=(W.shape[0],))
            if i and W.shape[1] != self.params[i - 1][0].shape[0]:
                raise ValueError(
                    f"W[{i}] takes {W.shape[1]} inputs but layer {i - 1} gives {self.params[i - 1][0].shape[0]} outputs"
                )

    @classmethod
    def create(
        cls,
        sizes: Sequence[int],
        activation: str = "tanh",
        init: str = "xavier",
        seed: int = 0,
        naive_std: float = 1.0,
        **options: Any,
    ) -> Self:
        """A fresh network with ``init_params(sizes, init, seed, naive_std)``; ``options`` set the other fields."""
        return cls(init_params(sizes, init, seed, naive_std), activation, **options)

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Outputs for a batch of columns X, shape (out, n)."""
        return self._forward(X)[-1][-1]

    def loss(self, X: np.ndarray, Y: np.ndarray) -> float:
        out = self.forward(X)
        Y = as_array(Y, "Y", shape=out.shape)
        return 0.5 * float(np.sum((out - Y) ** 2)) / Y.shape[1]

    def backprop(self, X: np.ndarray, Y: np.ndarray) -> Backprop:
        """Forward, then the chain rule layer by layer from the loss back to the input."""
        pre, post, caches, hs = self._forward(X)
        Y = as_array(Y, "Y", shape=hs[-1].shape)
        n = positive_int(Y.shape[1], "batch size")
        _, dact = activation(self.activation)
        grad_h = (hs[-1] - Y) / n
        grads: Params = []
        act_norms: list[float] = []
        for i in reversed(range(len(self.params))):
            G = grad_h
            if i < len(self.params) - 1:
                scale = self.branch_scale if self._skips(i) else 1.0
                G = self._normalize_backward(scale * grad_h * dact(pre[i], post[i]), caches[i])
            dW, db, down = affine_backward(self.params[i][0], hs[i], G)
            grad_h = down + grad_h if self._skips(i) else down  # a skip passes ∂L/∂h_l down unchanged
            grads.insert(0, (dW, db))
            act_norms.insert(0, float(np.linalg.norm(grad_h)))
        loss = 0.5 * float(np.sum((hs[-1] - Y) ** 2)) / n
        rms = np.array([float(np.sqrt(np.mean(h**2))) for h in hs[:-1]])
        return Backprop(loss, grads, np.array([np.linalg.norm(dW) for dW, _ in grads]), np.array(act_norms), rms)

    def _skips(self, i: int) -> bool:
        W = self.params[i][0]
        return self.residual and i < len(self.params) - 1 and W.shape[0] == W.shape[1]

    def _normalize(self, a: np.ndarray) -> tuple[np.ndarray, Any]:
        """Hook: a hidden layer's pre-activation, normalised, and what the backward pass needs (here: as is)."""
        return a, None

    def _normalize_backward(self, G: np.ndarray, cache: Any) -> np.ndarray:
        """Hook: ∂L/∂a from ∂L/∂(normalised a) and the forward pass's cache (here: as is)."""
        return G

    def _forward(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], list[Any], list[np.ndarray]]:
        """(a_l after normalisation, f(a_l), normalisation caches) per hidden layer, and h_0 … h_L."""
        f, _ = activation(self.activation)
        h = as_array(X, "X", shape=(self.params[0][0].shape[1], None))
        pre, post, caches, hs = [], [], [], [h]
        for i, (W, b) in enumerate(self.params):
            a = W @ h + b[:, None]
            if i < len(self.params) - 1:
                a, cache = self._normalize(a)
                z = f(a)
                h = h + self.branch_scale * z if self._skips(i) else z
                post.append(z)
                caches.append(cache)
            else:
                h = a
            pre.append(a)
            hs.append(h)
        return pre, post, caches, hs


@dataclass(frozen=True)
class RNNGrads:
    """BPTT results for h_t = tanh(a_t), a_t = W h_{t−1} + U x_t + b, loss ½ Σ_t ‖h_t − y_t‖²."""

    loss: float
    dW: np.ndarray  # Σ_t ∇_{a_t}L · h_{t−1}ᵀ
    dU: np.ndarray
    db: np.ndarray
    dh0: np.ndarray
    grad_a: np.ndarray  # row t−1 is ∇_{a_t}L


def rnn_forward(W: np.ndarray, U: np.ndarray, b: np.ndarray, xs: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """Hidden states h_0 … h_T (shape (T+1, hidden)) for inputs xs of shape (T, features)."""
    W, U, b, xs, h0 = _rnn_inputs(W, U, b, xs, h0)
    hs = [h0]
    for x in xs:
        hs.append(np.tanh(W @ hs[-1] + U @ x + b))
    return np.array(hs)


def rnn_bptt(
    W: np.ndarray, U: np.ndarray, b: np.ndarray, xs: np.ndarray, h0: np.ndarray, targets: np.ndarray
) -> RNNGrads:
    """Backpropagation through time: walk t = T … 1 carrying ∂L/∂h_t back through W."""
    hs = rnn_forward(W, U, b, xs, h0)
    W, U, b, xs, h0 = _rnn_inputs(W, U, b, xs, h0)
    targets = as_array(targets, "targets", shape=hs[1:].shape)
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    grad_a = np.zeros_like(targets)
    grad_h_next = np.zeros_like(h0)  # ∂L/∂h_t arriving from step t+1
    for t in range(len(xs), 0, -1):
        grad_h = (hs[t] - targets[t - 1]) + grad_h_next
        grad_a[t - 1] = da = grad_h * (1 - hs[t] ** 2)
        dW += np.outer(da, hs[t - 1])
        dU += np.outer(da, xs[t - 1])
        db += da
        grad_h_next = W.T @ da
    loss = 0.5 * float(np.sum((hs[1:] - targets) ** 2))
    return RNNGrads(loss, dW, dU, db, grad_h_next, grad_a)


def recurrent_matrix(size: int, spectral_radius: float, seed: int = 0) -> np.ndarray:
    """ρ·Q for a random orthogonal Q: every singular value is ρ, so ‖Wᵏ‖ = ρᵏ exactly."""
    size = positive_int(size, "size")
    rho = positive(spectral_radius, "spectral_radius")
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(size, size)))
    return rho * q * np.sign(np.diag(r))


def hidden_state_jacobian_norms(
    W: np.ndarray, steps: int, activation_name: str = "linear", seed: int = 0, h0_scale: float = 0.5
) -> np.ndarray:
    """‖∂h_T/∂h_{T−k}‖₂ for k = 0 … steps, running h_t = f(W h_{t−1}) from a seeded random h_0."""
    W = as_array(W, "W", ndim=2)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square, got shape {W.shape}")
    steps = positive_int(steps, "steps")
    f, df = activation(activation_name)
    h = np.random.default_rng(seed).normal(0.0, positive(h0_scale, "h0_scale"), W.shape[0])
    slopes = []  # f'(a_t) for t = 1 … T
    for _ in range(steps):
        a = W @ h
        h = f(a)
        slopes.append(df(a, h))
    jac = np.eye(W.shape[0])
    norms = [1.0]
    for slope in reversed(slopes):  # ∂h_T/∂h_{t−1} = ∂h_T/∂h_t · diag(f'(a_t)) W
        jac = jac @ (slope[:, None] * W)
        norms.append(float(np.linalg.norm(jac, 2)))
    return np.array(norms)


def clip_by_norm(grads: np.ndarray | Sequence[np.ndarray], max_norm: float) -> tuple[Any, float]:
    """Scale gradients so their joint L2 norm is at most ``max_norm``; returns (clipped, norm before)."""
    max_norm = positive(max_norm, "max_norm")
    single = isinstance(grads, np.ndarray)
    parts = [as_array(g, "grads") for g in ([grads] if single else grads)]
    norm = float(np.sqrt(sum(np.sum(g**2) for g in parts)))
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    clipped = [g * factor for g in parts]
    return (clipped[0] if single else clipped), norm


def _rnn_inputs(W, U, b, xs, h0):
    W = as_array(W, "W", ndim=2)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square (hidden × hidden), got shape {W.shape}")
    hidden = W.shape[0]
    U = as_array(U, "U", shape=(hidden, None))
    return (
        W,
        U,
        as_array(b, "b", shape=(hidden,)),
        as_array(xs, "xs", shape=(None, U.shape[1])),
        as_array(h0, "h0", shape=(hidden,)),
    )
