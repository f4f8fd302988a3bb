"""The print page: one HTML document assembled from the built pages' articles."""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote, urljoin, urlsplit

from gradbook.engine.pdf.base import HOST, PRINT_CSS, Part, PdfError

# --- assembling the print page --------------------------------------------------------------

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_ID = re.compile(r'(\s(?:id|data-target)=")([^"]+)(")')
_HREF = re.compile(r'(<a\b[^>]*?\shref=")([^"]*)(")')
_SRC = re.compile(r'(\s(?:src|srcset|data)=")([^"]*)(")')
_ANSWER = re.compile(r'<details class="success"[^>]*>\s*<summary>答案</summary>(.*?)</details>', re.S)
_EXERCISE = re.compile(r"<strong>习题\s*(\d+)</strong>")
_SOURCE_FOLD = re.compile(r'<details class="gb-source".*?</details>', re.S)
_DARK = re.compile(r'<a class="gb-zoom gb-dark"[^>]*>.*?</a>', re.S)
_DETAILS = re.compile(r"<details(\s[^>]*)?>")
_MATH = re.compile(
    r'(<mjx-container[^>]*>)(<svg\b[^>]*?)\saria-hidden="true"([^>]*>.*?</svg>)'
    r"<mjx-assistive-mml[^>]*>(.*?)</mjx-assistive-mml>",
    re.S,
)
_GLYPHS = re.compile(r'<svg class="gb-math-glyphs"[^>]*><defs>(.*?)</defs></svg>', re.S)
_GLYPH = re.compile(r'<path id="(MJX-[^"]+)"[^>]*></path>')
_H1 = re.compile(r"<h1\b[^>]*>.*?</h1>", re.S)


def article(page_html: str, where: str) -> str:
    m = _ARTICLE.search(page_html)
    if not m:
        raise PdfError(f'{where}: no <article class="md-content__inner md-typeset"> in the built page')
    # The home page's link to this very PDF (gradbook/pdf adds it) has no place in it.
    return re.sub(r'<p class="gb-download gb-pdf">.*?</p>', "", m[1], flags=re.S)


def math_text(mathml: str) -> str:
    """A linear reading of a formula from its MathML (its alternative text in the tagged PDF):
    x^{2}, \\frac → (a)/(b), √(…); enough to search for and to hear."""
    s = re.sub(r"<msup>(.*?)</msup>", lambda m: _two(m[1], "{}^{{{}}}"), mathml, flags=re.S)
    s = re.sub(r"<msub>(.*?)</msub>", lambda m: _two(m[1], "{}_{{{}}}"), s, flags=re.S)
    s = re.sub(r"<mfrac[^>]*>(.*?)</mfrac>", lambda m: _two(m[1], "({})/({})"), s, flags=re.S)
    s = re.sub(r"<msqrt>(.*?)</msqrt>", r"√(\1)", s, flags=re.S)
    s = re.sub(r"<[^>]+>", "", s)
    return re.sub(r"\s+", " ", html.unescape(s)).strip()


def _two(inner: str, fmt: str) -> str:
    """Split the first two top-level children of a MathML element (a rough reading, no parser)."""
    depth, cut = 0, None
    for m in re.finditer(r"<(/?)([a-z]+)[^>]*?(/?)>", inner):
        if m[3]:
            continue
        depth += -1 if m[1] else 1
        if depth == 0:
            cut = m.end()
            break
    if cut is None:
        return inner
    return fmt.format(inner[:cut], inner[cut:])


def _page_url(url: str) -> str:
    """A site path as the folder URL of a page ("a/b/index.html" and "a/b" → "a/b/")."""
    path = url.removesuffix("index.html")
    return path if not path or path.endswith("/") or "." in posixpath.basename(path) else path + "/"


_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:-]{1,60}")


