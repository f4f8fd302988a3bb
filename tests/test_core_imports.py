"""The math core stands alone: importing it pulls in neither matplotlib nor MkDocs.

The core is every module in gradbook/ except the machinery that draws and publishes, found on disk,
so a new core module is checked without anyone adding it here.
"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

# The sub-packages under gradbook/ that draw (engine) and publish (mkdocs); everything else is math.
MACHINERY = {"engine", "mkdocs"}


def core_modules() -> list[str]:
    package = ROOT / "gradbook"
    found = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        if parts[0] in MACHINERY or "__pycache__" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append(".".join(("gradbook", *parts)))
    return found


def test_the_core_is_found_on_disk():
    core = core_modules()
    top = {name.split(".")[1] for name in core if name.count(".")}
    assert len(top) >= 11, top  # fails if the search stops finding the modules
    assert {
        "gradbook",
        "gradbook.autodiff",
        "gradbook.autodiff.forward",
        "gradbook.autodiff.reverse",
        "gradbook.adjoint",
        "gradbook.newton_cg",
        "gradbook.pitfalls",
    } <= set(core)
    assert not any(name.split(".")[1] in MACHINERY for name in core if name.count("."))


def test_core_modules_import_neither_matplotlib_nor_mkdocs():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in core_modules())
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'matplotlib', 'mkdocs', 'material'})\n"
        + "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
