"""Repository hygiene: lint, the CI workflow's shape, the lock, the entry points, the package's layout."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from mkdocs.plugins import BasePlugin

from tests.conftest import ROOT


def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "gradbook", "figures", "tests", "dev.py", "bench"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied():
    # One format for the code, so diffs show changes, not taste; the book's snippets are excluded.
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "gradbook", "figures", "tests", "dev.py", "bench"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_the_math_and_the_engine():
    # What to check and how strictly is in pyproject.toml ([tool.mypy]), shared with pre-commit.
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],  # its cache (.mypy_cache) makes a re-run take a second
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues found in" in result.stdout


def test_pre_commit_runs_the_same_checks_as_the_suite():
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = " | ".join(hook["entry"] for repo in hooks["repos"] for hook in repo["hooks"])
    for tool in ("ruff check", "ruff format", "mypy"):
        assert tool in entries, f"pre-commit does not run {tool}"


def test_workflow_validates_against_the_github_schema():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, sorted((ROOT / ".github" / "workflows").glob("*.yml"))),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_publishes_the_build_the_tests_passed_on_and_is_never_cancelled():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    jobs = wf["jobs"]
    assert set(jobs) == {"test", "deploy"}, "one job builds and tests, one deploys"
    assert jobs["deploy"]["needs"] in ("test", ["test"])
    steps = jobs["test"]["steps"]
    where = lambda text: [i for i, s in enumerate(steps) if text in str(s.get("run", "")) + str(s.get("uses", ""))]  # noqa: E731
    (build,), (test,), (upload,) = where("dev.py build"), where("bash .ci/run"), where("upload-pages-artifact")
    assert build < test < upload, "build once, test that build, then upload it"
    assert steps[test]["env"]["GRADBOOK_TEST_SITE"] == steps[upload]["with"]["path"] == "site"
    assert "mkdocs build --strict" in (ROOT / "dev.py").read_text()
    assert "deploy-pages" in str(jobs["deploy"]["steps"]) and "build" not in str(jobs["deploy"]["steps"])
    # Never cancelled: deploys queue in their own group, and a run on main is never cancelled.
    assert jobs["deploy"]["concurrency"]["cancel-in-progress"] is False
    assert wf["concurrency"]["cancel-in-progress"] in (False, "${{ github.ref != 'refs/heads/main' }}")
    caches = {
        str(s["with"]["path"]): s["with"]["key"] for s in steps if str(s.get("uses", "")).startswith("actions/cache")
    }
    assert set(caches) == {"~/.cache/pip", ".cache/gradbook"}, caches
    assert all("requirements/lock.txt" in key for key in caches.values()), caches
    assert "figures/**" in caches[".cache/gradbook"] and "docs/**" in caches[".cache/gradbook"]
    # The build prints the PDF edition: Chromium and the CJK font come before it, as in .ci/run.
    (fonts,) = where("bash .ci/cjk-fonts")
    assert fonts < build and "chromium" in steps[fonts]["run"]
    assert "bash .ci/cjk-fonts" in (ROOT / ".ci" / "run").read_text()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 dev.py test" in readme and "python3 dev.py serve" in readme
    assert "python3 dev.py test" in (ROOT / ".ci" / "run").read_text()


def test_lock_pins_every_installed_dependency_exactly():
    text = (ROOT / "requirements" / "lock.txt").read_text()
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith(("#", "-"))]  # "-": pip's options
    assert all("==" in ln for ln in lines)
    pinned = {ln.split("==")[0].lower().replace("_", "-"): ln.split("==")[1] for ln in lines}
    for dist in (
        "mkdocs",
        "mkdocs-material",
        "pymdown-extensions",
        "mkdocs-jupyter",
        "numpy",
        "matplotlib",
        "jieba",
        "django-static-mathjax",
        "playwright",
        "pypdf",
        "pytest",
        "torch",
    ):
        # torch's local label ("+cpu": the CPU build a find-links source supplies) is not pinned.
        installed = metadata.version(dist).split("+")[0] if dist == "torch" else metadata.version(dist)
        assert pinned[dist] == installed, f"{dist}: installed version differs from the lock"
    assert pinned["mkdocs"].startswith("1."), "MkDocs 2 drops plugins: stay on 1.x"


def test_ci_installs_torchs_cpu_build_from_torchs_page_alone():
    """The default index's torch bundles CUDA (several GB). The lock pins torch's version only and
    no index (CI machines without that index must still install it); the GitHub workflow points pip
    at a page that lists torch's CPU build alone (PIP_FIND_LINKS), so no other package comes from it
    and pip takes the CPU build of the pinned version."""
    text = (ROOT / "requirements" / "lock.txt").read_text()
    assert not [ln for ln in text.splitlines() if ln.startswith("-")], "no index options in the lock"
    assert re.search(r"^torch==[\d.]+$", text, re.M), "torch pinned"
    assert not re.search(r"^(nvidia-|triton)", text, re.M), "no CUDA libraries in the lock"
    workflow = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    # The page's address lives in the repository's settings, not in the code.
    assert "PIP_FIND_LINKS: ${{ vars.TORCH_CPU_FIND_LINKS }}" in workflow, "the workflow takes torch's CPU build"


def test_each_adapter_is_registered_through_its_own_entry_point():
    eps = {ep.name: ep.value for ep in metadata.entry_points(group="mkdocs.plugins") if ep.name.startswith("gradbook")}
    assert eps == {
        "gradbook/figures": "gradbook.mkdocs.figures:FiguresPlugin",
        "gradbook/math": "gradbook.mkdocs.math:MathPlugin",
        "gradbook/notebooks": "gradbook.mkdocs.notebooks:NotebooksPlugin",
        "gradbook/pdf": "gradbook.mkdocs.pdf:PdfPlugin",
    }
    for name, value in eps.items():
        assert f"  - {name}" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), f"mkdocs.yml does not use {name}"
        module, _, cls = value.partition(":")
        plugin = getattr(importlib.import_module(module), cls)
        assert issubclass(plugin, BasePlugin) and plugin.config_class.__module__ == module, "a Config of its own"
    (script,) = [ep.value for ep in metadata.entry_points(group="console_scripts") if ep.name == "gradbook"]
    assert script == "gradbook.engine.cli:main"


# Every module of the package (the math, the engine, the adapters); figure scripts have their own limit.
MODULES = sorted(
    p for p in (ROOT / "gradbook").rglob("*.py") if "figures" not in p.relative_to(ROOT / "gradbook").parts
)


def test_the_module_search_finds_every_part():
    parts = {p.relative_to(ROOT / "gradbook").parts[0] for p in MODULES}
    assert {"engine", "mkdocs", "autodiff", "optimizers.py"} <= parts


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_is_over_300_lines(module):
    assert len(module.read_text(encoding="utf-8").splitlines()) <= 300


def _gradbook_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
    return {n for n in names if n.split(".")[0] in {"gradbook", "mkdocs", "material", "mkdocs_jupyter"}}


def test_data_flows_one_way_math_figures_engine_adapters():
    """The math imports neither the engine nor an adapter; the engine imports no adapter and no
    MkDocs; figure scripts import the math and the engine's house style, never an adapter."""
    package = ROOT / "gradbook"
    math = [p for p in package.rglob("*.py") if p.relative_to(package).parts[0] not in {"engine", "mkdocs"}]
    assert len(math) >= 10
    for path in math:
        bad = {n for n in _gradbook_imports(path) if n.startswith(("gradbook.engine", "gradbook.mkdocs", "mkdocs"))}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
    for path in (package / "engine").glob("*.py"):
        bad = {n for n in _gradbook_imports(path) if n.split(".")[0] != "gradbook" or n.startswith("gradbook.mkdocs")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
    for path in (ROOT / "figures").glob("*.py"):
        bad = {n for n in _gradbook_imports(path) if n.startswith("gradbook.mkdocs") or n.split(".")[0] != "gradbook"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
