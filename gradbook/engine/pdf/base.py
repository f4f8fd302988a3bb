"""What the PDF modules share: the faces, the print page's origin, a book's part, the error."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PRINT_CSS = Path(__file__).resolve().with_name("print.css")
HOST = "http://gradbook.print/"  # the print page's origin; answered from the site folder, never the network
FONT_ENV = "GRADBOOK_CJK_FONT_DIR"
# Where .ci/cjk-fonts unpacks Debian's fonts-noto-cjk (not a system font folder), then the
# system's own copy if a developer installed the package.
FONT_DIRS = (
    os.environ.get("GRADBOOK_FONT_ROOT", "/opt/gradbook-fonts") + "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/opentype/noto",
)
# The three faces of the print: (CSS family, weight, collection file, face name in it).
FACES = (
    ("GB Print", 400, "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("GB Print", 700, "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
    ("GB Print Mono", 400, "NotoSansCJK-Regular.ttc", "Noto Sans Mono CJK SC"),
    ("GB Print Mono", 700, "NotoSansCJK-Bold.ttc", "Noto Sans Mono CJK SC"),
)
# The few symbols Noto CJK lacks (⟺, ᵀ, ⁰): DejaVu, which Debian's fontconfig brings with
# Chromium (fonts-dejavu-core), cut the same way; what neither has stops the build.
EXTRA = (
    "GB Print Extra",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
# Kangxi radicals and the CJK radicals supplement: never in the print font's cmap.
RADICALS = (range(0x2E80, 0x2F00), range(0x2F00, 0x2FE0))
ALWAYS = {*range(0x20, 0x7F), *map(ord, "　，。、：；？！“”‘’（）《》…—·")}


class PdfError(Exception):
    """The PDF cannot be made; the message names the cause."""


@dataclass
class Part:
    """One piece of the book in reading order."""

    title: str  # the nav's title: the running header and the contents line
    url: str  # the built page's folder URL, relative to the site ("chapters/02-linear-model/")
    kind: str = "page"  # "page", or "notebooks": a pointer to the practice pages
    items: list[tuple[str, str]] = field(default_factory=list)  # notebooks: (title, url)
    section: str | None = None  # the nav section it sits in ("附录")

    @property
    def key(self) -> str:
        slug = re.sub(r"[^0-9A-Za-z]+", "-", self.url.strip("/")).strip("-")
        return "p-" + (slug or "home")
