"""The executed notebooks' stylesheet, pruned and shared instead of inlined in every page.

nbconvert's JupyterLab template writes ~590 kB of CSS into each notebook page: JupyterLab's whole
interface (file browser, menus, Blueprint widgets) and ~560 custom properties. A page is styled by
a few hundred of those rules. ``split`` takes the inline styles (and the Mermaid loader, when no
diagram needs it) out of a notebook's HTML; ``prune`` keeps what the pages can use.

Pruning is conservative: a selector goes only when it names a class that no notebook page has.
Material's own classes (``md-*``: its bundle adds some at run time), element names, attributes,
ids and whatever sits inside ``:not()``, ``:is()`` and the like are not judged. A custom property
goes when nothing kept, and none of ``extra`` (the book's own CSS, the pages), reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import tinycss2

_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>\s*", re.S)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.S)
_CLASS = re.compile(r"""\sclass=["']([^"']*)["']""")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
ALWAYS = ("md-",)  # class prefixes kept unjudged: Material's, some added by its bundle at run time


def split(html: str) -> tuple[str, list[str]]:
    """``html`` without its ``<style>`` blocks, and those blocks' CSS in page order. The Mermaid
    loader goes too when the page has no Mermaid diagram (it does nothing then but parse), as do
    MathJax 2's loader and configuration (the book's math is typeset at build time)."""
    styles = [m[1] for m in _STYLE.finditer(html)]
    html = _STYLE.sub("", html)
    mermaid = "jp-Mermaid" in " ".join(" ".join(m[1].split()) for m in _CLASS.finditer(html))

    def script(m: re.Match) -> str:
        text = m[0]
        if not mermaid and "mermaid" in text and 'type="module"' in text[: text.find(">")]:
            return ""
        if 'type="text/x-mathjax-config"' in text or '<script src="data:text/javascript,">' in text:
            return ""
        return text

    return _SCRIPT.sub(script, html), styles


def classes(html: str) -> set[str]:
    """Every class named in ``html``'s class attributes."""
    return {c for m in _CLASS.finditer(html) for c in m[1].split()}


def var_reads(text: str) -> set[str]:
    """The custom properties ``text`` (CSS, or HTML with inline styles) reads through ``var()``."""
    return set(_VAR.findall(text))


def prune(css: str, used_classes: Iterable[str], extra: Iterable[str] = ()) -> str:
    """``css`` without the rules no element of the pages can match (the pages have
    ``used_classes``), without the custom properties nothing reads and the keyframes nothing runs."""
    rules = _prune_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), set(used_classes))
    reads = set().union(*(var_reads(text) for text in extra))
    defined: dict[str, list[str]] = {}
    for decl in _declarations(rules):
        value = tinycss2.serialize(decl.value)
        if decl.name.startswith("--"):
            defined.setdefault(decl.name, []).append(value)
        else:
            reads |= var_reads(value)
    todo = list(reads)
    while todo:  # a property that is read may itself read others
        for value in defined.get(todo.pop(), ()):
            for name in var_reads(value) - reads:
                reads.add(name)
                todo.append(name)
    keyframes = [r for r in rules if r.type == "at-rule" and r.lower_at_keyword.endswith("keyframes")]
    body = [text for r in rules if r not in keyframes and (text := _serialize(r, reads))]
    running = "\n".join(body)
    for rule in keyframes:
        name = tinycss2.serialize(rule.prelude).strip()
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", running):
            body.append(rule.serialize())
    return "\n".join(body) + "\n"


@dataclass
class _Group:
    """A pruned @media or @supports block."""

    type: str
    keyword: str
    prelude: str
    rules: list


def _prune_rules(rules: list, used: set[str]) -> list:
    kept: list = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_commas(rule.prelude) if _may_match(s, used)]
            if selectors:
                rule.prelude = _join_commas(selectors)
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
            inner = _prune_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), used)
            if inner:
                kept.append(_Group("group", rule.at_keyword, tinycss2.serialize(rule.prelude), inner))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "charset":
            continue  # only valid first in a file; the page is UTF-8 anyway
        elif rule.type != "error":
            kept.append(rule)
    return kept


def _split_commas(tokens: list) -> Iterator[list]:
    current: list = []
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            yield current
            current = []
        else:
            current.append(token)
    yield current


def _join_commas(selectors: list[list]) -> list:
    joined: list = []
    for i, selector in enumerate(selectors):
        if i:
            joined.append(tinycss2.ast.LiteralToken(0, 0, ","))
        joined.extend(selector)
    return joined


def _may_match(selector: list, used: set[str]) -> bool:
    """False only when the selector names, outside any function, a class the pages lack."""
    previous = None
    for token in selector:
        if (
            token.type == "ident"
            and previous is not None
            and previous.type == "literal"
            and previous.value == "."
            and not token.value.startswith(ALWAYS)
            and token.value not in used
        ):
            return False
        previous = token
    return True


def _items(rule) -> list:
    return tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)


def _declarations(rules: list) -> Iterator:
    for rule in rules:
        if rule.type == "qualified-rule":
            yield from (item for item in _items(rule) if item.type == "declaration")
        elif rule.type == "group":
            yield from _declarations(rule.rules)


def _serialize(rule, reads: set[str]) -> str:
    """The rule as CSS without its unread custom properties; empty if nothing is left of it."""
    if rule.type == "qualified-rule":
        kept = [
            item.serialize()
            for item in _items(rule)
            if item.type != "error"
            and not (item.type == "declaration" and item.name.startswith("--") and item.name not in reads)
        ]
        return f"{tinycss2.serialize(rule.prelude).strip()}{{{';'.join(kept)}}}" if kept else ""
    if rule.type == "group":
        inner = "\n".join(text for r in rule.rules if (text := _serialize(r, reads)))
        return f"@{rule.keyword}{rule.prelude}{{\n{inner}\n}}" if inner else ""
    return rule.serialize()
