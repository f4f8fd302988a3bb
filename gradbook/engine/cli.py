"""The ``gradbook`` command: list the book's figures, render one, export many.

    gradbook list [--json]
    gradbook render NAME -o FILE [--set KEY=VALUE ...] [--dpi N]
    gradbook export DIR [NAME ...] [--format svg|png] [--set KEY=VALUE ...] [--dpi N] [--variants]
    python figures/NAME.py [-o FILE] [--set KEY=VALUE ...] [--dpi N]

Rendering goes through the same FigureEngine and store as the book's build: ``export`` renders what the store
lacks in a pool of spawned workers; ``render`` (and ``python figures/NAME.py``) renders its one figure in this
process. Bad input (an unknown figure or parameter, a value of the wrong type...) prints one line and exits 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from gradbook import __version__
from gradbook.engine.registry import (
    FORMATS,
    FigureError,
    FigureSpec,
    default_figures_dir,
    figure_names,
    find_figure,
)
from gradbook.engine.store import user_cache_root


def parse_sets(pairs: list[str]) -> dict[str, str]:
    """``["x0=1.5", "xmax=3"]`` as ``{"x0": "1.5", "xmax": "3"}``; a pair without ``=`` or a key
    given twice is an error (FigureError), never silently the last one."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise FigureError(f"--set expects key=value, got {pair!r}")
        if key in out:
            raise FigureError(f"--set {key} given twice ({out[key]!r} and {value!r}); give each parameter once")
        out[key] = value
    return out


def output_format(path: Path) -> str:
    from gradbook.engine.render import output_format as fmt

    return fmt(path)


def render_to_file(
    name: str,
    out: Path,
    sets: dict[str, str],
    figures_dir: Path,
    cache_dir: Path | None = None,
    dpi: int | None = None,
) -> Path:
    """Render one figure into ``out`` (format from its suffix), in this process."""
    from gradbook.engine.pool import FigureEngine

    fmt = output_format(out)
    engine = FigureEngine(figures_dir, cache_dir or user_cache_root(), workers=0)
    request = engine.request(name, sets, fmt, dpi)  # bad names or types fail before any work
    data = engine.ensure([request])[request]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def param_signature(spec: FigureSpec) -> str:
    """``x0: float = 1.0, xmin: float = -1.0``: a figure's parameters with types and defaults."""
    return ", ".join(f"{p.name}: {p.type_name} = {p.default!r}" for p in spec.params)


def params_help(spec: FigureSpec) -> str:
    """The parameter table ``--help`` shows for one figure."""
    if not spec.params:
        return f"{spec.name} has no parameters."
    width = max(len(p.name) for p in spec.params)
    rows = [f"  {p.name:<{width}}  {p.type_name:<5}  default {p.default!r}" for p in spec.params]
    return f"parameters of {spec.name} (change with --set KEY=VALUE):\n" + "\n".join(rows)


