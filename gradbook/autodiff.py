"""The book's own automatic differentiation, small enough to read in one sitting.

Forward mode: a ``Dual`` carries a value and a tangent (the derivative along one chosen direction);
each operation updates both, so one pass gives one directional derivative.
Reverse mode: a ``Value`` remembers its parents and the local derivatives; ``backward()`` replays this
tape from the output to the inputs, so one pass gives the whole gradient (micrograd's design).
Forward over reverse: a ``Value`` whose data are ``Dual`` numbers gives Hessian-vector products.
Every operation is counted in the current ``OpCounter`` (see ``counting()``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from gradbook.validation import as_array, positive_int

Number = int | float


@dataclass
class OpCounter:
    """How many elementary operations ran: one op = one primitive evaluated with its derivative."""

    dual: int = 0  # operations on dual numbers (forward mode)
    recorded: int = 0  # operations recorded on the tape (reverse mode, forward sweep)
    backward: int = 0  # chain-rule steps replayed from the tape (reverse mode, backward sweep)

    @property
    def reverse(self) -> int:
        return self.recorded + self.backward


_counter = OpCounter()


@contextmanager
def counting() -> Iterator[OpCounter]:
    """Count the operations inside a ``with`` block: ``with counting() as ops: ...; ops.dual``."""
    global _counter
    saved, _counter = _counter, OpCounter()
    try:
        yield _counter
    finally:
        _counter = saved


class Dual:
    """a + b·ε with ε² = 0: ``value`` is a, ``tangent`` is b, the derivative carried along."""

    __slots__ = ("value", "tangent")

    def __init__(self, value: Number, tangent: Number = 0.0):
        self.value, self.tangent = value, tangent

    def _new(self, value: Number, tangent: Number) -> Dual:
        _counter.dual += 1
        return Dual(value, tangent)

    def __add__(self, other: Dual | Number) -> Dual:
        o = _as_dual(other)
        return self._new(self.value + o.value, self.tangent + o.tangent)

    def __sub__(self, other: Dual | Number) -> Dual:
        o = _as_dual(other)
        return self._new(self.value - o.value, self.tangent - o.tangent)

    def __mul__(self, other: Dual | Number) -> Dual:
        o = _as_dual(other)
        return self._new(self.value * o.value, self.tangent * o.value + self.value * o.tangent)

    def __truediv__(self, other: Dual | Number) -> Dual:
        o = _as_dual(other)
        return self._new(self.value / o.value, (self.tangent * o.value - self.value * o.tangent) / o.value**2)

    def __pow__(self, p: Number) -> Dual:
        _check_exponent(p)
        return self._new(self.value**p, p * self.value ** (p - 1) * self.tangent)

    def __neg__(self) -> Dual:
        return self._new(-self.value, -self.tangent)

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other: Number) -> Dual:
        return _as_dual(other) - self

    def __rtruediv__(self, other: Number) -> Dual:
        return _as_dual(other) / self

    def _chain(self, value: Number, slope: Number) -> Dual:
        return self._new(value, slope * self.tangent)

    def exp(self) -> Dual:
        e = math.exp(self.value)
        return self._chain(e, e)

    def log(self) -> Dual:
        return self._chain(_float_log(self.value), 1 / self.value)

    def sin(self) -> Dual:
        return self._chain(math.sin(self.value), math.cos(self.value))

    def cos(self) -> Dual:
        return self._chain(math.cos(self.value), -math.sin(self.value))

    def tanh(self) -> Dual:
        t = math.tanh(self.value)
        return self._chain(t, 1 - t * t)

    def sigmoid(self) -> Dual:
        s = _float_sigmoid(self.value)
        return self._chain(s, s * (1 - s))

    def relu(self) -> Dual:
        step = 1.0 if self.value > 0 else 0.0
        return self._chain(self.value * step, step)

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, {self.tangent!r})"


class Value:
    """A scalar on the reverse-mode tape: ``data``, ``grad`` (∂output/∂self after ``backward()``), parents."""

    def __init__(self, data: Number | Dual, _parents: tuple[Value, ...] = (), _locals: tuple = (), _op: str = ""):
        self.data = data
        self.grad: Number | Dual = 0.0
        self._parents, self._locals, self._op = _parents, _locals, _op

    @staticmethod
    def _node(data: Number | Dual, parents: tuple[Value, ...], local_grads: tuple, op: str) -> Value:
        _counter.recorded += 1
        return Value(data, parents, local_grads, op)

    def __add__(self, other: Value | Number) -> Value:
        o = _as_value(other)
        return Value._node(self.data + o.data, (self, o), (1.0, 1.0), "+")

    def __sub__(self, other: Value | Number) -> Value:
        o = _as_value(other)
        return Value._node(self.data - o.data, (self, o), (1.0, -1.0), "-")

    def __mul__(self, other: Value | Number) -> Value:
        o = _as_value(other)
        return Value._node(self.data * o.data, (self, o), (o.data, self.data), "*")

    def __truediv__(self, other: Value | Number) -> Value:
        o = _as_value(other)
        inv = 1 / o.data
        return Value._node(self.data * inv, (self, o), (inv, -self.data * inv * inv), "/")

    def __pow__(self, p: Number) -> Value:
        _check_exponent(p)
        return Value._node(self.data**p, (self,), (p * self.data ** (p - 1),), f"**{p}")

    def __neg__(self) -> Value:
        return Value._node(-self.data, (self,), (-1.0,), "neg")

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other: Number) -> Value:
        return _as_value(other) - self

    def __rtruediv__(self, other: Number) -> Value:
        return _as_value(other) / self

    def exp(self) -> Value:
        e = exp(self.data)
        return Value._node(e, (self,), (e,), "exp")

    def log(self) -> Value:
        return Value._node(log(self.data), (self,), (1 / self.data,), "log")

    def sin(self) -> Value:
        return Value._node(sin(self.data), (self,), (cos(self.data),), "sin")

    def cos(self) -> Value:
        return Value._node(cos(self.data), (self,), (-sin(self.data),), "cos")

    def tanh(self) -> Value:
        t = tanh(self.data)
        return Value._node(t, (self,), (1 - t * t,), "tanh")

    def sigmoid(self) -> Value:
        s = sigmoid(self.data)
        return Value._node(s, (self,), (s * (1 - s),), "sigmoid")

    def relu(self) -> Value:
        step = 1.0 if _primal(self.data) > 0 else 0.0
        return Value._node(self.data * step, (self,), (step,), "relu")

    def tape(self) -> list[Value]:
        """Every node this value depends on, each after its parents (a topological order)."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # iterative depth-first search: no recursion limit on long chains
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node._parents if id(p) not in seen)
        return order

    def backward(self) -> None:
        """Fill ``grad`` of every node; leaves (inputs) accumulate across calls, like PyTorch's ``.grad``."""
        tape = self.tape()
        for node in tape:
            if node._parents:
                node.grad = 0.0
        self.grad = Dual(1.0, 0.0) if isinstance(self.data, Dual) else 1.0
        for node in reversed(tape):
            if node._parents:
                _counter.backward += 1
            for parent, local in zip(node._parents, node._locals):
                parent.grad = parent.grad + local * node.grad

    def zero_grad(self) -> None:
        self.grad = 0.0

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r})"


