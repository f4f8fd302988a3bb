"""What forward and reverse mode share: the operation counter and the elementary functions.

``exp``, ``log``, … take a plain number, a ``Dual`` or a ``Value``. A number is computed directly; a
Dual or a Value (both ``ADNumber``) computes itself, so each mode writes its derivatives in one place.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gradbook.models import sigmoid as _sigmoid

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


current = OpCounter()  # where operations are counted; ``counting()`` swaps in a fresh one


@contextmanager
def counting() -> Iterator[OpCounter]:
    """Count the operations inside a ``with`` block: ``with counting() as ops: ...; ops.dual``."""
    global current
    saved, current = current, OpCounter()
    try:
        yield current
    finally:
        current = saved


class ADNumber:
    """A number that carries derivatives: the common base of ``Dual`` and ``Value``."""

    __slots__ = ()

    if TYPE_CHECKING:  # what Dual and Value both define, declared for the type checker only

        def __add__(self, other: Any) -> ADNumber: ...
        def __radd__(self, other: Any) -> ADNumber: ...
        def __sub__(self, other: Any) -> ADNumber: ...
        def __rsub__(self, other: Any) -> ADNumber: ...
        def __mul__(self, other: Any) -> ADNumber: ...
        def __rmul__(self, other: Any) -> ADNumber: ...
        def __truediv__(self, other: Any) -> ADNumber: ...
        def __rtruediv__(self, other: Any) -> ADNumber: ...
        def __pow__(self, p: Any) -> ADNumber: ...
        def __neg__(self) -> ADNumber: ...
        def exp(self) -> ADNumber: ...
        def log(self) -> ADNumber: ...
        def sin(self) -> ADNumber: ...
        def cos(self) -> ADNumber: ...
        def tanh(self) -> ADNumber: ...
        def sigmoid(self) -> ADNumber: ...
        def relu(self) -> ADNumber: ...


Scalar = float | ADNumber
# A function of a list of scalars; it returns whatever scalar type it is given (float, Dual or Value).
ScalarFunction = Callable[[Sequence[Any]], Any]


def exp(x: Scalar) -> Scalar:
    """e^x for a float, a Dual or a Value."""
    return x.exp() if isinstance(x, ADNumber) else math.exp(x)


def log(x: Scalar) -> Scalar:
    """Natural logarithm for a float, a Dual or a Value."""
    return x.log() if isinstance(x, ADNumber) else float_log(x)


def sin(x: Scalar) -> Scalar:
    """sin x for a float, a Dual or a Value."""
    return x.sin() if isinstance(x, ADNumber) else math.sin(x)


def cos(x: Scalar) -> Scalar:
    """cos x for a float, a Dual or a Value."""
    return x.cos() if isinstance(x, ADNumber) else math.cos(x)


def tanh(x: Scalar) -> Scalar:
    """tanh x for a float, a Dual or a Value."""
    return x.tanh() if isinstance(x, ADNumber) else math.tanh(x)


def sigmoid(x: Scalar) -> Scalar:
    """1/(1 + e^(−x)) for a float, a Dual or a Value."""
    return x.sigmoid() if isinstance(x, ADNumber) else float_sigmoid(x)


def relu(x: Scalar) -> Scalar:
    """max(x, 0) for a float, a Dual or a Value (derivative 0 at 0)."""
    return x.relu() if isinstance(x, ADNumber) else max(x, 0.0)


def float_log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log needs a positive argument, got {x}")
    return math.log(x)


def float_sigmoid(x: float) -> float:
    """The book's one numerically stable sigmoid (``gradbook.models.sigmoid``), as a Python float."""
    return float(_sigmoid(x))


def check_exponent(p: object) -> None:
    if isinstance(p, bool) or not isinstance(p, int | float):
        raise ValueError(
            f"the exponent must be a plain number, got {type(p).__name__}; "
            "write exp(b * log(a)) for a variable exponent"
        )
