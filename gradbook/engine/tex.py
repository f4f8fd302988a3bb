"""Typeset TeX at build time: MathJax 3 (from django-static-mathjax) running in V8 (mini-racer).

Every page ships its math as finished SVG, so readers download no MathJax (about 300 KB
gzipped with its fonts), nothing reflows when math appears, and math shows without JavaScript.
Knows nothing of MkDocs: give it an HTML fragment, get the fragment back with its math typeset.

The book must make no third-party request, and a fresh machine has only pip: so MathJax comes
from a wheel (django-static-mathjax) instead of a CDN or a vendored copy in git.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
from pathlib import Path
from typing import Any

from gradbook.engine import store
from gradbook.engine.mathsvg import relative_path, slim

# Loaded in this order into one V8 context; tex-full carries every TeX extension, so nothing
# is fetched on demand (there is no network or file loader inside the engine).
COMPONENTS = (
    "startup.js",
    "core.js",
    "adaptors/liteDOM.js",
    "input/tex-full.js",
    "output/svg.js",
    "output/svg/fonts/tex.js",
    "a11y/assistive-mml.js",
)

# No "noundefined" among the packages: a misspelt macro must stop the build, not render in red.
# fontCache "local": each formula carries its own glyph definitions, so a cached formula stands
# alone; share_glyphs() then hoists them into one definition per page.
OPTIONS = {
    "tex": {"packages": ["base", "ams", "newcommand", "boldsymbol", "configmacros", "textmacros"]},
    "svg": {"fontCache": "local"},
}
KIND = "math"
ENTRY = "startup.js"  # present in every MathJax 3 es5 tree; its presence marks a usable install


class MathJaxMissing(RuntimeError):
    pass


def es5_dir() -> Path:
    """MathJax 3's es5 folder in the installed django-static-mathjax."""
    try:
        import mathjax  # provided by django-static-mathjax
    except ImportError as exc:
        raise MathJaxMissing(
            "MathJax is not installed: `pip install django-static-mathjax` (part of gradbook[docs])"
        ) from exc
    root = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    if not (root / ENTRY).is_file():
        raise MathJaxMissing(f"{root / ENTRY} not found in the installed django-static-mathjax")
    return root


_BOOT = """
var window = globalThis;
var MathJax = {loader: {load: []}, startup: {typeset: false, pageReady: function () {}, ready: function () {}}};
"""
_READY = """
// Merge, do not replace: the font component has put its TeXFont into MathJax.config.svg.
Object.assign(MathJax.config.tex = MathJax.config.tex || {}, %(tex)s);
Object.assign(MathJax.config.svg = MathJax.config.svg || {}, %(svg)s);
MathJax.startup.registerConstructor('liteAdaptor', MathJax._.adaptors.liteAdaptor.liteAdaptor);
MathJax.config.startup.adaptor = 'liteAdaptor';
MathJax.startup.getComponents();
MathJax.startup.defaultReady();
function gbTex(tex, display) {
  const node = MathJax.tex2svg(tex, {display: display});
  const html = MathJax.startup.adaptor.outerHTML(node);
  return JSON.stringify({html: html, error: html.indexOf('data-mjx-error') >= 0 || html.indexOf('merror') >= 0});
}
function gbStylesheet() { return MathJax.startup.adaptor.textContent(MathJax.svgStylesheet()); }
"""
# Everything that configures MathJax here: it enters every formula's store key.
CONFIG = hashlib.sha256(json.dumps([COMPONENTS, OPTIONS, _BOOT, _READY], sort_keys=True).encode()).hexdigest()


class MathError(ValueError):
    """TeX that MathJax cannot typeset: ``tex`` as written on the page and MathJax's own ``reason``."""

    def __init__(self, tex: str, reason: str):
        self.tex, self.reason = tex, reason
        super().__init__(f"TeX does not typeset ({reason}): {tex}")


