"""Find figure scripts and read their metadata statically (no import, no matplotlib).

A figure script ``figures/NAME.py`` has a docstring whose first line is the caption,
a module-level ``ALT`` string, and ``make(**params)`` whose keyword defaults are the
parameters. An optional ``alt(**params)``, with make's parameters, gives each use its own ALT from
the figure's data (``ALT`` stays the figure's description where no use is drawn); optional ``SWEEPS``
(what a reader may move: ``gradbook.engine.sweep``) and ``readout(d)`` make it explorable. Reading
these with ``ast`` keeps warm builds free of matplotlib imports.
(The book's scripts also have ``data(**params)``, the numbers ``make`` draws: ``gradbook.engine.render.data``.)
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
FORMATS = ("svg", "png")
READOUT = "readout"  # the format of an explorable frame's readout: its text, not an image (engine/sweep.py)


class FigureError(ValueError):
    """A figure cannot be found, read or rendered; the message says which and why.

    ``reason`` is the why alone; the message puts the figure's name in front of it, once, so a
    caller adding where the figure is used (page and line) does not name it a second time."""

    def __init__(self, reason: str, figure: str | None = None):
        self.reason, self.figure = reason, figure
        super().__init__(f"figure '{figure}': {reason}" if figure else reason)


class FigureScriptError(FigureError):
    """The figure's script itself is at fault (no docstring, ALT or make(), a bad default…),
    not the page or command that asks for it."""


@dataclass(frozen=True)
class Param:
    name: str
    default: Any
    annotation: str | None = None

    @property
    def type_name(self) -> str:
        if self.annotation:
            return self.annotation
        return type(self.default).__name__


@dataclass(frozen=True)
class FigureSpec:
    name: str
    path: Path
    caption: str
    description: str
    alt: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    alt_from_data: bool = False  # the script defines alt(**params): an ALT per use, from its data()
    # SWEEPS as written: {param: {"label": TeX, "name": words, "values": sweep, "domain": (lo, hi), "play": bool}}
    sweeps: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    has_readout: bool = False  # the script defines readout(d): a slider's text for each frame

    @property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def param(self, key: str) -> Param:
        for p in self.params:
            if p.name == key:
                return p
        valid = ", ".join(p.name for p in self.params) or "(none)"
        raise FigureError(
            f"no parameter '{key}'{did_you_mean(key, [p.name for p in self.params])}; valid parameters: {valid}",
            self.name,
        )

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}


def default_figures_dir() -> Path:
    """The figures shipped with gradbook: ``figures/`` in a checkout, ``gradbook/figures`` in a wheel."""
    import gradbook.figures

    return Path(gradbook.figures.__file__).resolve().parent


def did_you_mean(word: str, choices: list[str]) -> str:
    """``" (did you mean 'x'?)"`` naming the closest choices, else ``""``. A one-word guess is also
    matched against the words of snake_case names, so ``arow`` finds ``derivative_arrow``."""
    from difflib import SequenceMatcher

    def score(choice: str) -> float:
        parts = [choice] if "_" in word else [choice, *choice.split("_")]
        return max(SequenceMatcher(None, word, part).ratio() for part in parts)

    scored = sorted(((score(c), c) for c in choices if c != word), key=lambda sc: (-sc[0], sc[1]))
    close = [c for s, c in scored if s >= 0.75 and s >= scored[0][0] - 0.1][:3]
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def figure_names(figures_dir: Path) -> list[str]:
    return sorted(p.stem for p in Path(figures_dir).glob("*.py") if NAME_RE.match(p.stem))


def find_figure(name: str, figures_dir: Path) -> FigureSpec:
    path = Path(figures_dir) / f"{name}.py"
    if not NAME_RE.match(name) or not path.is_file():
        names = figure_names(figures_dir)
        raise FigureError(
            f"no such figure in {figures_dir}{did_you_mean(name, names)}; available: {', '.join(names) or '(none)'}",
            name,
        )
    stat = path.stat()
    return _read_spec(path, stat.st_mtime_ns, stat.st_size)


@cache
def _read_spec(path: Path, _mtime: int, _size: int) -> FigureSpec:
    """Parse one script; cached on (path, mtime, size) so ``mkdocs serve`` sees edits."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        raise FigureScriptError(f"{path.name} does not parse: {exc}", path.stem) from exc
    doc = ast.get_docstring(tree) or ""
    lines = doc.strip().splitlines()
    if not lines or not lines[0].strip():
        raise FigureScriptError(f"{path.name} needs a docstring whose first line is the caption", path.stem)
    caption = lines[0].strip()
    description = "\n".join(lines[1:]).strip()
    alt = None
    make = None
    alt_from_data = False
    sweeps: Any = {}
    readout = False
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "ALT" for t in node.targets):
            try:
                alt = ast.literal_eval(node.value)
            except ValueError:
                alt = None
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "SWEEPS" for t in node.targets):
            try:
                sweeps = ast.literal_eval(node.value)
            except ValueError as exc:
                raise FigureScriptError(f"{path.name}: SWEEPS must be a literal dict", path.stem) from exc
        elif isinstance(node, ast.FunctionDef) and node.name == "make":
            make = node
        elif isinstance(node, ast.FunctionDef) and node.name == "alt":
            alt_from_data = True
        elif isinstance(node, ast.FunctionDef) and node.name == "readout":
            readout = True
    if not isinstance(alt, str) or not alt.strip():
        raise FigureScriptError(f"{path.name} needs a non-empty module-level ALT string", path.stem)
    if make is None:
        raise FigureScriptError(f"{path.name} needs a function make(**params) returning a Figure", path.stem)
    params = _params_of(make, path)
    return FigureSpec(
        path.stem,
        path,
        caption,
        description,
        alt.strip(),
        params,
        alt_from_data,
        _sweeps_of(sweeps, params, path),
        readout,
    )


