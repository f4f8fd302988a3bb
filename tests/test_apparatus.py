"""The apparatus around the chapters, checked in the Markdown: the bilingual glossary (entries,
synonyms, links to the sections that teach them, search dictionary), and each chapter's further
reading, links to other pages of the book and to its practice notebook.

Search in Chromium for every glossary name: tests/test_browser.py."""

from __future__ import annotations

import re

import pytest

from tests.apparatus import GLOSSARY, HAN, READER_QUERIES, anchors, chapters, further_reading, glossary, page_links
from tests.chapters import DOCS, ROOT

# Synonym sets the glossary must carry (issue 19): entry -> names a reader may type instead.
SYNONYM_SETS = {
    "最陡下降": ["最速下降", "最速下降法", "steepest descent"],
    "海森矩阵": ["黑塞矩阵", "Hessian"],
    "Fisher 信息矩阵": ["费舍尔信息矩阵", "费希尔信息矩阵"],
    "雅可比矩阵": ["雅可比", "Jacobian"],
    "向量-雅可比积": ["VJP"],
    "雅可比-向量积": ["JVP"],
    "预条件": ["preconditioning"],
    "白化": ["whitening"],
    "拟牛顿法": ["quasi-Newton method", "BFGS"],
    "凸函数": ["convex function", "convex"],
}


def _han(text: str) -> int:
    return sum(len(run) for run in HAN.findall(text))


@pytest.fixture(scope="module")
def entries():
    return glossary()


def test_glossary_has_at_least_80_bilingual_entries_each_defined_and_linked_to_a_real_section(entries):
    assert len(entries) >= 80, f"{len(entries)} glossary entries; the issue asks for at least 80"
    text = GLOSSARY.read_text(encoding="utf-8")
    problems = []
    for e in entries:
        if not e.english or not all(re.search(r"[A-Za-z]", n) for n in e.english):
            problems.append(f"{e.term}: no English name")
        body = text.split(f"\n### {e.term}\n", 1)[1].split("\n#", 1)[0]
        definition = [ln for ln in body.splitlines() if ln and not ln.startswith(("**英文**", "见"))]
        if len(definition) != 1 or _han(definition[0]) < 8:
            problems.append(f"{e.term}: wants a one-line definition in Chinese, found {definition}")
        taught = [href.removeprefix("../").partition("#") for href in e.links]
        if not taught or not taught[0][0].startswith(("chapters/", "appendix/")) or not taught[0][2]:
            problems.append(f"{e.term}: its first link must go to the section (chapter or appendix) that teaches it")
        for page, _, anchor in taught:
            if anchor not in anchors(page):
                problems.append(f"{e.term}: {page}#{anchor} is not an anchor of that page")
    assert not problems, "\n".join(problems)


def test_glossary_names_are_unique_and_carry_the_synonym_sets_readers_type(entries):
    owner: dict[str, str] = {}
    for e in entries:
        for name in e.names:
            assert owner.setdefault(name.casefold(), e.term) == e.term, (
                f"{name!r} names both {owner[name.casefold()]!r} and {e.term!r}"
            )
    by_term = {e.term: e for e in entries}
    for term, names in SYNONYM_SETS.items():
        assert term in by_term, f"no glossary entry {term!r}"
        missing = [n for n in names if n not in by_term[term].names]
        assert not missing, f"{term}: the glossary does not list {missing}"
    for query, term in READER_QUERIES.items():
        assert term in by_term, f"READER_QUERIES sends {query!r} to {term!r}, which is no entry"
    synonyms = sum(len(e.synonyms) for e in entries)
    assert synonyms >= 100, f"only {synonyms} other Chinese names"


def test_search_dictionary_keeps_every_chinese_glossary_name_whole(entries):
    """jieba (the search plugin's segmenter, with docs/search-terms.txt) must not cut a name apart,
    or the search index holds its pieces and a reader's query for the whole word goes astray."""
    import jieba

    words = {ln.split()[0] for ln in (DOCS / "search-terms.txt").read_text(encoding="utf-8").splitlines() if ln.strip()}
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(DOCS / "search-terms.txt"))
    problems = []
    for e in entries:
        for name in e.names:
            if HAN.fullmatch(name) and name not in words:
                problems.append(f"{name}: add it to docs/search-terms.txt")
            for run in HAN.findall(name):
                if len(run) > 1 and (cut := tokenizer.lcut(run)) != [run]:
                    problems.append(f"{name}: jieba cuts {run!r} into {cut}")
    assert not problems, "\n".join(problems)


def test_glossary_is_in_the_nav():
    assert f"appendix/{GLOSSARY.name}" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("md", chapters(), ids=lambda p: p.stem)
def test_chapter_has_further_reading_links_to_three_other_pages_and_to_its_notebook(md):
    refs = further_reading(md)
    assert refs is not None, f"{md.name}: no '## 延伸阅读' section"
    assert len(refs) >= 4, f"{md.name}: {len(refs)} references under 延伸阅读; at least 4"
    for ref in refs:
        assert re.search(r"(?<!\d)(?:1[89]|20)\d{2}(?!\d)", ref), f"{md.name}: no year in {ref[:60]!r}"
        assert _han(ref.split("。", 1)[-1]) >= 10, f"{md.name}: say in Chinese what {ref[:40]!r} adds"
    number = md.name[:2]
    links = page_links(md)
    own = md.relative_to(DOCS).as_posix()
    notebooks = [p for p, _ in links if re.fullmatch(rf"practice/{number}_\w+\.py", p)]
    assert notebooks and (DOCS / notebooks[0]).is_file(), f"{md.name}: no link to its practice notebook"
    others = {p for p, _ in links if p != own and not p.startswith("practice/")}
    assert len(others) >= 3, f"{md.name}: links to {sorted(others)}; at least 3 other pages of the book"


def test_every_link_from_a_chapter_or_the_glossary_lands_on_a_heading_or_figure():
    """Cheap before a build: each #anchor is a heading slug or figure id of the target page. (Figures
    are referred to by name, [图](#fig:NAME), and numbered by the build: tests/test_xref.py.)"""
    problems = []
    for md in [*chapters(), GLOSSARY]:
        for page, anchor in page_links(md):
            if anchor and page.endswith(".md") and anchor not in anchors(page):
                problems.append(f"{md.name}: {page}#{anchor} does not exist")
    assert not problems, "\n".join(problems)
