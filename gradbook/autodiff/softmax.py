"""Softmax and the cross-entropy of a class label, written once for floats, Duals and Values.

ℓ(z) = −log pₖ with p = softmax(z), whose gradient is p − y (y the one-hot label): chapter 3 derives
it and checks reverse mode against it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gradbook.autodiff.forward import Dual
from gradbook.autodiff.ops import Scalar, exp, log
from gradbook.validation import as_array


def softmax(z: np.ndarray) -> np.ndarray:
    """pᵢ = e^{zᵢ} / Σⱼ e^{zⱼ}, shifted by the largest logit so no exponential overflows."""
    z = as_array(z, "z", ndim=1)
    e = np.exp(z - z.max())
    return e / e.sum()


def softmax_cross_entropy(logits: Sequence[Scalar], label: int) -> Scalar:
    """ℓ = log Σⱼ e^{zⱼ} − z_label for floats, Duals or Values (the shift by the largest logit is a constant)."""
    if not 0 <= label < len(logits):
        raise ValueError(f"label {label} is not one of the {len(logits)} classes")
    shift = max(_primal(z) for z in logits)
    total = sum(exp(z - shift) for z in logits)
    return log(total) + shift - logits[label]


def softmax_cross_entropy_grad(z: np.ndarray, label: int) -> np.ndarray:
    """The closed form ∂ℓ/∂z = p − y."""
    p = softmax(z)
    p[label] -= 1.0
    return p


def _primal(x: Scalar) -> float:
    """The plain number inside a float, a Dual or a Value (whose data may be a Dual)."""
    while not isinstance(x, int | float):
        x = x.value if isinstance(x, Dual) else x.data  # type: ignore[attr-defined]
    return float(x)
