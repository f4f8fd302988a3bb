"""Input checks shared by the math core: each raises ValueError saying what was wrong."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def as_array(
    x: object,
    name: str,
    *,
    ndim: int | None = None,
    shape: Sequence[int | None] | None = None,
    last_dim: int | None = None,
    min_ndim: int = 0,
) -> np.ndarray:
    """Return ``x`` as a finite float64 array, checking its rank and shape (None in ``shape`` = any size)."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {type(x).__name__}: {exc}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if shape is not None and (
        arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape))
    ):
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if last_dim is not None and (arr.ndim == 0 or arr.shape[-1] != last_dim):
        raise ValueError(f"{name} must have a last axis of length {last_dim}, got shape {arr.shape}")
    if not np.isfinite(arr).all():  # the method, not np.all: this runs in every optimiser step
        raise ValueError(f"{name} must be finite, got non-finite values (nan or inf)")
    return arr


def positive(x: float, name: str) -> float:
    """Return ``x`` as a float after checking it is finite and > 0."""
    value = _scalar(x, name)
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def in_interval(
    x: float, name: str, low: float, high: float, *, closed_low: bool = True, closed_high: bool = False
) -> float:
    """Return ``x`` as a float after checking it lies in the interval from ``low`` to ``high``."""
    value = _scalar(x, name)
    ok_low = value >= low if closed_low else value > low
    ok_high = value <= high if closed_high else value < high
    if not (ok_low and ok_high):
        interval = f"{'[' if closed_low else '('}{low}, {high}{']' if closed_high else ')'}"
        raise ValueError(f"{name} must lie in {interval}, got {value}")
    return value


def positive_int(n: int, name: str, *, minimum: int = 1) -> int:
    """Return ``n`` after checking it is an integer >= ``minimum``."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {n!r}")
    return int(n)


def float_dtype(dtype: Any, routine: str, allowed: Sequence[Any] = FLOAT_DTYPES) -> np.dtype:
    """Return ``dtype`` as a numpy dtype if ``routine`` can compute in it, else raise ValueError."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"{routine}: {dtype!r} is not a numpy dtype") from None
    allowed_dts = [np.dtype(a) for a in allowed]
    if dt not in allowed_dts:
        names = ", ".join(a.name for a in allowed_dts)
        raise ValueError(f"{routine} cannot compute in {dt.name}; use one of: {names}")
    return dt


def square_matrix(
    a: object, name: str, *, size: int | None = None, symmetric: bool = False, positive_definite: bool = False
) -> np.ndarray:
    """Return ``a`` as a finite square float64 matrix, optionally checking symmetry and positive definiteness."""
    arr = as_array(a, name, ndim=2)
    if arr.shape[0] != arr.shape[1] or (size is not None and arr.shape[0] != size):
        want = f"({size}, {size})" if size is not None else "square"
        raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if (symmetric or positive_definite) and not np.allclose(arr, arr.T, rtol=1e-10, atol=1e-12):
        raise ValueError(f"{name} must be symmetric")
    if positive_definite and (arr.size == 0 or np.linalg.eigvalsh(arr).min() <= 0):
        raise ValueError(f"{name} must be positive definite (all eigenvalues > 0)")
    return arr


def _scalar(x: object, name: str) -> float:
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {x!r}") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value
