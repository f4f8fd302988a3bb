"""The figure gallery as Markdown, generated from the scripts themselves.

Knows nothing of MkDocs: the caller gives the book's pages in reading order with their figure
references, and gets back Markdown in which every figure is a standard figure line, so the build
renders, numbers and caches gallery figures like any other.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from gradbook.engine.pages import Ref
from gradbook.engine.registry import FigureSpec, figure_names, find_figure

MARKER = "<!-- gradbook:gallery -->"


@dataclass(frozen=True)
class Appearance:
    title: str  # the page's title, e.g. "第 1 章 梯度的定义"
    link: str  # a Markdown link target relative to the gallery page, anchor included
    number: str  # the figure's number on that page, e.g. "1.3"
    sweep: str | None = None  # the parameter a slider moves there (an explorable figure), if any


def _value(v) -> str:
    return repr(v) if isinstance(v, str) else str(v)


def _example(spec: FigureSpec) -> str:
    """A ``--set`` that changes something, so the reader sees the syntax with a real value."""
    for p in spec.params:
        if isinstance(p.default, bool):
            return f"--set {p.name}={str(not p.default).lower()}"
        if isinstance(p.default, int):
            return f"--set {p.name}={p.default * 2 or 1}"
        if isinstance(p.default, float):
            return f"--set {p.name}={p.default * 1.5 if p.default else 0.5:g}"
    return ""


# A figure's picture in the gallery, as HTML, from its name (``thumbnails``): a thumbnail linking to
# the figure where the book shows it. Without one, the full figure, as a figure line.
Thumbnails = Callable[[str], str]


def thumbnail_html(
    name: str, alt: str, href: str, srcs: dict[str, str], size: tuple[int, int], caption: str = ""
) -> str:
    """One thumbnail per colour scheme (``srcs``: scheme -> URL), each a link to ``href``; CSS shows
    the scheme's, and the other, hidden and loading lazily, is never fetched. Width and height set:
    no layout shift as they load. ``caption``: Markdown (the figure's caption)."""
    alt = html.escape(alt)
    imgs = "".join(
        f'<a class="gb-{scheme}" href="{html.escape(href)}"><img src="{src}" alt="{alt}" width="{size[0]}" '
        f'height="{size[1]}" loading="lazy" decoding="async"></a>'
        for scheme, src in srcs.items()
    )
    caption = f'  <figcaption markdown="span">{caption}</figcaption>' if caption else ""
    return "\n".join([f'<figure class="gb-thumb" id="fig-{name}" markdown="span">', f"  {imgs}", caption, "</figure>"])


def figure_section(
    spec: FigureSpec, appearances: list[Appearance], figures_link: str, heading: str = "###", picture: str = ""
) -> str:
    picture = picture or f"![]({figures_link}/{spec.name}.svg)"
    lines = [f"{heading} `{spec.name}`", "", picture, ""]
    if appearances:
        where = "，".join(f"[{a.title}]({a.link})（图 {a.number}{'，可拖动' if a.sweep else ''}）" for a in appearances)
        lines += [f"**出现在**：{where}", ""]
    else:
        lines += ["**出现在**：只在图库中。", ""]
    if swept := list(dict.fromkeys(a.sweep for a in appearances if a.sweep)):
        knobs = "、".join(f"${spec.sweeps.get(n, {}).get('label', n)}$（`{n}`）" for n in swept)
        lines += [f"**可拖动**：书中这张图下有滑块，拖动它改变 {knobs}，图随之变化。", ""]
    if spec.params:
        lines += ["| 参数 | 类型 | 默认值 |", "| --- | --- | --- |"]
        lines += [f"| `{p.name}` | `{p.type_name}` | `{_value(p.default)}` |" for p in spec.params]
        lines.append("")
    else:
        lines += ["这张图没有参数。", ""]
    example = _example(spec)
    lines += [
        "```bash",
        f"gradbook render {spec.name} -o {spec.name}.png {example}".rstrip(),
        f"python figures/{spec.name}.py -o {spec.name}.svg {example}".rstrip(),
        *[f"gradbook render {spec.name} --sweep {n} -o {spec.name}.gif  # 每个取值一帧的动画" for n in swept],
        "```",
        "",
    ]
    return "\n".join(lines)


def gallery_markdown(
    figures_dir: Path,
    appearances: dict[str, list[Appearance]],
    groups: list[tuple[str, list[str]]],
    figures_link: str = "figures",
    thumbnails: Thumbnails | None = None,
) -> str:
    """Every figure in ``figures_dir``, grouped: ``groups`` is [(heading, [names])] in book order;
    figures in no group are listed last, under 其他图."""
    names = figure_names(figures_dir)
    placed = {n for _, group in groups for n in group}
    out = [f"共 {len(names)} 张图。", ""]
    for heading, group in [*groups, ("其他图", [n for n in names if n not in placed])]:
        group = [n for n in group if n in names]
        if not group:
            continue
        out += [f"## {heading}", ""]
        for name in group:
            spec, uses = find_figure(name, figures_dir), appearances.get(name, [])
            out.append(figure_section(spec, uses, figures_link, picture=thumbnails(name) if thumbnails else ""))
    return "\n".join(out)


def first_uses(pages: Iterable[tuple[str, str, list[Ref]]]) -> dict[str, tuple[str, str]]:
    """Where each figure first shows in reading order: (page uri, anchor)."""
    first: dict[str, tuple[str, str]] = {}
    for uri, _, refs in pages:
        for ref in refs:
            first.setdefault(ref.request.name, (uri, ref.anchor))
    return first


def gallery_page(
    figures_dir: Path,
    pages: Iterable[tuple[str, str, list[Ref]]],
    gallery_uri: str,
    thumbnails: Thumbnails | None = None,
) -> str:
    """The gallery's Markdown: ``pages`` is [(page uri, title, its references)] in reading order;
    each figure is grouped under the first page that shows it and links to every use."""
    gallery_dir = posixpath.dirname(gallery_uri) or "."
    appearances: dict[str, list[Appearance]] = {}
    groups: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for uri, title, refs in pages:
        if not refs:
            continue
        group = []
        for ref in refs:
            name = ref.request.name
            link = posixpath.relpath(uri, gallery_dir) + f"#{ref.anchor}"
            sweep = ref.sweep.param if ref.sweep else None
            appearances.setdefault(name, []).append(Appearance(title, link, ref.number, sweep))
            if name not in seen:
                seen.add(name)
                group.append(name)
        groups.append((title, group))
    return gallery_markdown(figures_dir, appearances, groups, posixpath.relpath("figures", gallery_dir), thumbnails)
