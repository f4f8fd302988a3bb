"""The built site: strict build, nothing fetched from third parties, Chinese search index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.site

ASSET_ATTRS = {
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("source", "srcset"),
    ("video", "src"),
    ("audio", "src"),
    ("object", "data"),
    ("embed", "src"),
}


class AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in {"canonical", "alternate", "prev", "next"}:
            return  # navigation metadata, never fetched by the browser
        for t, a in ASSET_ATTRS:
            if tag == t and attrs.get(a):
                self.assets.append(attrs[a])
        if "style" in attrs:
            self.assets += re.findall(r"url\(['\"]?([^'\")]+)", attrs["style"])


def test_no_page_references_a_third_party_asset(site_dir):
    offenders = []
    for html in site_dir.rglob("*.html"):
        collector = AssetCollector()
        collector.feed(html.read_text(encoding="utf-8"))
        offenders += [f"{html.relative_to(site_dir)}: {a}" for a in collector.assets if re.match(r"(https?:)?//", a)]
    for css in site_dir.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        offenders += [
            f"{css.relative_to(site_dir)}: {u}"
            for u in re.findall(r"(?:url\(|@import\s+)['\"]?((?:https?:)?//[^'\")\s]+)", text)
        ]
    assert not offenders, "\n".join(offenders)


def test_theme_loads_no_web_fonts(site_dir):
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_math_is_typeset_at_build_time_and_no_page_loads_mathjax(site_dir):
    pages = [p for p in site_dir.rglob("*.html") if "assets" not in p.parts]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
        assert not [s for s in scripts if "mathjax" in s.lower()], f"{page}: loads MathJax: {scripts}"
        assert not re.search(r'<(span|div) class="arithmatex">\\[(\[]', html), f"{page}: raw TeX left"
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert home.count('<mjx-container class="MathJax" jax="SVG"') >= 10
    assert "mjx-assistive-mml" in home, "screen readers get MathML beside each SVG"
    assert (site_dir / "assets" / "stylesheets" / "mathjax-svg.css").is_file()


def test_search_index_holds_chinese_words_as_separate_tokens(site_dir):
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "zh" in index["config"]["lang"]
    separator = re.compile(index["config"]["separator"])
    tokens = set()
    for doc in index["docs"]:
        tokens.update(t for t in separator.split(doc["title"] + " " + doc["text"]) if t)
    for word in ("梯度", "导数", "切线", "链式法则", "学习率"):
        assert word in tokens, f"{word} is not a token of its own"
    assert not [t for t in tokens if len(re.findall(r"[\u4e00-\u9fff]", t)) > 12], "unsegmented runs"


def test_figures_are_in_the_site_and_not_in_docs(site_dir):
    from tests.conftest import ROOT

    assert (site_dir / "figures" / "derivative_arrow.svg").is_file()
    assert not list((ROOT / "docs").rglob("*.svg")), "figures are built, never committed to docs/"


def test_figure_ids_are_unique_and_a_repeated_figure_keeps_its_own_caption_and_alt(site_dir):
    for page in site_dir.rglob("*.html"):
        ids = re.findall(r'<figure class="gb-figure" id="([^"]+)"', page.read_text(encoding="utf-8"))
        assert len(ids) == len(set(ids)), f"{page.relative_to(site_dir)}: {ids}"
    page = (site_dir / "chapters" / "02-linear-model" / "index.html").read_text(encoding="utf-8")
    uses = dict(re.findall(r'<figure class="gb-figure" id="(fig-lr_loss_curves[^"]*)"(.*?)</figure>', page, re.S))
    assert list(uses) == ["fig-lr_loss_curves", "fig-lr_loss_curves_wb"], "the second use is named in the page"
    first, second = uses.values()
    assert "合适的迅速降到底" in first, "the script's caption"
    assert "中等的学习率几步之内下降好几个数量级" in first, "the script's ALT"
    assert "卡在 150 左右的平台上" in second and 'alt="折线图，斜率 w 与截距 b 一起学' in second
    assert "合适的迅速降到底" not in second and "下降好几个数量级" not in second


# --- Chinese typesetting and the table of contents (issue 15) -----------------------------------
# Chinese characters and the punctuation of Chinese text (full-width forms, 、。「」, curly quotes,
# em dash, ellipsis); Han alone for the spaces the book sets on purpose.
CJK = (
    "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\u2014\u2018\u2019\u201c\u201d\u2026"
)
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
EDGE = "\x01"  # marks where a link or a bold run starts or ends, inside a run of prose
OBJECT = "\ufffc"  # code or math inside a run of prose
NOT_PROSE = {"pre", "code", "kbd", "samp", "script", "style", "svg", "math", "mjx-container", "textarea"}
INLINE = {
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "cite",
    "del",
    "dfn",
    "em",
    "i",
    "ins",
    "mark",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "u",
    "var",
    "wbr",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
RAW_TEX = re.compile(r"\\[A-Za-z]+|\\[(\[)\]]|\$[^$\s][^$]*\$")


class PageText(HTMLParser):
    """A page's prose as the reader gets it: runs of text inside <article>, where inline tags are
    transparent and any other tag ends the run, code and math count as one object (and are
    never prose); and the text of its navigation (<nav>: table of contents, phone drawer),
    outside typeset math."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.runs: list[str] = []
        self.nav: list[str] = []
        self.nav_math = 0
        self._run: list[str] = []
        self._skip: list[str] = []
        self._article = self._nav = 0

    def _end_run(self):
        if self._run:
            self.runs.append("".join(self._run))
            self._run = []

    def handle_starttag(self, tag, attrs):
        if self._skip:
            if tag == self._skip[0] and tag not in VOID:
                self._skip.append(tag)
            return
        self._article += tag == "article"
        self._nav += tag == "nav"
        if tag in NOT_PROSE or "clipboard-copy-txt" in (dict(attrs).get("class") or ""):
            self._skip.append(tag)
            self._run.append(OBJECT)
            self.nav_math += self._nav > 0 and tag == "mjx-container"
        elif tag in {"a", "strong", "b"}:
            self._run.append(EDGE)
        elif tag not in INLINE:
            self._end_run()

    def handle_startendtag(self, tag, attrs):
        if not self._skip and tag not in INLINE:
            self._end_run()

    def handle_endtag(self, tag):
        if self._skip:
            if tag == self._skip[0]:
                self._skip.pop()
            return
        self._article -= tag == "article"
        self._nav -= tag == "nav"
        if tag in {"a", "strong", "b"}:
            self._run.append(EDGE)
        elif tag not in INLINE:
            self._end_run()

    def handle_data(self, data):
        if self._skip:
            return
        if self._article:
            self._run.append(data)
        if self._nav:
            self.nav.append(data)


