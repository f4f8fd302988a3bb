"""The book's house style for matplotlib: carried CJK font, palette, deterministic output."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gradbook.engine.variant import DEFAULT, MEDIA, SCHEMES, VARIANTS, Variant

__all__ = ["DEFAULT", "MEDIA", "SCHEMES", "VARIANTS", "Variant"]  # re-exported: scripts import the style only

FONT_PATH = Path(__file__).parent / "fonts" / "NotoSansSC-Subset.otf"
# A family name of our own: the file calls itself "Noto Sans CJK SC", and under that name an
# installed Noto CJK (Debian's fonts-noto-cjk) would be chosen instead, glyphs the subset lacks and all.
FONT_FAMILY = "gradbook Noto Sans SC"

# The light scheme's ink and paper as constants, for code outside figures (a figure script calls
# ink() and paper(): a constant would stay light in the dark drawing, which the tests catch).
INK, PAPER = SCHEMES["light"].ink, SCHEMES["light"].paper
# Scripts name the colour map CMAP; each scheme registers its own map under that name.
CMAP = "gradbook"
CMAP_BASE = "viridis"

# Text sizes: most text takes rcParams' sizes below; SMALL is for labels placed inside a crowded
# panel (arrow tags, tick-like annotations, small legends), the only per-call size a figure uses.
SMALL = 9

# The layout contract. Two media: "page", the text column (688 CSS px at 1280 px, 672 inside the
# figure's padding: 7 in at 96 px/in, so every page figure shows at its natural size on desktop),
# and "phone", a 390-px phone's column (342 px inside the padding: 4.2 in, with the saved bbox's
# margins at most 419 px, shows at 0.82 or more, the smallest text, 9 pt, at about 10 CSS px).
# Every figure has the column's width; "tall" is for a single square-ish map (equal axes);
# "two"/"three" are panels side by side on the page, stacked on a phone (``panels``).
PAGE_WIDTH, PHONE_WIDTH = 7.0, 4.2
PHONE_PANEL_HEIGHT = 3.0  # one stacked panel on a phone
FIGSIZES = {
    "page": {"one": (PAGE_WIDTH, 4.2), "tall": (PAGE_WIDTH, 5.2), "two": (PAGE_WIDTH, 3.4), "three": (PAGE_WIDTH, 2.9)},
    "phone": {
        "one": (PHONE_WIDTH, 3.3),
        "tall": (PHONE_WIDTH, 4.2),
        "two": (PHONE_WIDTH, 2 * PHONE_PANEL_HEIGHT),
        "three": (PHONE_WIDTH, 3 * PHONE_PANEL_HEIGHT),
    },
}


_current = DEFAULT


def current() -> Variant:
    """The variant being drawn (the canonical one outside ``variant``)."""
    return _current


def on_phone() -> bool:
    """True while drawing the phone layout: for the rare label that must wrap there."""
    return _current.medium == "phone"


@contextlib.contextmanager
def variant(v: Variant = DEFAULT):
    """Draw (and save) inside: the house rcParams for ``v``'s scheme, and ``figsize``, ``panels``,
    ``ink``, ``paper``, ``PALETTE`` and ``CMAP`` answering for ``v``."""
    import matplotlib

    global _current
    register_font()
    before, _current = _current, v
    try:
        with matplotlib.rc_context(rcparams(v.scheme)):
            yield v
    finally:
        _current = before
        _register_cmap(before.scheme)


def _register_cmap(scheme: str) -> None:
    import matplotlib
    import numpy as np
    from matplotlib.colors import ListedColormap

    colours = matplotlib.colormaps[CMAP_BASE](np.linspace(*SCHEMES[scheme].cmap, 256))
    if CMAP in matplotlib.colormaps:
        matplotlib.colormaps.unregister(CMAP)
    matplotlib.colormaps.register(ListedColormap(colours, name=CMAP), name=CMAP)


# Colours are read when drawing, never frozen at import: ``color=ink()``, ``PALETTE["blue"]``.
def ink() -> str:
    """Text, axes and marks: near-black on light paper, near-white on dark."""
    return SCHEMES[_current.scheme].ink


def paper() -> str:
    """The figure's background (label boxes that must hide what is under them)."""
    return SCHEMES[_current.scheme].paper


class _Palette(Mapping[str, str]):
    """The house hues by name, in the scheme being drawn."""

    def __getitem__(self, name: str) -> str:
        return SCHEMES[_current.scheme].palette[name]

    def __iter__(self):
        return iter(SCHEMES["light"].palette)

    def __len__(self) -> int:
        return len(SCHEMES["light"].palette)


PALETTE = _Palette()

