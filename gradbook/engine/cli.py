"""Command line: ``gradbook list``, ``gradbook render NAME -o FILE --set key=value``, ``gradbook export DIR``.

Rendering goes through the same FigureEngine and store as the book's build: ``export`` renders
what the store lacks in a pool of spawned workers; ``render`` (and ``python figures/NAME.py``)
renders its one figure in this process.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from gradbook.engine.registry import FORMATS, FigureError, default_figures_dir, figure_names, find_figure
from gradbook.engine.store import user_cache_root


def parse_sets(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise FigureError(f"--set expects key=value, got {pair!r}")
        out[key.strip()] = value
    return out


def output_format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        valid = ", ".join(f".{f}" for f in FORMATS)
        raise FigureError(f"cannot write '{path.name}': unsupported suffix; use one of {valid}")
    return fmt


def render_to_file(
    name: str, out: Path, sets: dict[str, str], figures_dir: Path, cache_dir: Path | None = None
) -> Path:
    """Render one figure into ``out`` (format from its suffix), in this process."""
    from gradbook.engine.pool import FigureEngine

    fmt = output_format(out)
    engine = FigureEngine(figures_dir, cache_dir or user_cache_root(), workers=0)
    request = engine.request(name, sets, fmt)  # bad names or types fail before any work
    data = engine.ensure([request])[request]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def cmd_list(args) -> int:
    figures_dir = Path(args.figures_dir)
    rows: list[dict[str, Any]] = []
    for name in figure_names(figures_dir):
        spec = find_figure(name, figures_dir)
        rows.append(
            {"name": name, "caption": spec.caption, "alt": spec.alt, "params": {p.name: p.default for p in spec.params}}
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            params = " ".join(f"{k}={v!r}" for k, v in row["params"].items())
            print(f"{row['name']}\t{row['caption']}" + (f"\n    {params}" if params else ""))
    return 0


def cmd_render(args) -> int:
    out = render_to_file(
        args.name,
        Path(args.output),
        parse_sets(args.set),
        Path(args.figures_dir),
        Path(args.cache_dir) if args.cache_dir else None,
    )
    print(out)
    return 0


def cmd_export(args) -> int:
    """Render every figure (defaults) into a folder: what the store lacks, in the engine's pool."""
    from gradbook.engine.pool import FigureEngine

    figures_dir = Path(args.figures_dir)
    out = Path(args.folder)
    engine = FigureEngine(
        figures_dir, Path(args.cache_dir) if args.cache_dir else user_cache_root(), workers=max(1, args.workers)
    )
    # Unknown names fail before any work.
    data = engine.ensure([engine.request(name, fmt=args.format) for name in args.names or figure_names(figures_dir)])
    out.mkdir(parents=True, exist_ok=True)
    for request, payload in sorted(data.items(), key=lambda kv: kv[0].name):
        (out / f"{request.name}.{args.format}").write_bytes(payload)
    print(f"{len(data)} figure(s) in {out} ({len(engine.stats.rendered)} rendered, {engine.stats.hits} from cache)")
    return 0


CACHE_HELP = "the store of rendered figures (default: $GRADBOOK_CACHE, else ~/.cache/gradbook)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gradbook", description="List and render the book's figures.")
    parser.add_argument(
        "--figures-dir",
        default=str(default_figures_dir()),
        help="folder of figure scripts (default: the ones shipped with gradbook)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_list = sub.add_parser("list", help="list figures with captions and parameters")
    p_list.add_argument("--json", action="store_true", help="machine-readable output")
    p_list.set_defaults(func=cmd_list)
    p_render = sub.add_parser("render", help="render one figure to .svg or .png")
    p_render.add_argument("name")
    p_render.add_argument("-o", "--output", required=True, help="output file (.svg or .png)")
    p_render.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter (repeatable)"
    )
    p_render.add_argument("--cache-dir", default=None, help=CACHE_HELP)
    p_render.set_defaults(func=cmd_render)
    p_export = sub.add_parser("export", help="render every figure (or the NAMEs given) into a folder")
    p_export.add_argument("folder")
    p_export.add_argument("names", nargs="*", help="figure names (default: all)")
    p_export.add_argument("--format", choices=FORMATS, default="svg")
    p_export.add_argument("--workers", type=int, default=2, help="rendering processes (default: 2)")
    p_export.add_argument("--cache-dir", default=None, help=CACHE_HELP)
    p_export.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except FigureError as exc:
        print(f"gradbook: error: {exc}", file=sys.stderr)
        return 2


def script_main(script: str, argv: list[str] | None = None) -> None:
    """``python figures/NAME.py -o out.svg --set k=v``: the same path as ``gradbook render``, in
    this process (no second Python)."""
    path = Path(script).resolve()
    parser = argparse.ArgumentParser(prog=path.name, description=find_figure(path.stem, path.parent).caption)
    parser.add_argument("-o", "--output", default=f"{path.stem}.svg", help="output file (.svg or .png)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    try:
        print(render_to_file(path.stem, Path(args.output), parse_sets(args.set), path.parent))
    except FigureError as exc:
        print(f"{path.name}: error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    sys.exit(main())
