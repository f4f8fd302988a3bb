"""Adaptive optimisers: a step size per coordinate from the gradients seen so far. AdaGrad, RMSProp,
Adam and AdamW, each one ``step`` handed to ``optimizers.run``, so each returns a ``Trajectory``.

g is the gradient at the current iterate, squares and roots act coordinate by coordinate, and
``lr`` is a number or a schedule (``gradbook.schedules``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradbook.optimizers import Differentiable, Trajectory, _grad, run
from gradbook.schedules import Schedule, as_schedule
from gradbook.validation import float_dtype, in_interval, positive


def adagrad(
    objective: Differentiable,
    theta0: np.ndarray,
    lr: float | Schedule,
    steps: int,
    eps: float = 1e-10,
    *,
    dtype: object = np.float64,
) -> Trajectory:
    """θ ← θ − η g / (√s + ε) with s the SUM of every g² so far: each coordinate's step only shrinks."""
    rate, eps = as_schedule(lr), positive(eps, "eps")
    dt = float_dtype(dtype, "adagrad")
    state: dict[str, Any] = {}

    def step(theta, k):
        g = _grad(objective, theta, dt)
        state["s"] = state.get("s", np.zeros_like(theta)) + g * g
        return theta - dt.type(rate(k)) * g / (np.sqrt(state["s"]) + dt.type(eps))

    return run(objective, theta0, steps, step, dtype=dt)


def rmsprop(
    objective: Differentiable,
    theta0: np.ndarray,
    lr: float | Schedule,
    steps: int,
    rho: float = 0.9,
    eps: float = 1e-8,
    *,
    dtype: object = np.float64,
) -> Trajectory:
    """θ ← θ − η g / (√s + ε) with s a running MEAN of g² (s ← ρ s + (1 − ρ) g², from s = 0)."""
    rate, rho, eps = as_schedule(lr), in_interval(rho, "rho", 0.0, 1.0), positive(eps, "eps")
    dt = float_dtype(dtype, "rmsprop")
    sq = None

    def step(theta, k):
        nonlocal sq
        g = _grad(objective, theta, dt)
        sq = (1 - rho) * g * g if sq is None else dt.type(rho) * sq + dt.type(1 - rho) * g * g
        return theta - dt.type(rate(k)) * g / (np.sqrt(sq) + dt.type(eps))

    return run(objective, theta0, steps, step, dtype=dt)


def adam(
    objective: Differentiable,
    theta0: np.ndarray,
    lr: float | Schedule,
    steps: int,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    *,
    weight_decay: float = 0.0,
    bias_correction: bool = True,
    dtype: object = np.float64,
) -> Trajectory:
    """Adam: running means m of g and v of g², step −η m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵏ), v̂ = v/(1 − β₂ᵏ).

    ``weight_decay=λ`` adds λθ to the gradient (L2 regularisation, as ``torch.optim.Adam`` does), so the
    decay too is divided by √v̂; ``adamw`` decouples it. ``bias_correction=False`` uses m and v as they are.
    """
    return _adam(objective, theta0, lr, steps, beta1, beta2, eps, weight_decay, False, bias_correction, dtype)


def adamw(
    objective: Differentiable,
    theta0: np.ndarray,
    lr: float | Schedule,
    steps: int,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.01,
    *,
    bias_correction: bool = True,
    dtype: object = np.float64,
) -> Trajectory:
    """AdamW: θ ← θ − η λ θ − η m̂/(√v̂ + ε). The decay shrinks every weight at the same rate ηλ, outside
    the adaptive scaling (``torch.optim.AdamW``)."""
    return _adam(objective, theta0, lr, steps, beta1, beta2, eps, weight_decay, True, bias_correction, dtype)


def _adam(objective, theta0, lr, steps, beta1, beta2, eps, weight_decay, decoupled, bias_correction, dtype):
    rate, eps = as_schedule(lr), positive(eps, "eps")
    beta1, beta2 = in_interval(beta1, "beta1", 0.0, 1.0), in_interval(beta2, "beta2", 0.0, 1.0)
    decay = in_interval(weight_decay, "weight_decay", 0.0, np.inf)
    dt = float_dtype(dtype, "adamw" if decoupled else "adam")
    state: dict[str, Any] = {}

    def step(theta, k):
        g = _grad(objective, theta, dt)
        if decay and not decoupled:
            g = g + dt.type(decay) * theta
        m = state.get("m", np.zeros_like(theta)) * dt.type(beta1) + dt.type(1 - beta1) * g
        v = state.get("v", np.zeros_like(theta)) * dt.type(beta2) + dt.type(1 - beta2) * g * g
        state.update(m=m, v=v)
        m_hat, v_hat = m, v
        if bias_correction:
            m_hat, v_hat = m / dt.type(1 - beta1 ** (k + 1)), v / dt.type(1 - beta2 ** (k + 1))
        eta = dt.type(rate(k))
        shrunk = theta - eta * dt.type(decay) * theta if decay and decoupled else theta
        return shrunk - eta * m_hat / (np.sqrt(v_hat) + dt.type(eps))

    return run(objective, theta0, steps, step, dtype=dt)
