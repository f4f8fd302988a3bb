"""Appendix B (符号表): each symbol's first use in the chapters' LaTeX, read in chapter order, lies in
the chapter and the section the table links to; the table covers every Greek letter and operator
the chapters use."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from pymdownx.slugs import slugify

from tests.chapters import CHAPTERS, markdown

PAGE = "appendix/symbols.md"
SLUG = slugify(case="lower")  # mkdocs.yml's toc slugify, so anchors match the built site

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$", re.M)
_TOKEN = re.compile(
    r"\\(?:begin|end)\{[^}]*\}"  # environments: dropped
    r"|\\\\\[[^\]]*\]"  # line break with spacing: dropped
    r"|\\(?:operatorname|mathrm|mathbb|mathcal|text)\s*\{[^}]*\}"  # one token with its argument
    r"|\\[A-Za-z]+|\\.|[^\s{}]"
)
_SPACING = {
    r"\,",
    r"\;",
    r"\!",
    r"\ ",
    r"\quad",
    r"\qquad",
    r"\left",
    r"\right",
    r"\big",
    r"\Big",
    r"\bigl",
    r"\bigr",
    r"\Bigl",
    r"\Bigr",
    r"\displaystyle",
}
# \cdot right inside a pair of delimiters stands for "anything": ‖·‖, O(·).
WILDCARD = r"\cdot"
_PAIRS = {r"\lVert": r"\rVert", "(": ")"}


def tokens(tex: str) -> list[str]:
    """TeX as a list of tokens, braces and spacing dropped: \\boldsymbol{\\theta} and \\boldsymbol\\theta agree,
    and so do \\operatorname{diag} and \\mathrm{diag}."""
    out = []
    for t in _TOKEN.findall(tex):
        if t.startswith(("\\begin", "\\end", "\\\\[")) or t in _SPACING:
            continue
        t = re.sub(r"\s+", "", t)
        out.append(re.sub(r"^\\(?:operatorname|mathrm)\{", r"\\op{", t))
    return out


def _masked(text: str) -> str:
    """The page with fenced code and inline code blanked out, same length, so offsets still point at the text."""
    out, fence = [], None
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if m or fence:
            if m:
                fence = None if fence and m.group(1).startswith(fence) else (fence or m.group(1))
            out.append(" " * len(line))
        else:
            out.append(re.sub(r"`[^`]*`", lambda k: " " * len(k.group(0)), line))
    return "\n".join(out)


def _matches(seq: list[str], sym: list[str]) -> bool:
    pieces = []
    for i, t in enumerate(sym):
        wild = t == WILDCARD and 0 < i < len(sym) - 1 and _PAIRS.get(sym[i - 1]) == sym[i + 1]
        pieces.append(r"[^\x1f]+(?:\x1f[^\x1f]+)*?" if wild else re.escape(t))
    return re.search(r"(?:^|\x1f)" + r"\x1f".join(pieces) + r"(?:\x1f|$)", "\x1f".join(seq)) is not None


@dataclass
class Chapter:
    name: str
    text: str  # masked

    def math(self):
        for m in _MATH.finditer(self.text):
            yield m.start(), tokens(m.group(1) or m.group(2))

    def sections(self) -> dict[str, tuple[int, int]]:
        """Each heading's slug and the span of its section (up to the next heading of its level or above)."""
        heads = [(len(h.group(1)), SLUG(h.group(2), "-"), h.start()) for h in _HEADING.finditer(self.text)]
        spans = {}
        for i, (level, slug, start) in enumerate(heads):
            end = next((s for lv, _, s in heads[i + 1 :] if lv <= level), len(self.text))
            spans[slug] = (start, end)
        return spans


@pytest.fixture(scope="module")
def chapters() -> list[Chapter]:
    found = sorted(CHAPTERS.glob("*.md"))
    assert len(found) >= 5
    return [Chapter(p.name, _masked(p.read_text(encoding="utf-8").split("\n---", 1)[1])) for p in found]


def first_use(chapters: list[Chapter], sym: list[str]) -> tuple[Chapter, int] | None:
    for ch in chapters:
        for pos, seq in ch.math():
            if _matches(seq, sym):
                return ch, pos
    return None


@dataclass
class Row:
    table: int
    symbols: list[str]  # each $...$ of the first cell
    meaning: str
    chapter: str  # file name under chapters/
    anchor: str


