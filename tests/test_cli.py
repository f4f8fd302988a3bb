"""The command line and the Python entry points a reuser meets: version, help, parameter types,
did-you-mean, export's --set and --dpi, repeated --set, ``save(fig, path)``, and the packaging."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import gradbook
from gradbook.engine.cli import main
from gradbook.engine.registry import find_figure
from tests.chapters import ROOT

FIGURES = ROOT / "figures"
ARROW = find_figure("derivative_arrow", FIGURES)


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``gradbook argv`` in this process: (exit status, stdout, stderr)."""
    try:
        code = main(["--figures-dir", str(FIGURES), *argv])
    except SystemExit as exc:  # argparse's --help, --version and usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    # The book's own store: the same keys as the build, so renders are quick once it is built.
    monkeypatch.setenv("GRADBOOK_CACHE", str(ROOT / ".cache" / "gradbook"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_version_is_the_package_version(capsys):
    code, out, _ = _cli(capsys, "--version")
    assert code == 0 and out.strip() == f"gradbook {gradbook.__version__}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" in project["dynamic"], "one version: gradbook.__version__"


def _param_rows(text: str) -> dict[str, tuple[str, str]]:
    return {m[1]: (m[2], m[3]) for m in re.finditer(r"^  (\w+)\s+(\w+)\s+default (\S+)$", text, re.M)}


def test_render_help_explains_the_positional_and_lists_the_figures_parameters(capsys):
    code, out, _ = _cli(capsys, "render", "--help")
    assert code == 0 and re.search(r"^  NAME\s+the figure's name", out, re.M), out
    code, out, _ = _cli(capsys, "render", "derivative_arrow", "--help")
    assert code == 0
    assert _param_rows(out) == {p.name: (p.type_name, repr(p.default)) for p in ARROW.params}
    assert _param_rows(out) == {"x0": ("float", "1.0"), "xmin": ("float", "-1.0"), "xmax": ("float", "3.5")}


def test_a_scripts_help_lists_its_parameters_with_types_and_defaults():
    proc = subprocess.run(
        [sys.executable, "figures/derivative_arrow.py", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert ARROW.caption in proc.stdout
    assert _param_rows(proc.stdout) == {"x0": ("float", "1.0"), "xmin": ("float", "-1.0"), "xmax": ("float", "3.5")}
    assert "--set KEY=VALUE" in proc.stdout and "--dpi N" in proc.stdout


def test_list_shows_parameter_types(capsys):
    code, out, _ = _cli(capsys, "list")
    assert code == 0
    assert "derivative_arrow\t" in out and "\n    x0: float = 1.0, xmin: float = -1.0, xmax: float = 3.5\n" in out
    assert "n_max: int = 200" in out  # an int parameter says so
    code, out, _ = _cli(capsys, "list", "--json")
    row = next(r for r in json.loads(out) if r["name"] == "derivative_arrow")
    assert row["types"] == {"x0": "float", "xmin": "float", "xmax": "float"}


@pytest.mark.parametrize(
    "argv, guess",
    [
        (["render", "derivative_arow", "-o", "a.svg"], "(did you mean 'derivative_arrow'?)"),
        (["render", "arow", "-o", "a.svg"], "(did you mean 'derivative_arrow'?)"),
        (["render", "derivative_arrow", "-o", "a.svg", "--set", "xnax=2"], "(did you mean 'xmax'?)"),
        (["export", "out", "loss_surfce"], "(did you mean 'loss_surface_wb'?)"),
    ],
)
def test_a_misspelt_name_gets_a_suggestion(capsys, cache, argv, guess):
    code, _, err = _cli(capsys, *argv)
    assert code == 2 and guess in err, err


def test_no_suggestion_when_nothing_is_close(capsys, cache):
    code, _, err = _cli(capsys, "render", "qqq", "-o", "a.svg")
    assert code == 2 and "no such figure" in err and "did you mean" not in err


def test_a_parameter_set_twice_is_an_error(capsys, cache):
    code, _, err = _cli(capsys, "render", "derivative_arrow", "-o", "a.svg", "--set", "x0=1", "--set", "x0=2")
    assert code == 2 and "--set x0 given twice ('1' and '2')" in err
    assert not (cache / "a.svg").exists()


def test_export_help_does_not_call_the_names_required(capsys):
    code, out, _ = _cli(capsys, "export", "--help")
    assert code == 0 and "FOLDER [NAME ...]" in " ".join(out.split())
    assert re.search(r"^  NAME\s+optional: figures to export \(default: every one\)", out, re.M), out
    assert "--set KEY=VALUE" in out and "--dpi N" in out


def _png_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as img:
        return img.size


def test_export_takes_set_and_dpi_like_render(capsys, cache):
    sets = ["--set", "x0=2", "--set", "xmax=4"]
    assert _cli(capsys, "export", "out", "derivative_arrow", "--format", "png", "--dpi", "300", *sets)[0] == 0
    assert _cli(capsys, "render", "derivative_arrow", "-o", "r.png", "--dpi", "300", *sets)[0] == 0
    assert _cli(capsys, "render", "derivative_arrow", "-o", "plain.png", *sets)[0] == 0
    exported = cache / "out" / "derivative_arrow.png"
    assert exported.read_bytes() == (cache / "r.png").read_bytes(), "export and render agree"
    (w, h), (w0, h0) = _png_size(exported), _png_size(cache / "plain.png")
    assert abs(w / w0 - 2) < 0.02 and abs(h / h0 - 2) < 0.02, "300 dpi is twice the book's 150"
    assert _cli(capsys, "render", "derivative_arrow", "-o", "d.png", *sets)[0] == 0
    assert (cache / "d.png").read_bytes() != exported.read_bytes(), "--set changed the figure"
    assert (cache / "d.png").read_bytes() == (cache / "plain.png").read_bytes()


def test_export_with_set_but_no_names_says_to_name_the_figures(capsys, cache):
    code, _, err = _cli(capsys, "export", "out", "--set", "x0=2")
    assert code == 2 and "no parameter 'x0'" in err and "name the figures" in err
    assert not (cache / "out").exists()


@pytest.mark.parametrize("dpi", ["0", "abc", "5000"])
def test_a_bad_dpi_is_refused(capsys, cache, dpi):
    code, _, err = _cli(capsys, "render", "derivative_arrow", "-o", "a.png", "--dpi", dpi)
    assert code == 2 and "--dpi" in err


def test_save_gives_the_books_look(capsys, cache):
    """save(fig, path): the CLI's bytes for the same figure (dpi, crop, fixed metadata)."""
    from gradbook.engine.registry import FigureError
    from gradbook.engine.render import figure, save

    assert _cli(capsys, "render", "derivative_arrow", "-o", "cli.svg", "--set", "x0=1.5")[0] == 0
    assert _cli(capsys, "render", "derivative_arrow", "-o", "cli.png", "--set", "x0=1.5")[0] == 0
    fig = figure("derivative_arrow", x0=1.5)
    assert save(fig, "py.svg") == Path("py.svg")
    save(fig, cache / "sub" / "py.png")
    assert (cache / "py.svg").read_bytes() == (cache / "cli.svg").read_bytes()
    assert (cache / "sub" / "py.png").read_bytes() == (cache / "cli.png").read_bytes()
    # a plain savefig outside the house style is not the book's look: another size
    fig.savefig(cache / "plain.png")
    assert _png_size(cache / "plain.png") != _png_size(cache / "cli.png")
    save(fig, "hi.png", dpi=300)
    assert _png_size(cache / "hi.png")[0] > 1.9 * _png_size(cache / "cli.png")[0]
    with pytest.raises(FigureError, match=r"unsupported suffix; use one of \.svg, \.png"):
        save(fig, "x.pdf")


def test_the_wheel_builds_without_warnings_and_carries_the_font(tmp_path):
    """`pip wheel .`: no setuptools warning (licence as an SPDX string, every package declared)."""
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), "."],
        cwd=_clean_copy(tmp_path / "src"),
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    log = proc.stdout + proc.stderr
    warnings = [ln for ln in log.splitlines() if re.search(r"Warning|!!|check\.warn|deprecated", ln)]
    assert not warnings, "\n".join(warnings[:20])
    (wheel,) = tmp_path.glob("gradbook-*.whl")
    assert wheel.name == f"gradbook-{gradbook.__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"gradbook/engine/fonts/NotoSansSC-Subset.otf", "gradbook/engine/fonts/OFL.txt"} <= names
    meta = zipfile.ZipFile(wheel).read(f"gradbook-{gradbook.__version__}.dist-info/METADATA").decode()
    assert "License-Expression: MIT AND OFL-1.1" in meta


def _clean_copy(dest: Path) -> Path:
    """The files git tracks for the package (no build/ or egg-info left over from an earlier build)."""
    from gradbook.engine.wheel import source_files

    for rel, path in source_files(ROOT):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    return dest