SWEEP_KEYS = {"label", "name", "values", "domain", "play"}


def _sweeps_of(sweeps: Any, params: tuple[Param, ...], path: Path) -> dict[str, dict[str, Any]]:
    """SWEEPS checked for shape; the values themselves are parsed where a page uses them."""
    if not isinstance(sweeps, dict):
        raise FigureScriptError(f"{path.name}: SWEEPS must be a dict {{parameter: {{...}}}}", path.stem)
    numeric = {p.name for p in params if isinstance(p.default, int | float) and not isinstance(p.default, bool)}
    for name, entry in sweeps.items():
        if name not in numeric:
            raise FigureScriptError(f"{path.name}: SWEEPS names '{name}', not a numeric parameter of make()", path.stem)
        if not isinstance(entry, dict) or set(entry) - SWEEP_KEYS:
            raise FigureScriptError(
                f"{path.name}: SWEEPS['{name}'] must be a dict with keys among {sorted(SWEEP_KEYS)}", path.stem
            )
        domain = entry.get("domain")
        if domain is not None and not (
            isinstance(domain, tuple)
            and len(domain) == 2
            and all(v is None or isinstance(v, int | float) for v in domain)
            and (None in domain or domain[0] <= domain[1])
        ):
            raise FigureScriptError(
                f"{path.name}: SWEEPS['{name}']['domain'] must be (low, high), None for open", path.stem
            )
        if not all(isinstance(entry.get(k, ""), str) for k in ("label", "name", "values")):
            raise FigureScriptError(f"{path.name}: SWEEPS['{name}'] label, name and values are strings", path.stem)
    return sweeps


def check_domain(spec: FigureSpec, key: str, value: Any) -> None:
    """Refuse a value outside the parameter's domain, as the script declares it in SWEEPS."""
    lo, hi = spec.sweeps.get(key, {}).get("domain") or (None, None)
    if isinstance(value, int | float) and ((lo is not None and value < lo) or (hi is not None and value > hi)):
        where = f"[{'-∞' if lo is None else f'{lo:g}'}, {'∞' if hi is None else f'{hi:g}'}]"
        raise FigureError(
            f"parameter '{key}' = {value:g} is outside its domain {where} (the script's SWEEPS)", spec.name
        )


def _params_of(fn: ast.FunctionDef, path: Path) -> tuple[Param, ...]:
    args = fn.args
    if args.posonlyargs or args.vararg:
        raise FigureScriptError(f"{path.name}: make() takes keyword parameters with defaults only", path.stem)
    positional = args.args
    pos_defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, pos_defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    params = []
    for arg, default in pairs:
        if default is None:
            raise FigureScriptError(f"{path.name}: make() parameter '{arg.arg}' needs a default value", path.stem)
        try:
            value = ast.literal_eval(default)
        except ValueError as exc:
            raise FigureScriptError(
                f"{path.name}: default of '{arg.arg}' must be a literal (number, string, tuple…)", path.stem
            ) from exc
        ann = ast.unparse(arg.annotation) if arg.annotation is not None else None
        params.append(Param(arg.arg, value, ann))
    return tuple(params)


def coerce(spec: FigureSpec, key: str, raw: Any) -> Any:
    """Convert a parameter value (often a string from the command line) to the default's type."""
    param = spec.param(key)
    default = param.default
    if not isinstance(raw, str):
        value = raw
    else:
        try:
            value = _parse_as(raw, default)
        except (ValueError, SyntaxError) as exc:
            raise FigureError(
                f"parameter '{key}' expects {param.type_name} (default {default!r}), got {raw!r}", spec.name
            ) from exc
    if not _same_kind(value, default):
        raise FigureError(
            f"parameter '{key}' expects {param.type_name} (default {default!r}), got {value!r}", spec.name
        )
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    check_domain(spec, key, value)
    return value


def _parse_as(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in {"true", "1", "yes", "on"}:
            return True
        if lowered in {"false", "0", "no", "off"}:
            return False
        raise ValueError(raw)
    if isinstance(default, str):
        return raw
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return ast.literal_eval(raw)


def _same_kind(value: Any, default: Any) -> bool:
    if default is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, tuple | list):
        return isinstance(value, tuple | list)
    return isinstance(value, type(default))


def resolve_params(spec: FigureSpec, overrides: dict[str, Any]) -> dict[str, Any]:
    """Defaults updated with coerced overrides; unknown names raise FigureError."""
    params = spec.defaults()
    for key, raw in overrides.items():
        params[key] = coerce(spec, key, raw)
    return params