class _Linker:
    """Rewrites one part's ids and links for the single print page. Ids become the part's key
    and the id, or a short ASCII stand-in for a Chinese one (the PDF's destination names)."""

    def __init__(self, part: Part, keys: dict[str, str], site_url: str, names: dict | None = None):
        self.part, self.keys, self.site_url = part, keys, site_url.rstrip("/") + "/"
        self.names = names if names is not None else {}

    def _name(self, key: str, value: str) -> str:
        if _PLAIN_ID.fullmatch(value):
            return f"{key}--{value}"
        if (key, value) not in self.names:
            self.names[(key, value)] = f"{key}--h{sum(1 for k, _ in self.names if k == key) + 1}"
        return self.names[(key, value)]

    def ident(self, value: str) -> str:
        return value if value.startswith("MJX-") else self._name(self.part.key, value)

    def href(self, value: str) -> str:
        if not value or value.startswith(("mailto:", "data:")):
            return value
        if value.startswith("#"):
            return "#" + self.ident(unquote(value[1:])) if value[1:] else "#" + self.part.key
        target = urljoin(HOST + self.part.url, value)
        if not target.startswith(HOST):
            return value  # external: stays a clickable URI
        parts = urlsplit(target)
        path = _page_url(unquote(parts.path)[1:])
        if path in self.keys:
            key = self.keys[path]
            return "#" + self._name(key, unquote(parts.fragment)) if parts.fragment else f"#{key}"
        # A page or file the print does not hold (gallery, downloads): the online copy.
        return self.site_url + parts.path[1:] + (f"#{parts.fragment}" if parts.fragment else "")

    def src(self, value: str) -> str:
        if not value or value.startswith(("data:", "#", "http:", "https:")):
            return value
        return urlsplit(urljoin(HOST + self.part.url, value)).path

    def __call__(self, text: str) -> str:
        text = _ID.sub(lambda m: m[1] + html.escape(self.ident(html.unescape(m[2]))) + m[3], text)
        text = _HREF.sub(lambda m: m[1] + html.escape(self.href(html.unescape(m[2]))) + m[3], text)
        return _SRC.sub(lambda m: m[1] + html.escape(self.src(html.unescape(m[2]))) + m[3], text)


def prepare(body: str, part: Part) -> tuple[str, dict[str, str]]:
    """One article made printable; returns it and its math glyph definitions (id → path)."""
    glyphs: dict[str, str] = {}
    for defs in _GLYPHS.findall(body):
        for m in _GLYPH.finditer(defs):
            glyphs.setdefault(m[1], m[0])
    body = _GLYPHS.sub("", body)
    body = _HEADERLINK.sub("", body)
    body = _SOURCE_FOLD.sub("", body)
    body = body.replace(' loading="lazy"', "")
    # The light scheme's page layout only: a figure's dark variant is dropped, its zoom link too.
    body = _DARK.sub("", body)
    body = re.sub(r'<a class="(gb-zoom[^"]*)" href="[^"]*">', r'<a class="\1">', body)

    def alt(m: re.Match) -> str:
        label = html.escape(math_text(m[4]))
        return f'{m[1]}{m[2]} aria-label="{label}"{m[3]}'

    body = _MATH.sub(alt, body)
    # Answers to the exercises: gathered after the chapter, with a link both ways.
    answers: list[str] = []

    def gather(m: re.Match) -> str:
        number = (_EXERCISE.findall(body, 0, m.start()) or [str(len(answers) + 1)])[-1]
        n = len(answers) + 1
        answers.append(
            f'<div class="gb-answer" id="answer-{n}"><p class="gb-answer-head">'
            f'<a href="#exercise-{n}">习题 {number}</a></p>{m[1]}</div>'
        )
        return (
            f'<p class="gb-answer-ref" id="exercise-{n}"><a href="#answer-{n}">'
            f'答案见第 <span class="gb-pageref" data-target="answer-{n}"></span> 页</a></p>'
        )

    body = _ANSWER.sub(gather, body)
    if answers:
        body += '<section class="gb-answers"><h2 id="answers">本章习题答案</h2>' + "".join(answers) + "</section>"
    body = _DETAILS.sub(lambda m: "<details open" + (m[1] or "") + ">", body)
    return body, glyphs


