"""The PDF edition (issue 21): gradbook.pdf in the built site, read back with pypdf."""

from __future__ import annotations

import html
import re
import time
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from gradbook.engine.pdf import base, chromium, edition_time, fonts, stamp
from gradbook.engine.pdf import page as print_page
from tests.site import ROOT

pytestmark = pytest.mark.site

RADICALS = re.compile("[\u2e80-\u2fdf]")


def nav_pages() -> list[tuple[str, str]]:
    """(title, src) of the pages the PDF prints: the nav's, less notebooks and the gallery."""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=get_yaml_loader())
    out = []

    def walk(items):
        for item in items:
            for title, value in item.items():
                if isinstance(value, list):
                    walk(value)
                elif value.endswith(".md") and value != "gallery.md":
                    out.append((title, value))

    walk(config["nav"])
    return out


def built(site: Path, src: str) -> str:
    folder = "" if src == "index.md" else src.removesuffix(".md") + "/"
    return (site / folder / "index.html").read_text(encoding="utf-8")


@cache
def reader(site: Path) -> PdfReader:
    return PdfReader(site / "gradbook.pdf")


@cache
def page_texts(site: Path) -> tuple[str, ...]:
    """Each page's text, without white space, as PDFium (Chrome's PDF reader) extracts it: pypdf
    took about 150 s for the book's 227 pages, PDFium takes 3 s."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(site / "gradbook.pdf")
    try:
        return tuple(re.sub(r"\s+", "", doc[i].get_textpage().get_text_range()) for i in range(len(doc)))
    finally:
        doc.close()


def outline_titles(site: Path) -> list[tuple[str, int]]:
    r = reader(site)
    out = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((re.sub(r"\s+", "", item.title), r.get_destination_page_number(item) + 1))

    walk(r.outline)
    return out


def plain(fragment: str) -> str:
    fragment = re.sub(r"<mjx-container.*?</mjx-container>", "", fragment, flags=re.S)
    fragment = re.sub(r'<a class="headerlink".*?</a>', "", fragment, flags=re.S)
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", fragment)))


def test_the_pdf_is_in_the_site_with_a_sane_size_and_page_count(site_dir):
    path = site_dir / "gradbook.pdf"
    assert path.is_file()
    assert path.stat().st_size <= 40 * 2**20
    n = len(reader(site_dir).pages)
    assert 80 <= n <= 600, n
    assert reader(site_dir).metadata.title == "梯度之书"
    # Dated by the edition (the last commit), not by the print: two builds give the same bytes.
    meta = reader(site_dir).metadata
    assert meta.creation_date == meta.modification_date
    assert int(meta.creation_date.timestamp()) == edition_time(ROOT)


def test_the_pdf_carries_the_edition_date_in_place_of_the_print_time():
    printed = (
        b"<</Producer (Skia/PDF m156)\n/CreationDate (D:20261202102105+00'00')\n/ModDate (D:20261202103604+00'00')>>"
    )
    out = stamp(printed, 86400 * 365)
    assert out == printed.replace(b"20261202102105", b"19710101000000").replace(b"20261202103604", b"19710101000000")
    assert stamp(b"%PDF-1.7 no dates", 0) == b"%PDF-1.7 no dates"


def test_a_later_edition_the_same_day_redates_the_stored_print_and_the_next_day_prints_again(tmp_path, monkeypatch):
    """Every commit dates a new edition; printing it again cost each site built after a commit
    ~25 s of Chromium. The print is stored by the cover's day, and re-dated from the store."""
    import gradbook.engine.pdf as engine_pdf

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        '<html><head></head><body><article class="md-content__inner md-typeset"><h1>甲</h1></article></body></html>',
        encoding="utf-8",
    )
    for name in {face[2] for face in base.FACES}:
        (tmp_path / name).write_bytes(b"font")
    monkeypatch.setenv(base.FONT_ENV, str(tmp_path))
    covers: list[str] = []

    def fake_print(page, *args):
        covers.append(re.search(r"\d{4} 年 \d+ 月 \d+ 日", page)[0])
        return b"%PDF /CreationDate (D:20261202102105+00'00') /ModDate (D:20261202103604+00'00') (node00000493)", {}

    monkeypatch.setattr(engine_pdf, "print_book", fake_print)
    monkeypatch.setattr(engine_pdf, "check", lambda pdf, parts: {})
    args = dict(title="书", subtitle="", site_url="", cache=tmp_path / "store", chromium=str(tmp_path / "chromium"))
    morning, evening, next_day = 1764842400, 1764842400 + 9 * 3600, 1764842400 + 24 * 3600  # 2025-12-04 10:00 UTC
    cached = []
    for when in (morning, evening, evening, next_day):
        out = tmp_path / f"{when}.pdf"
        cached.append(engine_pdf.build([base.Part("甲", "a/")], site, out, when=when, **args)["cached"])
        digits = time.strftime("%Y%m%d%H%M%S", time.gmtime(when)).encode()
        assert out.read_bytes().count(digits) == 2 and b"(node00000001)" in out.read_bytes(), when
    assert covers == ["2025 年 12 月 4 日", "2025 年 12 月 5 日"], "printed once a day"
    assert cached == [False, True, True, False]


