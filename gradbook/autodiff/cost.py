"""The two modes side by side: the gradient of the product x₁·x₂·…·xₙ costs n² operations forward, 2n reverse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gradbook.autodiff.forward import gradient_forward
from gradbook.autodiff.ops import Scalar, counting
from gradbook.autodiff.reverse import gradient_reverse
from gradbook.validation import positive_int


def product(xs: Sequence[Scalar]) -> Scalar:
    """The notes' chain f = x₁·x₂·…·xₙ: start from 1 and multiply by each input in turn (n multiplications)."""
    out: Scalar = 1.0
    for x in xs:
        out = out * x
    return out


@dataclass(frozen=True)
class GradientCost:
    """Operations needed for a full gradient in each mode."""

    forward: int
    reverse: int


def product_gradient_cost(n: int) -> GradientCost:
    """Measure, by running both modes, the operations the full gradient of x₁·…·xₙ costs."""
    x = np.linspace(0.5, 1.5, positive_int(n, "n"))
    with counting() as fwd:
        gradient_forward(product, x)
    with counting() as rev:
        gradient_reverse(product, x)
    return GradientCost(forward=fwd.dual, reverse=rev.reverse)


def predicted_product_gradient_cost(n: int) -> GradientCost:
    """The exact counts ``product_gradient_cost`` measures: n passes × n ops forward, n + n reverse."""
    n = positive_int(n, "n")
    return GradientCost(forward=n * n, reverse=2 * n)
