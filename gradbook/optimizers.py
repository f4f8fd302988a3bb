"""Optimisers that return whole trajectories: GD, momentum (heavy ball and Nesterov), minibatch SGD, Newton,
natural gradient and the gradient-flow ODE. The adaptive methods (AdaGrad, RMSProp, Adam, AdamW) are in
``gradbook.adaptive``, BFGS and L-BFGS in ``gradbook.quasi_newton``: all return this module's ``Trajectory``.

An objective is anything with ``value(θ)`` and ``grad(θ)`` (every landscape and model in gradbook;
wrap plain functions in ``Objective``). Precision: the iterate and the optimiser's state live in
``dtype``; the objective computes in float64 and its gradient is rounded to ``dtype`` before use, as a
float16 gradient buffer would hold it, so a gradient smaller than the format's tiniest number becomes 0.
``lr`` is a number or a schedule (``gradbook.schedules``: step k ↦ η_k).
A run stops early, with ``diverged=True``, once the iterate or its gradient is no longer finite.
Every optimiser in gradbook is one ``step`` function handed to ``run``, the single loop that records
the ``Trajectory``; ``pitfalls.ordered_sgd`` and ``newton_cg`` use it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from gradbook.calculus import rk4_step
from gradbook.information import natural_direction
from gradbook.networks import clip_by_norm
from gradbook.schedules import Schedule, as_schedule
from gradbook.validation import as_array, float_dtype, in_interval, positive, positive_int

HIGH_PRECISION = (np.float32, np.float64)  # routines that solve linear systems or integrate ODEs


class Differentiable(Protocol):
    """What the optimisers need: a loss and its gradient at a parameter vector."""

    def value(self, theta: np.ndarray) -> np.ndarray | float: ...

    def grad(self, theta: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Objective:
    """Plain functions as an objective: ``Objective(value=f, grad=g, hessian=h)``."""

    value: Callable[[np.ndarray], float]
    grad: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray] | None = None


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Iterates θ₀ … θ_k (rows, in the run's dtype), the loss and gradient norm at each, and whether it blew up.

    Some runs record one thing more: the time of each iterate (``gradient_flow``), the gradient each step
    used when that is not ∇L(θ_k) (``ordered_sgd``'s minibatch gradients), or the Hessian-vector
    products spent (``newton_cg``).
    """

    iterates: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray  # ‖∇L(θ_k)‖ as the run's dtype holds it
    diverged: bool = False
    times: np.ndarray | None = None  # gradient flow: the time of each iterate
    step_grads: np.ndarray | None = None  # row k: the gradient the step from θ_k used
    hvp_calls: int | None = None  # Newton-CG: Hessian-vector products over the whole run

    @property
    def final(self) -> np.ndarray:
        return self.iterates[-1]

    def steps_to_reach(self, point: np.ndarray, tol: float) -> int | None:
        """The first step k with ‖θ_k − point‖ ≤ tol, or None if the run never gets there."""
        hits = np.flatnonzero(self._distances(point) <= positive(tol, "tol"))
        return int(hits[0]) if hits.size else None

    def steps_to_leave(self, point: np.ndarray, radius: float) -> int | None:
        """The first step k with ‖θ_k − point‖ > radius, or None if the run stays inside."""
        hits = np.flatnonzero(self._distances(point) > positive(radius, "radius"))
        return int(hits[0]) if hits.size else None

    def _distances(self, point: np.ndarray) -> np.ndarray:
        p = as_array(point, "point", shape=(self.iterates.shape[1],))
        return np.linalg.norm(self.iterates.astype(np.float64) - p, axis=1)


