"""Figure references in a page's Markdown, each resolved once: found, checked, turned into a
canonical Request, given its output path, HTML id and number.

Knows nothing of MkDocs: it reads the page as written (front matter included, so line numbers
are the author's), and ``replace_lines`` puts whatever the caller emits for each reference on
the very line ``scan`` matched, in the same text. Nothing is looked up a second time.
"""

from __future__ import annotations

import posixpath
import re
import struct
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from gradbook.engine.registry import READOUT, FigureError, FigureScriptError, FigureSpec
from gradbook.engine.request import Request, resolve
from gradbook.engine.sweep import Sweep
from gradbook.engine.sweep import parse as parse_sweep

# A figure is an image on a line of its own whose path ends in figures/NAME.svg|png, optionally
# with parameters as a query string and a caption for this use as its title (the alt text, if
# given, likewise replaces the script's ALT): ![alt](figures/lr.svg?lr=0.1 "caption"){ attrs }
FIGURE_LINE = re.compile(
    r"^(?P<indent>[ \t]*)!\[(?P<alt>[^\]]*)\]\((?P<url>(?:[^)\s]*/)?figures/"
    r"(?P<name>[^/)\s?]+?)\.(?P<fmt>svg|png)(?:\?(?P<query>[^)\s]*))?)"
    r"(?:[ \t]+\"(?P<title>[^\"]*)\")?\)"
    r"(?P<attrs>\{[^}\n]*\})?[ \t]*$",
    re.MULTILINE,
)
# Any image (Markdown or <img>) whose path runs through figures/: one not matched by FIGURE_LINE
# would become a bare <img> of the default figure, so it stops the build instead.
FIGURE_IMAGE = re.compile(
    r"!\[[^\]]*\]\(\s*<?(?P<url>(?:[^)\s>]*/)?figures/(?P<name>[^/)\s>?.]+)[^)\s>]*)[^)]*\)"
    r"|<img\b[^>]*\bsrc=[\"']?(?P<src>(?:[^\"'\s>]*/)?figures/(?P<src_name>[^/\"'\s>?.]+)[^\"'\s>]*)"
)
CODE_SPAN = re.compile(r"(`+).+?\1")
FENCE = re.compile(r"^[ \t]*(```|~~~)")
FIGURE_SYNTAX = '![alt](figures/NAME.svg?key=value "caption"){ attrs }'  # &sweep=key: explorable
# Error headings: who has to fix it.
BAD_REFERENCE = "bad figure reference"  # the page
BROKEN_SCRIPT = "broken figure script"  # the script, found before anything runs
SCRIPT_FAILED = "figure script failed"  # the script, while it ran

Errors = dict[str, list[str]]  # heading -> "page:line: figure 'name': reason" lines


@dataclass(frozen=True)
class Ref:
    """One figure reference, resolved."""

    page: str  # the page's path in the docs folder
    line: int  # 1-based, in the page as written
    spec: FigureSpec
    request: Request
    alt: str  # as written; empty: the script's ALT
    caption: str | None  # this use's caption, instead of the script's
    attrs: str  # attr_list as written, braces included, or ""
    indent: str
    target: str  # the output's path in the site
    anchor: str  # the HTML id: fig-NAME, then fig-NAME-2, fig-NAME-3 for repeats on one page
    number: str  # 图 N.k on a chapter page (front matter ``chapter: N``), 图 k elsewhere
    label: str | None = None  # this use's name for cross-references, from ``{ #fig:LABEL }``; anchor fig-LABEL
    sweep: Sweep | None = None  # ?sweep=…: an explorable figure, its frames beside the image

    def requests(self) -> tuple[Request, ...]:
        """Everything this reference needs rendered: the image, and a sweep's frames and readouts."""
        return (self.request, *(self.sweep.requests() if self.sweep else ()))

    def outputs(self) -> dict[str, Request]:
        """The files this reference puts in the site, by path: the image and its frames, side by side."""
        folder = posixpath.dirname(self.target)
        return {posixpath.join(folder, r.filename): r for r in self.requests() if r.fmt != READOUT}


def use_label(attrs: str, figure: str) -> tuple[str | None, str]:
    """(label, the other attrs) from a figure line's attrs: ``{ #fig:LABEL .cls }`` names this use
    for cross-references (gradbook.engine.xref); any other id is the build's to give."""
    label = None
    rest = []
    for token in attrs.strip("{} ").split():
        if token.startswith("#fig:") and re.fullmatch(r"[a-z][a-z0-9_]*", token[5:]) and label is None:
            label = token[5:]
        elif token.startswith("#"):
            raise FigureError(
                f"'{token}': the build gives a figure its id; name this use with {{ #fig:LABEL }} "
                "(lower case, digits, _) and refer to it as [图](#fig:LABEL)",
                figure,
            )
        else:
            rest.append(token)
    return label, "{ " + " ".join(rest) + " }" if rest else ""


def figure_number(chapter, index: int) -> str:
    """The number a figure is shown with: N.k on a chapter page, k elsewhere. The gallery quotes it."""
    return f"{chapter}.{index}" if chapter is not None else str(index)


def lines_outside_fences(text: str) -> Iterator[tuple[int, str]]:
    """(line_number, line) for lines outside fenced code blocks."""
    fence = None
    for n, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif m.group(1) == fence:
                fence = None
            continue
        if fence is None:
            yield n, line


