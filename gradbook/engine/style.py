"""The book's house style for matplotlib: carried CJK font, palette, deterministic output."""

from __future__ import annotations

from pathlib import Path

FONT_PATH = Path(__file__).parent / "fonts" / "NotoSansSC-Subset.otf"
# A family name of our own: the file calls itself "Noto Sans CJK SC", and under that name an
# installed Noto CJK (Debian's fonts-noto-cjk) would be chosen instead, glyphs the subset lacks and all.
FONT_FAMILY = "gradbook Noto Sans SC"

# Okabe–Ito–derived hues: distinguishable for colour-blind readers, and mid-luminance
# so they read on the figure's light card in both site themes.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#D55E00",
    "green": "#009E73",
    "purple": "#8E44AD",
    "sky": "#56B4E9",
    "yellow": "#E69F00",
    "pink": "#CC79A7",
    "grey": "#5F6B73",
}
INK = "#1F2328"  # text and axes: near-black, softer than pure black on the white card
PAPER = "#FFFFFF"
CMAP = "viridis"

# Text sizes: most text takes rcParams' sizes below; SMALL is for labels placed inside a crowded
# panel (arrow tags, tick-like annotations, small legends), the only per-call size a figure uses.
SMALL = 9
# The layout contract: a figure's size by what it holds, not by hand. Widths fit the text column
# (one panel, or two or three side by side at the column's full width); "tall" is for a single
# square-ish map (equal axes). Keyed by medium so a phone layout can be added beside "page".
FIGSIZES = {
    "page": {
        "one": (6.4, 4.2),
        "tall": (6.4, 4.8),
        "two": (9.6, 4.0),
        "three": (9.6, 3.6),
    },
}

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
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.titlecolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": None,  # set in apply(), needs cycler
    "figure.facecolor": PAPER,
    "axes.facecolor": PAPER,
    "savefig.facecolor": PAPER,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.08,
    "figure.figsize": (6.4, 4.2),
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


def rcparams() -> dict:
    """The house rcParams, ready for ``matplotlib.rc_context``."""
    from cycler import cycler

    params = dict(RCPARAMS)
    params["axes.prop_cycle"] = cycler(color=list(PALETTE.values()))
    return params


def figsize(layout: str = "one", medium: str = "page") -> tuple[float, float]:
    """The figure size (inches) for a layout: "one", "tall", "two" or "three" panels."""
    return FIGSIZES[medium][layout]


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
    return ax.plot([x], [y], "*", ms=ms, color=PALETTE["yellow"], mec=INK, zorder=5)


def mark_start(ax, x: float, y: float, label: str | None = None):
    """A run's starting point: an ink square, with an optional label such as 起点 just above-left of it."""
    ax.plot([x], [y], "s", color=INK, ms=6)
    if label:
        ax.annotate(label, (x, y), xytext=(-30, 6), textcoords="offset points", color=INK)
