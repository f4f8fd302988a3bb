"""Figure cross-references by name (gradbook.engine.xref): resolved book-wide after every page is
scanned, on the same page or another, a named second use, and errors that name page, line, reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gradbook.engine import pages
from gradbook.engine.registry import FigureError, FigureSpec, Param
from gradbook.engine.xref import BAD_XREF, CrossRefs, XrefError, references

FIGURES = ("alpha", "beta", "gamma", "unshown")


def spec_of(name: str) -> FigureSpec:
    if name not in FIGURES:
        raise FigureError("no such figure", name)
    return FigureSpec(name, Path(f"/figures/{name}.py"), "图注。", "", "替代文字。", (Param("k", 1.0),))


def book(texts: dict[str, str]) -> tuple[CrossRefs, dict[str, str], pages.Errors]:
    """Scan each page, then index them as the build does."""
    errors: pages.Errors = {}
    refs = {}
    for page, text in texts.items():
        chapter = page.split("/")[-1][:2] if page.startswith("chapters/") else None
        refs[page] = pages.scan(page, text, spec_of, int(chapter) if chapter else None, errors)
    assert not errors, errors
    return CrossRefs(refs, known=FIGURES, errors=errors), texts, errors


def resolved(page: str, texts: dict[str, str]) -> tuple[str, pages.Errors]:
    index, texts, errors = book(texts)
    return index.resolve(page, texts[page], errors), errors


CH2 = "---\nchapter: 2\n---\n# 二\n\n![](../figures/alpha.svg)\n\n![](../figures/beta.svg)\n\n正文。\n"


def test_same_page_reference_becomes_the_number_linked_to_the_anchor():
    text, errors = resolved(
        "chapters/02-x.md", {"chapters/02-x.md": CH2 + "如[图](#fig:beta)所示，[图](#fig:alpha)也是。\n"}
    )
    assert not errors
    assert "如[图 2.2](#fig-beta) 所示，[图 2.1](#fig-alpha) 也是。" in text


def test_the_number_is_spaced_from_chinese_next_to_it_as_the_book_sets_latin():
    body = "如[图](#fig:beta)所示；[图](#fig:alpha) 里，和[](#fig:beta)。\n"
    text, errors = resolved("chapters/02-x.md", {"chapters/02-x.md": CH2 + body})
    assert not errors and "如[图 2.2](#fig-beta) 所示；[图 2.1](#fig-alpha) 里，和 [2.2](#fig-beta)。" in text


def test_reference_to_another_page_is_a_relative_link_to_that_page():
    other = "---\nchapter: 3\n---\n# 三\n\n见[图](#fig:beta)。\n"
    text, errors = resolved("chapters/03-y.md", {"chapters/02-x.md": CH2, "chapters/03-y.md": other})
    assert not errors and "见[图 2.2](02-x.md#fig-beta)。" in text
    text, _ = resolved("index.md", {"chapters/02-x.md": CH2, "index.md": "# 首页\n\n见[图](#fig:alpha)。\n"})
    assert "见[图 2.1](chapters/02-x.md#fig-alpha)。" in text
    text, _ = resolved("appendix/a.md", {"chapters/02-x.md": CH2, "appendix/a.md": "# A\n\n见[图](#fig:alpha)。\n"})
    assert "见[图 2.1](../chapters/02-x.md#fig-alpha)。" in text


def test_a_name_means_its_use_on_this_page_first():
    index = "# 首页\n\n![](figures/alpha.svg)\n\n见[图](#fig:alpha)。\n"
    text, errors = resolved("index.md", {"chapters/02-x.md": CH2, "index.md": index})
    assert not errors and "见[图 1](#fig-alpha)。" in text, "index.md numbers its figures 1, 2, …"
    text, errors = resolved("chapters/02-x.md", {"chapters/02-x.md": CH2 + "[图](#fig:alpha)\n", "index.md": index})
    assert not errors and "[图 2.1](#fig-alpha)" in text


def test_a_second_use_is_named_on_its_figure_line_and_gets_its_own_anchor():
    page = (
        "---\nchapter: 2\n---\n# 二\n\n![](../figures/alpha.svg)\n\n"
        '![](../figures/alpha.svg?k=2 "另一种参数。"){ #fig:alpha_steep .wide }\n\n'
        "[图](#fig:alpha) 和 [](#fig:alpha_steep)。\n"
    )
    refs = pages.scan("chapters/02-x.md", page, spec_of, 2)
    assert [(r.anchor, r.label, r.attrs) for r in refs] == [
        ("fig-alpha", None, ""),
        ("fig-alpha_steep", "alpha_steep", "{ .wide }"),
    ]
    text, errors = resolved("chapters/02-x.md", {"chapters/02-x.md": page})
    assert not errors and "[图 2.1](#fig-alpha) 和 [2.2](#fig-alpha_steep)。" in text


def test_references_inside_admonitions_answer_folds_and_tables_resolve_and_code_is_left_alone():
    body = (
        '!!! note "提示"\n    见[图](#fig:alpha)。\n\n'
        '??? success "答案"\n    对照[图](#fig:beta)。\n\n'
        "| 图 | 说明 |\n| --- | --- |\n| [图](#fig:alpha) | 一 |\n\n"
        "写法是 `[图](#fig:alpha)`。\n\n```markdown\n[图](#fig:nope)\n```\n"
    )
    text, errors = resolved("chapters/02-x.md", {"chapters/02-x.md": CH2 + body})
    assert not errors, errors
    assert "    见[图 2.1](#fig-alpha)。" in text and "    对照[图 2.2](#fig-beta)。" in text
    assert "| [图 2.1](#fig-alpha) | 一 |" in text
    assert "写法是 `[图](#fig:alpha)`。" in text and "\n[图](#fig:nope)\n" in text
    assert text.count("\n") == (CH2 + body).count("\n"), "lines stay where the scan found them"
    assert references(CH2 + body) == [(12, "alpha"), (15, "beta"), (19, "alpha")]


def test_an_unknown_name_stops_with_page_line_and_a_did_you_mean():
    _, errors = resolved("chapters/02-x.md", {"chapters/02-x.md": CH2 + "如[图](#fig:alhpa)所示。\n"})
    (message,) = errors[BAD_XREF]
    assert message.startswith("chapters/02-x.md:11: [图](#fig:alhpa): ")
    assert "no figure or figure label named 'alhpa'" in message and "did you mean 'alpha'?" in message


def test_a_figure_that_exists_but_is_shown_nowhere_says_so():
    _, errors = resolved("chapters/02-x.md", {"chapters/02-x.md": CH2 + "[图](#fig:unshown)\n"})
    assert "figure 'unshown' is shown on no page" in errors[BAD_XREF][0]


def test_an_ambiguous_name_lists_the_uses_and_says_how_to_name_one():
    two = "# 首页\n\n![](figures/gamma.svg)\n\n![](figures/gamma.svg?k=2)\n\n[图](#fig:gamma)\n"
    _, errors = resolved("index.md", {"index.md": two})
    (message,) = errors[BAD_XREF]
    assert message.startswith("index.md:7: [图](#fig:gamma): figure 'gamma' is shown 2 times on this page")
    assert "(index.md:3, index.md:5)" in message and "{ #fig:LABEL }" in message
    # Shown once on each of two other pages: ambiguous from a third.
    _, errors = resolved(
        "c.md",
        {
            "a.md": "# a\n\n![](figures/gamma.svg)\n",
            "b.md": "# b\n\n![](figures/gamma.svg)\n",
            "c.md": "# c\n\n[图](#fig:gamma)\n",
        },
    )
    assert "figure 'gamma' is shown 2 times (a.md:3, b.md:3)" in errors[BAD_XREF][0]


@pytest.mark.parametrize(
    "written, says",
    [
        ("[图 2.1](#fig:alpha)", "a reference's text is '图' or empty, not '图 2.1'"),
        ("[图](02-x.md#fig:alpha)", "not a figure reference the build understands; write [图](#fig:NAME)"),
        ("[图](#fig:Alpha)", "not a figure reference the build understands"),
    ],
)
def test_a_malformed_reference_stops_the_build(written, says):
    _, errors = resolved("chapters/02-x.md", {"chapters/02-x.md": CH2 + f"见{written}。\n"})
    (message,) = errors[BAD_XREF]
    assert message.startswith("chapters/02-x.md:11: ") and says in message


def test_labels_are_unique_and_never_a_figures_name():
    page = "# p\n\n![](figures/alpha.svg){ #fig:one }\n\n![](figures/beta.svg){ #fig:one }\n"
    with pytest.raises(XrefError, match=r"p.md:5: label 'fig:one' is already used at p.md:3"):
        CrossRefs({"p.md": pages.scan("p.md", page, spec_of)})
    page = "# p\n\n![](figures/alpha.svg){ #fig:beta }\n"
    with pytest.raises(XrefError, match=r"p.md:3: label 'fig:beta' is the name of a figure"):
        CrossRefs({"p.md": pages.scan("p.md", page, spec_of)}, known=FIGURES)
    with pytest.raises(FigureError, match=r"'#wide': the build gives a figure its id"):
        pages.scan("p.md", "![](figures/alpha.svg){ #wide }\n", spec_of)


def test_every_use_named_and_unnumbered_pages():
    page = "# p\n\n![](figures/alpha.svg){ #fig:a_one }\n"
    index = CrossRefs({"p.md": pages.scan("p.md", page, spec_of)})
    with pytest.raises(XrefError, match="every use of figure 'alpha' is named; refer to one of 'fig:a_one'"):
        index.link("p.md", "alpha")
    index = CrossRefs({"g.md": pages.scan("g.md", page, spec_of)}, unnumbered={"g.md"})
    with pytest.raises(XrefError, match="figure 'a_one' on g.md has no number"):
        index.link("p.md", "a_one")


# --- The book itself --------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# 图 2.3, 图A.1, 图 12: a figure number typed into prose. The build writes them: [图](#fig:NAME).
TYPED_NUMBER = re.compile(r"图\s*(?:[A-Z]|\d+)(?:\.\d+)?(?![\d.])")


def typed_numbers(path: Path) -> list[str]:
    """'file:line: text' for each figure number typed by hand (outside code, which shows syntax)."""
    text = path.read_text(encoding="utf-8")
    lines = pages.lines_outside_fences(text) if path.suffix == ".md" else enumerate(text.splitlines(), 1)
    return [
        f"{path.name}:{n}: {m.group(0)!r}"
        for n, line in lines
        for m in TYPED_NUMBER.finditer(pages.CODE_SPAN.sub("", line))
    ]


def test_no_figure_number_is_typed_by_hand():
    """Markdown pages, the practice notebooks (their Markdown cells are comments of the .py) and the
    README: a figure is referred to by name, and the build numbers it."""
    sources = [*DOCS.rglob("*.md"), *DOCS.glob("practice/*.py"), ROOT / "README.md"]
    assert len(sources) > 10
    found = [hit for path in sources for hit in typed_numbers(path)]
    assert not found, "write [图](#fig:NAME) instead of a number:\n" + "\n".join(found)


def test_the_typed_number_check_can_fail(tmp_path):
    page = tmp_path / "sample.md"
    page.write_text(
        "# 样\n\n如图 2.3 所示，图A.1 与图 12；`图 2.1` 是写法。\n```\n图 4.4\n```\n如[图](#fig:x)所示。\n", "utf-8"
    )
    assert typed_numbers(page) == ["sample.md:3: '图 2.3'", "sample.md:3: '图A.1'", "sample.md:3: '图 12'"]


def test_every_cross_reference_in_the_book_resolves():
    """Cheap before a build (which checks it again): each [图](#fig:NAME) in docs/ names one figure use."""
    from mkdocs.utils.meta import get_data

    from gradbook.engine.registry import figure_names, find_figure

    figures = ROOT / "figures"
    texts = {md.relative_to(DOCS).as_posix(): md.read_text(encoding="utf-8") for md in sorted(DOCS.rglob("*.md"))}
    errors: pages.Errors = {}
    refs = {
        page: pages.scan(page, text, lambda n: find_figure(n, figures), get_data(text)[1].get("chapter"), errors)
        for page, text in texts.items()
        if page != "gallery.md"
    }
    index = CrossRefs(refs, known=figure_names(figures), errors=errors)
    found = 0
    for page, text in texts.items():
        found += len(references(text))
        index.resolve(page, text, errors)
    assert not errors, pages.report(errors)
    assert found >= 40, f"only {found} references: is the syntax still read?"