def _toc_entries(body: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of the h1 and h2 headings of a prepared, relinked article."""
    out = []
    for m in re.finditer(r'<h([12])\b[^>]*\sid="([^"]+)"[^>]*>(.*?)</h\1>', body, re.S):
        text = re.sub(r"<mjx-container.*?</mjx-container>", lambda x: _alt_of(x[0]), m[3], flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        out.append((int(m[1]), m[2], text))
    return out


def _alt_of(container: str) -> str:
    m = re.search(r'aria-label="([^"]*)"', container)
    return html.unescape(m[1]) if m else ""


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def assemble(
    parts: list[Part], pages: dict[str, str], *, title: str, subtitle: str, site_url: str, date: str, head: str
) -> str:
    """The print page: ``pages`` maps each part's url to its built HTML; ``head`` is the
    built site's stylesheet links (so the print follows the site's look)."""
    keys = {p.url: p.key for p in parts if p.kind == "page"}
    sections, page_rules, toc = [], [], []
    glyphs: dict[str, str] = {}
    names: dict[tuple[str, str], str] = {}
    for i, part in enumerate(parts):
        name = f"gb-part-{i}"
        page_rules.append(f"@page {name} {{ @top-center {{ content: {_css_string(part.title)}; }} }}")
        if part.kind == "notebooks":
            items = "".join(
                f'<li><a href="{html.escape(site_url.rstrip("/") + "/" + url)}">{html.escape(t)}</a></li>'
                for t, url in part.items
            )
            body = (
                f'<h1 id="{part.key}--title">{html.escape(part.title)}</h1>'
                "<p>这一部分是可以运行的 Jupyter 笔记本：每个练习都有代码、输出和答案，"
                "需要在电脑上边读边改、边运行，所以没有收进 PDF。它们在网站上以执行过的页面发布，"
                "也可以下载 .ipynb 文件在本地打开：</p>"
                f'<ul class="gb-notebooks">{items}</ul>'
            )
        else:
            where = part.url or "index.html"
            body, defs = prepare(article(pages[part.url], where), part)
            for k, v in defs.items():
                glyphs.setdefault(k, v)
            body = _Linker(part, keys, site_url, names)(body)
        entries = _toc_entries(body)
        first = entries[0][1] if entries and entries[0][0] == 1 else part.key
        rows = [(0, first, part.title)] + [(1, ident, text) for level, ident, text in entries if level == 2]
        toc.append((part.section, rows))
        sections.append(
            f'<section class="gb-part" id="{part.key}" style="page: {name}" '
            f'data-title="{html.escape(part.title)}">{body}</section>'
        )
    contents, last_section = [], None
    for section, rows in toc:
        if section and section != last_section:
            contents.append(f'<li class="gb-toc-section">{html.escape(section)}</li>')
        last_section = section
        for level, ident, text in rows:
            cls = "gb-toc-part" if level == 0 else "gb-toc-sub"
            contents.append(
                f'<li class="{cls}"><a href="#{html.escape(ident)}">'
                f'<span class="gb-toc-text">{html.escape(text)}</span>'
                f'<span class="gb-toc-dots"></span><span class="gb-pageref" data-target="{html.escape(ident)}">'
                "</span></a></li>"
            )
    css = PRINT_CSS.read_text(encoding="utf-8")
    return (
        '<!doctype html>\n<html lang="zh-Hans" dir="ltr"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>{head}<style>{css}\n{chr(10).join(page_rules)}</style></head>"
        '<body data-md-color-scheme="default" data-md-color-primary="indigo" data-md-color-accent="deep-orange">'
        f'<svg class="gb-math-glyphs" style="display: none" aria-hidden="true"><defs>{"".join(glyphs.values())}'
        "</defs></svg>"
        f'<div class="gb-cover"><p class="gb-cover-title">{html.escape(title)}</p>'
        f'<p class="gb-cover-subtitle">{html.escape(subtitle)}</p>'
        f'<p class="gb-cover-url"><a href="{html.escape(site_url)}">{html.escape(site_url)}</a></p>'
        f'<p class="gb-cover-date">{html.escape(date)}</p></div>'
        '<nav class="gb-toc md-typeset"><h1 id="gb-contents">目录</h1><ol>' + "".join(contents) + "</ol></nav>"
        '<main class="md-typeset">' + "".join(sections) + "</main></body></html>"
    )


def stylesheets(pages: dict[str, str]) -> str:
    """The stylesheet links of the built pages (url: HTML), made root-relative for the print page:
    every page's, since some link one only where it is used (mkdocstrings' on the API page), each
    once, in an order that keeps every page's own (a link new to the list goes before the next
    link of its page already there)."""
    order: list[str] = []
    for page_url, page_html in pages.items():
        links = [
            html.escape(urlsplit(urljoin(HOST + page_url, href)).path)
            for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"[^>]*>', page_html)
            if not href.startswith(("http:", "https:"))
        ]
        for i, link in enumerate(links):
            if link not in order:
                after = next((order.index(x) for x in links[i + 1 :] if x in order), len(order))
                order.insert(after, link)
    return "".join(f'<link rel="stylesheet" href="{link}">' for link in order)