Scalar = float | Dual | Value


def exp(x: Scalar) -> Scalar:
    """e^x for a float, a Dual or a Value."""
    return x.exp() if isinstance(x, Dual | Value) else math.exp(x)


def log(x: Scalar) -> Scalar:
    """Natural logarithm for a float, a Dual or a Value."""
    return x.log() if isinstance(x, Dual | Value) else _float_log(x)


def sin(x: Scalar) -> Scalar:
    """sin x for a float, a Dual or a Value."""
    return x.sin() if isinstance(x, Dual | Value) else math.sin(x)


def cos(x: Scalar) -> Scalar:
    """cos x for a float, a Dual or a Value."""
    return x.cos() if isinstance(x, Dual | Value) else math.cos(x)


def tanh(x: Scalar) -> Scalar:
    """tanh x for a float, a Dual or a Value."""
    return x.tanh() if isinstance(x, Dual | Value) else math.tanh(x)


def sigmoid(x: Scalar) -> Scalar:
    """1/(1 + e^(−x)) for a float, a Dual or a Value."""
    return x.sigmoid() if isinstance(x, Dual | Value) else _float_sigmoid(x)


def relu(x: Scalar) -> Scalar:
    """max(x, 0) for a float, a Dual or a Value (derivative 0 at 0)."""
    return x.relu() if isinstance(x, Dual | Value) else max(x, 0.0)


