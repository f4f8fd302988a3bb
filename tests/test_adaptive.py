"""Adaptive optimisers against PyTorch's (an independent implementation) and against closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from gradbook.adaptive import adagrad, adam, adamw, rmsprop
from gradbook.landscapes import Rosenbrock, elongated
from gradbook.optimizers import Objective, momentum
from gradbook.schedules import cosine, warmup
from tests.core_helpers import CORE, assert_close

START = [-1.2, 1.0]


def _torch_rosenbrock(optimizer, steps: int, **kwargs) -> np.ndarray:
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = optimizer([p], **kwargs)
    iterates = [p.detach().clone().numpy()]
    for _ in range(steps):
        opt.zero_grad()
        loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
        loss.backward()
        opt.step()
        iterates.append(p.detach().clone().numpy())
    return np.array(iterates)


@pytest.mark.parametrize(
    ("ours", "theirs", "kwargs"),
    [
        (lambda r, s: adam(r, START, 1e-2, s), torch.optim.Adam, {"lr": 1e-2}),
        (lambda r, s: adam(r, START, 1e-2, s, weight_decay=0.1), torch.optim.Adam, {"lr": 1e-2, "weight_decay": 0.1}),
        (lambda r, s: adamw(r, START, 1e-2, s, weight_decay=0.1), torch.optim.AdamW, {"lr": 1e-2, "weight_decay": 0.1}),
        (lambda r, s: adagrad(r, START, 0.1, s), torch.optim.Adagrad, {"lr": 0.1}),
        (lambda r, s: rmsprop(r, START, 1e-2, s, rho=0.9), torch.optim.RMSprop, {"lr": 1e-2, "alpha": 0.9}),
        (lambda r, s: momentum(r, START, 1e-3, s, 0.9), torch.optim.SGD, {"lr": 1e-3, "momentum": 0.9}),
    ],
    ids=["adam", "adam-l2", "adamw", "adagrad", "rmsprop", "momentum"],
)
def test_the_same_iterates_as_pytorch(ours, theirs, kwargs):
    assert_close(ours(Rosenbrock(), 60).iterates, _torch_rosenbrock(theirs, 60, **kwargs), rtol=1e-12, atol=1e-12)


@CORE
@given(
    g=st.lists(st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3), min_size=1, max_size=4),
    beta1=st.floats(0.5, 0.99),
    beta2=st.floats(0.9, 0.9999),
)
def test_adam_first_step_is_lr_with_bias_correction_and_not_without(g, beta1, beta2):
    """m₁ = (1 − β₁)g and v₁ = (1 − β₂)g²: corrected, m̂₁/√v̂₁ = sign(g); raw, the step is (1 − β₁)/√(1 − β₂) · η."""
    g = np.array(g)
    linear = Objective(lambda t: float(g @ t), lambda t: g.copy())
    lr, zero = 0.01, np.zeros(g.size)
    fixed = adam(linear, zero, lr, 1, beta1, beta2, eps=1e-300).final
    raw = adam(linear, zero, lr, 1, beta1, beta2, eps=1e-300, bias_correction=False).final
    assert_close(fixed, -lr * np.sign(g), rtol=1e-12, atol=0)
    assert_close(raw, -lr * (1 - beta1) / np.sqrt(1 - beta2) * np.sign(g), rtol=1e-12, atol=0)


def test_adam_without_bias_correction_steps_3_16_lr_first_and_lr_later():
    """With the defaults β₁ = 0.9, β₂ = 0.999 the raw first step is 0.1/√0.001 ≈ 3.16η; on a constant gradient
    the raw step (1 − β₁ᵏ)/√(1 − β₂ᵏ) · η tends to η as k grows."""
    g = np.array([1.0])
    linear = Objective(lambda t: float(g @ t), lambda t: g.copy())
    steps = -np.diff(adam(linear, [0.0], 1.0, 3000, bias_correction=False).iterates[:, 0])
    k = np.arange(1, 3001)
    assert_close(steps, (1 - 0.9**k) / np.sqrt(1 - 0.999**k), rtol=1e-6, atol=0)
    assert steps[0] == pytest.approx(3.1623, abs=1e-4) and steps[-1] == pytest.approx(1.0, abs=0.05)


def test_adagrad_steps_shrink_as_one_over_root_k_on_a_constant_gradient():
    g = np.array([3.0, -0.2])
    linear = Objective(lambda t: float(g @ t), lambda t: g.copy())
    steps = np.diff(adagrad(linear, np.zeros(2), 0.5, 10, eps=1e-300).iterates, axis=0)
    k = np.arange(1, 11)[:, None]
    assert_close(steps, -0.5 * np.sign(g) / np.sqrt(k), rtol=1e-12, atol=0)


def test_adamw_decays_every_weight_at_the_same_rate_and_adam_l2_does_not():
    """On L = 0 (no data gradient), AdamW multiplies θ by (1 − ηλ) each step whatever its size; Adam's L2
    decay goes through the adaptive scaling, so each coordinate moves ≈ η per step instead."""
    flat = Objective(lambda t: 0.0, lambda t: np.zeros_like(t))
    start = np.array([1.0, 0.01])
    w = adamw(flat, start, 0.1, 5, weight_decay=0.5)
    assert_close(w.final, start * (1 - 0.05) ** 5, rtol=1e-12, atol=0)
    l2 = adam(flat, start, 0.001, 5, weight_decay=0.5)
    assert_close(start - l2.final, [0.005, 0.005], rtol=0.02, atol=0)  # both coordinates moved about 5η


def test_schedules_reach_the_optimisers():
    q = elongated((4.0, 1.0))
    sched = warmup(cosine(0.1, 50), 10)
    traj = adam(q, [1.0, 1.0], sched, 50)
    manual, theta, m, v = [], np.array([1.0, 1.0]), np.zeros(2), np.zeros(2)
    for k in range(50):
        g = q.grad(theta)
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        theta = theta - sched(k) * (m / (1 - 0.9 ** (k + 1))) / (np.sqrt(v / (1 - 0.999 ** (k + 1))) + 1e-8)
        manual.append(theta)
    assert_close(traj.iterates[1:], manual, rtol=1e-12, atol=1e-15)


def test_bad_input_says_what_was_wrong():
    q = elongated()
    with pytest.raises(ValueError, match="weight_decay must lie in"):
        adamw(q, [1.0, 1.0], 0.1, 5, weight_decay=-1.0)
    with pytest.raises(ValueError, match="eps must be > 0"):
        adagrad(q, [1.0, 1.0], 0.1, 5, eps=0.0)
    with pytest.raises(ValueError, match="beta2 must lie in"):
        adam(q, [1.0, 1.0], 0.1, 5, beta2=1.0)
    with pytest.raises(ValueError, match=r"lr\(3\) must lie in"):
        adam(q, [1.0, 1.0], lambda k: 0.1 if k < 3 else -0.1, 5)
