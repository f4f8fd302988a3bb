"""Every figure is drawn in every variant: the page and phone layouts, the light and dark schemes.

Each renders (with its ALT), fits its medium's column at the contract's scale (the page's at 0.9 or
more, a phone's at 0.8 or more, so the smallest text stays about 9 CSS px), is drawn in its own
scheme's colours only (a colour frozen at import would show the other scheme's), and renders to
the same bytes twice."""

from __future__ import annotations

import re

import pytest

from gradbook.engine import style
from gradbook.engine.pool import FigureEngine
from gradbook.engine.registry import figure_names, find_figure
from gradbook.engine.render import render
from gradbook.engine.store import cache_root
from tests.chapters import ROOT

FIGURES = ROOT / "figures"
NAMES = figure_names(FIGURES)
# Inside the figure's padding (CSS px): the text column at 1280 px, and a 390-px phone's.
COLUMN = {"page": 672, "phone": 342}
MIN_SCALE = {"page": 0.9, "phone": 0.8}


def _colours(scheme: str) -> set[str]:
    s = style.SCHEMES[scheme]
    return {c.lower() for c in (s.ink, s.paper, *s.palette.values())}


def test_the_contract_fits_the_columns_at_the_scales_it_promises():
    pad = 2 * 0.08  # savefig.pad_inches, both sides: the most a saved figure outgrows its size
    for medium, sizes in style.FIGSIZES.items():
        width = max(w for w, _ in sizes.values())
        assert COLUMN[medium] / ((width + pad) * 96) >= MIN_SCALE[medium], medium
    assert not _colours("light") & _colours("dark"), "each scheme's colours are its own (the test below tells them)"


@pytest.fixture(scope="module")
def engine():
    """The book's engine and store: after a build, the variants are read back, not drawn again."""
    return FigureEngine(FIGURES, cache_root(ROOT / ".cache" / "gradbook"), workers=0)


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_renders_in_every_variant_within_its_column_and_scheme(engine, name):
    spec = find_figure(name, FIGURES)
    assert spec.alt.strip(), f"{name}: every variant is shown with the script's ALT"
    drawn = engine.ensure(engine.request(name).variants().values())
    for request, svg in drawn.items():
        variant = request.variant
        width_pt = float(re.search(rb'<svg[^>]*?width="([\d.]+)pt"', svg[:2000])[1])
        scale = COLUMN[variant.medium] / (width_pt * 4 / 3)
        assert scale >= MIN_SCALE[variant.medium], (
            f"{request.filename} is {width_pt * 4 / 3:.0f} CSS px wide: shown at {scale:.2f} in its column"
        )
        text = svg.decode().lower()
        other = "dark" if variant.scheme == "light" else "light"
        foreign = sorted(c for c in _colours(other) if c in text)
        assert not foreign, f"{request.filename} draws the {other} scheme's colours {foreign}: frozen at import?"
        paper = style.SCHEMES[variant.scheme].paper.lower()
        assert f"fill: {paper}" in text, f"{request.filename} is not on its scheme's paper"
    # Drawn again here, in this process: the same bytes as the store's (a pool worker's, or above).
    phone_dark = engine.request(name, variant=style.Variant("phone", "dark"))
    assert render(spec, spec.defaults(), "svg", variant=phone_dark.variant) == drawn[phone_dark], f"{name} differs"
