"""One request's drawings rendered together, its script's ``data()`` computed once for all of them.

A figure is drawn four times (page or phone, light or dark), and an explorable frame also gives
its readout and ALT: each of those calls the script's ``data(**params)`` with the same
parameters, and ``data()`` may be most of the cost (momentum_condition_number runs six
optimisers to 10⁻⁶ per call). The pool hands a worker all jobs of one request as a batch; while
the batch runs, each script module loaded has its ``data`` memoised by its arguments, and every
caller gets its own deep copy, so a ``make()`` that edits the numbers cannot change another's.
``data()`` must not depend on the drawing (phone, scheme): tests/test_figure_data.py checks that.
"""

from __future__ import annotations

import copy
import functools
import pickle
from typing import Any

_memo: dict[bytes, Any] | None = None  # set only while a batch runs


def share_data(module) -> None:
    """Memoise ``module.data`` for the running batch (called on each script module loaded)."""
    fn = getattr(module, "data", None)
    if _memo is None or not callable(fn):
        return

    @functools.wraps(fn)  # inspect.signature still sees the script's own parameters
    def data(*args, **kwargs):
        try:
            key = pickle.dumps((args, sorted(kwargs.items())))
        except Exception:  # arguments that do not pickle: computed each time
            key = None
        if _memo is None or key is None:  # after the batch, or unpicklable arguments
            return fn(*args, **kwargs)
        if key not in _memo:
            _memo[key] = fn(*args, **kwargs)
        return copy.deepcopy(_memo[key])

    module.data = data


def render_batch(jobs: list) -> list:
    """``render_job`` on each of ``jobs`` (one request's drawings), in this process, data() shared."""
    from gradbook.engine.render import render_job

    global _memo
    _memo = {}
    try:
        return [render_job(job) for job in jobs]
    finally:
        _memo = None