def test_dom_node_ids_in_the_structure_tree_become_ranks_in_the_same_order():
    # Two clean builds differed only here: Blink's node ids depend on what the tab did before.
    first = b"/ID (node00000493)>> /ID (node00000501) /Names [(node00000493) 1 0 R (node00000501) 2 0 R]"
    second = first.replace(b"493", b"486").replace(b"501", b"494")
    assert stamp(first, 0) == stamp(second, 0)
    assert stamp(first, 0) == first.replace(b"00000493", b"00000001").replace(b"00000501", b"00000002")
    assert len(stamp(first, 0)) == len(first)


def test_home_page_and_header_link_to_the_pdf(site_dir):
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'class="gb-download gb-pdf"' in home and 'href="gradbook.pdf"' in home
    chapter = built(site_dir, "chapters/02-linear-model.md")
    assert 'class="md-header__button md-icon gb-pdf-link"' in chapter and 'href="../../gradbook.pdf"' in chapter


def test_every_chapter_and_section_is_in_the_outline(site_dir):
    titles = [t for t, _ in outline_titles(site_dir)]
    missing = []
    for title, src in nav_pages():
        page = built(site_dir, src)
        if not any(re.sub(r"\s+", "", title) in t for t in titles):
            missing.append(title)
        body = page[page.find('<article class="md-content__inner') :]
        for m in re.finditer(r"<h2 [^>]*>(.*?)</h2>", body, re.S):
            text = plain(m[1])
            # Formulas in a heading read as their alternative text in the outline: compare the rest.
            if not any(all(chunk in t for chunk in re.split(r"[$\\]", text) if chunk) for t in titles):
                missing.append(f"{src}: {text}")
    assert not missing, missing


def test_outline_entries_point_to_the_pages_that_show_them(site_dir):
    texts = page_texts(site_dir)

    def han(text: str) -> str:
        return re.sub(r"[^\u4e00-\u9fff]", "", text)

    wrong = [(t, p) for t, p in outline_titles(site_dir) if han(t)[:6] not in han(texts[p - 1])]
    assert not wrong, wrong[:10]


def test_every_font_is_embedded(site_dir):
    fonts, bad = set(), []
    for page in reader(site_dir).pages:
        for font in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont"))
            fonts.add(name)
            if font["/Subtype"] == "/Type3":
                bad.append(f"{name}: Type 3")
                continue
            desc = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else font["/FontDescriptor"]
            )
            if not any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                bad.append(name)
    assert fonts and not bad, bad
    assert any("NotoSansCJK" in f for f in fonts), fonts


def test_chinese_extracts_as_ordinary_ideographs(site_dir):
    text = "".join(page_texts(site_dir))
    assert not RADICALS.findall(text), sorted(set(RADICALS.findall(text)))[:20]
    assert "\ufffd" not in text
    assert "高" in text and "一" in text


def test_sample_sentences_from_each_chapter_extract_as_text(site_dir):
    whole = "".join(page_texts(site_dir))
    missing = []
    for _, src in nav_pages():
        body = built(site_dir, src)
        body = body[body.find('<article class="md-content__inner') :]
        body = re.sub(r'<details class="gb-source".*?</details>', "", body, flags=re.S)  # not printed
        paragraphs = [plain(p) for p in re.findall(r"<p>(.*?)</p>", body, re.S)]
        samples = [p[:20] for p in paragraphs if len(p) >= 20 and re.match(r"[\u4e00-\u9fff]{4}", p)][:3]
        assert samples, f"{src}: no plain Chinese paragraph to sample"
        missing += [f"{src}: {s}" for s in samples if s not in whole]
    assert not missing, missing