class MathRenderer:
    """One V8 context with MathJax loaded, reused for every page (loading takes ~0.2 s)."""

    def __init__(self, cache_dir: Path | store.Store | None = None):
        # The book's one store: checksummed entries written atomically, so half a file is never served.
        self.cache = cache_dir if isinstance(cache_dir, store.Store) or cache_dir is None else store.Store(cache_dir)
        self._mathjax: str | None = None  # digest of the MathJax code loaded, read once
        self._ctx: Any = None  # a MiniRacer, made on first use
        self._lock = threading.Lock()
        self.stats = {"typeset": 0, "cached": 0}

    def _context(self):
        if self._ctx is None:
            try:
                from py_mini_racer import MiniRacer
            except ImportError as exc:
                raise MathJaxMissing("build-time math needs mini-racer: pip install gradbook[docs]") from exc
            root = es5_dir()
            ctx = MiniRacer()
            ctx.eval(_BOOT)
            for rel in COMPONENTS:
                ctx.eval((root / rel).read_text(encoding="utf-8"))
            ctx.eval(_READY % {k: json.dumps(v) for k, v in OPTIONS.items()})
            self._ctx = ctx
        return self._ctx

    def close(self) -> None:
        """Free the V8 context now. Left to garbage collection at interpreter exit, freeing it
        can deadlock (seen under load), and the build would never return."""
        with self._lock:
            if self._ctx is not None:
                self._ctx.close()
                self._ctx = None

    def __enter__(self) -> MathRenderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def stylesheet(self) -> str:
        """MathJax's SVG stylesheet; from the store too, so a warm build never starts V8 (~2 s)."""
        key = store.key(KIND, mathjax=self._mathjax_digest(), config=CONFIG, stylesheet=True) if self.cache else ""
        if self.cache and (cached := self.cache.get(KIND, key, "css")) is not None:
            return cached.decode("utf-8")
        with self._lock:
            css = self._context().eval("gbStylesheet()")
        if self.cache:
            self.cache.put(KIND, key, "css", css.encode("utf-8"))
        return css

    def _mathjax_digest(self) -> str:
        """The MathJax code itself (its version, by content, not where it is installed)."""
        if self._mathjax is None:
            h = hashlib.sha256()
            for rel in COMPONENTS:
                h.update(rel.encode() + b"\0" + store.file_digest(es5_dir() / rel).encode())
            self._mathjax = h.hexdigest()
        return self._mathjax

    def _key(self, tex: str, display: bool) -> str:
        """What a formula's SVG depends on: the MathJax code, the configuration, the TeX and its mode."""
        return store.key(KIND, mathjax=self._mathjax_digest(), config=CONFIG, display=display, tex=tex)

    def tex(self, tex: str, display: bool) -> str:
        """One formula as MathJax's SVG output (an ``mjx-container`` element)."""
        key = self._key(tex, display) if self.cache else ""
        cached = self.cache.get(KIND, key, "html") if self.cache else None
        if cached is not None:
            self.stats["cached"] += 1
            return cached.decode("utf-8")
        with self._lock:
            try:
                result = json.loads(self._context().call("gbTex", tex, display))
            except Exception as exc:  # a JS exception: keep its message, not the engine's source dump
                raise MathError(tex, str(exc).splitlines()[0][:300]) from None
        if result["error"]:
            reason = _MJX_ERROR.search(result["html"])
            raise MathError(tex, html.unescape(reason[1]) if reason else "MathJax marks it as an error")
        self.stats["typeset"] += 1
        if self.cache:
            self.cache.put(KIND, key, "html", result["html"].encode("utf-8"))
        return result["html"]

    def typeset_arithmatex(self, html_text: str) -> str:
        """Typeset pymdownx.arithmatex's generic output: ``<span class="arithmatex">\\(…\\)</span>``
        and ``<div class="arithmatex">\\[…\\]</div>``. Everything else stays byte for byte."""

        def inline(m: re.Match) -> str:
            return f"{m[1]}{self.tex(html.unescape(m[2]), False)}</span>"

        def display(m: re.Match) -> str:
            return f"{m[1]}{self.tex(html.unescape(m[2]), True)}</div>"

        html_text = _ARITHMATEX_DISPLAY.sub(display, html_text)
        return _ARITHMATEX_INLINE.sub(inline, html_text)

    def typeset_dollars(self, html_text: str) -> str:
        """Typeset ``$$…$$`` and ``$…$`` in rendered notebook markdown cells (``jp-RenderedMarkdown``),
        outside ``<code>`` and ``<pre>``."""

        def cell(m: re.Match) -> str:
            parts = _CODE.split(m[2])
            for i in range(0, len(parts), 2):  # even parts are outside code
                parts[i] = _DISPLAY_DOLLARS.sub(
                    lambda d: f'<span class="arithmatex">{self.tex(html.unescape(d[1]), True)}</span>', parts[i]
                )
                parts[i] = _INLINE_DOLLARS.sub(
                    lambda d: f'<span class="arithmatex">{self.tex(html.unescape(d[1]), False)}</span>', parts[i]
                )
            return m[1] + "".join(parts) + m[3]

        return _NOTEBOOK_MARKDOWN.sub(cell, html_text)


