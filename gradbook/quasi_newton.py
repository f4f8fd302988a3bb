"""Quasi-Newton methods: curvature learnt from gradient differences instead of a Hessian.

BFGS keeps an n×n estimate H of the inverse Hessian (O(n²) memory and work per step, against Newton's
O(n³) solve); L-BFGS keeps only the last m pairs (s, y) and applies H by the two-loop recursion in O(mn).
With s = θ_{k+1} − θ_k and y = ∇L(θ_{k+1}) − ∇L(θ_k), every update makes H satisfy the secant
condition H y = s. Both run through ``optimizers.run`` and return its ``Trajectory``.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from gradbook.optimizers import HIGH_PRECISION, Differentiable, Trajectory, _grad, run
from gradbook.validation import as_array, float_dtype, positive, positive_int

LINE_SEARCHES = ("exact", "wolfe", "none")


def bfgs_update(h: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """H⁺ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1/(yᵀs): the closest update with H⁺ y = s."""
    ys = float(y @ s)
    if not ys > 0:
        raise ValueError(f"the BFGS update needs s·y > 0 (curvature along the step), got {ys:g}")
    rho = 1.0 / ys
    left = np.eye(len(s)) - rho * np.outer(s, y)
    return left @ h @ left.T + rho * np.outer(s, s)


def two_loop(g: np.ndarray, pairs: list[tuple[np.ndarray, np.ndarray]], gamma: float = 1.0) -> np.ndarray:
    """H g for the L-BFGS matrix built from ``pairs`` (oldest first) on top of H₀ = γI, in O(mn), never forming H."""
    q, alphas = np.array(g, dtype=np.float64), []
    for s, y in reversed(pairs):
        a = (s @ q) / (y @ s)
        q = q - a * y
        alphas.append(a)
    r = gamma * q
    for (s, y), a in zip(pairs, reversed(alphas)):
        r = r + s * (a - (y @ r) / (y @ s))
    return r


def bfgs(
    objective: Differentiable,
    theta0: np.ndarray,
    steps: int,
    *,
    line_search: str = "wolfe",
    lr: float = 1.0,
    h0: np.ndarray | None = None,
    dtype: object = np.float64,
) -> Trajectory:
    """θ ← θ − α H ∇L(θ), then H ← ``bfgs_update`` (skipped when yᵀs ≤ 0). H starts at ``h0`` (default I).

    ``line_search``: "exact" minimises along the line using the Hessian's curvature there (exact on a
    quadratic, so the minimum of an n-dimensional quadratic is reached in at most n steps); "wolfe"
    brackets an α, from α = lr, at which the loss falls enough and the slope has flattened enough (the weak
    Wolfe conditions, which also keep yᵀs > 0); "none" takes α = lr.
    """
    dt, search = _setup(objective, line_search, "bfgs", dtype)
    n = as_array(theta0, "theta0", ndim=1).size
    state = {"h": np.eye(n) if h0 is None else as_array(h0, "h0", shape=(n, n)).copy()}

    def direction(theta, g):
        if "g" in state:
            s, y = theta - state["theta"], g - state["g"]
            if y @ s > 0:
                state["h"] = bfgs_update(state["h"], s, y)
        state.update(theta=theta, g=g)
        return -state["h"] @ g

    return run(objective, theta0, steps, _stepper(objective, direction, search, lr, dt), dtype=dt)


def lbfgs(
    objective: Differentiable,
    theta0: np.ndarray,
    steps: int,
    memory: int = 10,
    *,
    line_search: str = "wolfe",
    lr: float = 1.0,
    scaling: bool = True,
    dtype: object = np.float64,
) -> Trajectory:
    """L-BFGS: BFGS's direction from the last ``memory`` pairs only, by ``two_loop``. With ``scaling``,
    H₀ = (sᵀy / yᵀy) I from the newest pair (the usual choice); without it H₀ = I, and with memory ≥ steps
    the iterates are BFGS's."""
    dt, search = _setup(objective, line_search, "lbfgs", dtype)
    pairs: deque = deque(maxlen=positive_int(memory, "memory"))
    state: dict[str, Any] = {}

    def direction(theta, g):
        if "g" in state:
            s, y = theta - state["theta"], g - state["g"]
            if y @ s > 0:
                pairs.append((s, y))
        state.update(theta=theta, g=g)
        gamma = float(pairs[-1][0] @ pairs[-1][1] / (pairs[-1][1] @ pairs[-1][1])) if scaling and pairs else 1.0
        return -two_loop(g, list(pairs), gamma)

    return run(objective, theta0, steps, _stepper(objective, direction, search, lr, dt), dtype=dt)


def _setup(objective, line_search, name, dtype):
    if line_search not in LINE_SEARCHES:
        raise ValueError(f"line_search must be one of {', '.join(LINE_SEARCHES)}, got {line_search!r}")
    if line_search == "exact" and getattr(objective, "hessian", None) is None:
        raise ValueError("line_search='exact' needs an objective with a hessian(theta) method")
    return float_dtype(dtype, f"{name} (it keeps curvature pairs)", HIGH_PRECISION), line_search


def _stepper(objective, direction, search, lr, dt):
    lr = positive(lr, "lr")

    def step(theta, _k):
        x = theta.astype(np.float64)
        g = _grad(objective, theta, dt).astype(np.float64)
        p = direction(x, g)
        slope = float(g @ p)
        if not slope < 0:  # at a stationary point, or H lost positive definiteness: stay put
            return theta
        if search == "exact":
            alpha = -slope / float(p @ np.asarray(objective.hessian(x), dtype=np.float64) @ p)
        else:
            alpha = lr if search == "none" else _wolfe(objective, x, p, slope, lr)
        return (x + alpha * p).astype(dt)

    return step


def _wolfe(objective, x, p, slope, alpha, c1=1e-4, c2=0.9, tries=60):
    """An α with L(x + αp) ≤ L(x) + c₁α·slope (decrease) and ∇L(x + αp)ᵀp ≥ c₂·slope (curvature), by
    bisection inside a bracket that doubles until it holds one (Lewis and Overton's weak Wolfe search)."""
    f0, low, high = float(objective.value(x)), 0.0, np.inf
    for _ in range(tries):
        trial = x + alpha * p
        if float(objective.value(trial)) > f0 + c1 * alpha * slope:
            high = alpha
        elif float(np.asarray(objective.grad(trial)) @ p) < c2 * slope:
            low = alpha
        else:
            break
        alpha = 0.5 * (low + high) if np.isfinite(high) else 2.0 * low
    return alpha
