"""The book's own automatic differentiation, small enough to read in one sitting, in chapter 3's order.

- ``forward``: a ``Dual`` carries a value and a tangent (the derivative along one chosen direction);
  each operation updates both, so one pass gives one directional derivative.
- ``reverse``: a ``Value`` remembers its parents and the local derivatives; ``backward()`` replays this
  tape from the output to the inputs, so one pass gives the whole gradient (micrograd's design).
  Forward over reverse: a ``Value`` whose data are ``Dual`` numbers gives Hessian-vector products.
- ``ops``: what both share, the elementary functions and the operation counter: every operation is
  counted in the current ``OpCounter`` (see ``counting()``).
- ``cost``: the product x₁·…·xₙ, whose gradient shows what each mode costs.
- ``softmax``: softmax cross-entropy, whose gradient is p − y.
- ``checkpoint``: gradient checkpointing, memory against recomputation on a deep chain.

Import from here: ``from gradbook.autodiff import Value, gradient_reverse``.
"""

from gradbook.autodiff.checkpoint import ChainRun, chain_gradient
from gradbook.autodiff.cost import GradientCost, predicted_product_gradient_cost, product, product_gradient_cost
from gradbook.autodiff.forward import Dual, derivative, gradient_forward, jvp
from gradbook.autodiff.ops import (
    Number,
    OpCounter,
    Scalar,
    ScalarFunction,
    cos,
    counting,
    exp,
    log,
    relu,
    sigmoid,
    sin,
    tanh,
)
from gradbook.autodiff.reverse import Value, gradient_reverse, hessian, hessian_vector_product, no_grad
from gradbook.autodiff.softmax import softmax, softmax_cross_entropy, softmax_cross_entropy_grad

__all__ = [
    "ChainRun",
    "Dual",
    "GradientCost",
    "Number",
    "OpCounter",
    "Scalar",
    "ScalarFunction",
    "Value",
    "chain_gradient",
    "cos",
    "counting",
    "derivative",
    "exp",
    "gradient_forward",
    "gradient_reverse",
    "hessian",
    "hessian_vector_product",
    "jvp",
    "log",
    "no_grad",
    "predicted_product_gradient_cost",
    "product",
    "product_gradient_cost",
    "relu",
    "sigmoid",
    "sin",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "tanh",
]
