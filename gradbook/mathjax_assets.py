"""Locate MathJax 3 in the installed ``django-static-mathjax`` wheel, to copy into the site.

The book must make no third-party request, and a fresh machine has only pip: so MathJax
comes from a PyPI package at build time instead of a CDN or a vendored copy in git.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

ENTRY = "tex-chtml.js"
# What tex-chtml.js loads on demand: TeX extensions (\boldsymbol…), CHTML fonts, the
# context menu and the accessibility tools the menu can switch on.
ON_DEMAND = ("input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y", "sre")


class MathJaxMissing(RuntimeError):
    pass


def es5_dir() -> Path:
    try:
        import mathjax  # provided by django-static-mathjax
    except ImportError as exc:
        raise MathJaxMissing(
            "MathJax is not installed: `pip install django-static-mathjax` (part of gradbook[docs])"
        ) from exc
    root = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    if not (root / ENTRY).is_file():
        raise MathJaxMissing(f"{root / ENTRY} not found in the installed django-static-mathjax")
    return root


def mathjax_files() -> Iterator[tuple[Path, str]]:
    """(absolute source path, path relative to the es5 root) for every file the site serves."""
    root = es5_dir()
    yield root / ENTRY, ENTRY
    for sub in ON_DEMAND:
        for path in sorted((root / sub).rglob("*")):
            if path.is_file() and path.suffix in {".js", ".woff", ".json"}:
                yield path, path.relative_to(root).as_posix()
