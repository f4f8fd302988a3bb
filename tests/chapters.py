"""Helpers for chapter tests: read a chapter's Markdown, find a computed number in its prose,
and pull out the code snippets and front matter the page shows.

A worked number is tested with ``claim(page, computed, "−12")``: the text must occur in the
chapter's Markdown and the number it spells must equal the computed value.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHAPTERS = DOCS / "chapters"

_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?")
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^\n`]*)$")


def chapter_path(page: str) -> Path:
    """``page`` is a path under docs/ ("chapters/01-gradient.md") or a chapter number ("1")."""
    if re.fullmatch(r"\d+", str(page)):
        found = sorted(CHAPTERS.glob(f"{int(page):02d}-*.md"))
        assert found, f"no chapter {page} under {CHAPTERS}"
        return found[0]
    return DOCS / page


def markdown(page: str) -> str:
    return chapter_path(page).read_text(encoding="utf-8")


def front_matter(page: str) -> dict:
    text = markdown(page)
    if not text.startswith("---\n"):
        return {}
    head = text[4:text.index("\n---", 4)]
    return yaml.safe_load(head) or {}


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def parse_number(text: str) -> float:
    """The first number spelt in ``text``: handles "−12", "10,000", "44.43°", "2.5e-8"."""
    m = _NUMBER.search(text)
    assert m, f"no number in {text!r}"
    return float(m.group(0).replace("−", "-").replace(",", ""))


def claim(page: str, computed: float, text: str, *, value: float | None = None,
          rel: float = 1e-9, abs: float | None = None) -> None:
    """Assert that ``text`` occurs in the page and spells ``computed``.

    By default the number is the first one in ``text`` and must match to the digits shown: the
    tolerance is half a unit of its last printed digit (pass ``rel``/``abs`` to override), so
    "44.43" accepts 44.4349 and rejects 44.44.
    """
    md = _normalise(markdown(page))
    assert _normalise(text) in md, f"{chapter_path(page).name} no longer says {text!r}"
    shown = parse_number(text) if value is None else value
    if abs is None:
        m = _NUMBER.search(text) if value is None else None
        digits = len(m.group(0).split(".")[1]) if m and "." in m.group(0) and "e" not in m.group(0).lower() else 0
        abs = 0.5 * 10.0 ** -digits if m else 0.0
    assert math.isclose(float(computed), shown, rel_tol=rel, abs_tol=abs), (
        f"{chapter_path(page).name} says {text!r} but the computation gives {computed!r}")


@dataclass
class Snippet:
    line: int
    language: str
    code: str
    expected_output: str | None = None


def snippets(page: str, languages: tuple[str, ...] = ("python", "py")) -> list[Snippet]:
    """Every fenced code block in ``languages``, dedented (content tabs indent them).

    A ``text`` block that directly follows a Python block is its expected output.
    """
    lines = markdown(page).splitlines()
    blocks: list[Snippet] = []
    i = 0
    last_python: Snippet | None = None
    last_end = -10
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            if lines[i].strip():
                last_python = None
            i += 1
            continue
        indent, fence, info = m["indent"], m["fence"], m["info"].strip()
        language = info.split()[0].lstrip(".{").rstrip("}") if info else ""
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            j += 1
        body = "\n".join(ln[len(indent):] if ln.startswith(indent) else ln.lstrip() for ln in lines[i + 1:j])
        body = textwrap.dedent(body)
        if language in languages:
            last_python = Snippet(i + 1, language, body)
            blocks.append(last_python)
        elif language == "text" and last_python is not None and i - last_end <= 2:
            last_python.expected_output = body
            last_python = None
        else:
            last_python = None
        last_end = j
        i = j + 1
    return blocks
