"""What a figure reference asks for, resolved once: one canonical Request with one hash."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from gradbook.engine.registry import FORMATS, FigureError, FigureSpec, coerce
from gradbook.engine.variant import DEFAULT, VARIANTS, Variant


@dataclass(frozen=True)
class Request:
    """A figure, a format, and the parameters that differ from the script's defaults (typed,
    sorted by name), drawn in one variant (medium and colour scheme; the default, page/light, is
    the canonical figure of the command line, export and PDF). Canonical: ``x.svg`` and
    ``x.svg?x0=1.0`` (the default) are one request, so one render, one cache entry and one file."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()
    fmt: str = "svg"
    dpi: int | None = None  # None: the house style's (savefig.dpi); the book's figures all use it
    variant: Variant = DEFAULT

    @cached_property
    def digest(self) -> str:
        """The request's one hash: names its output file and enters its cache key. Stable across
        runs (not hash()), so URLs and the built HTML are reproducible."""
        key = self.params if self.variant.is_default else (self.params, self.variant.medium, self.variant.scheme)
        return hashlib.sha256(repr(key).encode()).hexdigest()

    @property
    def filename(self) -> str:
        """``NAME.fmt`` for the defaults, ``NAME-<hash>.fmt`` for a parametrised figure, each with
        its variant's suffix (``NAME-phone-dark.svg``)."""
        stem = f"{self.name}-{self.digest[:8]}" if self.params else self.name
        return f"{stem}{self.variant.suffix}.{self.fmt}"

    def variants(self) -> dict[Variant, Request]:
        """This request drawn in every variant (itself among them)."""
        return {v: replace(self, variant=v) for v in VARIANTS}

    def arguments(self, spec: FigureSpec) -> dict[str, Any]:
        """Every keyword ``make()`` is called with: the defaults, updated with this request's."""
        return {**spec.defaults(), **dict(self.params)}

    def label(self) -> str:
        extra = ", ".join([f"{k}={v!r}" for k, v in self.params] + ([f"dpi={self.dpi}"] if self.dpi else []))
        return f"{self.name}{self.variant.suffix}.{self.fmt}" + (f" ({extra})" if extra else "")


def resolve(
    spec: FigureSpec,
    overrides: Mapping[str, Any] | None = None,
    fmt: str = "svg",
    dpi: int | None = None,
    variant: Variant = DEFAULT,
) -> Request:
    """The canonical request for ``spec`` with ``overrides`` (strings from a URL or command line,
    or values): each coerced once to its default's type, unknown or mistyped ones refused
    (FigureError), and those equal to the default dropped. ``dpi`` overrides the house resolution."""
    if fmt not in FORMATS:
        raise FigureError(f"unsupported output format '.{fmt}'; use one of: {', '.join(FORMATS)}", spec.name)
    if dpi is not None and (isinstance(dpi, bool) or not isinstance(dpi, int) or not 10 <= dpi <= 2400):
        raise FigureError(f"dpi must be a whole number from 10 to 2400, got {dpi!r}", spec.name)
    changed = {}
    for key, raw in (overrides or {}).items():
        value, default = coerce(spec, key, raw), spec.param(key).default
        if type(value) is not type(default) or value != default:
            changed[key] = value
    return Request(spec.name, tuple(sorted(changed.items())), fmt, dpi, variant)


def python_call(request: Request) -> str:
    """The call a use of the figure makes, as its script reads: ``make(fix_b=False)``."""
    return "make(" + ", ".join(f"{k}={v!r}" for k, v in request.params) + ")"


def _cli_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, float) else str(value)


def cli_command(request: Request) -> str:
    """The shell command that renders the same request: ``gradbook render NAME -o NAME.svg --set k=v``.
    Each value is written so that the command line reads it back as the same value (registry.coerce)."""
    import shlex

    sets = [f"--set {shlex.quote(f'{k}={_cli_value(v)}')}" for k, v in request.params]
    return " ".join([f"gradbook render {request.name} -o {request.name}.{request.fmt}", *sets])
