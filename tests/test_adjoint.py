"""The adjoint method against finite differences and against the discrete chain rule; memory that does
not grow with the number of solver steps."""

from __future__ import annotations

import numpy as np
import pytest

from gradbook import adjoint as adj
from gradbook.calculus import numerical_gradient, numerical_jacobian


def _problem(seed: int = 0, dim: int = 2):
    rng = np.random.default_rng(seed)
    field = adj.TanhField(rng.normal(size=(dim, dim)), rng.normal(size=dim))
    return field, rng.normal(size=dim), rng.normal(size=dim)


def test_theta_round_trip():
    field, _, _ = _problem(dim=3)
    back = adj.TanhField.from_theta(field.theta, 3)
    np.testing.assert_array_equal(back.W, field.W)
    np.testing.assert_array_equal(back.b, field.b)


def test_vector_jacobian_products_match_numerical_jacobians():
    field, h, a = _problem(seed=1, dim=3)
    a_fh, a_ftheta = field.vjp(h, a)
    np.testing.assert_allclose(a_fh, a @ numerical_jacobian(field, h), atol=1e-8)
    jac_theta = numerical_jacobian(lambda th: adj.TanhField.from_theta(th, 3)(h), field.theta)
    np.testing.assert_allclose(a_ftheta, a @ jac_theta, atol=1e-8)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("steps", [20, 100])
def test_adjoint_gradient_matches_finite_differences(seed, steps):
    field, h0, target = _problem(seed)
    got = adj.adjoint_gradient(field, h0, target, t_end=1.0, steps=steps)
    np.testing.assert_allclose(
        got.grad_theta, adj.finite_difference_gradient(field, h0, target, 1.0, steps), atol=1e-6, rtol=1e-5
    )
    fd_h0 = numerical_gradient(lambda h: adj.loss(field, h, target, 1.0, steps), h0)
    np.testing.assert_allclose(got.grad_h0, fd_h0, atol=1e-6, rtol=1e-5)
    assert got.loss == pytest.approx(adj.loss(field, h0, target, 1.0, steps))
    assert got.grad_W.shape == (2, 2) and got.grad_b.shape == (2,)


def test_memory_does_not_grow_with_steps_but_a_stored_trajectory_does():
    field, h0, target = _problem()
    for steps in (10, 100, 1000):
        assert adj.adjoint_gradient(field, h0, target, 1.0, steps).states_kept == 1
        assert len(adj.solve(field, h0, 1.0, steps)) == steps + 1


def test_the_gradient_converges_as_the_solver_refines():
    field, h0, target = _problem(seed=3)
    coarse, fine = (adj.adjoint_gradient(field, h0, target, 2.0, s).grad_theta for s in (4, 400))
    finer = adj.adjoint_gradient(field, h0, target, 2.0, 800).grad_theta
    assert np.max(np.abs(fine - finer)) < 1e-9 < np.max(np.abs(coarse - finer))


def test_final_state_is_the_trajectory_end():
    field, h0, _ = _problem()
    np.testing.assert_allclose(adj.final_state(field, h0, 1.5, 30), adj.solve(field, h0, 1.5, 30)[-1])


def test_inputs_are_checked():
    field, h0, target = _problem()
    with pytest.raises(ValueError, match="square"):
        adj.TanhField(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="steps"):
        adj.solve(field, h0, 1.0, 0)
    with pytest.raises(ValueError, match="t_end"):
        adj.loss(field, h0, target, -1.0)


def test_with_few_steps_the_adjoint_is_the_continuous_gradient_not_the_solver_s():
    # optimise-then-discretise: the backward ODE is solved afresh, so on a coarse grid the adjoint and the
    # exact derivative of the coarse solver differ by the discretisation error, which shrinks like Δt⁴
    field, h0, target = _problem(seed=1)
    gaps = [
        np.max(
            np.abs(
                adj.adjoint_gradient(field, h0, target, 1.0, s).grad_theta
                - adj.finite_difference_gradient(field, h0, target, 1.0, s)
            )
        )
        for s in (5, 10)
    ]
    assert gaps[0] > 1e-6 and gaps[1] < gaps[0] / 8
