"""Every per-page check of the browser pass (tests/browser_pass.py explains how to add one).

Each runs on every page of the built book, in the passes its ``@page_check`` names: light and
dark, desktop (1280 px) and phone (390 px). tests/test_browser.py turns each into one test per pass.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from tests.browser_pass import Visit, page_check
from tests.site import ROOT

RAW_TEX = re.compile(r"\\(frac|nabla|partial|begin|end|boldsymbol|mathbf|sum|theta|left|right)\b|\$[^$\s][^$]*\$")


# -- the page renders, on its own ----------------------------------------------------------------


@page_check()
def check_self_contained(visit: Visit):
    """No request leaves 127.0.0.1: no CDN, font service or analytics."""
    if ext := visit.external_requests():
        yield f"requests leaving 127.0.0.1: {ext}"


@page_check()
def check_console(visit: Visit):
    if visit.errors:
        yield f"console errors: {visit.errors}"


@page_check()
def check_images(visit: Visit):
    broken = visit.evaluate("""() => [...document.images].filter(i => i.checkVisibility())
        .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'))""")
    if broken:
        yield f"images that did not load: {broken}"


@page_check()
def check_raw_tex(visit: Visit):
    text = visit.evaluate("""() => {
        // Copied into an inert document: a copy in this one would fetch every figure it holds,
        // the other scheme's drawings included.
        const root = document.implementation.createHTMLDocument('').importNode(document.querySelector('article'), true);
        root.querySelectorAll('pre, code, mjx-container, script, .gb-source').forEach(e => e.remove());
        return root.innerText;
    }""")
    if m := RAW_TEX.search(text):
        yield f"raw TeX visible: {text[max(0, m.start() - 40) : m.end() + 40]!r}"


@page_check()
def check_raw_tex_in_nav(visit: Visit):
    """The table of contents and the phone drawer, shown or not."""
    toc = visit.evaluate("""() => [...document.querySelectorAll('nav.md-nav')].map(n => {
        const c = document.implementation.createHTMLDocument('').importNode(n, true);
        c.querySelectorAll('mjx-container').forEach(e => e.remove());
        return c.textContent;
    }).join(' ')""")
    if m := RAW_TEX.search(toc):
        yield f"raw TeX in the table of contents: {toc[max(0, m.start() - 40) : m.end() + 40]!r}"


