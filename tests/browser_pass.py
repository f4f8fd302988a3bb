"""The browser pass: every page of the built book opened once per colour scheme × viewport, with every
registered per-page check run on it there (tests/page_checks.py holds the checks).

Adding a check (figure scale, sliders, cross-references, ...):

    @page_check(schemes=("dark",), viewports=("phone",))  # where it runs; default: all four passes
    def check_thing(visit: Visit) -> Iterable[str]:
        found = visit.evaluate(THING_JS)        # memoised per page, so checks can share a probe
        return [f"what is wrong: {x}" for x in found]   # one string per problem; nothing: passes

Each check becomes one test per pass it runs in (``test_page_check[light-phone-thing]`` in
tests/test_browser.py) that lists every page it fails on. The checks run in the order they are
registered, on a page that is loaded, has every lazy image decoded and the network quiet
(tests/site.py ``load_fully``). A check that changes the page (scrolls, clicks, opens a fold)
should be registered after the checks that read it as loaded. A check that raises fails only
itself, on that page (the next page opens in a new tab). A pass loads its pages one after another
in one tab (``new_tab``), its HTTP cache off and its storage cleared between pages, so each load
is a first visit. ``finish`` turns what a check kept per page (``visit.keep(value)``)
into problems across pages (totals, a report file).
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from tests.site import ROOT, load_fully, track_requests

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")


@dataclass
class Visit:
    """One page in one pass: where it is, how it is shown, and the open Playwright page."""

    path: str  # URL path below the site root: "" for home, "chapters/02-linear-model/", ...
    scheme: str
    viewport: str
    page: Any  # playwright.sync_api.Page, loaded
    site_dir: Path
    requests: list[str] = field(default_factory=list)  # every URL the page requested
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    _memo: dict = field(default_factory=dict)
    _kept: dict = field(default_factory=dict)
    _check: str = ""

    def evaluate(self, js: str, arg: Any = None) -> Any:
        """``page.evaluate`` once per page and argument: several checks may read one probe."""
        key = (js, json.dumps(arg, sort_keys=True))
        if key not in self._memo:
            self._memo[key] = self.page.evaluate(js, arg)
        return self._memo[key]

    def keep(self, value: Any) -> None:
        """Keep a value for this check's ``finish`` (e.g. the page's weight)."""
        self._kept[self._check] = value

    def external_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).hostname not in {"127.0.0.1", None} and not u.startswith(("data:", "blob:"))
        ]


@dataclass
class Check:
    name: str
    run: Callable[[Visit], Iterable[str]]
    schemes: tuple[str, ...]
    viewports: tuple[str, ...]
    finish: Callable[[dict[str, Any]], Iterable[str]] | None = None

    def runs_in(self, scheme: str, viewport: str) -> bool:
        return scheme in self.schemes and viewport in self.viewports


PAGE_CHECKS: dict[str, Check] = {}


def page_check(
    *,
    schemes: Iterable[str] = SCHEMES,
    viewports: Iterable[str] = tuple(VIEWPORTS),
    finish: Callable[[dict[str, Any]], Iterable[str]] | None = None,
    name: str | None = None,
):
    """Register ``check_NAME(visit) -> problems`` to run on every page in the passes named."""

    def register(fn: Callable[[Visit], Iterable[str]]):
        key = name or fn.__name__.removeprefix("check_")
        assert key not in PAGE_CHECKS, f"two page checks named {key!r}"
        schemes_, viewports_ = tuple(schemes), tuple(viewports)
        assert set(schemes_) <= set(SCHEMES) and set(viewports_) <= set(VIEWPORTS), (key, schemes_, viewports_)
        PAGE_CHECKS[key] = Check(key, fn, schemes_, viewports_, finish)
        return fn

    return register


def checks_for(scheme: str, viewport: str) -> list[Check]:
    return [c for c in PAGE_CHECKS.values() if c.runs_in(scheme, viewport)]


@dataclass
class PassResult:
    problems: dict[str, list[str]]  # check name -> "/path: problem" lines
    seconds: dict[str, float]  # check name -> time spent in it over all pages (plus "load")


def open_page(browser, url: str, viewport: str = "desktop", scheme: str = "light"):
    """Load a page in a fresh context, record requests and errors, force lazy images to load
    (math is already SVG). ``page.requests`` and ``page.errors`` hold what was recorded."""
    page = new_tab(browser, viewport, scheme)
    load(page, url)
    return page


def new_tab(browser, viewport: str = "desktop", scheme: str = "light"):
    """A tab in a fresh context for one scheme and screen, its HTTP cache off: each page it loads
    fetches every file (and shows every request) as a reader's first visit does. A pass loads all
    its pages in one tab: a fresh context per page cost 1.5 core-s a load, ~60 % of it starting the
    context and a renderer (19 loads: 29 core-s, 12 in one tab; ~70 of the suite's ~560 core-s)."""
    # A phone has a touchscreen: the sliders are dragged by touch there (tests/page_checks.py).
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme, has_touch=viewport == "phone")
    page = context.new_page()
    page.gb_cdp = context.new_cdp_session(page)  # kept open: the setting lasts as long as the session
    page.gb_cdp.send("Network.enable")
    page.gb_cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    track_requests(page)
    return page