def find_refs(page: str, markdown: str) -> list[tuple[int, re.Match]]:
    """(line, match) of each figure line: the build's own reading, for tests and tools."""
    return [(n, m) for n, line in lines_outside_fences(markdown) if (m := FIGURE_LINE.match(line))]


def unhandled_figure(line: str) -> tuple[str, str] | None:
    """(figure, reason) if the line holds a figures/ image that is not a figure line, else None."""
    text = CODE_SPAN.sub("code", line).strip()  # `![](figures/x.svg)` in prose is an example, not a use
    m = FIGURE_IMAGE.search(text)
    if m is None:
        return None
    if m["src"] is not None:
        return m["src_name"], f"an HTML <img> of a figure is not rendered; write {FIGURE_SYNTAX} on a line of its own"
    if not re.search(r"\.(svg|png)(\?|$)", m["url"]):
        return m["name"], f"'{posixpath.basename(m['url'])}': figures are .svg or .png"
    if m.start() > 0 or not re.fullmatch(r"\s*(\{[^}]*\})?", text[m.end() :]):
        return m["name"], f"a figure must stand on a line of its own (it becomes a numbered block): {FIGURE_SYNTAX}"
    return m["name"], f"not a figure reference the build understands; write {FIGURE_SYNTAX}"


def scan(
    page: str, text: str, spec_of: Callable[[str], FigureSpec], chapter=None, errors: Errors | None = None
) -> list[Ref]:
    """The page's figure references, each resolved once; each problem goes into ``errors``
    under its heading (a FigureError is raised instead when no ``errors`` is given)."""
    refs: list[Ref] = []
    uses: Counter[str] = Counter()
    for line, source in lines_outside_fences(text):
        where = f"{page}:{line}"
        try:
            m = FIGURE_LINE.match(source)
            if m is None:
                if unhandled := unhandled_figure(source):
                    raise FigureError(unhandled[1], unhandled[0])
                continue
            spec = spec_of(m["name"])
            query = dict(parse_qsl(m["query"] or "", keep_blank_values=True))
            sweep_text = query.pop("sweep", None)
            request = resolve(spec, query, m["fmt"])
            sweep = parse_sweep(spec, sweep_text, query, m["fmt"]) if sweep_text is not None else None
            if m["title"] is not None and not m["title"].strip():
                raise FigureError('empty caption: give the title text, or drop the ""', spec.name)
            label, attrs = use_label(m["attrs"] or "", spec.name)
        except FigureError as exc:  # its message names the figure
            if errors is None:
                raise FigureError(f"{where}: {exc}") from None
            heading = BROKEN_SCRIPT if isinstance(exc, FigureScriptError) else BAD_REFERENCE
            errors.setdefault(heading, []).append(f"{where}: {exc}")
            continue
        if label is None:
            uses[spec.name] += 1
        written = posixpath.normpath(posixpath.join(posixpath.dirname(page), m["url"].split("?", 1)[0]))
        refs.append(
            Ref(
                page,
                line,
                spec,
                request,
                m["alt"].strip(),
                m["title"].strip() if m["title"] is not None else None,
                attrs,
                m["indent"],
                target=posixpath.join(posixpath.dirname(written), request.filename),
                anchor=f"fig-{label}"
                if label
                else f"fig-{spec.name}" + (f"-{uses[spec.name]}" if uses[spec.name] > 1 else ""),
                number=figure_number(chapter, len(refs) + 1),
                label=label,
                sweep=sweep,
            )
        )
    return refs


def replace_lines(text: str, blocks: Mapping[int, str]) -> str:
    """``text`` with line n (1-based, as ``scan`` numbers them) replaced by ``blocks[n]``."""
    lines = text.splitlines(keepends=True)
    for n, block in blocks.items():
        ending = lines[n - 1][len(lines[n - 1].rstrip("\r\n")) :]
        lines[n - 1] = block + ending
    return "".join(lines)


def report(errors: Errors) -> str:
    return "\n".join(f"gradbook: {heading}\n  " + "\n  ".join(lines) for heading, lines in errors.items())


def failure_report(failures: list[tuple[Request, str]], refs: list[Ref]) -> str:
    """Each failed render, with every page and line that asked for it."""
    lines = []
    for req, message in failures:
        pages = sorted({f"{r.page}:{r.line}" for r in refs if req in r.requests()})
        params = ", ".join(f"{k}={v!r}" for k, v in req.params)
        what = "readout(d) of figure" if req.fmt == READOUT else "figure"  # a sweep's frame text
        lines.append(
            f"{', '.join(pages)}: {what} '{req.name}'" + (f" ({params})" if params else "") + f": {message}"
        )  # a script's own error ends with its file and line
    return report({SCRIPT_FAILED: lines})


def image_size(data: bytes, fmt: str) -> tuple[int, int] | None:
    """CSS pixel size, so the browser reserves the figure's box before it loads (no layout shift)."""
    if fmt == "svg":
        m = re.search(rb'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"', data[:2000])
        if m:
            return round(float(m.group(1)) * 4 / 3), round(float(m.group(2)) * 4 / 3)
    elif fmt == "png" and data[:8] == b"\x89PNG\r\n\x1a\n":
        w, h = struct.unpack(">II", data[16:24])
        return round(w * 96 / 150), round(h * 96 / 150)  # saved at 150 dpi
    return None
