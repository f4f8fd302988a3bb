"""Forward mode: a ``Dual`` carries a value and a tangent (the derivative along one chosen direction).

Each operation updates both, so one pass gives one directional derivative; a full gradient of n
inputs takes n passes.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from gradbook.autodiff import ops
from gradbook.autodiff.ops import ADNumber, Number, ScalarFunction, check_exponent, float_log, float_sigmoid
from gradbook.validation import as_array


class Dual(ADNumber):
    """a + b·ε with ε² = 0: ``value`` is a, ``tangent`` is b, the derivative carried along."""

    __slots__ = ("value", "tangent")

    def __init__(self, value: Number, tangent: Number = 0.0):
        self.value, self.tangent = value, tangent

    def _new(self, value: Number, tangent: Number) -> Dual:
        ops.current.dual += 1
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
        check_exponent(p)
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
        return self._chain(float_log(self.value), 1 / self.value)

    def sin(self) -> Dual:
        return self._chain(math.sin(self.value), math.cos(self.value))

    def cos(self) -> Dual:
        return self._chain(math.cos(self.value), -math.sin(self.value))

    def tanh(self) -> Dual:
        t = math.tanh(self.value)
        return self._chain(t, 1 - t * t)

    def sigmoid(self) -> Dual:
        s = float_sigmoid(self.value)
        return self._chain(s, s * (1 - s))

    def relu(self) -> Dual:
        step = 1.0 if self.value > 0 else 0.0
        return self._chain(self.value * step, step)

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, {self.tangent!r})"


def derivative(f: Callable, x: float) -> float:
    """df/dx of a function of one number, by one forward-mode pass."""
    return float(tangent(f(Dual(float(as_array(x, "x", ndim=0)), 1.0))))


def jvp(f: ScalarFunction, x: np.ndarray, v: np.ndarray) -> float:
    """The directional derivative ∇f(x)·v from one forward-mode pass with tangents v."""
    x = as_array(x, "x", ndim=1)
    v = as_array(v, "v", shape=x.shape)
    return float(tangent(f([Dual(float(a), float(b)) for a, b in zip(x, v)])))


def gradient_forward(f: ScalarFunction, x: np.ndarray) -> np.ndarray:
    """∇f(x) by forward mode: one pass per input, seeding that input's tangent with 1."""
    x = as_array(x, "x", ndim=1)
    return np.array([jvp(f, x, np.eye(x.size)[i]) for i in range(x.size)])


def tangent(x: object) -> float:
    """The tangent a result carries; 0 if it is a plain number (f did not depend on the input)."""
    return x.tangent if isinstance(x, Dual) else 0.0


def _as_dual(x: Dual | Number) -> Dual:
    return x if isinstance(x, Dual) else Dual(x, 0.0)
