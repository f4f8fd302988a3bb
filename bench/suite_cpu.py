"""Where a command's CPU goes, by kind of process: run it, sample /proc every second, print core-seconds
per kind (Chromium by process type, xdist workers, render workers, mkdocs builds, pip, ...) and how
busy both cores were. Linux only. Not part of the test suite.

    .venv/bin/python bench/suite_cpu.py python3 dev.py test
    .venv/bin/python bench/suite_cpu.py .venv/bin/python -m pytest tests/test_browser.py -k light-phone -n 1

The suite is bound by work on 2 cores (both ~95 % busy throughout, 2026-12-03), so its wall time is
its core-seconds over two; this shows which part of the work to cut. ``/usr/bin/time`` undercounts
it: it does not see Chromium's processes. It counts every process on the machine, so run it on a
quiet one; a process that lives less than a second may be missed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter

from host import describe

HZ = os.sysconf("SC_CLK_TCK")


def kind(cmdline: str) -> str:
    """A process's kind, from its command line."""
    if "chrom" in cmdline:
        t = re.search(r"--type=([a-z-]+)", cmdline)
        sub = re.search(r"--utility-sub-type=([\w.]+)", cmdline)
        return "chromium " + (t[1] if t else "browser") + (f" {sub[1]}" if sub else "")
    for needle, name in (
        ("execnet", "pytest-xdist worker"),
        ("-u -c", "pytest-xdist worker"),
        ("spawn_main", "spawned worker (figures)"),
        ("ipykernel", "jupyter kernel"),
        ("mkdocs serve", "mkdocs serve"),
        ("mkdocs", "mkdocs build"),
        (" pip ", "pip"),
        ("-m pip", "pip"),
        ("pytest", "pytest"),
        ("node", "node (Playwright)"),
    ):
        if needle in cmdline:
            return name
    return "other: " + " ".join(cmdline.split()[:2])[:60]


def ticks() -> dict[str, tuple[int, str]]:
    """{pid: (user + system ticks, command line)} of every process now."""
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12]), cmd)
    return out


def busy() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:9]]
    return sum(values) - values[3] - values[4], sum(values)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    seen: Counter[str] = Counter()
    done = threading.Event()
    mine = os.getpid()

    def sample() -> None:
        last = ticks()
        while not done.wait(1.0):
            now = ticks()
            for pid, (t, cmd) in now.items():
                if pid != str(mine):
                    seen[kind(cmd)] += t - last.get(pid, (0, ""))[0]  # a new process: all its ticks
            last = now

    host = describe()  # before the command: on a quiet machine
    b0, t0, start = *busy(), time.perf_counter()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = subprocess.call(argv)
    done.set()
    sampler.join()
    b1, t1 = busy()
    wall, total = time.perf_counter() - start, sum(seen.values()) / HZ
    print(f"\n{host}")
    print(f"{' '.join(argv)}: exit {code}, {wall:.0f} s, cores {100 * (b1 - b0) / (t1 - t0):.0f} % busy")
    for name, n in seen.most_common():
        if n / HZ >= 0.5:
            print(f"{n / HZ:9.1f} core-s  {100 * n / HZ / total:5.1f} %  {name}")
    print(f"{total:9.1f} core-s seen (processes that lived < 1 s may be missed)")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
