"""Executed notebooks, independent of the site generator: one output block per stream (so a
page does not depend on how loaded the machine was), and worked solutions folded on the page.

``merge_streams`` is an nbclient ``on_cell_executed`` hook; ``fold_solutions`` rewrites the HTML
nbconvert writes for a notebook.
"""

from __future__ import annotations

import re

SOLUTION_TAG = "solution"
_SOLUTION_CELL = re.compile(rf'<div class="jp-Cell jp-CodeCell[^"]*\bcelltag_{SOLUTION_TAG}\b[^"]*">')
_TOOLBAR = '<div class="celltoolbar">'
_DIV = re.compile(r"<div\b|</div>")


def _div_end(text: str, start: int) -> int:
    """Index just past the </div> that closes the <div> opening at ``start``."""
    depth = 0
    for m in _DIV.finditer(text, start):
        depth += 1 if m[0] == "<div" else -1
        if depth == 0:
            return m.end()
    raise ValueError("unbalanced <div> in notebook HTML")


def fold_solutions(text: str, summary: str = "参考答案") -> str:
    """Fold each code cell tagged ``solution`` (input and output) into a closed <details>, the
    same admonition as the chapters' folded answers, so the reader tries the stub first. The
    cell still runs when the notebook is executed; only the page hides it. No JavaScript needed."""
    out, pos = [], 0
    while m := _SOLUTION_CELL.search(text, pos):
        end = _div_end(text, m.start())
        cell = text[m.start() : end]
        if (t := cell.find(_TOOLBAR)) >= 0:  # the tag chip says "solution": the summary says it
            cell = cell[:t] + cell[_div_end(cell, t) :]
        out += [
            text[pos : m.start()],
            f'<details class="success gb-solution"><summary>{summary}</summary>\n',
            cell,
            "\n</details>",
        ]
        pos = end
    return "".join(out) + text[pos:]


def merge_streams(cell, **_) -> None:
    """Merge each run of a cell's print() output into one block per stream, stdout first.

    ipykernel flushes print() on a 0.2 s timer, so a cell that prints, computes and prints again
    gives one output on a quiet machine and two on a loaded one: the page would depend on the
    load. Rich outputs (a figure) stay where they were; display flushes the streams first.
    (nbclient's own coalesce_streams is not configurable, so this runs as its on_cell_executed hook.)
    """
    if "outputs" not in cell:
        return
    merged: list = []
    run: dict[str, dict] = {}
    for out in [*cell["outputs"], None]:
        if out is not None and out.get("output_type") == "stream":
            if out["name"] in run:
                run[out["name"]]["text"] += out["text"]
            else:
                run[out["name"]] = out
            continue
        merged.extend(run[name] for name in ("stdout", "stderr") if name in run)
        run.clear()
        if out is not None:
            merged.append(out)
    cell["outputs"] = merged
