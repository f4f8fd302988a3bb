"""Run a figure script and turn its Figure into deterministic SVG or PNG bytes.

For readers: ``figure(name, **params)`` returns a figure of the book as a matplotlib ``Figure``,
``data(name, **params)`` the numbers it draws, and ``save(fig, path)`` writes any Figure the way
the book and ``gradbook render`` do (house resolution, cropped to the drawing, same bytes each run).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import sys
import traceback
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradbook.engine import batch, style
from gradbook.engine.variant import DEFAULT, Variant

if TYPE_CHECKING:
    from matplotlib.figure import Figure
from gradbook.engine.registry import (
    FORMATS,
    READOUT,
    FigureError,
    FigureScriptError,
    FigureSpec,
    find_figure,
    resolve_params,
)


def _load_module(spec: FigureSpec):
    mod_name = f"gradbook_figure_{spec.name}"
    module_spec = importlib.util.spec_from_file_location(mod_name, spec.path)
    if module_spec is None or module_spec.loader is None:
        raise FigureScriptError(f"cannot load {spec.path} as a Python module", spec.name)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[mod_name] = module  # dataclasses and pickling look the module up by name
    module_spec.loader.exec_module(module)
    batch.share_data(module)  # within a pool batch, data() once for all of a request's drawings
    return module


def make_figure(spec: FigureSpec, params: dict[str, Any], variant: Variant = DEFAULT):
    """Call the script's ``make(**params)`` under the house style, drawn for ``variant``; the Figure."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with style.variant(variant):
        module = _load_module(spec)
        fig = module.make(**params)
    if not isinstance(fig, Figure):
        raise FigureScriptError(f"make() returned {type(fig).__name__}, not a Figure", spec.name)
    return fig


@contextlib.contextmanager
def _mathtext_log():
    """Collect mathtext's log messages: a glyph missing from a math font (e.g. the carried
    font under \\mathdefault in log-axis ticks) is logged, not warned, and drawn as a box."""
    import logging

    from matplotlib.mathtext import MathTextParser

    messages: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("matplotlib.mathtext")
    # Parsed formulas are cached per process; parse again so this figure's misses are logged.
    MathTextParser._parse_cached.cache_clear()  # type: ignore[attr-defined]
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def figure_bytes(fig, fmt: str, dpi: int | None = None, variant: Variant = DEFAULT) -> bytes:
    """Save with fixed metadata so the same figure gives the same bytes on every run; ``dpi`` overrides the
    house resolution (``savefig.dpi``); ``variant``, the one the figure was drawn for, gives its paper."""
    if fmt not in FORMATS:
        raise FigureError(f"unsupported output format '.{fmt}'; use one of: {', '.join(FORMATS)}")
    metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
    buf = io.BytesIO()
    with (
        style.variant(variant),
        warnings.catch_warnings(record=True) as caught,
        _mathtext_log() as math_log,
    ):
        warnings.simplefilter("always")
        fig.savefig(buf, format=fmt, metadata=metadata, **({"dpi": dpi} if dpi else {}))
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    missing += [m for m in math_log if "does not have a glyph" in m]
    if missing:
        raise FigureError(
            "glyphs missing from the carried font (use a more common character, or LaTeX): "
            + "; ".join(sorted(set(missing)))
        )
    data = buf.getvalue()
    return compact_svg(data) if fmt == "svg" else data


_SVG_GEOMETRY = re.compile(rb'(\sd="[^"]*"|\s(?:x|y|x1|y1|x2|y2|cx|cy|width|height)="[^"]*"|translate\([^)]*\))')
_LONG_DECIMAL = re.compile(rb"(\d\.\d)\d+")
_BETWEEN_TAGS = re.compile(rb">\s+<")


# Glyph outlines (text drawn as paths) are written in 1/64 font units with a scale(1/64).
_GLYPH = re.compile(rb'(<path id="[^"]+" d=")([^"]*)(" transform="scale\(0\.015625\)")')
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?")
_PATH_BREAKS = re.compile(rb"\s*\n\s*")