ScalarFunction = Callable[[Sequence], object]


def derivative(f: Callable, x: float) -> float:
    """df/dx of a function of one number, by one forward-mode pass."""
    return float(_tangent(f(Dual(float(as_array(x, "x", ndim=0)), 1.0))))


def jvp(f: ScalarFunction, x: np.ndarray, v: np.ndarray) -> float:
    """The directional derivative ∇f(x)·v from one forward-mode pass with tangents v."""
    x = as_array(x, "x", ndim=1)
    v = as_array(v, "v", shape=x.shape)
    return float(_tangent(f([Dual(float(a), float(b)) for a, b in zip(x, v)])))


def gradient_forward(f: ScalarFunction, x: np.ndarray) -> np.ndarray:
    """∇f(x) by forward mode: one pass per input, seeding that input's tangent with 1."""
    x = as_array(x, "x", ndim=1)
    return np.array([jvp(f, x, np.eye(x.size)[i]) for i in range(x.size)])


def gradient_reverse(f: ScalarFunction, x: np.ndarray) -> np.ndarray:
    """∇f(x) by reverse mode: one forward sweep recording the tape, one backward sweep."""
    xs = [Value(float(a)) for a in as_array(x, "x", ndim=1)]
    _as_value(f(xs)).backward()
    return np.array([float(v.grad) for v in xs])


def hessian_vector_product(f: ScalarFunction, x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """H(x)·v by forward over reverse: reverse mode on Values whose data are Duals with tangents v."""
    x = as_array(x, "x", ndim=1)
    v = as_array(v, "v", shape=x.shape)
    xs = [Value(Dual(float(a), float(b))) for a, b in zip(x, v)]
    out = _as_value(f(xs))
    if not isinstance(out.data, Dual):  # f did not depend on x at all
        return np.zeros_like(x)
    out.backward()
    return np.array([float(_tangent(node.grad)) for node in xs])


def hessian(f: ScalarFunction, x: np.ndarray) -> np.ndarray:
    """The full Hessian, one Hessian-vector product per column."""
    x = as_array(x, "x", ndim=1)
    return np.stack([hessian_vector_product(f, x, e) for e in np.eye(x.size)], axis=1)


def product(xs: Sequence[Scalar]) -> Scalar:
    """The notes' chain f = x₁·x₂·…·xₙ: start from 1 and multiply by each input in turn (n multiplications)."""
    out = 1.0
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


def _as_dual(x: Dual | Number) -> Dual:
    return x if isinstance(x, Dual) else Dual(x, 0.0)


def _as_value(x: Value | Number | Dual) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _primal(x: Number | Dual) -> float:
    return x.value if isinstance(x, Dual) else x


def _tangent(x: object) -> float:
    return x.tangent if isinstance(x, Dual) else 0.0


def _check_exponent(p: object) -> None:
    if isinstance(p, bool) or not isinstance(p, int | float):
        raise ValueError(f"the exponent must be a plain number, got {type(p).__name__}; "
                         "write exp(b * log(a)) for a variable exponent")


def _float_log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log needs a positive argument, got {x}")
    return math.log(x)


def _float_sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
