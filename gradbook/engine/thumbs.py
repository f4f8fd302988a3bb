"""Gallery thumbnails: each figure's page layout as a small WebP, at twice the CSS size it is shown
(2x density), in both colour schemes. The gallery page shows these instead of every full drawing
(about 1 MB gzipped for 46 figures) and links each to the figure in its chapter.

The figure engine draws the PNG (``requests``: a normal render, in the store like any figure);
this module only downscales it, through the same store (kind ``thumbs``), so a warm build reuses it.
Pillow comes with matplotlib: no new dependency.
"""

from __future__ import annotations

import hashlib
import io

from gradbook.engine import store
from gradbook.engine.request import Request
from gradbook.engine.variant import SCHEMES, Variant

WIDTH = 160  # CSS px: the thumbnail as shown
DENSITY = 2  # pixels per CSS px, sharp on a phone's screen
DPI = 100  # the PNG drawn for it (about 700 px wide), then downscaled: smoother text than drawing small
QUALITY = 60  # WebP; flat colours and lines stay clean, about 4 kB a thumbnail
KIND = "thumbs"


def requests(name: str) -> dict[str, Request]:
    """The PNG each scheme's thumbnail is made from: the figure's defaults, page layout."""
    return {scheme: Request(name, (), "png", DPI, Variant("page", scheme)) for scheme in SCHEMES}


def filename(name: str, scheme: str) -> str:
    """``NAME.webp``, ``NAME-dark.webp`` (the scheme's suffix, as the figures' files have it)."""
    return f"{name}{Variant('page', scheme).suffix}.webp"


def thumbnail(png: bytes, cache: store.Store | None = None) -> tuple[bytes, tuple[int, int]]:
    """The WebP thumbnail of a PNG and its CSS size (width, height)."""
    from PIL import Image, __version__

    key = store.key(
        KIND, png=hashlib.sha256(png).hexdigest(), width=WIDTH, density=DENSITY, quality=QUALITY, pillow=__version__
    )
    data = cache.get(KIND, key, "webp") if cache else None
    if data is None:
        with Image.open(io.BytesIO(png)) as image:
            rgb = image.convert("RGB")
        # Whole CSS pixels each way, so the box reserved by width/height is the image's exactly.
        css_height = max(1, round(rgb.height * WIDTH / rgb.width))
        small = rgb.resize((WIDTH * DENSITY, css_height * DENSITY), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        small.save(buf, "WEBP", quality=QUALITY, method=6)
        data = buf.getvalue()
        if cache:
            cache.put(KIND, key, "webp", data)
    with Image.open(io.BytesIO(data)) as image:
        w, h = image.size
    return data, (w // DENSITY, h // DENSITY)