def _glyph_in_font_units(m: re.Match) -> bytes:
    d = _NUMBER.sub(lambda n: b"%d" % round(float(n.group(0)) / 64), m.group(2))
    return m.group(1) + _PATH_BREAKS.sub(b" ", d).strip() + b'"'


def compact_svg(data: bytes) -> bytes:
    """Smaller SVG, same picture: coordinates and text positions cut to 0.1 pt (0.13 px at full
    size), glyph outlines in whole font units (1/1000 em) instead of 1/64 units under a scale,
    no indentation. Together about 35 % fewer bytes after gzip; glyphs are most of a small figure,
    long paths (contours) of a large one (0.01 pt cost a contour figure 15 % more)."""
    data = _GLYPH.sub(_glyph_in_font_units, data)
    data = _SVG_GEOMETRY.sub(lambda m: _LONG_DECIMAL.sub(rb"\1", m.group(0)), data)
    return _BETWEEN_TAGS.sub(b"><", data)


def readout_text(spec: FigureSpec, params: dict[str, Any]) -> str:
    """The script's ``readout(data(**params))``: an explorable frame's words (gradbook.engine.sweep)."""
    module = _load_module(spec)
    fn = getattr(module, "readout", None)
    if not callable(fn):
        raise FigureScriptError(f"{spec.path.name} needs a function readout(d) for its sweep's readouts", spec.name)
    text = fn(data_function(spec, module)(**params))
    if not isinstance(text, str) or not text.strip() or "\n" in text:
        raise FigureScriptError(f"readout(d) must return one line of text, got {text!r}", spec.name)
    return text.strip()


def render(
    spec: FigureSpec, params: dict[str, Any], fmt: str, dpi: int | None = None, variant: Variant = DEFAULT
) -> bytes:
    """Render one figure, drawn for ``variant``, to bytes here (a frame's readout as UTF-8 for fmt "readout")."""
    import matplotlib.pyplot as plt

    if fmt == READOUT:
        return readout_text(spec, params).encode("utf-8")

    fig = make_figure(spec, params, variant)
    try:
        return figure_bytes(fig, fmt, dpi, variant)
    finally:
        plt.close(fig)


def alt_text(spec: FigureSpec, params: dict[str, Any]) -> str:
    """This use's ALT: the script's ``alt(**params)`` (its numbers from data()), else its ``ALT``."""
    if not spec.alt_from_data:
        return spec.alt
    fn = same_parameters_as_make(spec, _load_module(spec), "alt")
    text = fn(**params)
    if not isinstance(text, str) or not text.strip():
        raise FigureScriptError(f"alt() returned {text!r}, not the alt text", spec.name)
    return " ".join(text.split())


def render_job(
    job: tuple[FigureSpec, dict[str, Any], str, int | None, Variant],
) -> tuple[bool, bytes | str, str | None]:
    """Worker entry point: (spec, make()'s arguments, fmt, dpi, variant) -> (ok, bytes or error, the use's ALT)."""
    spec, params, fmt, dpi, variant = job
    script = str(spec.path)
    try:
        return True, render(spec, params, fmt, dpi, variant), alt_text(spec, params) if spec.alt_from_data else None
    except FigureError as exc:
        return False, exc.reason, None  # the caller names the figure
    except Exception as exc:  # the script's own error: keep its traceback for the author
        tb = traceback.format_exception(exc)
        script_frames = [line for line in tb if script in line]
        where = script_frames[-1].strip() if script_frames else ""
        return False, f"{type(exc).__name__}: {exc}" + (f"\n    at {where}" if where else ""), None