@pytest.fixture(scope="module")
def site_html(site_dir) -> dict[str, str]:
    """Every page of the built site, read once: {path: html}."""
    return {
        p.relative_to(site_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site_dir.rglob("*.html"))
        if "assets" not in p.parts
    }


@pytest.fixture(scope="module")
def page_text(site_html) -> dict[str, PageText]:
    parsed = {}
    for path, html in site_html.items():
        parsed[path] = PageText()
        parsed[path].feed(html)
        parsed[path].close()
    return parsed


STRAY = re.compile(rf"[{CJK}]{EDGE}*\s+{EDGE}*[{CJK}]")
CHAPTER = re.compile(r"第 [\d.]+ 章 ")  # "第 1 章 梯度的定义": the chapter titles' spaces are the book's


def stray_spaces(run: str) -> list[str]:
    """Whitespace between two Chinese characters or punctuation marks, which a browser shows as a
    gap ("网络。 这一章"). Set on purpose, and allowed: the spaces of a chapter title, and one
    space (never a line break) that sets a link or a bold label off between two Han characters
    ("**又称** 微商", "见 [第 1 章 · 梯度]")."""
    run = CHAPTER.sub("第N章", run)
    found = []
    for m in STRAY.finditer(run):
        deliberate = "\n" not in m[0] and EDGE in m[0] and re.fullmatch(rf"[{HAN}]{EDGE}* {EDGE}*[{HAN}]", m[0])
        if not deliberate:
            found.append(run[max(0, m.start() - 12) : m.end() + 12].replace(EDGE, "").replace("\n", "⏎"))
    return found


