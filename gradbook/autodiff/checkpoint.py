"""Gradient checkpointing on the tape: memory against recomputation on a deep chain hₖ = tanh(hₖ₋₁).

Plain reverse mode records every layer and keeps the whole tape until the backward pass. With k
segments, a first pass on plain numbers keeps only each segment's input (a checkpoint); the backward
pass re-runs one segment at a time on the tape, last to first, seeding its output with the
sensitivity the later segment handed back (``backward(gradient=…)``). Memory falls from n records to
k + n/k, least (2√n) at k = √n; the price is one more forward pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from gradbook.autodiff.ops import Scalar, tanh
from gradbook.autodiff.reverse import Value
from gradbook.validation import positive_int


@dataclass(frozen=True)
class ChainRun:
    """One gradient of the chain: dhₙ/dx, the most values held at once, and the layers evaluated."""

    grad: float
    peak_stored: int  # checkpoints held + records on the tape, at the worst moment
    layer_evals: int  # forward evaluations of a layer, first pass and recomputation together


def run_layers(h: Scalar, count: int) -> Scalar:
    """``count`` layers of the chain, on a float (nothing recorded) or a Value (recorded on the tape)."""
    for _ in range(count):
        h = tanh(h)
    return h


def chain_gradient(x: float, depth: int, segments: int = 1) -> ChainRun:
    """dhₙ/dx for n = ``depth`` layers; ``segments=1`` is plain reverse mode (the whole tape at once)."""
    depth, segments = positive_int(depth, "depth"), positive_int(segments, "segments")
    if segments > depth:
        raise ValueError(f"{segments} segments for {depth} layers: at most one segment per layer")
    if segments == 1:
        h0 = Value(float(x))
        out = _on_tape(h0, depth)
        peak = _records(out)
        out.backward()
        return ChainRun(float(cast(float, h0.grad)), peak, depth)
    lengths = [len(part) for part in np.array_split(np.arange(depth), segments)]
    checkpoints, h = [], float(x)
    for length in lengths:  # first pass: plain numbers, keep each segment's input
        checkpoints.append(h)
        h = cast(float, run_layers(h, length))
    grad, peak = 1.0, 0
    for length in reversed(lengths):  # backward: replay one segment on the tape, hand its input's grad back
        start = Value(checkpoints[-1])
        out = _on_tape(start, length)
        peak = max(peak, len(checkpoints) + _records(out))
        out.backward(gradient=grad)
        grad = float(cast(float, start.grad))
        checkpoints.pop()
    return ChainRun(grad, peak, 2 * depth)


def _on_tape(start: Value, count: int) -> Value:
    return cast(Value, run_layers(start, count))


def _records(out: Value) -> int:
    """Records on the tape behind ``out``: the operations whose saved values backward() needs."""
    return sum(1 for node in out.tape() if node.parents)
