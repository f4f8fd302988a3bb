"""The reader-quality gate beyond rendering: links and anchors, alt text and heading order, figure
contrast, key terms, and a reproducible build. Accessibility (axe-core) and page weight are checked
in the browser pass (tests/page_checks.py)."""

from __future__ import annotations

import filecmp
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from tests.chapters import DOCS, front_matter
from tests.conftest import ROOT


class _Doc(HTMLParser):
    """Collects ids, links, images and headings of one built page."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[dict] = []
        self.headings: list[int] = []
        self._in_article = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if a.get("name") and tag == "a":
            self.ids.add(a["name"])
        if tag == "article":
            self._in_article += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in {"link", "script", "img", "source"}:
            for key in ("href", "src"):
                if a.get(key) and (tag != "link" or a.get("rel") in {"stylesheet", "icon", "preload"}):
                    self.links.append(a[key])
        if tag == "img":
            self.images.append({**a, "in_article": bool(self._in_article)})
        if self._in_article and re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag):
        if tag == "article":
            self._in_article -= 1


def _parse(html_file: Path) -> _Doc:
    doc = _Doc()
    doc.feed(html_file.read_text(encoding="utf-8"))
    return doc


def _html_files(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if not p.relative_to(site).as_posix().startswith("assets/")]


# -- static checks over the built HTML -----------------------------------------------------------


@pytest.fixture(scope="module")
def parsed(site_dir) -> dict[Path, _Doc]:
    """Every built page, parsed once for all the static checks."""
    return {p: _parse(p) for p in _html_files(site_dir)}


@pytest.mark.site
def test_every_internal_link_and_anchor_resolves(site_dir, parsed):
    docs = parsed
    problems, external = [], set()
    for page, doc in docs.items():
        base = "http://site/" + page.relative_to(site_dir).as_posix()
        for link in doc.links:
            if link.startswith(("mailto:", "data:", "javascript:")):
                continue
            url = urlparse(urljoin(base, link))
            if url.netloc != "site":
                external.add(link)
                continue
            target = site_dir / unquote(url.path.lstrip("/"))
            if target.is_dir() or url.path.endswith("/"):
                target = target / "index.html"
            where = f"{page.relative_to(site_dir)}: {link}"
            if not target.exists():
                problems.append(f"{where}: no such file")
            elif url.fragment and target.suffix == ".html":
                ids = docs[target].ids if target in docs else _parse(target).ids
                if unquote(url.fragment) not in ids:
                    problems.append(f"{where}: no #{url.fragment} on that page")
    report = ROOT / "bench" / "out" / "external-links.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("".join(f"{u}\n" for u in sorted(external)), encoding="utf-8")  # listed, never fetched
    assert not problems, "\n".join(problems)


@pytest.mark.site
def test_every_figure_has_alt_text_and_headings_go_in_order(site_dir, parsed):
    problems = []
    for page, doc in parsed.items():
        rel = page.relative_to(site_dir).as_posix()
        for img in doc.images:
            if img["in_article"] and not (img.get("alt") or "").strip():
                problems.append(f"{rel}: image {img.get('src')} has no alt text")
        levels = doc.headings
        if levels and levels[0] != 1 and rel != "404.html":
            problems.append(f"{rel}: first heading is h{levels[0]}, not h1")
        for before, after in zip(levels, levels[1:]):
            if after > before + 1:
                problems.append(f"{rel}: heading jumps from h{before} to h{after}")
    assert not problems, "\n".join(problems)


def test_each_chapter_names_at_least_two_key_terms_that_it_uses_and_search_knows():
    words = {ln.split()[0] for ln in (DOCS / "search-terms.txt").read_text(encoding="utf-8").splitlines() if ln.strip()}
    for md in sorted((DOCS / "chapters").glob("*.md")):
        rel = md.relative_to(DOCS).as_posix()
        terms = front_matter(rel).get("search_terms", [])
        assert len(terms) >= 2, f"{rel}: front matter lists {terms}; at least two search terms per chapter"
        body = md.read_text(encoding="utf-8")
        for term in terms:
            assert term in body.split("---", 2)[2], f"{rel}: key term {term!r} is not in the text"
            assert " " in term or term in words, f"{term!r}: add it to docs/search-terms.txt so jieba keeps it whole"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_figure_ink_reads_on_the_figure_paper(scheme):
    from gradbook.engine.style import SCHEMES

    ink, paper, palette = SCHEMES[scheme].ink, SCHEMES[scheme].paper, SCHEMES[scheme].palette

    def lum(hex_colour: str) -> float:
        rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        f = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * f[0] + 0.7152 * f[1] + 0.0722 * f[2]

    def ratio(a: str, b: str) -> float:
        hi, lo = sorted((lum(a), lum(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    assert ratio(ink, paper) >= 7, f"{scheme}: text and axes: WCAG AAA on the figure's paper"
    for name, colour in palette.items():
        if scheme == "dark" or name not in {"yellow", "sky"}:  # on white: fills only, never lines or text
            assert ratio(colour, paper) >= 3, f"{scheme} PALETTE[{name!r}] {colour} is too faint for strokes"
    assert set(palette) == set(SCHEMES["light"].palette), "every hue has its counterpart in both schemes"


@pytest.mark.site
def test_two_clean_builds_are_byte_identical(site_dir, clean_site):
    # site_dir was built with the repository's store (in CI, the one restored from the last run);
    # clean_site with a second store of its own (tests/conftest.py), empty on a bare machine.
    # Named exceptions: the sitemap carries the build date.
    allowed = {"sitemap.xml", "sitemap.xml.gz"}
    differ, missing = [], []

    def walk(cmp: filecmp.dircmp, prefix: str = "") -> None:
        missing.extend(prefix + n for n in cmp.left_only + cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        differ.extend(prefix + n for n in mismatch + errors if prefix + n not in allowed)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(site_dir, clean_site))
    assert not missing, f"files in only one build: {missing[:10]}"
    assert not differ, f"files that differ between two clean builds: {differ[:10]}\n" + "\n".join(
        _first_difference(site_dir / name, clean_site / name) for name in differ[:3]
    )


def _first_difference(a: Path, b: Path, context: int = 120) -> str:
    """Where two files part, with some text either side: what CI shows when a build drifts."""
    x, y = a.read_bytes(), b.read_bytes()
    i = next((k for k, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
    show = lambda s: s[max(0, i - context) : i + context].decode("utf-8", "replace")  # noqa: E731
    return f"{a.name} at byte {i}:\n  first:  {show(x)!r}\n  second: {show(y)!r}"


# The browser's checks of every page (axe-core, page weight): tests/page_checks.py.