def test_stray_spaces_detector_catches_a_line_break_inside_a_chinese_sentence():
    assert stray_spaces("读者还没弄清梯度是什么，就已经被拉进了神经网络。\n这一章先把机器学习放到一边")
    assert stray_spaces(f"回答{EDGE}\n{EDGE}的问题")
    assert stray_spaces(f"判断驻点。{EDGE} 梯度为零")  # after a bold label's full stop
    assert not stray_spaces("第 1 章 梯度的定义")
    assert not stray_spaces(f"{EDGE}又称{EDGE} 微商、梯度")
    assert not stray_spaces(f"取 {OBJECT} 的值，x 与 y 的值")  # math and Latin keep their spaces


def test_no_stray_space_between_chinese_characters_in_prose(page_text):
    """Source lines stay wrapped inside Chinese sentences; the build joins them
    (gradbook/engine/typeset.py), so no line break shows as a space on any page."""
    found = {
        path: spaces
        for path, text in page_text.items()
        if (spaces := [s for run in text.runs for s in stray_spaces(run)])
    }
    assert sum(len(run) for text in page_text.values() for run in text.runs) > 100_000, "prose was read"
    assert not found, "\n".join(f"{path}: {len(s)}: {s[:5]}" for path, s in found.items())


# The two rules of a CJK copywriting linter (autocorrect) that fit the book: a space between Chinese and
# Latin letters or digits ("第 3 章", "用 PyTorch 算"), and full-width punctuation next to Chinese. The
# linter itself is not used: on the chapters all its findings were the book's own conventions (the
# glossary's full-width space between fields, 海森-向量积 without spaces, YAML lists in front matter).
TIGHT = re.compile(rf"[{HAN}]{EDGE}*[A-Za-z0-9]|[A-Za-z0-9]{EDGE}*[{HAN}]")
HALF_WIDTH = re.compile(rf"[{HAN}]{EDGE}*[,;:!?()]|[,;:!?(]{EDGE}*[{HAN}]")


def copywriting(run: str) -> list[str]:
    return [
        run[max(0, m.start() - 8) : m.end() + 8].replace(EDGE, "")
        for rule in (TIGHT, HALF_WIDTH)
        for m in rule.finditer(run)
    ]


def test_chinese_and_latin_are_spaced_and_punctuation_next_to_chinese_is_full_width(page_text):
    assert copywriting("用PyTorch算") and copywriting("第3章") and copywriting("梯度,然后") and copywriting("(梯度)")
    assert not copywriting("用 PyTorch 算第 3 章的梯度，然后（梯度）和 x 轴")
    found = {path: hits for path, text in page_text.items() if (hits := [h for r in text.runs for h in copywriting(r)])}
    assert not found, "\n".join(f"{path}: {hits[:5]}" for path, hits in found.items())


# Inline math, and the Chinese punctuation right after it that must not start a line.
INLINE_MATH = re.compile(
    r'<span class="arithmatex"><mjx-container class="MathJax" jax="SVG"([^>]*)>'
    r".*?</mjx-container></span>",
    re.S,
)
CLOSING = "，。、；：！？）」』】》”…"


def test_punctuation_after_inline_math_cannot_start_a_line(site_html):
    """ "cos α⏎，": a line may break between inline math and a comma, unless both sit in a span
    that the stylesheet keeps on one line."""
    loose, kept = [], 0
    for path, html in site_html.items():
        for m in INLINE_MATH.finditer(html):
            if "display" in m[1] or html[m.end() : m.end() + 1] not in CLOSING:
                continue
            before = html[: m.start()].rstrip("（「『【《〈“‘")
            if before.endswith('<span class="gb-nowrap">'):
                kept += 1
            else:
                loose.append(f"{path}: ...{re.sub(r'<[^>]+>', '', html[m.start() - 200 : m.start()])[-20:]}")
    assert kept > 200, kept
    assert not loose, "\n".join(loose[:10])
    from tests.conftest import ROOT

    css = (ROOT / "docs" / "stylesheets" / "gradbook.css").read_text(encoding="utf-8")
    assert re.search(r"\.gb-nowrap\s*\{\s*white-space:\s*nowrap", css)


def test_chinese_inside_formulas_is_set_in_the_body_font(site_html):
    """MathJax draws characters its fonts lack (Chinese in \\text{}) in a generic serif, one glyph
    at a time; the build hands them to the page's sans face at their full width."""
    serif = [
        f"{path}: {m[1]}"
        for path, html in site_html.items()
        for m in re.finditer(rf'<text [^>]*font-family="serif"[^>]*>([^<]*[{HAN}][^<]*)</text>', html)
    ]
    assert not serif, serif
    home = "".join(re.findall(r'<text [^>]*class="gb-math-cjk">([^<]*)</text>', site_html["index.html"]))
    assert "（学习率）" in home, "the home page's η > 0（学习率）"


