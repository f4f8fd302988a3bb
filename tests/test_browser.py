"""Every page of the built book in a real browser: Playwright driving Debian's Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT, site_pages
from tests.site import CHROMIUM, LAUNCH_ARGS, load_fully

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
RAW_TEX = re.compile(r"\\(frac|nabla|partial|begin|end|boldsymbol|mathbf|sum|theta|left|right)\b|\$[^$\s][^$]*\$")


# The page may not scroll sideways: anything wider must sit in a box that scrolls by itself
# (code, tables, display math, notebook outputs). Names the widest offenders if it does.
OVERFLOW_JS = """() => {
    const view = document.documentElement.clientWidth;
    const width = document.documentElement.scrollWidth;
    if (width <= view + 1) return null;
    const scrolls = el => { for (let e = el.parentElement; e; e = e.parentElement) {
        const o = getComputedStyle(e).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
        return false; };
    const culprits = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > view + 1 && !scrolls(e))
        .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
            ? '.' + e.className.split(' ')[0] : ''));
    return {view, width, culprits};
}"""

# Nothing wider than its box is cut off without a way to see it: every box whose content overflows
# sideways scrolls, and shows a cue at the edge that hides more (gradbook.css); MathJax's visually
# hidden MathML is clipped by design. Notebook output never wraps a line ("4.96e⏎-11").
CLIPPED_JS = """() => {
    const shown = e => e.offsetParent !== null && !e.closest('details:not([open]), mjx-assistive-mml');
    const clipped = [...document.querySelectorAll('article *')].filter(e => {
        if (!shown(e)) return false;
        const s = getComputedStyle(e);
        return s.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1
            && (!['auto', 'scroll'].includes(s.overflowX) || !s.backgroundImage.includes('gradient'));
    }).map(e => `${e.tagName.toLowerCase()}.${String(e.className).split(' ')[0]} (overflow-x `
        + `${getComputedStyle(e).overflowX}, ${e.scrollWidth - e.clientWidth} px): ${e.textContent.slice(0, 30)}`);
    const wrapped = [...document.querySelectorAll('article .jp-OutputArea-output pre')].filter(shown).filter(p => {
        const r = document.createRange();
        r.selectNodeContents(p);
        const rows = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
        return rows.size > p.textContent.replace(/\\n$/, '').split('\\n').length;
    }).map(p => p.textContent.slice(0, 40));
    return {clipped: clipped.slice(0, 5), wrapped: wrapped.slice(0, 5)};
}"""

# The page title at the text's full contrast; captions upright, left-aligned, smaller than the text;
# each figure's source fold a quiet line of small text (no bar: no background, no border; a long
# file name may wrap to a second line on a phone). Lists the folds that are not.
CHROME_JS = """() => {
    const h1 = document.querySelector('article h1'), p = document.querySelector('article p');
    const cap = document.querySelector('figure.gb-figure figcaption');
    const style = e => getComputedStyle(e);
    const loud = [...document.querySelectorAll('details.gb-source > summary')].filter(e => e.offsetParent).filter(e =>
        style(e).backgroundColor !== 'rgba(0, 0, 0, 0)' || style(e.parentElement).borderTopWidth !== '0px'
        || e.offsetHeight > 2.2 * parseFloat(style(e).lineHeight)).map(e => e.textContent.trim());
    return {
        title: h1 && p ? style(h1).color === style(p).color : null,
        caption: cap && p ? [style(cap).fontStyle, style(cap).textAlign,
                             parseFloat(style(cap).fontSize) < parseFloat(style(p).fontSize)] : null,
        loud: loud.slice(0, 3),
    };
}"""

# WCAG contrast between a figure's card (the img background, after the dark-mode filter) and
# the page behind it: the figure must stand out as a light card, not melt into the dark page.
FIGURE_CONTRAST_JS = """() => {
    const rgb = s => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
    const lum = ([r, g, b]) => {
        const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const pageBg = rgb(getComputedStyle(document.body).backgroundColor);
    return [...document.querySelectorAll('figure.gb-figure img')].map(img => {
        const st = getComputedStyle(img);
        let card = rgb(st.backgroundColor);
        const m = st.filter.match(/brightness\\(([\\d.]+)\\)/);
        if (m) card = card.map(c => c * Number(m[1]));
        const [a, b] = [lum(card), lum(pageBg)].sort((x, y) => y - x);
        return {id: img.closest('figure').id, card: card.map(Math.round), page: pageBg, ratio: (a + 0.05) / (b + 0.05)};
    });
}"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Debian's Chromium is required at {CHROMIUM} (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


def open_page(browser, url: str, viewport: str = "desktop", scheme: str = "light"):
    """Load a page, record requests and errors, force lazy images to load (math is already SVG)."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url, wait_until="load")
    load_fully(page)
    return page


def external_requests(page) -> list[str]:
    return [
        u
        for u in page.requests
        if urlparse(u).hostname not in {"127.0.0.1", None} and not u.startswith(("data:", "blob:"))
    ]


@pytest.fixture(scope="module")
def pages(site_dir):
    found = site_pages(site_dir)
    assert "" in found, "the home page is built"
    return found


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_is_self_contained_and_renders(browser, site_url, pages, viewport, scheme):
    problems = []
    for path in pages:
        page = open_page(browser, site_url + path, viewport, scheme)
        where = f"/{path} [{viewport}, {scheme}]"
        if ext := external_requests(page):
            problems.append(f"{where}: requests leaving 127.0.0.1: {ext}")
        if page.errors:
            problems.append(f"{where}: console errors: {page.errors}")
        broken = page.evaluate("""() => [...document.images]
            .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'))""")
        if broken:
            problems.append(f"{where}: images that did not load: {broken}")
        text = page.evaluate("""() => {
            const root = document.querySelector('article').cloneNode(true);
            root.querySelectorAll('pre, code, mjx-container, script, .gb-source').forEach(e => e.remove());
            return root.innerText;
        }""")
        if m := RAW_TEX.search(text):
            problems.append(f"{where}: raw TeX visible: {text[max(0, m.start() - 40) : m.end() + 40]!r}")
        toc = page.evaluate("""() => [...document.querySelectorAll('nav.md-nav')].map(n => {
            const c = n.cloneNode(true);
            c.querySelectorAll('mjx-container').forEach(e => e.remove());
            return c.textContent;
        }).join(' ')""")  # the table of contents and the phone drawer, shown or not
        if m := RAW_TEX.search(toc):
            problems.append(
                f"{where}: raw TeX in the table of contents: {toc[max(0, m.start() - 40) : m.end() + 40]!r}"
            )
        bad_math = page.evaluate("""() => {
            const spans = [...document.querySelectorAll('article .arithmatex')];
            const untypeset = spans.filter(s => !s.querySelector('mjx-container')).length;
            const errors = [...document.querySelectorAll('mjx-container')]
                .filter(c => c.querySelector('[data-mml-node="merror"], [data-mjx-error]')
                    || c.textContent.includes('\\\\'))
                .map(c => c.textContent.slice(0, 60));
            // Typeset but drawn at no size (a CSS rule squashing the SVG) is as bad as raw TeX.
            const squashed = [...document.querySelectorAll('article mjx-container')]
                .filter(c => c.offsetParent !== null && !c.closest('details:not([open])'))
                .filter(c => {
                    const r = c.querySelector('svg').getBoundingClientRect();
                    return r.width < 2 || r.height < 2;
                })
                .map(c => c.textContent.slice(0, 40));
            return {count: spans.length, untypeset, errors, squashed};
        }""")
        if bad_math["untypeset"] or bad_math["errors"] or bad_math["squashed"]:
            problems.append(f"{where}: math not typeset: {bad_math}")
        chrome = page.evaluate(CHROME_JS)
        if chrome["title"] is False:
            problems.append(f"{where}: the page title is not in the text's colour (full contrast)")
        if chrome["caption"] and chrome["caption"] != ["normal", "left", True]:
            problems.append(
                f"{where}: a caption is not upright, left-aligned and smaller than the text: {chrome['caption']}"
            )
        if chrome["loud"]:
            problems.append(f"{where}: a figure's source fold is a bar, not a quiet line: {chrome['loud']}")
        boxes = page.evaluate(CLIPPED_JS)
        if boxes["clipped"]:
            problems.append(f"{where}: cut off with no way to scroll, or scrolling with no cue: {boxes['clipped']}")
        if boxes["wrapped"]:
            problems.append(f"{where}: notebook output wraps: {boxes['wrapped']}")
        if overflow := page.evaluate(OVERFLOW_JS):
            problems.append(
                f"{where}: wider than the screen ({overflow['width']} px > {overflow['view']} px), "
                f"widened by: {overflow['culprits']}"
            )
        if scheme == "dark":
            for fig in page.evaluate(FIGURE_CONTRAST_JS):
                if fig["ratio"] < 3:
                    problems.append(
                        f"{where}: figure {fig['id']} blends into the page "
                        f"(card {fig['card']} on page {fig['page']}, contrast {fig['ratio']:.1f} < 3)"
                    )
        page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "source, path, constructs",
    [
        (
            "docs/index.md",
            "",
            (r"\begin{pmatrix}", r"\boldsymbol", r"\nabla", r"\frac", r"\partial", r"\begin{aligned}"),
        ),
        (
            "docs/practice/01_gradient_by_hand.py",
            "practice/01_gradient_by_hand/",
            (r"\begin{pmatrix}", r"\boldsymbol", r"\nabla", r"\frac", r"\partial"),
        ),
    ],
)
def test_chapter_and_notebook_pages_typeset_the_constructs_the_book_uses(browser, site_url, source, path, constructs):
    text = (ROOT / source).read_text(encoding="utf-8")
    for construct in constructs:
        assert construct in text, f"{source} no longer exercises {construct}"
    page = open_page(browser, site_url + path)
    counts = page.evaluate("""() => ({
        display: document.querySelectorAll('article mjx-container[display="true"]').length,
        inline: document.querySelectorAll('article mjx-container:not([display="true"])').length,
        bold: document.querySelectorAll(
            'article mjx-container use[*|href*="-TEX-B-"], article mjx-container use[*|href*="-TEX-BI-"]').length,
        tables: document.querySelectorAll('article mjx-container [data-mml-node="mtable"]').length,
        broken: document.querySelectorAll(
            'article mjx-container [data-mml-node="merror"], article [data-mjx-error]').length,
    })""")
    page.context.close()
    assert counts["display"] >= 1 and counts["inline"] >= 5, counts
    assert counts["tables"] >= 1, f"pmatrix (and aligned) become tables: {counts}"
    assert counts["bold"] >= 1, f"\\boldsymbol renders bold: {counts}"
    assert counts["broken"] == 0, f"formulas drawn as errors: {counts}"