def cmd_list(args) -> int:
    figures_dir = Path(args.figures_dir)
    specs = [find_figure(name, figures_dir) for name in figure_names(figures_dir)]
    if args.json:
        rows = [
            {
                "name": s.name,
                "caption": s.caption,
                "alt": s.alt,
                "params": {p.name: p.default for p in s.params},
                "types": {p.name: p.type_name for p in s.params},
            }
            for s in specs
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for s in specs:
            print(f"{s.name}\t{s.caption}" + (f"\n    {param_signature(s)}" if s.params else ""))
    return 0


def cmd_render(args) -> int:
    if args.sweep:  # numbered frames, or an animated GIF (gradbook/engine/sweep.py)
        from gradbook.engine.sweep import render_frames

        cache, sets = Path(args.cache_dir) if args.cache_dir else user_cache_root(), parse_sets(args.set)
        for row in render_frames(
            args.name, Path(args.output), sets, args.sweep, Path(args.figures_dir), cache, args.dpi
        ):
            print("\t".join(map(str, row)))
        return 0
    out = render_to_file(
        args.name,
        Path(args.output),
        parse_sets(args.set),
        Path(args.figures_dir),
        Path(args.cache_dir) if args.cache_dir else None,
        args.dpi,
    )
    print(out)
    return 0


def cmd_export(args) -> int:
    """Render every figure, or the NAMEs given, into a folder: what the store lacks, in the engine's pool."""
    from gradbook.engine.pool import FigureEngine

    figures_dir = Path(args.figures_dir)
    out = Path(args.folder)
    sets = parse_sets(args.set)
    names = args.names or figure_names(figures_dir)
    engine = FigureEngine(
        figures_dir, Path(args.cache_dir) if args.cache_dir else user_cache_root(), workers=max(1, args.workers)
    )
    # Unknown names or parameters fail before any work.
    requests = []
    for name in names:
        try:
            requests.append(engine.request(name, sets, args.format, args.dpi))
        except FigureError as exc:
            if sets and not args.names:
                raise FigureError(f"{exc}; --set applies to every exported figure, so name the figures") from None
            raise
    data = engine.ensure([v for r in requests for v in (r.variants().values() if args.variants else [r])])
    out.mkdir(parents=True, exist_ok=True)
    for request, payload in sorted(data.items(), key=lambda kv: kv[0].label()):  # NAME-phone-dark.svg...
        (out / f"{request.name}{request.variant.suffix}.{args.format}").write_bytes(payload)
    print(f"{len(data)} figure(s) in {out} ({len(engine.stats.rendered)} rendered, {engine.stats.hits} from cache)")
    return 0


CACHE_HELP = "the store of rendered figures (default: $GRADBOOK_CACHE, else ~/.cache/gradbook)"
SET_HELP = "change a parameter, e.g. --set x0=1.5 (repeat for several; each at most once)"
SWEEP_HELP = (
    "one frame per value, OUTPUT-00.svg …, or an animated OUTPUT.gif: PARAM=LOW..HIGH:N, LOW..HIGH:log:N, V1,V2"
)
DPI_HELP = "resolution of a PNG, and of rasterised parts of an SVG (default: the book's 150)"


def _dpi(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a whole number, got {text!r}") from None
    if not 10 <= value <= 2400:
        raise argparse.ArgumentTypeError(f"expects 10 to 2400, got {value}")
    return value


def _add_render_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=SET_HELP)
    parser.add_argument("--dpi", type=_dpi, default=None, metavar="N", help=DPI_HELP)


class _FigureHelp(argparse.Action):
    """``-h``/``--help`` that, once the figure's NAME has been read, also lists its parameters."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None, where=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)
        self.where = where  # where --figures-dir put the scripts (filled in while parsing)

    def __call__(self, parser, namespace, values, option_string=None):
        parser.print_help()
        name = getattr(namespace, "name", None)
        if name:
            try:
                print("\n" + params_help(find_figure(name, Path(self.where["figures_dir"]))))
            except FigureError as exc:
                print(f"\n{exc}")
        parser.exit()


class _RememberDir(argparse.Action):
    """``--figures-dir``: stored as usual, and remembered for the subcommands' ``--help``."""

    def __init__(self, option_strings, dest, where=None, **kwargs):
        super().__init__(option_strings, dest, **kwargs)
        self.where = where

    def __call__(self, parser, namespace, values, option_string=None):
        self.where["figures_dir"] = values
        setattr(namespace, self.dest, values)


def build_parser() -> argparse.ArgumentParser:
    where = {"figures_dir": str(default_figures_dir())}
    parser = argparse.ArgumentParser(
        prog="gradbook",
        description="List and render the figures of 梯度之书 (the same scripts and house style as the book).",
        epilog="Run `gradbook render NAME --help` to see a figure's parameters.",
    )
    parser.add_argument("--version", action="version", version=f"gradbook {__version__}")
    parser.add_argument(
        "--figures-dir",
        action=_RememberDir,
        where=where,
        default=where["figures_dir"],
        help="folder of figure scripts (default: the ones shipped with gradbook)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{list,render,export}")
    p_list = sub.add_parser("list", help="list figures with captions and parameters (name: type = default)")
    p_list.add_argument("--json", action="store_true", help="machine-readable output")
    p_list.set_defaults(func=cmd_list)

    p_render = sub.add_parser(
        "render",
        help="render one figure to .svg or .png",
        description="Render one figure; the output's suffix (.svg or .png) chooses the format.",
        add_help=False,
    )
    p_render.add_argument(
        "-h", "--help", action=_FigureHelp, where=where, help="show this help (after NAME: also its parameters)"
    )
    p_render.add_argument("name", metavar="NAME", help="the figure's name, as `gradbook list` shows it")
    p_render.add_argument("-o", "--output", required=True, metavar="FILE", help="output file (.svg or .png)")
    _add_render_options(p_render)
    p_render.add_argument("--cache-dir", default=None, help=CACHE_HELP)
    p_render.add_argument("--sweep", metavar="PARAM[=LOW..HIGH:N]", help=SWEEP_HELP)
    p_render.set_defaults(func=cmd_render)

    p_export = sub.add_parser(
        "export",
        help="render every figure (or the NAMEs given) into a folder",
        description="Render figures into FOLDER as NAME.svg or NAME.png: every figure, or only the NAMEs given.",
    )
    p_export.add_argument("folder", metavar="FOLDER", help="where the files go (created if missing)")
    p_export.add_argument("names", nargs="*", metavar="NAME", help="optional: figures to export (default: every one)")
    p_export.add_argument("--format", choices=FORMATS, default="svg", help="svg (default) or png")
    _add_render_options(p_export)
    p_export.add_argument("--workers", type=int, default=2, help="rendering processes (default: 2)")
    p_export.add_argument("--cache-dir", default=None, help=CACHE_HELP)
    p_export.add_argument("--variants", action="store_true", help="also the phone layout and dark scheme")
    p_export.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gradbook`` command; returns the exit status (2 on bad input)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except FigureError as exc:
        print(f"gradbook: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `gradbook list | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def script_main(script: str, argv: list[str] | None = None) -> None:
    """``python figures/NAME.py -o out.svg --set k=v``: the same path as ``gradbook render``, in
    this process (no second Python). ``--help`` lists the figure's parameters."""
    path = Path(script).resolve()
    spec = find_figure(path.stem, path.parent)
    parser = argparse.ArgumentParser(
        prog=path.name,
        description=f"{spec.caption}\n\nRender this figure; the output's suffix (.svg or .png) chooses the format.",
        epilog=params_help(spec),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-o", "--output", default=f"{path.stem}.svg", metavar="FILE", help="default: %(default)s")
    _add_render_options(parser)
    args = parser.parse_args(argv)
    try:
        print(render_to_file(path.stem, Path(args.output), parse_sets(args.set), path.parent, dpi=args.dpi))
    except FigureError as exc:
        print(f"{path.name}: error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    sys.exit(main())