def gradient_descent(
    objective: Differentiable,
    theta0: np.ndarray,
    lr: float | Schedule,
    steps: int,
    *,
    dtype: object = np.float64,
    loss_scale: float | None = None,
    clip_norm: float | None = None,
    noise: float = 0.0,
    seed: int = 0,
) -> Trajectory:
    """θ ← θ − η ∇L(θ).

    ``loss_scale=s`` multiplies the loss by s before its gradient is rounded to ``dtype`` and divides it
    out again in float32 master weights (mixed-precision training). ``clip_norm`` clips each gradient by
    norm; ``noise`` adds N(0, noise²) to each gradient component, a stand-in for minibatch noise.
    """
    rate = as_schedule(lr)
    noise = in_interval(noise, "noise", 0.0, np.inf)
    clip_norm = None if clip_norm is None else positive(clip_norm, "clip_norm")
    rng = np.random.default_rng(seed)
    low = float_dtype(dtype, "gradient_descent")
    scale = 1.0 if loss_scale is None else positive(loss_scale, "loss_scale")
    if loss_scale is not None:
        float_dtype(dtype, "gradient_descent with loss_scale", (np.float16,))
    work = low if loss_scale is None else np.dtype(np.float32)  # float32 master weights under loss scaling

    def step(theta, k):
        g = _grad(objective, theta, low, scale)
        if scale != 1.0 and not np.isfinite(g).all():
            raise ValueError(f"loss_scale={scale:g} is too large: the scaled gradient overflowed {low.name}")
        if work != low or scale != 1.0:  # else g / 1 is g, bit for bit
            g = g.astype(work) / work.type(scale)
        if noise:
            g = g + rng.normal(0.0, noise, g.shape).astype(work)
        if clip_norm is not None:
            g, _ = clip_by_norm(g, clip_norm)
            g = g.astype(work)
        return theta - work.type(rate(k)) * g

    return run(objective, theta0, steps, step, dtype=work)


def momentum(
    objective: Differentiable,
    theta0: np.ndarray,
    lr: float | Schedule,
    steps: int,
    beta: float = 0.9,
    *,
    nesterov: bool = False,
    dtype: object = np.float64,
) -> Trajectory:
    """Heavy ball: v ← β v − η ∇L(θ), θ ← θ + v, i.e. θ_{k+1} = θ_k − η∇L(θ_k) + β(θ_k − θ_{k−1}).

    ``nesterov=True``: Nesterov's variant, v ← β v − η ∇L(θ + β v), the gradient at the look-ahead point.
    """
    rate, beta = as_schedule(lr), in_interval(beta, "beta", 0.0, 1.0)
    dt = float_dtype(dtype, "nesterov" if nesterov else "momentum")
    velocity = None

    def step(theta, k):
        nonlocal velocity
        coasted = np.zeros_like(theta) if velocity is None else dt.type(beta) * velocity
        at = theta + coasted if nesterov else theta
        velocity = coasted - dt.type(rate(k)) * _grad(objective, at, dt)
        return theta + velocity

    return run(objective, theta0, steps, step, dtype=dt)


