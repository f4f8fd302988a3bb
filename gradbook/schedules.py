"""Learning-rate schedules: a step k (0, 1, 2, …) to a rate η_k.

Every optimiser in gradbook takes ``lr`` as a number or as one of these (any callable k → η_k does);
``as_schedule`` turns either into a callable and checks each rate it hands out is finite and > 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from gradbook.validation import in_interval, positive, positive_int

Schedule = Callable[[int], float]


def as_schedule(lr: float | Schedule, name: str = "lr") -> Schedule:
    """A constant rate (> 0) as a schedule; a schedule wrapped so that a bad rate (< 0, nan) fails naming the step."""
    if not callable(lr):
        rate = positive(lr, name)
        return lambda _k: rate

    def checked(k: int) -> float:
        return in_interval(lr(k), f"{name}({k})", 0.0, math.inf)  # a schedule may end at 0

    return checked


def constant(lr: float) -> Schedule:
    """η_k = η."""
    return as_schedule(lr)


def step_decay(lr: float, every: int, factor: float = 0.1) -> Schedule:
    """η_k = η · factorᵐ with m = ⌊k / every⌋: the rate drops by ``factor`` every ``every`` steps."""
    lr, every = positive(lr, "lr"), positive_int(every, "every")
    factor = in_interval(factor, "factor", 0.0, 1.0, closed_low=False, closed_high=True)
    return lambda k: lr * factor ** (k // every)


def cosine(lr: float, total: int, lr_min: float = 0.0) -> Schedule:
    """η_k = η_min + ½ (η − η_min)(1 + cos(π k / total)), held at η_min after ``total`` steps."""
    lr, total = positive(lr, "lr"), positive_int(total, "total")
    lr_min = in_interval(lr_min, "lr_min", 0.0, lr)
    return lambda k: lr_min + 0.5 * (lr - lr_min) * (1.0 + math.cos(math.pi * min(k, total) / total))


def warmup(schedule: float | Schedule, steps: int) -> Schedule:
    """Linear warm-up: η_k = (k + 1)/steps · schedule(k) for the first ``steps`` steps, then schedule(k)."""
    inner, steps = as_schedule(schedule, "schedule"), positive_int(steps, "steps")
    return lambda k: inner(k) * min(1.0, (k + 1) / steps)
