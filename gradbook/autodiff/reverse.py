"""Reverse mode: a ``Value`` remembers its parents and the local derivatives; ``backward()`` replays this
tape from the output to the inputs, so one pass gives the whole gradient (micrograd's design).

As in PyTorch: ``backward()`` frees the tape's saved values unless ``retain_graph=True``; its ``gradient``
seeds the output's sensitivity (a vector-Jacobian product); ``detach()`` and ``no_grad()`` make values
the tape does not follow.

Forward over reverse: a ``Value`` whose data are ``Dual`` numbers gives Hessian-vector products.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

import numpy as np

from gradbook.autodiff import ops
from gradbook.autodiff.forward import Dual, tangent
from gradbook.autodiff.ops import (
    ADNumber,
    Number,
    Scalar,
    ScalarFunction,
    check_exponent,
    cos,
    exp,
    log,
    sigmoid,
    sin,
    tanh,
)
from gradbook.validation import as_array

_recording = True  # False inside ``no_grad()``


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside the block nothing is recorded: results are plain leaves that do not require grad."""
    global _recording
    saved, _recording = _recording, False
    try:
        yield
    finally:
        _recording = saved


class Value(ADNumber):
    """A scalar on the reverse-mode tape: ``data``, ``grad`` (∂output/∂self after ``backward()``), parents."""

    def __init__(
        self,
        data: Scalar,
        _parents: tuple[Value, ...] = (),
        _locals: tuple | None = (),
        _op: str = "",
        requires_grad: bool = True,
    ):
        self.data = data
        self.grad: Scalar = 0.0
        self.requires_grad = requires_grad
        self._parents, self._locals, self._op = _parents, _locals, _op

    @staticmethod
    def _node(data: Scalar, parents: tuple[Value, ...], local_grads: tuple, op: str) -> Value:
        if not _recording or not any(p.requires_grad for p in parents):
            return Value(data, requires_grad=False)  # nothing to differentiate: keep no tape
        ops.current.recorded += 1
        return Value(data, parents, local_grads, op)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The values this one was computed from (empty for a leaf)."""
        return self._parents

    def detach(self) -> Value:
        """The same number as a new leaf that does not require grad: the tape stops here."""
        return Value(self.data, requires_grad=False)

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
        check_exponent(p)
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

    def backward(self, gradient: Scalar | None = None, retain_graph: bool = False) -> None:
        """Fill ``grad`` of every node, starting from ``gradient`` (default 1) at this one.

        Leaves (inputs) accumulate across calls, like PyTorch's ``.grad``. The local derivatives saved
        on the tape are freed afterwards unless ``retain_graph``: a second pass then raises.
        """
        if not self.requires_grad:
            raise RuntimeError("this value does not require grad: it was detached or computed under no_grad()")
        tape = self.tape()
        if any(node._locals is None for node in tape):
            raise RuntimeError(
                "backward() through the tape a second time: the first one freed its saved values; "
                "call the first with retain_graph=True"
            )
        for node in tape:
            if node._parents:
                node.grad = 0.0
        if gradient is None:
            gradient = Dual(1.0, 0.0) if isinstance(self.data, Dual) else 1.0
        self.grad = gradient
        for node in reversed(tape):
            if node._parents:
                ops.current.backward += 1
            for parent, local in zip(node._parents, node._locals or ()):
                parent.grad = parent.grad + local * node.grad
            if node._parents and not retain_graph:
                node._locals = None

    def zero_grad(self) -> None:
        self.grad = 0.0

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r})"


def gradient_reverse(f: ScalarFunction, x: np.ndarray) -> np.ndarray:
    """∇f(x) by reverse mode: one forward sweep recording the tape, one backward sweep."""
    xs = [Value(float(a)) for a in as_array(x, "x", ndim=1)]
    out = f(xs)
    if isinstance(out, Value) and out.requires_grad:  # else f did not depend on x at all
        out.backward()
    return np.array([v.grad for v in xs], dtype=np.float64)


def hessian_vector_product(f: ScalarFunction, x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """H(x)·v by forward over reverse: reverse mode on Values whose data are Duals with tangents v."""
    x = as_array(x, "x", ndim=1)
    v = as_array(v, "v", shape=x.shape)
    xs = [Value(Dual(float(a), float(b))) for a, b in zip(x, v)]
    out = _as_value(f(xs))
    if not isinstance(out.data, Dual) or not out.requires_grad:  # f did not depend on x at all
        return np.zeros_like(x)
    out.backward()
    return np.array([float(tangent(node.grad)) for node in xs])


def hessian(f: ScalarFunction, x: np.ndarray) -> np.ndarray:
    """The full Hessian, one Hessian-vector product per column."""
    x = as_array(x, "x", ndim=1)
    return np.stack([hessian_vector_product(f, x, e) for e in np.eye(x.size)], axis=1)


def _as_value(x: Value | Scalar) -> Value:
    return x if isinstance(x, Value) else Value(x, requires_grad=False)  # a constant


def _primal(x: Scalar) -> float:
    return x.value if isinstance(x, Dual) else cast(float, x)  # data is a number or a Dual, never a Value
