"""Small objectives and runs for chapter 4 (the gradient's pitfalls).

- ``LinearRecurrence``: the loss of a one-unit linear RNN, h_T = w^T h_0, whose gradient has a cliff;
- ``teacher_logistic_data``: seeded classification data labelled by a known "teacher" weight vector,
  so each example's difficulty (its margin) is known;
- ``ordered_sgd``: minibatch SGD over batches given in a fixed order (a curriculum), recording the
  minibatch gradients it used so that ``information.gradient_confusion`` can measure their sign
  disagreement along the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gradbook.optimizers import Trajectory, run
from gradbook.validation import as_array, positive, positive_int


@dataclass(frozen=True)
class LinearRecurrence:
    """L(w) = ½ (w^T h₀ − y)²: a one-unit linear RNN run T steps, h_t = w h_{t−1}, fitted to y at the end.

    dL/dw = T w^(T−1) h₀ (w^T h₀ − y): the factor w^(T−1) is the product of T − 1 recurrent Jacobians,
    so for |w| > 1 the gradient grows like |w|^T and the loss has a cliff.
    """

    steps: int = 20
    target: float = 0.5
    h0: float = 1.0

    def __post_init__(self) -> None:
        positive_int(self.steps, "steps")

    @property
    def minimum(self) -> np.ndarray:
        """The positive w with w^T h₀ = y (needs y/h₀ > 0)."""
        ratio = positive(self.target / self.h0, "target/h0")
        return np.array([ratio ** (1.0 / self.steps)])

    def value(self, theta: np.ndarray) -> np.ndarray:
        w = as_array(theta, "theta", last_dim=1)[..., 0]
        return 0.5 * (w**self.steps * self.h0 - self.target) ** 2

    def grad(self, theta: np.ndarray) -> np.ndarray:
        w = as_array(theta, "theta", last_dim=1)[..., 0]
        t = self.steps
        return (t * w ** (t - 1) * self.h0 * (w**t * self.h0 - self.target))[..., None]


def teacher_logistic_data(
    n: int = 512, dim: int = 20, seed: int = 0, label_noise: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, w_teacher): rows x ~ N(0, I), labels y = [xᵀw_teacher + ε > 0] with ε ~ N(0, label_noise²)."""
    n, dim = positive_int(n, "n", minimum=2), positive_int(dim, "dim")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, dim))
    w = rng.normal(size=dim)
    y = (X @ w + rng.normal(0.0, float(label_noise), n) > 0).astype(float)
    return X, y, w


def ordered_sgd(
    objective: Any, theta0: np.ndarray, lr: float, batches: Sequence[Sequence[int]] | np.ndarray
) -> Trajectory:
    """θ_{k+1} = θ_k − η ∇L_{B_k}(θ_k) for the batches B_0, B_1, … in the order given (one pass).

    The objective needs ``batch_grad(θ, idx)``, ``value`` and ``grad`` (LinearMSE, LogisticRegression).
    The trajectory's ``step_grads`` row k is the gradient of batch k at θ_k.
    """
    lr = positive(lr, "lr")
    if not hasattr(objective, "batch_grad"):
        raise ValueError("ordered_sgd needs an objective with batch_grad(theta, idx)")
    idx = [np.asarray(b, dtype=int) for b in batches]
    if not idx:
        raise ValueError("batches must hold at least one batch")
    used = []

    def step(theta, k):
        used.append(np.asarray(objective.batch_grad(theta, idx[k]), dtype=np.float64))
        return theta - lr * used[-1]

    traj = run(objective, theta0, len(idx), step)
    return replace(traj, step_grads=np.array(used))
