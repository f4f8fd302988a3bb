"""What the browser benches share: the tests' own helpers (tests/site.py), and a quiet build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench scripts run as files
from tests.site import CHROMIUM, ENV, LAUNCH_ARGS, ROOT, load_fully, mkdocs_build, served  # noqa: E402

__all__ = ["CHROMIUM", "ENV", "LAUNCH_ARGS", "ROOT", "build", "load_fully", "mkdocs_build", "served"]


def build(site: Path) -> None:
    result = mkdocs_build(ROOT / "mkdocs.yml", site, "-q")
    if result.returncode:
        raise subprocess.CalledProcessError(result.returncode, result.args, result.stdout, result.stderr)
