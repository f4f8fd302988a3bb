"""Figure cross-references by name: ``[图](#fig:NAME)`` in a page's Markdown becomes
``[图 2.3](02-linear-model.md#fig-NAME)``, the number and the page found book-wide.

Knows nothing of MkDocs: the caller scans every page first (``pages.scan``), builds one
``CrossRefs`` from all the pages' figures, then rewrites each page's Markdown with ``resolve``.

The syntax (what an author writes):

- ``[图](#fig:NAME)``: 图 and the number of figure NAME, linked to it. NAME is the script's name.
- ``[](#fig:NAME)``: the number alone, for runs such as ``[图](#fig:a) 和 [](#fig:b)``.
- A figure shown more than once is named per use on its figure line, ``![](…/NAME.svg?k=v){ #fig:LABEL }``,
  and referred to as ``[图](#fig:LABEL)``; its anchor is then ``fig-LABEL``.
- NAME means the figure's use on the same page if it has one there, else its only use in the book.

An unknown or ambiguous name, or a malformed reference, is an error naming page, line and reason.
References inside code (fenced blocks, code spans) are examples, left as written.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from gradbook.engine.pages import CODE_SPAN, FENCE, Errors, Ref

XREF = re.compile(r"\[(?P<text>[^\[\]]*)\]\(#fig:(?P<name>[a-z][a-z0-9_]*)\)")
# Anything that looks like a cross-reference, so a malformed one stops the build instead of
# becoming a dead link: a link whose target holds "#fig:".
ANY_XREF = re.compile(r"\]\([^)]*#fig:[^)]*\)")
WORD = "图"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SYNTAX = "[图](#fig:NAME)"
BAD_XREF = "bad figure cross-reference"  # the page's heading in the build's error report


class XrefError(ValueError):
    """A reference that cannot be resolved; the message is the reason."""


@dataclass(frozen=True)
class Target:
    page: str
    line: int
    anchor: str
    number: str | None  # None: the page does not number its figures


class CrossRefs:
    """Every figure use of the book, by name and by label.

    ``refs`` maps each page to its references (pages.scan), in any order; ``unnumbered`` lists pages
    whose figures carry no number (front matter ``figure_numbers: false``); ``known`` is every figure
    name in the figures folder, so a figure that exists but is shown nowhere gets its own message.
    Problems with the labels themselves (a label used twice, or one that is a figure's name) go
    into ``errors`` under BAD_XREF, each at its figure line."""

    def __init__(
        self,
        refs: Mapping[str, Iterable[Ref]],
        unnumbered: Collection[str] = (),
        known: Collection[str] = (),
        errors: Errors | None = None,
    ):
        self.by_label: dict[str, Target] = {}
        self.by_name: dict[str, list[Target]] = {}  # unlabelled uses
        self.labelled: dict[str, list[str]] = {}  # figure name -> its labels
        self.known = set(known)
        problems: list[str] = []
        for page, page_refs in refs.items():
            for ref in page_refs:
                name = ref.request.name
                target = Target(page, ref.line, ref.anchor, None if page in unnumbered else ref.number)
                label = getattr(ref, "label", None)
                if label is None:
                    self.by_name.setdefault(name, []).append(target)
                    continue
                if label in self.by_label:
                    first = self.by_label[label]
                    problems.append(
                        f"{page}:{ref.line}: label 'fig:{label}' is already used at {first.page}:{first.line}"
                    )
                    continue
                self.by_label[label] = target
                self.labelled.setdefault(name, []).append(label)
        for label, target in self.by_label.items():
            if label in self.by_name or label in self.known or label in self.labelled:
                problems.append(
                    f"{target.page}:{target.line}: label 'fig:{label}' is the name of a figure; "
                    "give this use a name of its own"
                )
        if problems:
            if errors is None:
                raise XrefError("\n".join(problems))
            errors.setdefault(BAD_XREF, []).extend(problems)

    def target(self, page: str, name: str) -> Target:
        """The figure use ``name`` means on ``page``; XrefError says why there is none."""
        if name in self.by_label:
            return self.by_label[name]
        uses = self.by_name.get(name, [])
        here = [t for t in uses if t.page == page]
        candidates = here or uses
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            where = ", ".join(f"{t.page}:{t.line}" for t in candidates)
            return self._fail(
                f"figure '{name}' is shown {len(candidates)} times{' on this page' if here else ''} ({where}); "
                f"name the use you mean on its figure line, {{ #fig:LABEL }}, and write [图](#fig:LABEL)"
            )
        if name in self.labelled:
            labels = ", ".join(f"'fig:{label}'" for label in self.labelled[name])
            return self._fail(f"every use of figure '{name}' is named; refer to one of {labels}")
        if name in self.known:
            return self._fail(f"figure '{name}' is shown on no page, so it has no number to refer to")
        names = sorted({*self.by_name, *self.by_label})
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return self._fail(f"no figure or figure label named '{name}' is shown in the book{hint}")

    @staticmethod
    def _fail(reason: str):
        raise XrefError(reason)

    def link(self, page: str, name: str, text: str = WORD) -> str:
        """The Markdown link ``[图 2.3](other.md#fig-NAME)`` for a reference on ``page``."""
        if text not in (WORD, ""):
            raise XrefError(
                f"a reference's text is '{WORD}' or empty, not {text!r}: write {SYNTAX} and the build adds the number"
            )
        target = self.target(page, name)
        if target.number is None:
            raise XrefError(f"figure '{name}' on {target.page} has no number (that page does not number its figures)")
        href = "" if target.page == page else posixpath.relpath(target.page, posixpath.dirname(page) or ".")
        label = f"{text} {target.number}" if text else target.number
        return f"[{label}]({href}#{target.anchor})"

    def resolve_inline(self, page: str, line: int, text: str, errors: Errors) -> str:
        """``text`` (one line, or a caption) with each reference outside code spans replaced."""
        out, last = [], 0
        for span in [*CODE_SPAN.finditer(text), None]:
            end = span.start() if span else len(text)
            out.append(self._resolve_prose(page, line, text[last:end], errors))
            if span:
                out.append(span.group(0))
                last = span.end()
        return "".join(out)

    def _resolve_prose(self, page: str, line: int, prose: str, errors: Errors) -> str:
        def one(m: re.Match) -> str:
            try:
                link = self.link(page, m["name"], m["text"].strip())
            except XrefError as exc:
                errors.setdefault(BAD_XREF, []).append(f"{page}:{line}: {m.group(0)}: {exc}")
                return m.group(0)
            # The number is Latin text: spaced from a Chinese character next to it, as the book sets
            # "图 2.3 里" (the author writes [图](#fig:x)里 or [图](#fig:x) 里 alike).
            before = " " if not m["text"].strip() and HAN.match(prose[m.start() - 1 : m.start()]) else ""
            after = " " if HAN.match(prose[m.end() : m.end() + 1]) else ""
            return before + link + after

        resolved = XREF.sub(one, prose)
        for m in ANY_XREF.finditer(XREF.sub("", prose)):
            errors.setdefault(BAD_XREF, []).append(
                f"{page}:{line}: {m.group(0)[1:]}: not a figure reference the build understands; write {SYNTAX} "
                "(NAME alone, lower case, no page: the build finds the page)"
            )
        return resolved

    def resolve(self, page: str, markdown: str, errors: Errors) -> str:
        """The page's Markdown with every reference outside code replaced; line numbers (and the
        lines' count) unchanged, so ``pages.replace_lines`` still finds the scanned figure lines."""
        lines = markdown.splitlines(keepends=True)
        fence = None
        for i, line in enumerate(lines):
            if m := FENCE.match(line):
                if fence is None:
                    fence = m.group(1)
                elif m.group(1) == fence:
                    fence = None
                continue
            if fence is None and "#fig:" in line:
                lines[i] = self.resolve_inline(page, i + 1, line, errors)
        return "".join(lines)


def references(markdown: str) -> list[tuple[int, str]]:
    """(line, name) of each reference outside code: for tests and tools."""
    found = []
    fence = None
    for n, line in enumerate(markdown.splitlines(), 1):
        if m := FENCE.match(line):
            fence = m.group(1) if fence is None else (None if m.group(1) == fence else fence)
            continue
        if fence is None:
            found += [(n, m["name"]) for m in XREF.finditer(CODE_SPAN.sub("", line))]
    return found
