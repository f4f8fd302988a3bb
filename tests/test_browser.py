"""Every page of the built book in a real browser: Playwright driving Debian's Chromium."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

import tests.page_checks  # noqa: F401 (registers the checks)
from tests.browser_pass import SCHEMES, VIEWPORTS, PassResult, checks_for, open_page, run_pass
from tests.site import CHROMIUM, LAUNCH_ARGS, ROOT, site_pages

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(site_dir):
    found = site_pages(site_dir)
    assert "" in found, "the home page is built"
    return found


@pytest.fixture(scope="module")
def page_pass(browser, site_url, site_dir, pages):
    """The pass for a scheme and viewport, run on first use (once per worker: its tests share an
    xdist group, and the suite runs with --dist loadgroup)."""
    done = {}

    def get(scheme: str, viewport: str) -> PassResult:
        if (scheme, viewport) not in done:
            done[scheme, viewport] = run_pass(browser, site_url, site_dir, pages, scheme, viewport)
        return done[scheme, viewport]

    return get


@pytest.mark.parametrize(
    "scheme, viewport, check",
    [
        pytest.param(s, v, c.name, id=f"{s}-{v}-{c.name}", marks=pytest.mark.xdist_group(f"browser-pass-{s}-{v}"))
        for s in SCHEMES
        for v in VIEWPORTS
        for c in checks_for(s, v)
    ],
)
def test_page_check(page_pass, pages, scheme, viewport, check):
    """One registered check (tests/page_checks.py) on every page, as loaded in this pass."""
    problems = page_pass(scheme, viewport).problems[check]
    assert not problems, f"{check} [{scheme}, {viewport}] fails on {len(problems)} of {len(pages)} pages:\n" + (
        "\n".join(problems)
    )


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


@pytest.fixture(scope="module")
def typed_searches(browser, site_url) -> dict[str, list[str] | str]:
    """Each page's key term typed into the search box of the home page, one after another in one
    open page (the search worker builds its index once): the result links, or why there are none."""
    from playwright.sync_api import TimeoutError as NoAnswer

    page = open_page(browser, site_url)
    page.click("label.md-search__icon[for='__search'], .md-search__input", timeout=5000)
    found: dict[str, list[str] | str] = {}
    for term in dict.fromkeys(t for t, _ in _search_cases()):
        # Start from an empty box and an empty result list, as on a freshly loaded page.
        page.fill("input.md-search__input", "")
        page.press("input.md-search__input", "End")
        page.wait_for_function("() => !document.querySelector('.md-search-result__item')", timeout=10000)
        # Typed characters outside the keyboard arrive as input events only; a real IME ends with
        # a keyup, which is what Material's search listens for, so finish with one.
        page.type("input.md-search__input", term, delay=30)
        page.press("input.md-search__input", "End")
        try:
            page.wait_for_selector(".md-search-result__item", timeout=10000)
        except NoAnswer:  # reported by the term's own test
            found[term] = "no result within 10 s"
            continue
        found[term] = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    page.context.close()
    return found


@pytest.mark.xdist_group("chinese-search")  # one worker types every term, in one page
@pytest.mark.parametrize("term, expected", _search_cases())
def test_chinese_search_finds_the_page(typed_searches, term, expected):
    hrefs = typed_searches[term]
    assert not isinstance(hrefs, str), f"searching {term!r}: {hrefs}"
    targets = {urlparse(h).path.lstrip("/") for h in hrefs}
    assert expected in targets, f"searching {term!r} found {sorted(targets)}"


def test_formulas_that_skip_rendering_stay_in_the_accessibility_tree(browser, site_url):
    """Screen readers read each formula's MathML (its SVG is aria-hidden), which skips style and
    layout off-screen (gradbook.css: content-visibility). With an assistive technology attached
    (Chromium's renderer accessibility on, as a screen reader turns it on), every formula of a
    chapter, skipped or not, is math in the accessibility tree."""
    args = [*LAUNCH_ARGS, "--force-renderer-accessibility"]
    second = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    try:
        page = second.new_page(viewport={"width": 390, "height": 844})
        page.goto(site_url + "chapters/02-linear-model/", wait_until="load")
        maths = page.evaluate(
            """() => [...document.querySelectorAll('article mjx-assistive-mml > math')].map(m => ({
                skipped: !m.checkVisibility({contentVisibilityAuto: true}),
                folded: !!m.closest('details:not([open])')}))"""  # a closed fold hides its content from all
        )
        assert len(maths) > 300 and all(m["skipped"] for m in maths[-50:]), "the MathML off-screen skips rendering"
        cdp = page.context.new_cdp_session(page)
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "article mjx-assistive-mml > math"})
        ids = found["nodeIds"]
        silent = []
        for i, node in enumerate(ids):
            ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][0]
            if not maths[i]["folded"] and (ax.get("ignored") or ax.get("role", {}).get("value") != "MathMLMath"):
                silent.append(i)
        assert len(ids) == len(maths) and sum(not m["folded"] for m in maths) > 300
        assert not silent, f"formulas missing from the accessibility tree: {silent[:10]}"
    finally:
        second.close()