RCPARAMS = {
    "font.family": [FONT_FAMILY, "DejaVu Sans"],
    "mathtext.fontset": "dejavusans",
    "axes.unicode_minus": True,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.08,
    "figure.figsize": FIGSIZES["page"]["one"],
    # Panels, labels and colorbars are spaced for us: no tight_layout or wspace by hand.
    "figure.constrained_layout.use": True,
    "lines.linewidth": 2.0,
    "legend.frameon": False,
    "image.cmap": CMAP,
    # Outlines, not <text>: the figure then looks the same whatever fonts the reader has.
    "svg.fonttype": "path",
    # Fixed salt so element ids (clip paths, glyph defs) are the same on every run.
    "svg.hashsalt": "gradbook",
    "path.simplify": True,
}


_registered = False


def register_font() -> None:
    """Make the carried Noto Sans SC subset known to matplotlib as FONT_FAMILY (idempotent)."""
    global _registered
    if _registered:
        return
    import dataclasses

    from matplotlib import font_manager, ft2font

    # What fontManager.addfont does, but under our own family name (addfont keeps the file's).
    entry = font_manager.ttfFontProperty(ft2font.FT2Font(str(FONT_PATH)))
    font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=FONT_FAMILY))
    font_manager.fontManager._findfont_cached.cache_clear()  # type: ignore[attr-defined]  # as addfont does: forget old lookups
    _registered = True


def rcparams(scheme: str = "light") -> dict:
    """The house rcParams for a colour scheme, ready for ``matplotlib.rc_context``; registers the
    scheme's colour map as CMAP (their ``image.cmap``) and the carried font."""
    from cycler import cycler

    register_font()
    _register_cmap(scheme)
    colours = SCHEMES[scheme]
    params = dict(RCPARAMS)
    for key in ("axes.edgecolor", "axes.labelcolor", "axes.titlecolor", "text.color", "xtick.color", "ytick.color"):
        params[key] = colours.ink
    for key in ("figure.facecolor", "axes.facecolor", "savefig.facecolor", "legend.facecolor"):
        params[key] = colours.paper
    params["legend.edgecolor"] = colours.ink
    params["grid.color"] = colours.grid
    for axis in "xyz":
        params[f"axes3d.{axis}axis.panecolor"] = colours.pane
    params["axes.prop_cycle"] = cycler(color=list(colours.palette.values()))
    return params


def figsize(layout: str = "one", medium: str | None = None) -> tuple[float, float]:
    """The figure size (inches) for a layout ("one", "tall", "two", "three") in a medium (default:
    the one being drawn)."""
    return FIGSIZES[medium or _current.medium][layout]


def panels(n: int, *, ratios=None, heights=None, layout: Any = None, **subplots):
    """A Figure with ``n`` panels (n = 2 or 3): side by side on the page (``ratios``: their widths),
    stacked on a phone (``heights``: their heights, in panel heights; default all 1), each panel
    then as wide as the phone's column. Returns ``(fig, axes)``; ``subplots`` go to ``Figure.subplots``
    (``sharey``, ``subplot_kw``...); ``layout="none"`` for 3-D axes."""
    from matplotlib.figure import Figure

    if _current.medium == "phone":
        heights = heights or [1] * n
        fig = Figure(figsize=(PHONE_WIDTH, PHONE_PANEL_HEIGHT * sum(heights)), layout=layout)
        axes = fig.subplots(n, 1, gridspec_kw={"height_ratios": heights}, **subplots)
    else:
        fig = Figure(figsize=figsize({2: "two", 3: "three"}[n]), layout=layout)
        axes = fig.subplots(1, n, gridspec_kw={"width_ratios": ratios} if ratios else None, **subplots)
    return fig, list(axes)


def set_axes(
    ax,
    xlabel=None,
    ylabel=None,
    *,
    title=None,
    xlim=None,
    ylim=None,
    xscale=None,
    yscale=None,
    aspect=None,
    legend=None,
):
    """Label and frame one Axes in one call, as d2l's ``set_axes`` does; None leaves a setting alone.

    ``legend`` is True (best place), a location string such as "upper right", or a dict of
    ``Axes.legend`` keywords. Returns ``ax`` so calls can chain."""
    for value, setter in (
        (xlabel, ax.set_xlabel),
        (ylabel, ax.set_ylabel),
        (title, ax.set_title),
        (xscale, ax.set_xscale),
        (yscale, ax.set_yscale),
        (aspect, ax.set_aspect),
    ):
        if value is not None:
            setter(value)
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if legend is not None and legend is not False:
        ax.legend(**(legend if isinstance(legend, dict) else {} if legend is True else {"loc": legend}))
    return ax


# The book's marks on a landscape, so every chapter draws them alike.
def mark_minimum(ax, x: float, y: float, ms: float = 16):
    """A minimum: a yellow star outlined in ink, above contours and paths."""
    return ax.plot([x], [y], "*", ms=ms, color=PALETTE["yellow"], mec=ink(), zorder=5)


def mark_start(ax, x: float, y: float, label: str | None = None):
    """A run's starting point: an ink square, with an optional label such as 起点 just above-left of it."""
    ax.plot([x], [y], "s", color=ink(), ms=6)
    if label:
        ax.annotate(label, (x, y), xytext=(-30, 6), textcoords="offset points", color=ink())