def load(page, url: str) -> None:
    """Open ``url`` in the tab, recording its requests and errors afresh in new lists
    ``page.requests`` and ``page.errors``."""
    page.requests, page.errors = [], []
    page.goto(url, wait_until="load")
    load_fully(page)


def run_pass(browser, site_url: str, site_dir: Path, pages: list[str], scheme: str, viewport: str) -> PassResult:
    """Open every page once in this scheme and viewport and run every check registered for it."""
    checks = checks_for(scheme, viewport)
    problems: dict[str, list[str]] = {c.name: [] for c in checks}
    kept: dict[str, dict[str, Any]] = {c.name: {} for c in checks}
    seconds = dict.fromkeys(["load", *problems], 0.0)
    tab = None
    try:  # the last tab closed however the pass ends
        for path in pages:
            t0 = time.perf_counter()
            try:
                tab = tab or new_tab(browser, viewport, scheme)
                load(tab, site_url + path)
            except Exception as e:  # every check fails on a page that does not load
                for c in checks:
                    problems[c.name].append(f"/{path}: the page did not load: {type(e).__name__}: {e}")
                tab = _closed(tab)
                continue
            seconds["load"] += time.perf_counter() - t0
            visit = Visit(path, scheme, viewport, tab, site_dir, tab.requests, tab.errors)
            raised = False
            for c in checks:
                t0 = time.perf_counter()
                visit._check = c.name
                try:
                    problems[c.name] += [f"/{path}: {p}" for p in c.run(visit)]
                except Exception:
                    problems[c.name].append(f"/{path}: the check raised:\n{traceback.format_exc(limit=3)}")
                    raised = True
                seconds[c.name] += time.perf_counter() - t0
                if c.name in visit._kept:
                    kept[c.name][path] = visit._kept[c.name]
            try:  # the next page a first visit: Material keeps the reader's choices in local and session storage
                tab.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            except Exception:
                raised = True
            if raised or tab.viewport_size != VIEWPORTS[viewport]:
                tab = _closed(tab)  # a check that raised may have left the tab changed: the next page gets a new one
    finally:
        _closed(tab)
    for c in checks:
        if c.finish:
            problems[c.name] += list(c.finish(kept[c.name]))
    report = ROOT / "bench" / "out" / f"browser-pass-{scheme}-{viewport}.json"
    report.parent.mkdir(parents=True, exist_ok=True)  # where a pass spends its time, per check
    report.write_text(json.dumps({k: round(v, 2) for k, v in seconds.items()}, indent=1), encoding="utf-8")
    return PassResult(problems, seconds)


def _closed(tab) -> None:
    """Close ``tab`` (if there is one): None, so the next page opens a new tab."""
    if tab is not None:
        tab.context.close()
