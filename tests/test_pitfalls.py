"""gradbook.pitfalls: the one-unit linear RNN loss, teacher-labelled data and SGD over ordered batches."""

from __future__ import annotations

import numpy as np
import pytest

from gradbook.calculus import numerical_gradient
from gradbook.information import gradient_confusion
from gradbook.models import LinearMSE, LogisticRegression
from gradbook.optimizers import Trajectory
from gradbook.pitfalls import LinearRecurrence, ordered_sgd, teacher_logistic_data


@pytest.mark.parametrize("w", [0.5, 0.97, 1.05, -0.8])
def test_linear_recurrence_gradient_matches_finite_differences(w):
    L = LinearRecurrence(steps=7, target=0.3, h0=1.5)
    theta = np.array([w])
    assert np.allclose(L.grad(theta), numerical_gradient(lambda t: float(L.value(t)), theta), rtol=1e-6, atol=1e-8)


def test_linear_recurrence_minimum_and_grid_shapes():
    L = LinearRecurrence()
    assert np.isclose(L.minimum[0] ** 20, 0.5)
    assert np.isclose(float(L.value(L.minimum)), 0.0)
    grid = np.linspace(0.5, 1.2, 6)[:, None]
    assert L.value(grid).shape == (6,) and L.grad(grid).shape == (6, 1)


def test_linear_recurrence_rejects_a_target_with_no_positive_root():
    with pytest.raises(ValueError):
        _ = LinearRecurrence(target=-1.0).minimum


def test_teacher_data_is_seeded_and_labelled_by_the_teacher():
    X, y, w = teacher_logistic_data(200, 5, seed=3, label_noise=0.0)
    X2, y2, w2 = teacher_logistic_data(200, 5, seed=3, label_noise=0.0)
    assert np.array_equal(X, X2) and np.array_equal(y, y2) and np.array_equal(w, w2)
    assert np.array_equal(y, (X @ w > 0).astype(float))


def test_ordered_sgd_with_one_full_batch_per_step_is_gradient_descent():
    rng = np.random.default_rng(0)
    x = rng.normal(size=30)
    L = LinearMSE(x, 2 * x + 1)
    run = ordered_sgd(L, [0.0, 0.0], 0.1, [np.arange(30)] * 5)
    theta = np.zeros(2)
    for _ in range(5):
        theta = theta - 0.1 * L.grad(theta)
    assert isinstance(run, Trajectory) and np.allclose(run.final, theta)
    assert run.step_grads.shape == (5, 2)
    assert np.allclose(run.step_grads[0], L.grad(np.zeros(2)))


def test_ordered_sgd_uses_the_batches_in_the_given_order():
    X, y, _ = teacher_logistic_data(64, 3, seed=1)
    L = LogisticRegression(X, y)
    batches = np.arange(64).reshape(4, 16)
    a = ordered_sgd(L, np.zeros(3), 0.5, batches)
    b = ordered_sgd(L, np.zeros(3), 0.5, batches[::-1])
    assert np.allclose(a.step_grads[0], L.batch_grad(np.zeros(3), batches[0]))
    assert np.allclose(b.step_grads[0], L.batch_grad(np.zeros(3), batches[3]))
    assert not np.allclose(a.final, b.final)


def test_confusion_counts_sign_flips_between_successive_batch_gradients():
    grads = np.array([[0.3, -1.2, 0.5], [0.1, 0.4, -0.2], [-0.5, 0.4, -0.1], [-0.5, 0.4, -0.1]])
    assert gradient_confusion(grads).tolist() == [2, 1, 0]


def test_ordered_sgd_checks_its_inputs():
    L = LinearMSE(np.arange(4.0), np.arange(4.0))
    with pytest.raises(ValueError):
        ordered_sgd(L, [0.0, 0.0], 0.1, [])
    with pytest.raises(ValueError):
        ordered_sgd(L, [0.0, 0.0], -0.1, [[0, 1]])
    with pytest.raises(ValueError):
        ordered_sgd(object(), [0.0, 0.0], 0.1, [[0, 1]])
