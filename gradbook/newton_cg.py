"""Matrix-free Newton-CG: Newton steps H p = −∇f solved by conjugate gradients that only ever ask for H·v.

The Hessian is never formed: each product H·v comes from ``gradbook.autodiff.hessian_vector_product``
(forward over reverse), which costs a small constant times one gradient. A Newton step then costs
(CG iterations) Hessian-vector products instead of O(n²) memory for H and O(n³) work to factor it.
Newton's CG is solved only to a relative tolerance and skipped once the gradient is negligible, so
the number of products it reports does not hinge on rounding. Both methods here run through
``optimizers.run`` and return its ``Trajectory``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from gradbook.autodiff import ScalarFunction, cos, gradient_reverse, hessian_vector_product, sin
from gradbook.optimizers import Objective, Trajectory, gradient_descent, run
from gradbook.validation import as_array, positive, positive_int


@dataclass(frozen=True)
class CGResult:
    """x ≈ A⁻¹b after ``iterations`` products with A; ``negative_curvature`` if some pᵀAp ≤ 0 stopped it."""

    x: np.ndarray
    iterations: int
    negative_curvature: bool


def conjugate_gradient(
    matvec: Callable[[np.ndarray], np.ndarray], b: np.ndarray, tol: float = 1e-10, max_iter: int | None = None
) -> CGResult:
    """Solve A x = b for symmetric positive definite A given only v ↦ A v (at most n products in exact arithmetic).

    Truncated for Newton: if a search direction p has pᵀAp ≤ 0 the iteration stops and returns the
    current x (or b itself if that happens on the first step), which is still a descent direction for −∇f.
    """
    b = as_array(b, "b", ndim=1)
    tol = positive(tol, "tol")
    max_iter = b.size if max_iter is None else positive_int(max_iter, "max_iter")
    x = np.zeros_like(b)
    r = b.copy()  # residual b − A x
    p = r.copy()
    rr = float(r @ r)
    scale = max(np.sqrt(rr), 1e-300)
    for k in range(max_iter):
        if np.sqrt(rr) <= tol * scale:
            return CGResult(x, k, False)
        Ap = np.asarray(matvec(p), dtype=float)
        curvature = float(p @ Ap)
        if curvature <= 0:
            return CGResult(x if k else b.copy(), k + 1, True)
        alpha = rr / curvature
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = float(r @ r)
        p = r + (rr_new / rr) * p
        rr = rr_new
    return CGResult(x, max_iter, False)


def newton_cg(
    f: ScalarFunction,
    x0: np.ndarray,
    steps: int,
    cg_iters: int | None = None,
    tol: float = 1e-4,
    gtol: float = 1e-8,
    line_search: bool = True,
) -> Trajectory:
    """Minimise f with matrix-free Newton steps: gradient by reverse mode, H·v by forward over reverse.

    ``f`` takes a sequence of numbers and is written with +, −, ·, /, ** and gradbook.autodiff's
    functions, so it runs on floats, Duals and Values alike. With ``line_search`` the step is halved
    until f decreases enough (Armijo); without it every step is the full Newton step.

    Each step's CG stops once its residual is below ``tol``·‖∇f‖ (inexact Newton: near the minimum a
    step still shrinks the gradient by about ``tol`` or better, and a residual test that loose is not
    decided by the last bits of a dot product). A step whose gradient has ‖∇f‖ ≤ ``gtol`` spends no
    Hessian-vector product and keeps x: that small, the gradient is mostly rounding error, and how
    many products CG spent on it would depend on the CPU. The trajectory's ``hvp_calls`` counts CG iterations.
    """
    tol = positive(tol, "tol")
    gtol = float(gtol)
    if not gtol >= 0:
        raise ValueError(f"gtol must be >= 0, got {gtol}")
    calls = 0

    def step(x, _k):
        nonlocal calls
        g = gradient_reverse(f, x)
        if float(np.linalg.norm(g)) <= gtol:
            return x
        cg = conjugate_gradient(lambda v: hessian_vector_product(f, x, v), -g, tol=tol, max_iter=cg_iters)
        calls += cg.iterations
        p, t, fx = cg.x, 1.0, _value(f, x)
        if line_search:
            while _value(f, x + t * p) > fx + 1e-4 * t * float(g @ p) and t > 1e-8:
                t /= 2
        return x + t * p

    traj = run(_objective(f), x0, steps, step)
    return replace(traj, hvp_calls=calls)


def gradient_descent_path(f: ScalarFunction, x0: np.ndarray, lr: float, steps: int) -> Trajectory:
    """Plain gradient descent on the same kind of f, gradients by reverse mode."""
    return gradient_descent(_objective(f), x0, lr, steps)


def narrow_valley(condition: float = 50.0, angle: float = 0.5, quartic: float = 0.25) -> ScalarFunction:
    """An ill-conditioned, non-quadratic test bowl: ½(κu² + v²) + q(u⁴ + v⁴) in axes turned by ``angle``.

    u = x cos a + y sin a, v = −x sin a + y cos a; the minimum is 0 at the origin and the Hessian there
    has eigenvalues κ and 1, so the condition number is κ.
    """
    kappa = positive(condition, "condition")
    q = float(quartic)
    if q < 0:
        raise ValueError(f"quartic must be >= 0, got {q}")
    c, s = cos(float(angle)), sin(float(angle))

    def f(xs):
        x, y = xs
        u = x * c + y * s
        v = y * c - x * s
        return 0.5 * (kappa * u**2 + v**2) + q * (u**4 + v**4)

    return f


def _value(f: ScalarFunction, x: np.ndarray) -> float:
    return float(f([float(a) for a in x]))


def _objective(f: ScalarFunction) -> Objective:
    return Objective(value=lambda x: _value(f, x), grad=lambda x: gradient_reverse(f, x))
