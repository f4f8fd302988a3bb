"""Repository hygiene: lint, the CI workflow's shape, the lock, the plugin entry point."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import yaml

from tests.conftest import ROOT


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "gradbook", "figures", "tests", "dev.py", "bench"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_validates_against_the_github_schema():
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         *map(str, sorted((ROOT / ".github" / "workflows").glob("*.yml")))],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_cannot_run_unless_tests_and_build_pass():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    jobs = wf["jobs"]
    assert set(jobs["deploy"]["needs"]) == {"test", "build"}
    assert "bash .ci/run" in jobs["test"]["steps"][-1]["run"]
    assert any("dev.py build" in s.get("run", "") for s in jobs["build"]["steps"])
    assert "mkdocs build --strict" in (ROOT / "dev.py").read_text()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 dev.py test" in readme and "python3 dev.py serve" in readme
    assert "python3 dev.py test" in (ROOT / ".ci" / "run").read_text()


def test_lock_pins_every_installed_dependency_exactly():
    lines = [ln for ln in (ROOT / "requirements" / "lock.txt").read_text().splitlines()
             if ln and not ln.startswith("#")]
    assert all("==" in ln for ln in lines)
    pinned = {ln.split("==")[0].lower().replace("_", "-"): ln.split("==")[1] for ln in lines}
    for dist in ("mkdocs", "mkdocs-material", "pymdown-extensions", "mkdocs-jupyter", "numpy", "matplotlib",
                 "jieba", "django-static-mathjax", "playwright", "pytest", "torch"):
        # A local label (torch's "+cpu") is not part of the pin.
        installed = metadata.version(dist).split("+")[0]
        assert pinned[dist] == installed, f"{dist}: installed version differs from the lock"
    assert pinned["mkdocs"].startswith("1."), "MkDocs 2 drops plugins: stay on 1.x"


def test_plugin_is_registered_through_the_entry_point():
    eps = metadata.entry_points(group="mkdocs.plugins")
    assert any(ep.name == "gradbook" and ep.value == "gradbook.mkdocs_plugin:GradbookPlugin" for ep in eps)