def test_every_figure_is_printed_with_its_caption(site_dir):
    texts = page_texts(site_dir)
    whole = "".join(texts)
    missing = []
    for _, src in nav_pages():
        for number in re.findall(r'<span class="gb-fignum">图 ([\d.]+)</span>', built(site_dir, src)):
            if f"图{number}" not in whole:
                missing.append(f"{src}: 图 {number}")
    assert not missing, missing
    # Figures are vector (Chromium draws the SVG into the page): the only bitmaps are the few
    # surfaces matplotlib rasterises inside a figure, never a whole figure.
    bitmaps = 0
    for pdf_page in reader(site_dir).pages:
        xobjects = (pdf_page.get("/Resources") or {}).get("/XObject") or {}
        bitmaps += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    assert bitmaps <= 6, bitmaps


def link_targets(site: Path) -> list[tuple[int, str, int]]:
    """(page, destination name, target page) of every internal link annotation."""
    r = reader(site)
    index = {page.indirect_reference.idnum: i + 1 for i, page in enumerate(r.pages)}
    dests = {str(k): index.get(v.page.idnum) for k, v in r.named_destinations.items()}
    out = []
    for i, page in enumerate(r.pages, 1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if "/Dest" in annot:
                name = str(annot["/Dest"])
                out.append((i, name.lstrip("/"), dests.get(name) or dests.get(name.lstrip("/"))))
    return out


def test_internal_links_resolve_to_the_right_pages(site_dir):
    texts = page_texts(site_dir)
    links = link_targets(site_dir)
    assert len(links) > 100, len(links)
    unresolved = [(p, d) for p, d, t in links if t is None]
    assert not unresolved, unresolved[:10]
    checked = 0
    for _, dest, target in links:
        # A link to a chapter ("第 4 章") lands on the page with that chapter's title.
        if m := re.fullmatch(r"p-chapters-0(\d)-[a-z-]+", dest):
            assert f"第{m[1]}章" in texts[target - 1], (dest, target)
            checked += 1
    assert checked >= 3, checked
    # 见图 N.M: the link's target page shows the figure with that number.
    site = site_dir
    figure_pages = {}
    for _, src in nav_pages():
        for ident, number in re.findall(
            r'<figure class="gb-figure" id="([^"]+)".*?<span class="gb-fignum">图 ([\d.]+)</span>',
            built(site, src),
            re.S,
        ):
            figure_pages[ident] = number
    wrong = []
    for _, dest, target in links:
        ident = dest.split("--", 1)[-1]
        if ident in figure_pages and f"图{figure_pages[ident]}" not in texts[target - 1]:
            wrong.append((dest, target, figure_pages[ident]))
    assert not wrong, wrong[:10]


def test_external_links_stay_clickable(site_dir):
    uris = [
        annot.get_object()["/A"]["/URI"]
        for page in reader(site_dir).pages
        for annot in page.get("/Annots") or []
        if "/A" in annot.get_object() and "/URI" in annot.get_object()["/A"]
    ]
    assert any(u.startswith("https://") and "127.0.0.1" not in u for u in uris) or uris, uris[:5]
    assert all(not u.startswith("http://gradbook.print") for u in uris), [u for u in uris if "gradbook.print" in u]


def test_contents_carry_page_numbers_that_match_the_outline(site_dir):
    texts = page_texts(site_dir)
    contents = texts[1] + texts[2]
    assert "目录" in contents
    for title, page in outline_titles(site_dir)[:8]:
        if title.startswith("第") and "章" in title:
            assert f"{title}{page}" in contents.replace(".", ""), (title, page)


def test_answers_are_gathered_not_folded(site_dir):
    whole = "".join(page_texts(site_dir))
    assert whole.count("本章习题答案") >= 5
    assert "答案见第" in whole


def test_math_has_a_text_alternative(site_dir):
    # Tagged PDF: formulas are figures whose /Alt reads the formula (from its MathML).
    r = reader(site_dir)
    root = r.trailer["/Root"]
    assert "/StructTreeRoot" in root
    raw = (site_dir / "gradbook.pdf").read_bytes()
    assert raw.count(b"/Alt") > 100


def test_the_math_reading_is_linear():
    mathml = "<math><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><mfrac><mn>1</mn><mi>n</mi></mfrac></math>"
    assert print_page.math_text(mathml) == "x^{2}+(1)/(n)"


def test_a_link_to_another_chapter_becomes_an_anchor_in_the_pdf():
    part = base.Part("第 2 章", "chapters/02-linear-model/")
    keys = {"chapters/02-linear-model/": part.key, "chapters/04-pitfalls/": "p-chapters-04-pitfalls"}
    link = print_page._Linker(part, keys, "https://example.org/book/")
    # Chinese ids become short ASCII names (the PDF's destinations), the same for id and link.
    assert link.href("../04-pitfalls/#梯度消失") == "#p-chapters-04-pitfalls--h1"
    assert link.ident("梯度消失") == "p-chapters-02-linear-model--h1"
    assert link.href("#梯度消失") == "#p-chapters-02-linear-model--h1"
    assert link.href("../04-pitfalls/#fig-saddle") == "#p-chapters-04-pitfalls--fig-saddle"
    assert link.href("../../gallery/") == "https://example.org/book/gallery/"
    assert link.href("https://distill.pub/") == "https://distill.pub/"
    assert link.src("../../figures/a.svg") == "/figures/a.svg"


def test_a_missing_font_stops_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv(base.FONT_ENV, str(tmp_path))
    with pytest.raises(base.PdfError, match="fonts-noto-cjk"):
        fonts.font_dir()


def test_a_missing_chromium_stops_with_a_clear_message(tmp_path):
    with pytest.raises(base.PdfError, match="Chromium"):
        chromium.print_book("<p>x</p>", tmp_path, str(tmp_path / "no-chromium"), tmp_path)


def test_the_print_page_keeps_the_light_figure_gathers_answers_and_drops_the_chrome():
    part = base.Part("第 9 章 测试", "chapters/09-test/")
    body = (
        '<h2 id="习题">习题</h2><p><strong>习题 3</strong>（计算）求梯度。</p>'
        '<details class="success"><summary>答案</summary><p>梯度是 2。</p></details>'
        '<details class="note"><summary>证明</summary><p>略。</p></details>'
        '<figure class="gb-figure" id="fig-a"><a class="gb-zoom gb-light" href="a.svg"><img src="a.svg"></a>'
        '<a class="gb-zoom gb-dark" href="a-dark.svg"><img src="a-dark.svg"></a></figure>'
        '<details class="gb-source" data-search-exclude><summary>源代码</summary><pre>x</pre></details>'
        '<mjx-container class="MathJax" jax="SVG"><svg role="img" aria-hidden="true"><g></g></svg>'
        "<mjx-assistive-mml><math><msup><mi>x</mi><mn>2</mn></msup></math></mjx-assistive-mml></mjx-container>"
    )
    out, _ = print_page.prepare(body, part)
    assert "a-dark.svg" not in out and 'class="gb-zoom gb-light">' in out  # light page layout, no zoom link
    assert "gb-source" not in out and "源代码" not in out
    assert '<details open class="note">' in out
    assert '<p class="gb-answer-ref" id="exercise-1">' in out and 'data-target="answer-1"' in out
    answers = out[out.index('<section class="gb-answers">') :]
    assert ">习题 3</a>" in answers and "梯度是 2。" in answers
    assert 'aria-label="x^{2}"' in out and "aria-hidden" not in out and "mjx-assistive-mml" not in out


def test_no_heading_is_stranded_at_the_bottom_of_a_page(site_dir):
    # A4 is 842 pt tall with an 18 mm (51 pt) bottom margin: a heading whose top is lower than
    # about 95 pt may have no room for a line of its text under it on the same page; such a heading
    # must have text after it on its page (glossary "预热" at 94.4 pt has its first line). Headings h1-h3
    # (outline depth 0-2): the API reference's h4/h5 entries are not held to it yet.
    r = reader(site_dir)
    low = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif depth <= 2 and item.top is not None and float(item.top) < 95:
                page = r.get_destination_page_number(item)
                # Low on the page is fine if its first line of text made it there too: text after
                # the heading, other than the footer's page number.
                title = re.sub(r"\s+", "", item.title)
                flat = page_texts(site_dir)[page]
                after = flat[flat.rfind(title) + len(title) :] if title in flat else ""
                if not re.sub(r"\d", "", after):
                    low.append((item.title, page + 1, float(item.top)))

    walk(r.outline, 0)
    assert not low, low


def test_the_print_links_every_pages_stylesheets_once_in_their_order():
    """A stylesheet linked only where it is used (mkdocstrings' on the API page) still styles that
    page's print, before the book's own, as on the site."""
    home = '<link rel="stylesheet" href="assets/main.css"><link rel="stylesheet" href="stylesheets/gradbook.css">'
    api = (
        '<link rel="stylesheet" href="../assets/main.css"><link rel="stylesheet" href="../assets/_mkdocstrings.css">'
        '<link rel="stylesheet" href="../stylesheets/gradbook.css">'
    )
    links = re.findall(r'href="([^"]+)"', print_page.stylesheets({"": home, "api/": api}))
    assert links == ["/assets/main.css", "/assets/_mkdocstrings.css", "/stylesheets/gradbook.css"]
