"""Locate MathJax 3 in the installed ``django-static-mathjax`` wheel (used at build time).

The book must make no third-party request, and a fresh machine has only pip: so MathJax
comes from a PyPI package instead of a CDN or a vendored copy in git, and typesets the
book's TeX during the build (gradbook.mathjax_ssr).
"""

from __future__ import annotations

from pathlib import Path

ENTRY = "startup.js"  # present in every MathJax 3 es5 tree; its presence marks a usable install


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
