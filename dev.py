#!/usr/bin/env python3
"""Set up the project's virtualenv, then serve, build or test the book.

    python3 dev.py serve    # install (if needed) and run `mkdocs serve` on 127.0.0.1:8000
    python3 dev.py serve --quick   # an author's loop: rebuild only edited pages (`--dirty`), and
                            # redraw only what was edited (GRADBOOK_QUICK=1; README, "Writing")
    python3 dev.py build    # install (if needed) and run `mkdocs build --strict`
    python3 dev.py test     # install (if needed) and run the whole test suite
    python3 dev.py lock     # re-resolve requirements/lock.txt from pyproject.toml

Only the standard library is used here, so a fresh machine with Python 3.11+ is enough.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("GRADBOOK_VENV", ROOT / ".venv"))
LOCK = ROOT / "requirements" / "lock.txt"
STAMP = VENV / ".gradbook-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def run(*cmd: str | Path, **kw) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def install_fingerprint() -> str:
    h = hashlib.sha256()
    for f in (LOCK, ROOT / "pyproject.toml"):
        h.update(f.read_bytes())
    return h.hexdigest()


def ensure_venv() -> None:
    """Create .venv and install the exact lock plus gradbook (editable); skip when up to date."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be run by an older python3)
        sys.exit(f"gradbook needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    fingerprint = install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    # A venv whose creation was interrupted has python but no pip: make it again.
    has_pip = (BIN / "python").exists() and subprocess.run(
        [str(BIN / "python"), "-c", "import pip"], capture_output=True
    ).returncode == 0
    if not has_pip:
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = (BIN / "python", "-m", "pip", "--disable-pip-version-check")
    run(*pip, "install", "-q", "--upgrade", "pip")
    run(*pip, "install", "-q", "-r", LOCK)
    run(*pip, "install", "-q", "--no-deps", "-e", ".")
    STAMP.write_text(fingerprint)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"serve", "build", "test", "lock"}:
        print(__doc__)
        return 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "lock":
        return lock()
    ensure_venv()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if cmd == "serve":
        if "--quick" in rest:
            rest = [a for a in rest if a != "--quick"] + ["--dirty"]
            env["GRADBOOK_QUICK"] = "1"
        args = ["mkdocs", "serve", "-a", "127.0.0.1:8000", *rest]  # a later -a HOST:PORT wins
    elif cmd == "build":
        args = ["mkdocs", "build", "--strict", *rest]
    else:
        # One worker more than the cores, at most four, unless told otherwise: the browser passes
        # wait part of the time (page loads, the slider player), so a spare worker fills the cores;
        # more only contend. Warm suite on 2 cores, 2026-12-04: 3 workers 267 s (432 core-s), 4 workers
        # 276 s (466 core-s); on an older machine 4 workers 540 s, 2 workers 622 s.
        parallel = (
            []
            if any(a.startswith(("-n", "--numprocesses")) for a in rest)
            else ["-n", str(max(2, min((os.cpu_count() or 1) + 1, 4)))]
        )
        args = ["python", "-m", "pytest", *parallel, "--durations=15", *rest]
    return subprocess.call([str(BIN / args[0]), *args[1:]], cwd=ROOT, env=env)


def lock() -> int:
    """Resolve pyproject's docs+test extras in a scratch venv and freeze them exactly.

    The lock's own comment and pip options (where torch's CPU build comes from) are carried over."""
    import tempfile

    kept = [ln for ln in LOCK.read_text().splitlines()[1:] if ln.startswith(("#", "-"))] if LOCK.exists() else []
    options = [arg for ln in kept if ln.startswith("-") for arg in ln.split()]
    with tempfile.TemporaryDirectory() as tmp:
        venv.EnvBuilder(with_pip=True).create(tmp)
        py = Path(tmp) / "bin" / "python"
        run(py, "-m", "pip", "install", "-q", "--upgrade", "pip")
        run(py, "-m", "pip", "install", "-q", *options, ".[test]")
        frozen = subprocess.run(
            [py, "-m", "pip", "freeze", "--exclude", "gradbook"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    # torch's local label (+cpu) is dropped: the lock pins the version, the workflow picks the CPU build.
    frozen = re.sub(r"^(torch==[^+\n]+)\+\w+$", r"\1", frozen, flags=re.M)
    LOCK.parent.mkdir(exist_ok=True)
    header = "# Exact versions CI installs. Regenerate with: python3 dev.py lock\n"
    LOCK.write_text(header + "".join(f"{ln}\n" for ln in kept) + frozen)
    print(f"wrote {LOCK.relative_to(ROOT)} ({len(frozen.splitlines())} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
