"""Chinese typesetting fixes for a page's finished HTML (after its math has been typeset).

Knows nothing of MkDocs: give it an HTML fragment, get it back fixed. The MkDocs side is the hook
file gradbook/mkdocs/hooks.py. Three fixes, each small and deterministic:

- ``join_cjk_breaks``: the source keeps Chinese paragraphs wrapped for readable diffs, but a
  browser renders each line break as a space, so "网络。⏎这一章" reads "网络。 这一章". A line
  break (with the whitespace around it) between two Chinese characters or punctuation marks is
  removed, and so is the space after a bold label ending in punctuation ("**证明。** 对").
  This works on the HTML, not the Markdown, so it covers chapter pages and notebook cells alike
  and never touches code, math, tables' structure or list markers: only text runs inside one
  block, where inline tags (links, bold, ...) are transparent and code or math ends the run.
  CSS Text 3 asks browsers to drop such breaks between CJK characters; they do not yet.
- ``keep_punctuation_with_math``: a browser may break the line between inline math and the
  comma after it ("cos α⏎，"). The math and the closing punctuation right after it (and any
  opening punctuation right before it) are wrapped in ``<span class="gb-nowrap">``, which the
  stylesheet keeps on one line.
- ``cjk_text_in_math``: MathJax draws characters its TeX fonts lack (Chinese in ``\\text{}``)
  one ``<text>`` per character in a generic serif at 0.884 em, so "（学习率）" looked spaced out
  and in a different face. Such characters inherit the page's (sans) font instead, at the full
  em that MathJax already reserved for each of them, so they sit side by side.
"""

from __future__ import annotations

import re

# Chinese characters and the punctuation set in Chinese text (full-width forms, 、。「」《》,
# the curly quotes, the em dash and the ellipsis).
CJK = (
    "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\u2014\u2018\u2019\u201c\u201d\u2026"
)
# Punctuation that may not start a line (after math) or end one (before math).
CLOSING = "，。、；：！？）」』】》〉”’…"
OPENING = "（「『【《〈“‘"

_TOKEN = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][\w:-]*)\b[^>]*>|[^<]+|<", re.S)
# Inside these nothing is prose; each one counts as a single non-Chinese object in the text.
_SKIP = {"pre", "code", "kbd", "samp", "script", "style", "svg", "math", "mjx-container", "textarea"}
# Tags that do not interrupt a run of text; any other tag ends it.
_INLINE = {
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
# mkdocs-jupyter's copy-to-clipboard text of a code cell is code in a <div>.
_SKIP_CLASS = re.compile(r'\sclass="[^"]*\bclipboard-copy-txt\b')
_OBJECT = "\ufffc"  # stands for code or math inside a run of text
_BOLD_END = "\x02"  # where a bold run ends, inside a run of text
# A line break between two Chinese characters or punctuation marks; and the space Markdown needs
# after a bold label that ends in punctuation ("**证明。** 对第", as "**证明。**对第" is no bold),
# which would otherwise follow the full stop's own blank half as a second gap.
_BREAK = re.compile(
    rf"(?<=[{CJK}]){_BOLD_END}*[ \t\r]*\n[ \t\r\n]*(?={_BOLD_END}*[{CJK}])"
    rf"|(?<=[{CLOSING}]){_BOLD_END}+[ \t]+(?=[{CJK}])"
)


def join_cjk_breaks(html: str) -> str:
    """Remove the source line breaks that fall between two Chinese characters or punctuation marks."""
    parts: list[str] = []
    run: list[tuple[int, int]] = []  # (index into parts, start offset in the run's text)
    text: list[str] = []
    cuts: dict[int, list[tuple[int, int]]] = {}
    skip, depth = None, 0

    def end_run() -> None:
        joined = "".join(text)
        for m in _BREAK.finditer(joined):
            for index, start in run:  # the break may span several text pieces
                piece = parts[index]
                a, b = max(m.start(), start), min(m.end(), start + len(piece))
                if a < b:
                    cuts.setdefault(index, []).append((a - start, b - start))
        run.clear()
        text.clear()

    for m in _TOKEN.finditer(html):
        token, closing, name = m[0], m[1], (m[2] or "").lower()
        parts.append(token)
        if skip is not None:
            if name == skip and not token.endswith("/>"):
                depth += -1 if closing else 1
                if depth == 0:
                    skip = None
            continue
        if name:
            if (name in _SKIP or _SKIP_CLASS.search(token)) and not closing and not token.endswith("/>"):
                skip, depth = name, 1
                text.append(_OBJECT)
            elif closing and name in ("strong", "b"):
                text.append(_BOLD_END)
            elif name not in _INLINE:
                end_run()
            continue
        if token.startswith("<!--"):
            continue
        run.append((len(parts) - 1, sum(map(len, text))))
        text.append(token)
    end_run()
    for index, spans in cuts.items():
        piece = parts[index]
        for a, b in sorted(spans, reverse=True):
            piece = piece[:a] + piece[b:]
        parts[index] = piece
    return "".join(parts)


_INLINE_MATH = re.compile(
    r'<span class="arithmatex"><mjx-container class="MathJax" jax="SVG"(?P<attrs>[^>]*)>'
    r".*?</mjx-container></span>",
    re.S,
)
_CLOSING_RUN = re.compile(f"[{CLOSING}]+")
_NOWRAP = '<span class="gb-nowrap">'


def keep_punctuation_with_math(html: str) -> str:
    """Wrap inline math and the Chinese punctuation touching it in ``<span class="gb-nowrap">``."""
    out, pos = [], 0
    for m in _INLINE_MATH.finditer(html):
        close = _CLOSING_RUN.match(html, m.end())
        if 'display="true"' in m["attrs"] or close is None:
            continue
        start = m.start()
        while start > pos and html[start - 1] in OPENING:
            start -= 1
        if html.endswith(_NOWRAP, 0, start):  # wrapped already
            continue
        out += [html[pos:start], _NOWRAP, html[start : close.end()], "</span>"]
        pos = close.end()
    return "".join(out) + html[pos:]


_MATH_TEXT = re.compile(
    rf'<text data-variant="[^"]*" (transform="[^"]*") font-size="[\d.]+px" '
    rf'font-family="serif">([{CJK}]+)</text>'
)


def cjk_text_in_math(html: str) -> str:
    """Chinese in typeset math: in the page's font and at the em MathJax reserved for it."""
    return _MATH_TEXT.sub(r'<text \1 font-size="1000px" class="gb-math-cjk">\2</text>', html)


def typeset(html: str) -> str:
    """All three fixes, in the order they need: math first (its markup), then breaks."""
    return join_cjk_breaks(keep_punctuation_with_math(cjk_text_in_math(html)))