def rows() -> list[Row]:
    """Every row of the page's tables: the symbol cell and the 首次出现 link."""
    out, table, header = [], 0, None
    for line in markdown(PAGE).splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if header is None:
            header, table = cells, table + 1
            continue
        if set(cells[0]) <= set("- "):
            continue
        link = cells[header.index("首次出现")]
        m = re.fullmatch(r"\[第 (\d) 章\]\(\.\./chapters/(\d\d-[\w-]+\.md)#([^)]+)\)", link)
        assert m, f"symbol table: {cells[0]}: the 首次出现 cell must be one chapter link, got {link!r}"
        assert int(m.group(1)) == int(m.group(2)[:2]), f"{cells[0]}: link text and target disagree: {link}"
        symbols = re.findall(r"\$([^$]+)\$", cells[0])
        assert symbols, f"symbol table: a row without a $symbol$: {line}"
        out.append(Row(table, symbols, cells[1], m.group(2), m.group(3)))
    return out


ROWS = rows()


def test_the_table_has_the_symbols_the_book_relies_on():
    listed = {s for r in ROWS for s in r.symbols}
    for sym in [
        r"\boldsymbol{\theta}",
        r"\eta",
        "L",
        r"\nabla",
        "H",
        r"F(\boldsymbol{\theta})",
        "J",
        r"\lambda",
        r"\kappa",
        r"\sigma",
        r"\mathbb{E}",
        r"\mu",
        r"\Sigma",
        r"\boldsymbol{\delta}",
    ]:
        assert sym in listed, f"the symbol table lacks ${sym}$"
    assert len(ROWS) >= 60


@pytest.mark.parametrize("row", ROWS, ids=lambda r: " ".join(r.symbols))
def test_first_use_is_in_the_chapter_and_section_the_table_names(chapters, row):
    for sym in row.symbols:
        found = first_use(chapters, tokens(sym))
        assert found, f"${sym}$ is in the symbol table but no chapter uses it"
        ch, pos = found
        assert ch.name == row.chapter, f"${sym}$ first appears in {ch.name}, not {row.chapter} as the table says"
        spans = ch.sections()
        assert row.anchor in spans, f"${sym}$: {row.chapter} has no heading #{row.anchor}"
        start, end = spans[row.anchor]
        where = next(s for s, (a, b) in sorted(spans.items(), key=lambda kv: -kv[1][0]) if a <= pos)
        assert start <= pos < end, f"${sym}$ first appears in {ch.name}#{where}, not #{row.anchor}"


def test_every_greek_letter_and_operator_the_chapters_use_is_listed(chapters):
    greek = set(
        "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
        "pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi "
        "Omega".split()
    )
    operators = {r"\nabla", r"\partial", r"\odot", r"\otimes", r"\det"}
    used = set()
    for ch in chapters:
        for _, seq in ch.math():
            for t in seq:
                if (
                    t[1:] in greek
                    or t in operators
                    or t.startswith((r"\mathbb{", r"\mathcal{"))
                    or (re.fullmatch(r"\\op\{[A-Za-z]{2,}\}", t) and t not in {r"\op{GN}"})
                ):
                    used.add(t)
    used -= {r"\pi"}  # the constant
    listed = {t for r in ROWS for s in r.symbols for t in tokens(s)}
    assert not used - listed, f"used in the chapters but missing from the symbol table: {sorted(used - listed)}"


def test_the_tables_own_sanity():
    # the matcher: a wildcard only between two tokens; a symbol matches whole tokens only
    assert _matches(tokens(r"\lVert \nabla f \rVert"), tokens(r"\lVert \cdot \rVert"))
    assert not _matches(tokens(r"\lambda_{\max}"), tokens(r"\lambda I"))
    affine, dot = r"\boldsymbol{a} = W\boldsymbol{x} + \boldsymbol{b}", r"\boldsymbol{a} \cdot \boldsymbol{b}"
    assert not _matches(tokens(affine), tokens(dot))  # a bare \cdot is a literal dot
    assert not _matches(tokens(r"\bar{x}"), tokens(r"\bar v"))
    assert tokens(r"\operatorname{diag}(1)") == tokens(r"\mathrm{diag}(1)")
    assert SLUG("曲率：海森矩阵与它的特征值", "-") == "曲率海森矩阵与它的特征值"
