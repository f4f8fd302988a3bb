"""Locate MathJax 3 in the installed ``django-static-mathjax`` wheel, to copy into the site.

The book must make no third-party request, and a fresh machine has only pip: so MathJax
comes from a PyPI package at build time instead of a CDN or a vendored copy in git.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

ENTRY = "startup.js"
# Components loaded one by one instead of the combined tex-chtml.js, which bundles the context
# menu (108 KiB of its 262 KiB gzipped). Assistive MathML stays, so screen readers get the math.
COMPONENTS = ("core.js", "input/tex.js", "output/chtml.js", "output/chtml/fonts/tex.js", "a11y/assistive-mml.js")
# What those load on demand: TeX extensions (\boldsymbol…) and the CHTML web fonts.
ON_DEMAND = ("input/tex/extensions", "output/chtml/fonts/woff-v2")


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
    for rel in COMPONENTS:
        yield root / rel, rel
    for sub in ON_DEMAND:
        for path in sorted((root / sub).rglob("*")):
            if path.is_file() and path.suffix in {".js", ".woff", ".json"}:
                yield path, path.relative_to(root).as_posix()