@page_check()
def check_math(visit: Visit):
    bad_math = visit.evaluate("""() => {
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
        yield f"math not typeset: {bad_math}"


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
    // Skipped whole, not element by element: a closed fold and the assistive MathML (not shown), and
    // what lies inside a formula's SVG (no CSS box there to overflow, but a foreignObject's HTML).
    const skip = e => e.matches('details:not([open]), mjx-assistive-mml')
        || (e.parentElement instanceof SVGElement && !e.closest('foreignObject') && !e.querySelector('foreignObject'));
    const boxes = [];
    for (const article of document.querySelectorAll('article')) {
        const walk = document.createTreeWalker(article, NodeFilter.SHOW_ELEMENT,
            {acceptNode: e => skip(e) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
        for (let e = walk.nextNode(); e; e = walk.nextNode()) boxes.push(e);
    }
    const shown = boxes.filter(e => e.offsetParent !== null);
    const clipped = shown.filter(e => {
        const s = getComputedStyle(e);
        return s.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1
            && (!['auto', 'scroll'].includes(s.overflowX) || !s.backgroundImage.includes('gradient'));
    }).map(e => `${e.tagName.toLowerCase()}.${String(e.className).split(' ')[0]} (overflow-x `
        + `${getComputedStyle(e).overflowX}, ${e.scrollWidth - e.clientWidth} px): ${e.textContent.slice(0, 30)}`);
    const wrapped = shown.filter(e => e.matches('.jp-OutputArea-output pre')).filter(p => {
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
    // The text's own paragraph: not a styled box such as the home page's PDF download line.
    const h1 = document.querySelector('article h1'), p = document.querySelector('article p:not([class])');
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

# Each figure as shown: which scheme's drawing is displayed, the file it shows, the scale it is drawn
# at (content width over natural width: 1.0 is its designed text size) and whether its background
# is the page's own (no card glaring on the dark page).
FIGURES_JS = """() => [...document.querySelectorAll('figure.gb-figure')].map(fig => {
    const shown = [...fig.querySelectorAll('a.gb-zoom')].filter(a => a.checkVisibility());
    const img = shown.length === 1 ? shown[0].querySelector('img') : null;
    if (!img) return {id: fig.id, shown: shown.map(a => a.className)};
    const st = getComputedStyle(img);
    const inner = img.getBoundingClientRect().width - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    return {id: fig.id, shown: [shown[0].className], src: img.currentSrc.split('/').pop(),
            scale: inner / img.naturalWidth,
            card: st.backgroundColor === getComputedStyle(document.body).backgroundColor};
})"""
# The least scale a figure may be shown at: its smallest text (9 pt) then stays about 9 CSS px on a
# phone, and neighbours on the desktop do not jump in text size (issue 15).
MIN_FIGURE_SCALE = {"desktop": 0.9, "phone": 0.8}


@page_check()
def check_title(visit: Visit):
    if visit.evaluate(CHROME_JS)["title"] is False:
        yield "the page title is not in the text's colour (full contrast)"


@page_check()
def check_caption(visit: Visit):
    caption = visit.evaluate(CHROME_JS)["caption"]
    if caption and caption != ["normal", "left", True]:
        yield f"a caption is not upright, left-aligned and smaller than the text: {caption}"


# The first figure source fold a reader can see, once opened: its script's source, fetched on
# opening (gradbook/mkdocs/source_fold.py, docs/javascripts/source-fold.js), highlighted, with
# Material's copy button aimed at it and, as Material's own blocks, a tab stop where it scrolls
# sideways on a device that hovers.
OPENED_FOLD_JS = """fold => {
    const code = fold.querySelector(':scope > div.language-python.highlight > pre > code');
    if (!code) return {shown: false, text: fold.innerText.slice(-120)};
    const button = code.parentElement.querySelector(':scope > nav > button.md-code__button[data-md-type="copy"]');
    const target = button && document.querySelector(button.getAttribute('data-clipboard-target'));
    return {shown: code.getBoundingClientRect().height > 0, text: code.textContent,
            name: fold.querySelector('summary').textContent.match(/figures\\/(\\w+)\\.py/)[1],
            spans: code.querySelectorAll('span.kn, span.k, span.nf, span.sd').length,
            copies: target === code, link: !!fold.querySelector('.gb-source-link'),
            focusable: code.getAttribute('tabindex') === '0',
            wants_focus: matchMedia('(hover)').matches && code.scrollWidth > code.clientWidth + 1};
}"""


@page_check()
def check_source_fold(visit: Visit):
    """Every fold a quiet line; the first one opened shows its script, highlighted. Left open: the
    checks after this one (clipped, overflow; axe on AXE_OPEN_FOLD) read the source as shown."""
    if loud := visit.evaluate(CHROME_JS)["loud"]:
        yield f"a figure's source fold is a bar, not a quiet line: {loud}"
    summary = visit.page.locator("details.gb-source > summary:visible").first
    if not summary.count():
        return
    summary.press("Enter")  # from the keyboard: a real toggle
    summary.evaluate("e => e.blur()")  # the checks after this one see it at rest: not focused nor hovered
    fold = summary.locator("xpath=..")
    try:
        fold.locator(":scope > div.language-python pre > code").wait_for(timeout=10_000)
    except Exception:
        pass
    got = fold.evaluate(OPENED_FOLD_JS)
    if not got["shown"]:
        yield f"an opened source fold shows no source: {got['text']!r}"
        return
    source = (ROOT / "figures" / f"{got['name']}.py").read_text(encoding="utf-8")
    if got["text"].rstrip("\n") != "\n".join(line.rstrip() for line in source.splitlines()).rstrip("\n"):
        yield f"the fold of figures/{got['name']}.py shows other text: {got['text'][:80]!r}"
    if got["spans"] < 3 or not got["copies"] or got["link"]:
        yield f"the fold of figures/{got['name']}.py: not highlighted, no copy button, or its link left: {got}"
    if got["focusable"] != got["wants_focus"]:
        yield f"the fold of figures/{got['name']}.py: a tab stop where it scrolls on a hover device: {got}"


@page_check()
def check_clipped(visit: Visit):
    if clipped := visit.evaluate(CLIPPED_JS)["clipped"]:
        yield f"cut off with no way to scroll, or scrolling with no cue: {clipped}"


@page_check()
def check_notebook_output_wraps(visit: Visit):
    if wrapped := visit.evaluate(CLIPPED_JS)["wrapped"]:
        yield f"notebook output wraps: {wrapped}"


@page_check()
def check_overflow(visit: Visit):
    if overflow := visit.evaluate(OVERFLOW_JS):
        yield (
            f"wider than the screen ({overflow['width']} px > {overflow['view']} px), "
            f"widened by: {overflow['culprits']}"
        )


@page_check()
def check_figure_variant(visit: Visit):
    """Each figure shows its drawing for this scheme (Material's toggle) and screen: dark figures on
    the dark page, with no card; the phone layout on a phone."""
    dark = visit.scheme == "dark"
    for fig in visit.evaluate(FIGURES_JS):
        if fig["shown"] != [f"gb-zoom gb-{visit.scheme}"]:
            yield f"figure {fig['id']} shows {fig['shown']}, not its {visit.scheme} drawing"
        elif ("-dark" in fig["src"]) != dark or ("-phone" in fig["src"]) != (visit.viewport == "phone"):
            yield f"figure {fig['id']} shows {fig['src']}, not its {visit.viewport}/{visit.scheme} variant"
        elif dark and not fig["card"]:
            yield f"figure {fig['id']} sits on a card, not on the dark page"


@page_check()
def check_figure_scale(visit: Visit):
    """Every figure at 0.9 of its natural size or more on the desktop, 0.8 on a phone."""
    least = MIN_FIGURE_SCALE[visit.viewport]
    for fig in visit.evaluate(FIGURES_JS):
        if "scale" in fig and fig["scale"] < least - 0.005:
            yield f"figure {fig['id']} ({fig['src']}) is drawn at {fig['scale']:.2f} of its size (< {least})"


@page_check()
def check_figure_other_scheme_not_fetched(visit: Visit):
    """The drawing for the other scheme is hidden and, loading lazily, never downloaded."""
    dark = visit.scheme == "dark"
    drawings = [u for u in visit.requests if "/figures/" in u and "/figures/source/" not in u]  # not a fold's
    fetched = [u.rsplit("/", 1)[1].split("?")[0] for u in drawings]
    if wrong := [f for f in fetched if ("-dark." in f) != dark]:
        yield f"the other scheme's figures were downloaded: {wrong[:4]}"


# -- accessibility -------------------------------------------------------------------------------


@cache
def _axe_js() -> str:
    import axe_playwright_python

    axe = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    return axe + ";\n" + AXE_PARSE_ONCE


# axe's colour contrast parses the same few CSS colour strings ("rgb(0, 0, 0)", ...) tens of
# thousands of times a page, each through colorjs's gamut mapping. A colour string's parse is a
# pure function of the string, so each is parsed once and its channels reused: the same results,
# ~35 % less time on a code-heavy page (API page 4.4 -> 2.7 s). A string that fails to parse is
# not remembered and fails each time, as before. Checked on axe 4.12.1: every result (passes too)
# the same on all 19 pages in both schemes; another axe runs unpatched until checked again.
AXE_PARSE_ONCE = """(() => {
    if (axe.version !== '4.12.1') return;
    const Color = axe.commons.color.Color, parse = Color.prototype.parseString, seen = new Map();
    Color.prototype.parseString = function (text) {
        const known = seen.get(text);
        if (known === undefined) {
            parse.call(this, text);
            seen.set(text, [this.r, this.g, this.b, this.alpha]);
        } else {
            [this.r, this.g, this.b, this.alpha] = known;
        }
        return this;
    };
})();"""


# The page whose opened source fold axe reads (check_source_fold opens one on every page): the
# highlighted code's contrast is the same classes and colours on every page, and an open fold's
# ~2,000 token spans cost axe's colour contrast ~3 s a page (light-desktop pass: axe 132 -> 194 s
# with every page's fold open).
AXE_OPEN_FOLD = "chapters/01-gradient/"


# While axe reads the page, two things it cannot see through are set aside:
# - the scroll cue (gradbook.css): a background gradient on every code block, table and wide
#   formula, so axe could not tell the background of any text inside them and left its contrast
#   unchecked ("incomplete": 1,931 elements on the API page, 564 code tokens in chapter 3). The
#   cue is drawn at the edges; under the text is the box's own background colour, which stays.
# - content-visibility: auto (the blocks below the fold, gradbook.css): axe could not find what
#   lies under text whose rendering is skipped ("overlapped by another element": 616 on the API
#   page), and with them skipped it ran slower (chapter 3's contrast: 3.8 s, 2.8 s with none).
@cache
def _axe_view() -> str:
    """The style axe reads the page under: the scroll cue's own selectors (read from gradbook.css,
    so a box that gets the cue later is covered too) without their gradient, every block shown."""
    css = (ROOT / "docs" / "stylesheets" / "gradbook.css").read_text(encoding="utf-8")
    cue = re.search(r"([^{}/]+)\{\s*--gb-scroll-bg: var\(--md-default-bg-color\);", css)
    assert cue, "gradbook.css has no scroll-cue rule (the one that sets --gb-scroll-bg) for axe to set aside"
    return f"{cue[1].strip()} {{ background-image: none !important; }}\n* {{ content-visibility: visible !important; }}"


# What axe leaves "incomplete" for colour contrast and is no fault of the page: text too short
# to judge (a lone digit or operator).
AXE_CANNOT_JUDGE = ("too short",)


@page_check(viewports=("desktop",))
def check_axe(visit: Visit):
    """axe-core finds no serious or critical violation: every rule in light; in dark, the rule the
    scheme can change (colour contrast). The others read markup, which is the same in both, and
    axe costs ~3 s a page on this DOM. Every text's contrast is checked: axe may leave none
    undecided for want of seeing its background."""
    opened = visit.page.evaluate("[...document.querySelectorAll('details.gb-source[open]')].length")
    if visit.path != AXE_OPEN_FOLD:
        visit.page.evaluate("document.querySelectorAll('details.gb-source[open]').forEach(d => d.open = false)")
    elif not opened:
        yield "no opened source fold here for axe to read (check_source_fold opens one)"
    visit.page.evaluate(_axe_js())
    only = ["color-contrast"] if visit.scheme == "dark" else None
    result = visit.page.evaluate(
        """async ([only, css]) => {
        const view = document.createElement('style');
        view.textContent = css;
        document.head.append(view);
        try {
            // Only violations and undecided elements are described in full (axe builds a selector for each).
            const options = {resultTypes: ['violations', 'incomplete'], ...(only ? {runOnly: only} : {})};
            const r = await axe.run(document, options);
            const contrast = r.incomplete.filter(v => v.id === 'color-contrast').flatMap(v => v.nodes)
                .map(n => ({why: n.any.map(a => a.message).join(' '), target: n.target.join(' ')}));
            return {
                violations: r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})),
                undecided: contrast,
            };
        } finally {
            view.remove();
        }
    }""",
        [only, _axe_view()],
    )
    yield from (f"{v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in result["violations"])
    undecided = [n for n in result["undecided"] if not any(w in n["why"] for w in AXE_CANNOT_JUDGE)]
    if undecided:
        yield f"axe could not check the colour contrast of {len(undecided)} elements, e.g. {undecided[:3]}"


# -- page weight (last: it scrolls the page) -----------------------------------------------------

# Gzipped bytes a reader downloads for one page, read to the end: HTML (math is SVG typeset at
# build time), scripts, styles and every figure it shows. The search index (~130 kB gzipped, the
# largest file) loads only when the reader opens search (gradbook/mkdocs/hooks.py), so it is not
# counted. Measured 2026-12-02 (six chapters, both schemes' drawings, sliders): chapter 2 369 kB
# (two 3-D surfaces), chapter 4 360 kB, the others 247-320 kB, notebook pages ~200 kB, home 112 kB.
# Later that day chapters 3 and 4 grew (issue 20: dual numbers, checkpointing, initialisation,
# normalisation, three figures): chapter 4 407 kB (HTML 153 kB, mostly math; figures 172 kB),
# chapter 3 328 kB. Issue 17 §2 (slimmer math SVG, glyph outlines in relative commands, no
# per-line code anchors, the search worker held back like its index): chapter 4 361 kB, chapter 2
# 330, the others 214-287, notebooks ~187, home 97 (tests/page_checks.py's own measure, light phone).
# With figures cut to 0.1 pt (every drawing rendered cold, 2026-12-03): chapter 4 348 kB, chapter 2
# 323, the others 211-280, so the budget is issue 17's target.
PAGE_BUDGET = 350_000
# The gallery shows a thumbnail of every figure (gradbook/engine/thumbs.py), not its drawings
# (1042 kB): 363 kB measured, most of it 46 WebP thumbnails.
GALLERY_BUDGET = 400_000


def downloaded_bytes(page, site_dir: Path) -> tuple[int, dict[str, int]]:
    """Gzipped size of every same-origin resource the page requested (what a static host sends)."""
    urls = page.evaluate("""() => [location.href.split('#')[0],
        ...performance.getEntriesByType('resource').map(e => e.name)]""")
    sizes = {}
    for url in dict.fromkeys(urls):
        parsed = urlparse(url)
        if parsed.hostname != "127.0.0.1":
            continue
        path = site_dir / unquote(parsed.path.lstrip("/"))
        if path.is_dir():
            path = path / "index.html"
        # A figure's source is fetched when a reader opens its fold (check_source_fold opens one).
        if path.is_file() and "/figures/source/" not in parsed.path:
            sizes[parsed.path] = len(gzip.compress(path.read_bytes(), 6, mtime=0))
    return sum(sizes.values()), sizes


def _weights_report(weights: dict[str, int]):
    report = ROOT / "bench" / "out" / "page-weight.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps({k or "/": v for k, v in weights.items()}, indent=1), encoding="utf-8")
    chapters = {k: v for k, v in weights.items() if k.startswith("chapters/")}
    if not chapters or max(chapters.values()) >= PAGE_BUDGET:
        yield f"chapters must each weigh under {PAGE_BUDGET // 1000} kB: {chapters}"


@page_check(schemes=("light",), viewports=("phone",), finish=_weights_report)
def check_weight(visit: Visit):
    visit.page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")  # lazy figures load too
    visit.page.wait_for_load_state("networkidle")  # lazy loads start a frame or more after the scroll
    if any(urlparse(u).path.endswith("/search/search_index.json") for u in visit.requests):
        yield "the search index loaded with the page, before the reader opened search (hooks.py)"
    total, sizes = downloaded_bytes(visit.page, visit.site_dir)
    visit.keep(total)
    budget = GALLERY_BUDGET if visit.path == "gallery/" else PAGE_BUDGET
    if total > budget:
        largest = sorted(sizes.items(), key=lambda kv: -kv[1])[:4]
        yield f"{total / 1000:.0f} kB > {budget / 1000:.0f} kB; largest: {largest}"


# -- explorable figures (gradbook/engine/sweep.py, docs/javascripts/explore.js) ------------------
# Registered last: it moves the sliders, so every other check has read the page as loaded.

SLIDER_STATE = """b => {
    const imgs = [...b.closest('figure').querySelectorAll('img')], input = b.querySelector('input[type=range]');
    const img = imgs.find(i => i.getClientRects().length) || imgs[0];  // the scheme the reader sees
    return {built: !b.hidden && !!input, value: input && +input.value, max: input && +input.max,
            src: img.currentSrc, loaded: img.complete && img.naturalWidth > 0, dark: !!img.closest('.gb-dark'),
            readout: (b.querySelector('.gb-readout') || {}).textContent,
            valuetext: input && input.getAttribute('aria-valuetext'),
            shown: (b.querySelector('.gb-explore-value') || {}).textContent,
            label: !!b.querySelector('.gb-explore-name mjx-container svg'),
            right: b.getBoundingClientRect().right, fits: b.getBoundingClientRect().right <= innerWidth + 1,
            frames: JSON.parse(b.dataset.gbSweep)}; }"""


# The picture the reader sees shows the build's frame for the slider's value, in the drawing for
# this screen and scheme (key: f, fd, fp or fpd, sweep.MANIFEST_KEYS), loaded.
AT_FRAME = """({b, key}) => { const d = JSON.parse(b.dataset.gbSweep), v = +b.querySelector('input').value;
    const img = [...b.closest('figure').querySelectorAll('img')].find(i => i.getClientRects().length);
    return !!d[key] && img.complete && img.naturalWidth > 0 && img.currentSrc.endsWith('/' + d[key][v]); }"""
# The shown frame's scale: its width on the page over its natural width (as FIGURES_JS).
FRAME_SCALE = """b => {
    const img = [...b.closest('figure').querySelectorAll('img')].find(i => i.getClientRects().length);
    const st = getComputedStyle(img), pad = parseFloat(st.paddingLeft) + parseFloat(st.paddingRight);
    return (img.getBoundingClientRect().width - pad) / img.naturalWidth; }"""
# The values the slider takes while playing: resolves after two changes, or after 5 s.
WATCH_PLAY = """b => new Promise(done => {
    const input = b.querySelector('input'), seen = [+input.value], t0 = Date.now();
    const tick = setInterval(() => { if (+input.value !== seen.at(-1)) seen.push(+input.value);
        if (seen.length > 2 || Date.now() - t0 > 5000) { clearInterval(tick); done(seen); } }, 50); })"""


def _frame_key(viewport: str, scheme: str) -> str:
    """The manifest's frame list for a screen and scheme: the phone layout on a phone, the dark scheme's in dark."""
    return "f" + "p" * (viewport == "phone") + "d" * (scheme == "dark")


def _follows(visit: Visit, box, name: str, how: str, viewport: str = "", scheme: str = "") -> list[str]:
    """Problems with what the slider shows after ``how``: the picture must be the build's frame for
    the value the slider is at, drawn for this screen and scheme and shown at its designed scale
    (a phone's text readable), and value, readout and aria-valuetext the build's."""
    viewport, scheme = viewport or visit.viewport, scheme or visit.scheme
    key = _frame_key(viewport, scheme)
    try:
        visit.page.wait_for_function(AT_FRAME, arg={"b": box.element_handle(), "key": key}, timeout=10_000)
    except Exception:
        src = box.evaluate(SLIDER_STATE)["src"].rsplit("/", 1)[-1]
        return [f"#{name}: after {how} the picture is not the loaded {key} frame ({viewport}/{scheme}): {src}"]
    s = box.evaluate(SLIDER_STATE)
    d, i = s["frames"], s["value"]
    problems = []
    if (scale := box.evaluate(FRAME_SCALE)) < MIN_FIGURE_SCALE[viewport] - 0.005:
        problems.append(f"#{name}: after {how} the frame is drawn at {scale:.2f} of its size: {s['src']}")
    if s["shown"] != d["v"][i] or ("r" in d and s["readout"] != d["r"][i]):
        build = (d["v"][i], d.get("r", [""] * (i + 1))[i])
        problems.append(f"#{name}: after {how}, at {i} shows {s['shown']!r} / {s['readout']!r}; the build: {build}")
    if d["v"][i] not in (s["valuetext"] or "") or ("r" in d and d["r"][i] not in s["valuetext"]):
        problems.append(f"#{name}: after {how}, aria-valuetext {s['valuetext']!r} lacks value or readout")
    return problems


def _drag_by_touch(visit: Visit, box, to: int) -> None:
    """A finger on the thumb, slid along the track to value ``to``: real touch input through the
    DevTools protocol (Playwright's touchscreen only taps; the phone passes' contexts have touch)."""
    r, s = box.locator("input").bounding_box(), box.evaluate(SLIDER_STATE)
    x = lambda v: r["x"] + 8 + (r["width"] - 16) * v / s["max"]  # noqa: E731 (the 16 px thumb's centre)
    y, x0 = r["y"] + r["height"] / 2, x(s["value"])
    cdp = visit.page.context.new_cdp_session(visit.page)
    touch = lambda kind, *at: cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": list(at)})  # noqa: E731
    touch("touchStart", {"x": x0, "y": y})
    for k in range(1, 9):
        touch("touchMove", {"x": x0 + (x(to) - x0) * k / 8, "y": y})
    touch("touchEnd")
    cdp.detach()


def _play_and_pause(visit: Visit, box, name: str) -> Iterable[str]:
    """Play runs the sweep frame by frame (two changes seen), pause stops it where it is."""
    s = box.evaluate(SLIDER_STATE)
    if s["value"] > s["max"] - 3:
        box.locator("input").press("Home")  # room for two steps before the end
    play = box.locator(".gb-play")
    press = play.tap if visit.viewport == "phone" else play.click
    press()
    seen = box.evaluate(WATCH_PLAY)
    if len(seen) < 3 or any(b != a + 1 for a, b in zip(seen, seen[1:])):
        yield f"#{name}: playing, the slider went {seen} in 5 s, not two steps forward"
    if play.get_attribute("aria-label") != "暂停":
        yield f"#{name}: playing, the button says {play.get_attribute('aria-label')!r}, not 暂停"
    press()
    paused = box.evaluate(SLIDER_STATE)["value"]
    visit.page.wait_for_timeout(1500)  # two of the player's 700 ms steps
    if (now := box.evaluate(SLIDER_STATE)["value"]) != paused or play.get_attribute("aria-label") != "播放":
        yield f"#{name}: paused at {paused}, then at {now}; the button says {play.get_attribute('aria-label')!r}"
    yield from _follows(visit, box, name, "play and pause")


def _turned(visit: Visit, box, name: str) -> Iterable[str]:
    """With the slider moved, the scheme toggled (Material's toggle) and then the phone turned wide
    (out of the phone layout's media): the picture follows to that drawing of the same frame, at its
    scale, as the default frame's <picture> would. Restores scheme and screen."""
    phone, other = visit.page.viewport_size, "light" if visit.scheme == "dark" else "dark"
    toggle = "s => document.body.setAttribute('data-md-color-scheme', s)"
    try:
        box.scroll_into_view_if_needed()  # the other scheme's image is lazy: it loads in view
        visit.page.evaluate(toggle, SLATE[other])
        yield from _follows(visit, box, name, f"switching to {other}", "phone", other)
        visit.page.set_viewport_size({"width": 1280, "height": phone["height"]})
        box.scroll_into_view_if_needed()
        yield from _follows(visit, box, name, "the screen turned wide", "desktop", other)
    finally:
        visit.page.evaluate(toggle, SLATE[visit.scheme])
        visit.page.set_viewport_size(phone)


SLATE = {"light": "default", "dark": "slate"}  # Material's body[data-md-color-scheme] per scheme


@page_check()
def check_sliders(visit: Visit):
    """Each explorable figure, moved by keyboard (End or Home, then an arrow), on a phone also
    dragged by touch, and played and paused where it has a play button: the picture the reader
    sees and the readout change to the build's frame and text, the frame loads from the site, and
    aria-valuetext says value and readout. Every slider the HTML carries is built."""
    html_file = visit.site_dir / visit.path / "index.html"
    carried = html_file.read_text(encoding="utf-8").count("data-gb-sweep=") if html_file.is_file() else 0
    boxes = visit.page.locator(".gb-explore")
    if boxes.count() != carried:
        yield f"{carried} sliders in the HTML, {boxes.count()} in the page"
    for k in range(boxes.count()):
        box = boxes.nth(k)
        box.scroll_into_view_if_needed()
        s0 = box.evaluate(SLIDER_STATE)
        name = box.evaluate("b => b.closest('figure').id")
        if not s0["built"] or not s0["label"] or not s0["fits"]:
            yield f"#{name}: slider not built, its label not typeset, or wider than the screen: {s0}"
            continue
        d, far = s0["frames"], "Home" if s0["value"] > s0["max"] / 2 else "End"  # the far end: another readout
        for key, step in ((far, None), ("ArrowRight" if far == "Home" else "ArrowLeft", 1 if far == "Home" else -1)):
            before = box.evaluate(SLIDER_STATE)
            box.locator("input").press(key)
            i = box.evaluate("b => +b.querySelector('input').value")
            if i != (before["value"] + step if step else (0 if far == "Home" else s0["max"])):
                yield f"#{name}: {key} moved the slider from {before['value']} to {i}"
            yield from _follows(visit, box, name, key)
            s = box.evaluate(SLIDER_STATE)
            if step is None and "r" in d and s["readout"] == before["readout"]:
                yield f"#{name}: the readout did not change from one end to the other: {s['readout']!r}"
        if visit.viewport == "phone":
            _drag_by_touch(visit, box, to := s0["max"] // 2)  # from near an end to the middle
            if abs((i := box.evaluate(SLIDER_STATE)["value"]) - to) > 1:
                yield f"#{name}: dragged by touch to {to}, the slider is at {i}"
            yield from _follows(visit, box, name, "a touch drag")
        if "p" in d:
            yield from _play_and_pause(visit, box, name)
    if ext := visit.external_requests():
        yield f"requests leaving 127.0.0.1 after moving the sliders: {ext}"
    # Only this screen's and scheme's frames were fetched (prefetched neighbours included).
    key, fetched = (
        _frame_key(visit.viewport, visit.scheme),
        {u.rsplit("/", 1)[-1].split("?")[0] for u in visit.requests},
    )
    for box in boxes.all():
        d = box.evaluate("b => JSON.parse(b.dataset.gbSweep)")
        others = {f for k, files in d.items() if k.startswith("f") and k != key for f in files}
        if wrong := sorted((others - set(d.get(key, ()))) & fetched):
            yield f"frames of another layout or scheme were fetched ({visit.viewport}/{visit.scheme}): {wrong[:4]}"
    if visit.viewport == "phone" and boxes.count():  # last: it fetches the other drawings on purpose
        yield from _turned(visit, boxes.first, boxes.first.evaluate("b => b.closest('figure').id"))


# The reader's switch of colour scheme, on the home page, last (it fetches the other scheme's
# drawings): it pauses transitions while it switches (gradbook/mkdocs/hooks.py QUIET_SWITCH, which
# replaces Material's rule that restyled every page as it loaded), and the page's color-scheme meta
# follows it, though the one write Material makes on a light page's load is left out. The page had
# its class "js" from <head>. The stored choice is forgotten after, for the pages that follow.
SWITCH_JS = """async () => {
    const metas = () => [...document.querySelectorAll('meta[name="color-scheme"]')].map(m => m.getAttribute('content'));
    const state = () => ({scheme: document.body.dataset.mdColorScheme, metas: metas()});
    const loaded = {...state(), html: document.documentElement.className};
    const paused = [];
    const watch = new MutationObserver(() => paused.push(document.body.hasAttribute('data-gb-switching')));
    watch.observe(document.body, {attributes: true, attributeFilter: ['data-gb-switching']});
    const flip = async () => {
        document.querySelector('form[data-md-component="palette"] label:not([hidden])').click();
        await new Promise(r => setTimeout(r, 400));
        return state();
    };
    const dark = await flip(), light = await flip();
    watch.disconnect();
    localStorage.removeItem(__md_scope.pathname + '.__palette');
    return {loaded, dark, light, paused};
}"""


@page_check(schemes=("light",), viewports=("phone",))
def check_scheme_switch(visit: Visit):
    if visit.path:
        return
    got = visit.page.evaluate(SWITCH_JS)
    loaded, dark, light = got["loaded"], got["dark"], got["light"]
    if "no-js" in loaded["html"].split() or "js" not in loaded["html"].split():
        yield f"<html> has not its class js from <head>: {loaded['html']!r}"
    if loaded["scheme"] != "default" or any(loaded["metas"]):
        yield f"a light page as it loaded: {loaded} (no color-scheme written: 'light' is the default)"
    if dark["scheme"] != "slate" or "dark" not in dark["metas"]:
        yield f"after switching to dark: {dark}"
    if light["scheme"] != "default" or "light" not in light["metas"] or "dark" in light["metas"]:
        yield f"after switching back to light: {light}"
    if got["paused"] != [True, False, True, False]:
        yield f"transitions not paused for each switch alone: {got['paused']}"