def output_format(path: Path | str) -> str:
    """The format a file name asks for, from its suffix: ``"svg"`` or ``"png"``; else FigureError."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        valid = ", ".join(f".{f}" for f in FORMATS)
        raise FigureError(f"cannot write '{path.name}': unsupported suffix; use one of {valid}")
    return fmt


def save(fig: Figure, path: Path | str, dpi: int | None = None) -> Path:
    """Write ``fig`` to ``path`` as the book and ``gradbook render`` do.

    The format comes from the suffix (``.svg`` or ``.png``). The house style's resolution
    (150 dpi, or ``dpi``), a crop to what is drawn, fixed metadata (the same figure gives the same
    bytes on every run), and a check that the carried font has every character used; a plain
    ``fig.savefig()`` outside the house style gives none of these.

    Args:
        fig: a matplotlib Figure, for example from `figure`.
        path: the file to write; its folder is created if missing.
        dpi: resolution of a PNG (and of rasterised parts of an SVG), instead of the house 150.

    Returns:
        The path written.

    Raises:
        FigureError: the suffix is not ``.svg`` or ``.png``, or a character is missing from the font.
    """
    path = Path(path)
    data = figure_bytes(fig, output_format(path), dpi)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _spec(name: str, figures_dir: Path | None) -> FigureSpec:
    from gradbook.engine.registry import default_figures_dir

    return find_figure(name, Path(figures_dir) if figures_dir else default_figures_dir())


def figure(name: str, figures_dir: Path | None = None, variant: Variant = DEFAULT, **params: Any):
    """The book's figure ``name`` as a matplotlib Figure, with ``params`` over its defaults.

    Parameters may be values or strings (as on the command line); an unknown name or parameter,
    or a value of the wrong type, raises FigureError saying which. Save it with `save` to get
    the book's look. In Jupyter, a Figure on a cell's last line is shown. ``variant`` draws it
    for a phone's column or the dark scheme, as the book's web pages show it.

    Example:
        ```python
        from gradbook.engine.render import figure, save

        fig = figure("derivative_arrow", x0=1.5)
        save(fig, "arrow.png")
        ```
    """
    spec = _spec(name, figures_dir)
    return make_figure(spec, resolve_params(spec, params), variant)


def script(name: str, figures_dir: Path | None = None):
    """The figure script ``name`` as a freshly loaded module: its ``data``, ``make`` and ``ALT``."""
    return _load_module(_spec(name, figures_dir))


def data(name: str, figures_dir: Path | None = None, **params: Any):
    """The numbers figure ``name`` draws: its script's ``data(**params)``, over the defaults of ``make``.

    ``make`` draws from ``data``, so tests, ALT texts and explorable figures that read these numbers
    read the figure's own, not a copy. ``data`` must take exactly ``make``'s parameters and defaults."""
    spec = _spec(name, figures_dir)
    return data_function(spec, _load_module(spec))(**resolve_params(spec, params))


def alt(name: str, figures_dir: Path | None = None, **params: Any) -> str:
    """The ALT a use of figure ``name`` with ``params`` gets: its script's ``alt(**params)`` if it has one."""
    spec = _spec(name, figures_dir)
    return alt_text(spec, resolve_params(spec, params))


def readout(name: str, figures_dir: Path | None = None, **params: Any) -> str:
    """The readout an explorable figure shows at ``params``: ``readout(data(**params))`` of its script."""
    spec = _spec(name, figures_dir)
    return readout_text(spec, resolve_params(spec, params))


def data_function(spec: FigureSpec, module):
    """The script's ``data``, checked to take the same parameters, with the same defaults, as ``make``."""
    return same_parameters_as_make(spec, module, "data")


def same_parameters_as_make(spec: FigureSpec, module, name: str):
    """The script's function ``name`` (data, alt), checked to take make()'s parameters and defaults."""
    import inspect

    fn = getattr(module, name, None)
    if not callable(fn):
        raise FigureScriptError(
            f"{spec.path.name} needs a function {name}(**params) with make()'s parameters", spec.name
        )
    mine, theirs = inspect.signature(fn).parameters, inspect.signature(module.make).parameters
    if [(p.name, p.default, p.kind) for p in mine.values()] != [(p.name, p.default, p.kind) for p in theirs.values()]:
        raise FigureScriptError(
            f"{spec.path.name}: {name}{inspect.signature(fn)} does not take make()'s parameters "
            f"{inspect.signature(module.make)}",
            spec.name,
        )
    return fn