def _search_cases() -> list[tuple[str, str]]:
    """Each page's key terms, from its front matter (``search_terms:``), with the page's URL path."""
    from tests.chapters import DOCS, front_matter

    cases = []
    for md in sorted(DOCS.rglob("*.md")):
        rel = md.relative_to(DOCS).as_posix()
        url = "" if rel == "index.md" else rel.removesuffix(".md") + "/"
        cases += [(term, url) for term in front_matter(rel).get("search_terms", [])]
    return cases


# Types each query into the search box of one open page and collects the result links. Material
# rewrites the result count once per answer from its search worker (even when the text is the same),
# so waiting for that rewrite keeps one query's results from being read as the next one's.
SEARCH_ALL_JS = """async (queries) => {
    const input = document.querySelector('input.md-search__input');
    const meta = document.querySelector('.md-search-result__meta');
    const list = document.querySelector('.md-search-result__list');
    let answers = 0;
    new MutationObserver(() => answers++).observe(meta, {childList: true, characterData: true, subtree: true});
    const found = {};
    for (const q of queries) {
        const before = answers;
        input.value = q;
        input.dispatchEvent(new KeyboardEvent('keyup', {key: 'End'}));
        for (const t0 = performance.now(); answers === before && performance.now() - t0 < 5000;)
            await new Promise(r => setTimeout(r, 2));
        found[q] = answers === before ? null : [...list.querySelectorAll('a')].map(a => a.getAttribute('href'));
    }
    return found;
}"""


