"""The variants a figure is drawn in: two media (the page's text column, a phone's) and two colour
schemes (light, dark), each scheme with its colours. Data only; ``style`` draws with them."""

from __future__ import annotations

from dataclasses import dataclass

MEDIA = ("page", "phone")


@dataclass(frozen=True)
class Scheme:
    ink: str  # text, axes and marks
    paper: str  # the figure's background
    palette: dict[str, str]  # the house hues by name
    cmap: tuple[float, float]  # the part of viridis used
    grid: str  # 3-D panes' grid
    pane: tuple[float, float, float, float]  # 3-D panes


# The two colour schemes a figure is drawn in: "light" (the canonical one: export, PDF, print, no
# JavaScript) and "dark" for Material's slate scheme, on the page's own background so no bright
# card glares on the dark page. Okabe–Ito–derived hues, colour-blind safe; each dark hue is its
# light one lightened until strokes reach contrast 5.5+ on the dark paper (tests check both).
SCHEMES = {
    "light": Scheme(
        ink="#1F2328",  # near-black, softer than pure black on white
        paper="#FFFFFF",
        palette={
            "blue": "#0072B2",
            "orange": "#D55E00",
            "green": "#009E73",
            "purple": "#8E44AD",
            "sky": "#56B4E9",
            "yellow": "#E69F00",
            "pink": "#CC79A7",
            "grey": "#5F6B73",
        },
        cmap=(0.0, 1.0),  # all of it on white
        grid="#B0B0B0",  # matplotlib's own
        pane=(0.95, 0.95, 0.95, 0.5),
    ),
    "dark": Scheme(
        ink="#E2E4E9",  # Material slate's text colour, opaque
        paper="#1E2129",  # Material slate's background
        palette={
            "blue": "#4FA3E3",
            "orange": "#F28A4B",
            "green": "#2FBF95",
            "purple": "#B98AD6",
            "sky": "#8CCBF2",
            "yellow": "#F2B53A",
            "pink": "#E394C3",
            "grey": "#A4AFB7",
        },
        cmap=(0.28, 1.0),  # viridis' darkest purples vanish on the dark paper
        grid="#4A505C",
        pane=(0.9, 0.93, 1.0, 0.05),  # a faint cool veil (white is the light scheme's paper)
    ),
}


@dataclass(frozen=True)
class Variant:
    """Which drawing of a figure: the medium it is laid out for and the colour scheme."""

    medium: str = "page"
    scheme: str = "light"

    def __post_init__(self):
        if self.medium not in MEDIA or self.scheme not in SCHEMES:
            raise ValueError(
                f"no figure variant {self.medium}/{self.scheme}: media {list(MEDIA)}, schemes {list(SCHEMES)}"
            )

    @property
    def is_default(self) -> bool:
        return self == DEFAULT

    @property
    def suffix(self) -> str:
        """ "" for the canonical variant, else "-phone", "-dark" or "-phone-dark" (file names)."""
        return "".join(f"-{part}" for part in (self.medium, self.scheme) if part not in ("page", "light"))


DEFAULT = Variant()
VARIANTS = tuple(Variant(m, s) for m in MEDIA for s in SCHEMES)
