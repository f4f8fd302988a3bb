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
from decimal import Decimal
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
    head = text[4 : text.index("\n---", 4)]
    return yaml.safe_load(head) or {}


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def parse_number(text: str) -> float:
    """The first number spelt in ``text``: handles "−12", "10,000", "44.43°", "2.5e-8"."""
    m = _NUMBER.search(text)
    assert m, f"no number in {text!r}"
    return float(m.group(0).replace("−", "-").replace(",", ""))


def claim(
    page: str, computed: float, text: str, *, value: float | None = None, rel: float = 1e-9, abs: float | None = None
) -> None:
    """Assert that ``text`` occurs in the page and spells ``computed``.

    By default the number is the first one in ``text`` and must match to the digits shown: the
    tolerance is half a unit of its last printed digit (pass ``rel``/``abs`` to override), so
    "44.43" accepts 44.4349 and rejects 44.44. A value rounded for display must also be off the
    rounding edge (``check_off_the_edge``), so that no CPU prints a different last digit.
    """
    md = _normalise(markdown(page))
    assert _normalise(text) in md, f"{chapter_path(page).name} no longer says {text!r}"
    shown = parse_number(text) if value is None else value
    m = _NUMBER.search(text) if value is None else None
    if abs is None:
        digits = len(m.group(0).split(".")[1]) if m and "." in m.group(0) and "e" not in m.group(0).lower() else 0
        abs = 0.5 * 10.0**-digits if m else 0.0
    computed = float(computed)
    where = f"{chapter_path(page).name} says {text!r}"
    assert math.isclose(computed, shown, rel_tol=rel, abs_tol=abs), f"{where} but the computation gives {computed!r}"
    check_off_the_edge(computed, shown, where, rel=rel, abs=abs, literal=m.group(0) if m else None)


EDGE = 1e-9  # relative: more than the last bits any CPU, BLAS kernel or libm can change


def display_unit(shown: float, literal: str | None = None) -> float:
    """The place value of the last digit the page prints: 0.01 for "0.53", 1 for "671", 1e-8 for 9.5e-7.

    From the printed ``literal`` when there is one (its trailing zeros count); otherwise from the
    shortest spelling of ``shown``, whose trailing zeros do not ("10" is one significant digit).
    """
    if literal is not None:
        text = literal.replace("−", "-").replace(",", "")
        mantissa, _, exponent = text.lower().partition("e")
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        return 10.0 ** (int(exponent or 0) - decimals)
    if shown == 0:
        return 1.0
    return 10.0 ** Decimal(f"{shown:.15g}").normalize().as_tuple().exponent


def check_off_the_edge(
    computed: float, shown: float, where: str, *, rel: float, abs: float, literal: str | None = None
) -> None:
    """A value the page rounds for display must not sit on a rounding edge: moved by ±1e-9 relative
    (a different CPU's last bits), it must still match the claim and, if it rounds to the printed
    digits, still round to them. Claims of exact values (a tolerance of 1e-6 relative or less) are
    exact by construction and skipped."""
    if max(abs, rel * math.fabs(shown)) <= 1e-6 * math.fabs(shown):
        return
    nudged = (computed * (1 - EDGE), computed * (1 + EDGE))
    assert all(math.isclose(v, shown, rel_tol=rel, abs_tol=abs) for v in nudged), (
        f"{where}: the computed {computed!r} sits within {EDGE:g} (relative) of the claim's tolerance edge"
    )
    half = 0.5 * display_unit(shown, literal)
    if math.fabs(computed - shown) <= half:  # the claim is the value rounded to the printed digits
        assert all(math.fabs(v - shown) < half for v in nudged), (
            f"{where}: the computed {computed!r} sits within {EDGE:g} (relative) of a rounding edge of the "
            f"printed digits (±{half:g} around {shown:g}); another CPU could print a different last digit"
        )


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
        body = "\n".join(ln[len(indent) :] if ln.startswith(indent) else ln.lstrip() for ln in lines[i + 1 : j])
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