def test_no_table_of_contents_shows_tex(page_text):
    """Headings with math reach the table of contents and the phone drawer typeset (Material's
    typeset plugin, after the gradbook plugin), never as raw TeX such as \\(x\\) or $0.25^{L}$."""
    raw = {path: m[0] for path, text in page_text.items() if (m := RAW_TEX.search(" ".join(text.nav)))}
    assert not raw, raw
    # Chapter 1's "把导数读成 $x$ 轴上的箭头" and practice 4's "$0.25^{L}$" are typeset there.
    assert page_text["chapters/01-gradient/index.html"].nav_math >= 2 * 3
    assert page_text["practice/04_vanishing/index.html"].nav_math >= 2


# Unicode math that a caption must set in TeX instead: Greek letters, super- and subscripts
# ("2⁻²⁴", "ρᵏ", "w₁"), the minus sign and other operators.
UNICODE_MATH = re.compile("[\u0370-\u03ff\u00b2\u00b3\u00b9\u1d2c-\u1d6a\u2070-\u209f\u2200-\u22ff\u2212]")


def test_captions_set_their_math_in_tex(site_html):
    """One math style in captions, the prose's: TeX, typeset like the text around the figure."""
    captions = [
        (path, c)
        for path, html in site_html.items()
        for c in re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", html, re.S)
    ]
    assert len(captions) > 60
    unicode = [
        f"{path}: {text}"
        for path, c in captions
        if UNICODE_MATH.search(
            text := re.sub(r"<[^>]+>", "", re.sub(r"<mjx-container.*?</mjx-container>", "", c, flags=re.S))
        )
    ]
    assert not unicode, "\n".join(unicode)


def test_pages_spare_the_restyles_material_makes_as_it_starts(site_dir):
    """Material's script swaps <html>'s no-js for js and flips a transitions-off attribute on <body>
    as every page loads, each a restyle of the whole page (gradbook/mkdocs/hooks.py): the class is
    set in <head>, and the built palette stylesheet no longer reacts to that attribute; the pause
    in transitions moved to the reader's own switch."""
    from gradbook.mkdocs.hooks import JS_CLASS, QUIET_MARK, QUIET_SWITCH

    pages = [p for p in site_dir.rglob("*.html") if "assets" not in p.parts]
    late = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        if 'class="no-js"' in html and (JS_CLASS not in head or QUIET_SWITCH not in html):
            late.append(str(page.relative_to(site_dir)))
    assert len(pages) >= 19 and not late, f"pages without the early class or the quiet switch: {late}"
    (palette,) = (site_dir / "assets" / "stylesheets").glob("palette.*.min.css")
    css = palette.read_text(encoding="utf-8")
    assert "[data-md-color-switching]" not in css.replace(QUIET_MARK, "") and QUIET_MARK in css
    own = (site_dir / "stylesheets" / "gradbook.css").read_text(encoding="utf-8")
    assert "[data-gb-switching] *" in own


def test_quiet_palette_css_is_idempotent_and_names_a_sheet_it_cannot_edit(tmp_path):
    from gradbook.mkdocs.hooks import MATERIAL_SWITCH_RULE, quiet_palette_css

    folder = tmp_path / "assets" / "stylesheets"
    folder.mkdir(parents=True)
    sheet = folder / "palette.abc123.min.css"
    sheet.write_text("a{color:red}" + MATERIAL_SWITCH_RULE + "b{color:blue}", encoding="utf-8")
    assert quiet_palette_css(tmp_path) == [sheet]
    assert "switching" not in sheet.read_text(encoding="utf-8").split("/*")[0]
    assert "a{color:red}b{color:blue}" in sheet.read_text(encoding="utf-8")
    assert quiet_palette_css(tmp_path) == []  # a --dirty rebuild keeps the edited copy
    sheet.write_text("[data-md-color-switching] *{transition:none}", encoding="utf-8")
    with pytest.raises(ValueError, match="palette.abc123.min.css"):
        quiet_palette_css(tmp_path)
    sheet.unlink()
    with pytest.raises(FileNotFoundError):
        quiet_palette_css(tmp_path)
