"""The math core stands alone: importing it pulls in neither matplotlib nor MkDocs."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

CORE_MODULES = ["validation", "landscapes", "models", "calculus", "autodiff", "networks", "optimizers", "information"]


def test_core_modules_import_neither_matplotlib_nor_mkdocs():
    code = (
        "import sys\n"
        + "".join(f"import gradbook.{m}\n" for m in CORE_MODULES)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'matplotlib', 'mkdocs', 'material'})\n"
        + "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
