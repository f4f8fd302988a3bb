"""The reader's apparatus around the chapters, read from the Markdown: the glossary's entries,
each chapter's further reading, its links to other pages, and the anchors a link can point to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

from tests.chapters import CHAPTERS, DOCS

GLOSSARY = DOCS / "appendix" / "glossary.md"
FURTHER_READING = "延伸阅读"

# Short or loose names readers type, beyond the names the entries list: query -> entry it must find.
READER_QUERIES = {
    "海森": "海森矩阵",
    "黑塞": "海森矩阵",
    "Fisher": "Fisher 信息矩阵",
    "费舍尔": "Fisher 信息矩阵",
    "费希尔": "Fisher 信息矩阵",
    "最速下降": "最陡下降",
    "拟牛顿": "拟牛顿法",
    "quasi-Newton": "拟牛顿法",
    "凸": "凸函数",
    "预条件矩阵": "预条件",
    "Jacobian": "雅可比矩阵",
}

_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)\)")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d{2}(?!\d)")
HAN = re.compile(r"[\u3400-\u9fff]+")


@dataclass
class Entry:
    term: str
    group: str
    english: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # the first is the section that teaches the term

    @property
    def names(self) -> list[str]:
        """Every name a reader might type: the book's term, the English names, the other Chinese names."""
        return list(dict.fromkeys([self.term, *self.english, *self.synonyms]))

    @property
    def anchor(self) -> str:
        return slug(self.term)


def slug(heading: str) -> str:
    """The id MkDocs gives a heading (mkdocs.yml: pymdownx.slugs.slugify, case lower)."""
    from pymdownx.slugs import slugify

    return slugify(case="lower")(heading, "-")


def _names(text: str, sep: str) -> list[str]:
    return [n.strip() for n in text.split(sep) if n.strip()]


def glossary() -> list[Entry]:
    """The glossary's entries: ``### term``, then ``**英文** a, b　**又称** c、d``, a definition and links."""
    entries: list[Entry] = []
    group = ""
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            group = line[3:].strip()
        elif line.startswith("### "):
            entries.append(Entry(line[4:].strip(), group))
        elif entries and line.startswith("**英文**"):
            english, _, synonyms = line.removeprefix("**英文**").partition("**又称**")
            # English names apart with commas: the search splits on "," but not on "、" between Latin words
            entries[-1].english, entries[-1].synonyms = _names(english, ","), _names(synonyms, "、")
        elif entries:
            entries[-1].links += _LINK.findall(line)
    return entries


def section(text: str, heading: str) -> str | None:
    """The body of the ``## heading`` section, up to the next heading of level 2 or above."""
    m = re.search(rf"^## {re.escape(heading)}[ \t]*\n(.*?)(?=^#{{1,2}} |\Z)", text, re.S | re.M)
    return m[1] if m else None


def further_reading(md: Path) -> list[str] | None:
    """The top-level list items of a chapter's 延伸阅读 section (None if it has none)."""
    body = section(md.read_text(encoding="utf-8"), FURTHER_READING)
    if body is None:
        return None
    items: list[str] = []
    for line in body.splitlines():
        if line.startswith(("- ", "* ")):
            items.append(line[2:])
        elif items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
    return items


def page_links(md: Path) -> list[tuple[str, str]]:
    """Links from a page to other pages of the book, as (target path under docs/, anchor)."""
    out = []
    for href in _LINK.findall(md.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", href):
            continue
        path, _, anchor = href.partition("#")
        if not path:
            continue
        target = PurePosixPath(md.relative_to(DOCS).parent.as_posix(), path)
        parts: list[str] = []
        for p in target.parts:
            parts = parts[:-1] if p == ".." else [*parts, p]
        out.append(("/".join(parts), anchor))
    return out


@cache
def anchors(page: str) -> frozenset[str]:
    """Ids a link may point to on a page under docs/: its headings' slugs and its figures' ids."""
    import markdown
    from pymdownx.slugs import slugify

    text = (DOCS / page).read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text[text.index("\n---", 4) + 4 :]
    md = markdown.Markdown(
        extensions=[
            "toc",
            "attr_list",
            "admonition",
            "pymdownx.arithmatex",
            "pymdownx.superfences",
            "pymdownx.details",
        ],
        extension_configs={"toc": {"slugify": slugify(case="lower")}, "pymdownx.arithmatex": {"generic": True}},
    )
    md.convert(text)

    def walk(tokens):
        for t in tokens:
            yield t["id"]
            yield from walk(t["children"])

    figures = {f"fig-{name}" for name in re.findall(r"\]\([./]*figures/([\w-]+)\.svg", text)}
    return frozenset(walk(md.toc_tokens)) | figures


def chapters() -> list[Path]:
    return sorted(CHAPTERS.glob("[0-9][0-9]-*.md"))