def test_search_finds_the_glossary_entry_for_every_name_a_reader_might_type(browser, site_url):
    """The book's term, its English names and its other Chinese names (黑塞, 费希尔, steepest descent)
    each find the glossary entry, whose first link leads to the chapter section (tests/test_apparatus.py)."""
    from urllib.parse import unquote, urljoin

    from tests.apparatus import GLOSSARY, READER_QUERIES, glossary

    entries = glossary()
    expected: dict[str, set[str]] = {}
    for e in entries:
        for name in e.names:
            expected.setdefault(name, set()).add(e.anchor)
    by_term = {e.term: e for e in entries}
    for query, term in READER_QUERIES.items():
        expected.setdefault(query, set()).add(by_term[term].anchor)
    page_url = site_url + GLOSSARY.relative_to(ROOT / "docs").as_posix().removesuffix(".md") + "/"
    page = open_page(browser, page_url)
    page.click("label.md-search__icon[for='__search'], .md-search__input", timeout=5000)
    page.wait_for_function("() => document.querySelector('.md-search-result__meta').textContent.length > 0")
    found = page.evaluate(SEARCH_ALL_JS, list(expected))
    errors = list(page.errors)
    page.context.close()
    misses = []
    for query, anchors in expected.items():
        if found[query] is None:
            misses.append(f"{query!r}: no answer from the search worker within 5 s")
            continue
        hits = {(urlparse(u).path, unquote(urlparse(u).fragment)) for u in (urljoin(page_url, h) for h in found[query])}
        if not {(urlparse(page_url).path, a) for a in anchors} <= hits:
            misses.append(f"{query!r}: wanted #{sorted(anchors)}, got {sorted(f'{p}#{f}' for p, f in hits)[:6]}")
    assert not misses, f"{len(misses)} of {len(expected)} names not found:\n" + "\n".join(misses)
    assert not errors, errors


@pytest.mark.parametrize("term, expected", _search_cases())
def test_chinese_search_finds_the_page(browser, site_url, term, expected):
    page = open_page(browser, site_url)
    page.click("label.md-search__icon[for='__search'], .md-search__input", timeout=5000)
    # Typed characters outside the keyboard arrive as input events only; a real IME ends with
    # a keyup, which is what Material's search listens for, so finish with one.
    page.type("input.md-search__input", term, delay=30)
    page.press("input.md-search__input", "End")
    page.wait_for_selector(".md-search-result__item", timeout=10000)
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    page.context.close()
    targets = {urlparse(h).path.lstrip("/") for h in hrefs}
    assert expected in targets, f"searching {term!r} found {sorted(targets)}"