def sgd(
    objective: Differentiable,
    theta0: np.ndarray,
    lr: float | Schedule,
    steps: int,
    batch_size: int,
    seed: int = 0,
    *,
    dtype: object = np.float64,
    clip_norm: float | None = None,
) -> Trajectory:
    """Minibatch SGD: each step uses the gradient of ``batch_size`` examples drawn without replacement.

    The objective needs ``batch_grad(θ, idx)`` and ``n_examples`` (LinearMSE, LogisticRegression).
    """
    rate = as_schedule(lr)
    clip_norm = None if clip_norm is None else positive(clip_norm, "clip_norm")
    dt = float_dtype(dtype, "sgd")
    if not hasattr(objective, "batch_grad") or not hasattr(objective, "n_examples"):
        raise ValueError("sgd needs an objective with batch_grad(theta, idx) and n_examples")
    n = objective.n_examples
    batch_size = positive_int(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of examples ({n}), got {batch_size}")
    rng = np.random.default_rng(seed)

    def step(theta, k):
        idx = rng.choice(n, size=batch_size, replace=False)
        g = _round(objective.batch_grad(theta.astype(np.float64), idx), dt)
        if clip_norm is not None:
            g = clip_by_norm(g, clip_norm)[0].astype(dt)
        return theta - dt.type(rate(k)) * g

    return run(objective, theta0, steps, step, dtype=dt)


def newton(
    objective: Differentiable,
    theta0: np.ndarray,
    steps: int,
    lr: float = 1.0,
    damping: float = 0.0,
    *,
    dtype: object = np.float64,
) -> Trajectory:
    """θ ← θ − η (H + λI)⁻¹ ∇L(θ); one step reaches a quadratic's minimum when η = 1, λ = 0."""
    lr, damping = positive(lr, "lr"), in_interval(damping, "damping", 0.0, np.inf)
    dt = float_dtype(dtype, "newton (it solves a linear system)", HIGH_PRECISION)
    hessian = getattr(objective, "hessian", None)
    if hessian is None:
        raise ValueError("newton needs an objective with a hessian(theta) method")

    def step(theta, _k):
        h = np.asarray(hessian(theta.astype(np.float64)), dtype=np.float64)
        g = _grad(objective, theta, dt).astype(np.float64)
        return theta - dt.type(lr) * _round(natural_direction(h, g, damping), dt)

    return run(objective, theta0, steps, step, dtype=dt)


def natural_gradient_descent(
    objective: Differentiable,
    fisher: Callable[[np.ndarray], np.ndarray],
    theta0: np.ndarray,
    lr: float,
    steps: int,
    damping: float = 0.0,
    *,
    dtype: object = np.float64,
) -> Trajectory:
    """θ ← θ − η (F(θ) + λI)⁻¹ ∇L(θ): steepest descent when distance is measured by KL, not by ‖δ‖."""
    lr, damping = positive(lr, "lr"), in_interval(damping, "damping", 0.0, np.inf)
    dt = float_dtype(dtype, "natural_gradient_descent (it solves a linear system)", HIGH_PRECISION)

    def step(theta, _k):
        f = np.asarray(fisher(theta.astype(np.float64)), dtype=np.float64)
        g = _grad(objective, theta, dt).astype(np.float64)
        return theta - dt.type(lr) * _round(natural_direction(f, g, damping), dt)

    return run(objective, theta0, steps, step, dtype=dt)


def gradient_flow(
    objective: Differentiable, theta0: np.ndarray, t_end: float, steps: int, *, dtype: object = np.float64
) -> Trajectory:
    """The ODE dθ/dt = −∇L(θ) integrated by classical Runge–Kutta (RK4) with ``steps`` steps up to ``t_end``."""
    t_end = positive(t_end, "t_end")
    dt = float_dtype(dtype, "gradient_flow", HIGH_PRECISION)
    h = dt.type(t_end / positive_int(steps, "steps"))

    def step(theta, _k):
        return rk4_step(lambda t: -_grad(objective, t, dt), theta, h)

    traj = run(objective, theta0, steps, step, dtype=dt)
    return replace(traj, times=np.arange(len(traj.iterates)) * float(h))


def run(
    objective: Differentiable,
    theta0: np.ndarray,
    steps: int,
    step: Callable[[np.ndarray, int], np.ndarray],
    *,
    dtype: Any = np.float64,
) -> Trajectory:
    """Iterate ``theta ← step(theta, k)`` from theta0, recording iterates, losses and gradient norms.

    The one loop behind every optimiser: ``step`` holds the method, ``run`` the bookkeeping.
    """
    if not callable(getattr(objective, "value", None)) or not callable(getattr(objective, "grad", None)):
        raise ValueError("objective must have value(theta) and grad(theta) methods (see Objective)")
    steps = positive_int(steps, "steps")
    dtype = np.dtype(dtype)
    theta = as_array(theta0, "theta0", ndim=1).astype(dtype)
    iterates, diverged = [theta], False
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for k in range(steps):
            theta = np.asarray(step(theta, k), dtype=dtype)
            if not np.isfinite(theta).all():
                diverged = True
                break
            iterates.append(theta)
        its = np.array(iterates)
        wide = its.astype(np.float64)
        grads = [_round(objective.grad(t), dtype) for t in wide]
        if dtype != np.float64:
            grads = [g.astype(np.float64) for g in grads]
        losses = np.array([float(objective.value(t)) for t in wide])
    norms = np.linalg.norm(np.array(grads), axis=1)
    return Trajectory(its, losses, norms, diverged or not np.all(np.isfinite(norms)))


def _grad(objective: Differentiable, theta: np.ndarray, dtype: np.dtype, scale: float = 1.0) -> np.ndarray:
    """∇(scale·L) at θ, computed in float64 and rounded to ``dtype`` (tiny values become 0, huge ones inf)."""
    g = np.asarray(objective.grad(theta.astype(np.float64)), dtype=np.float64)
    return _round(g if scale == 1.0 else scale * g, dtype)  # 1·g is g, bit for bit: skip the product


def _round(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if dtype == np.float64:  # nothing to round: skip the errstate, which costs more than the copy
        return np.array(x, dtype=np.float64)
    with np.errstate(over="ignore", under="ignore"):
        return np.asarray(x, dtype=np.float64).astype(dtype)
