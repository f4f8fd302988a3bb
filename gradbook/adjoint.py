"""The adjoint method, backprop's continuous-time twin, on a small neural ODE dh/dt = tanh(W h + b).

Forward: solve the ODE from h(0) to h(T) with fixed RK4 steps and keep only the end state.
Backward: the adjoint h̄(t) = ∂L/∂h(t) obeys dh̄/dt = −(∂f/∂h)ᵀ h̄, and dL/dθ = ∫₀ᵀ (∂f/∂θ)ᵀ h̄ dt
(written h̄ as in the book, where a is a pre-activation). Solving (h, h̄, g) backwards from T to 0 in one
augmented ODE, re-computing h on the way instead of storing it, gives the gradient with memory that does
not grow with the number of steps.
Loss: L = ½‖h(T) − target‖², so h̄(T) = h(T) − target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradbook.calculus import numerical_gradient, rk4_step
from gradbook.validation import as_array, positive, positive_int


@dataclass(frozen=True, eq=False)
class TanhField:
    """The vector field f(h, θ) = tanh(W h + b) with θ = (W, b), W square."""

    W: np.ndarray
    b: np.ndarray

    def __post_init__(self) -> None:
        W = as_array(self.W, "W", ndim=2)
        if W.shape[0] != W.shape[1]:
            raise ValueError(f"W must be square, got shape {W.shape}")
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "b", as_array(self.b, "b", shape=(W.shape[0],)))

    @property
    def dim(self) -> int:
        return self.W.shape[0]

    @property
    def theta(self) -> np.ndarray:
        """The parameters as one flat vector: W row by row, then b."""
        return np.concatenate([self.W.ravel(), self.b])

    @classmethod
    def from_theta(cls, theta: np.ndarray, dim: int) -> TanhField:
        theta = as_array(theta, "theta", shape=(dim * dim + dim,))
        return cls(theta[: dim * dim].reshape(dim, dim), theta[dim * dim :])

    def __call__(self, h: np.ndarray) -> np.ndarray:
        return np.tanh(self.W @ h + self.b)

    def vjp(self, h: np.ndarray, hbar: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(h̄ᵀ ∂f/∂h, h̄ᵀ ∂f/∂θ flattened like ``theta``): the two vector-Jacobian products the adjoint needs."""
        s = hbar * (1 - self(h) ** 2)  # h̄ ⊙ tanh'(W h + b)
        return self.W.T @ s, np.concatenate([np.outer(s, h).ravel(), s])


def _check(field: TanhField, h0: np.ndarray, t_end: float, steps: int) -> tuple[np.ndarray, float, int]:
    h0 = as_array(h0, "h0", shape=(field.dim,))
    return h0, positive(t_end, "t_end"), positive_int(steps, "steps")


def solve(field: TanhField, h0: np.ndarray, t_end: float = 1.0, steps: int = 100) -> np.ndarray:
    """The whole trajectory h(0), h(Δt), …, h(T) by fixed-step RK4, shape (steps + 1, dim)."""
    h, t_end, steps = _check(field, h0, t_end, steps)
    dt = t_end / steps
    hs = [h]
    for _ in range(steps):
        hs.append(rk4_step(field, hs[-1], dt))
    return np.array(hs)


def final_state(field: TanhField, h0: np.ndarray, t_end: float = 1.0, steps: int = 100) -> np.ndarray:
    """h(T) by the same RK4 steps as ``solve`` but keeping one state at a time."""
    h, t_end, steps = _check(field, h0, t_end, steps)
    dt = t_end / steps
    for _ in range(steps):
        h = rk4_step(field, h, dt)
    return h


def loss(field: TanhField, h0: np.ndarray, target: np.ndarray, t_end: float = 1.0, steps: int = 100) -> float:
    """L = ½‖h(T) − target‖²."""
    hT = final_state(field, h0, t_end, steps)
    return 0.5 * float(np.sum((hT - as_array(target, "target", shape=hT.shape)) ** 2))


@dataclass(frozen=True)
class AdjointGradient:
    """dL/dθ (flat, like ``TanhField.theta``) and dL/dh(0) from one backward adjoint solve."""

    loss: float
    grad_theta: np.ndarray
    grad_h0: np.ndarray
    states_kept: int  # state vectors the forward pass hands to the backward pass: 1, whatever ``steps`` is

    @property
    def grad_W(self) -> np.ndarray:
        d = self.grad_h0.size
        return self.grad_theta[: d * d].reshape(d, d)

    @property
    def grad_b(self) -> np.ndarray:
        return self.grad_theta[self.grad_h0.size**2 :]


def adjoint_gradient(
    field: TanhField, h0: np.ndarray, target: np.ndarray, t_end: float = 1.0, steps: int = 100
) -> AdjointGradient:
    """Forward to h(T) keeping nothing else, then solve (h, h̄, g) backwards from T to 0 with RK4.

    In reversed time s = T − t: dh/ds = −f(h), dh̄/ds = (∂f/∂h)ᵀ h̄, dg/ds = (∂f/∂θ)ᵀ h̄, with h̄ = h(T) − target
    and g = 0 at s = 0; at s = T, h̄ = dL/dh(0) and g = dL/dθ.
    """
    h0, t_end, steps = _check(field, h0, t_end, steps)
    hT = final_state(field, h0, t_end, steps)
    target = as_array(target, "target", shape=hT.shape)
    d, p = field.dim, field.theta.size

    def rhs(y: np.ndarray) -> np.ndarray:
        h, hbar = y[:d], y[d : 2 * d]
        hbar_fh, hbar_ftheta = field.vjp(h, hbar)
        return np.concatenate([-field(h), hbar_fh, hbar_ftheta])

    y = np.concatenate([hT, hT - target, np.zeros(p)])
    ds = t_end / steps
    for _ in range(steps):
        y = rk4_step(rhs, y, ds)
    return AdjointGradient(0.5 * float(np.sum((hT - target) ** 2)), y[2 * d :], y[d : 2 * d], 1)


def finite_difference_gradient(
    field: TanhField, h0: np.ndarray, target: np.ndarray, t_end: float = 1.0, steps: int = 100, eps: float = 1e-6
) -> np.ndarray:
    """dL/dθ by central differences of ``loss``: 2·len(θ) forward solves, the oracle for the adjoint."""
    return numerical_gradient(
        lambda theta: loss(TanhField.from_theta(theta, field.dim), h0, target, t_end, steps),
        field.theta,
        h=positive(eps, "eps"),
    )