def source_line(source: str, tex: str) -> int | None:
    """The line of ``source`` (a page as written) where the formula ``tex`` first appears."""
    first = tex.strip().splitlines()[0] if tex.strip() else tex
    for probe in (f"${tex}$", f"\\({tex}\\)", tex, first):  # with its delimiters first: the likeliest spot
        at = source.find(probe)
        if at >= 0:
            return source.count("\n", 0, at) + 1
    return None


_MJX_ERROR = re.compile(r'data-mjx-error="([^"]*)"')  # MathJax's message, e.g. Undefined control sequence \nabal
_CONTAINER = re.compile(r"<mjx-container.*?</mjx-container>", re.S)
_DEFS = re.compile(r"<defs>(.*?)</defs>", re.S)
_GLYPH_DEF = re.compile(r'<path id="MJX-\d+-(TEX-[A-Z0-9]+-[0-9A-F]+)" d="([^"]*)"></path>')
_GLYPH_REF = re.compile(r"MJX-\d+-(TEX-[A-Z0-9]+-[0-9A-F]+)")


def share_glyphs(html_text: str) -> str:
    """One definition per glyph per page instead of one per formula (what MathJax's "global"
    font cache does in a browser), and each formula ``slim``. Glyph ids lose MathJax's running
    counter, so a page's HTML does not depend on which formulas came from the cache: two builds
    give the same bytes."""
    glyphs: dict[str, str] = {}

    def take(defs: re.Match) -> str:
        for g in _GLYPH_DEF.finditer(defs[1]):
            glyphs.setdefault(g[1], g[2])
        rest = _GLYPH_DEF.sub("", defs[1])
        return f"<defs>{rest}</defs>" if rest.strip() else ""

    def container(m: re.Match) -> str:
        return slim(_GLYPH_REF.sub(r"MJX-\1", _DEFS.sub(take, m[0])))

    html_text = _CONTAINER.sub(container, html_text)
    if not glyphs:
        return html_text
    defs = "".join(f'<path id="MJX-{k}" d="{relative_path(v)}"></path>' for k, v in sorted(glyphs.items()))
    return f'<svg class="gb-math-glyphs" style="display: none" aria-hidden="true"><defs>{defs}</defs></svg>' + html_text


_ARITHMATEX_INLINE = re.compile(r'(<span class="arithmatex">)\\\((.*?)\\\)</span>', re.S)
_ARITHMATEX_DISPLAY = re.compile(r'(<div class="arithmatex">)\\\[(.*?)\\\]</div>', re.S)
_NOTEBOOK_MARKDOWN = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S
)
_CODE = re.compile(r"(<code[^>]*>.*?</code>|<pre[^>]*>.*?</pre>)", re.S)
_DISPLAY_DOLLARS = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_DOLLARS = re.compile(r"(?<![\\$\w])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?!\w)")
