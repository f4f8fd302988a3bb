"""One store for what the build computes: figures, typeset math, executed notebooks.

One key scheme: a key is the SHA-256 of the entry's kind and the named parts it depends on.
Every entry carries a header naming its kind, with the checksum and length of its payload, and
is written atomically: a truncated, foreign or other-kind file is a miss (computed again, never
served), and two builds sharing a store never see half an entry.

One environment variable, ``GRADBOOK_CACHE``, moves the store (the build's and the CLI's).

Entries are never evicted because a build did not ask for them (a ``--dirty`` rebuild asks for one
page, and the next full build would pay for everything else): a kind that grows with each edit
(executed notebooks) is pruned by age instead, with ``touch`` on every use and ``prune`` after a build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import Any

FORMAT = b"GBSTORE1"
ENV = "GRADBOOK_CACHE"


def cache_root(default: Path | str) -> Path:
    """The store's folder: ``$GRADBOOK_CACHE`` if set, else ``default``."""
    return Path(os.environ.get(ENV) or default)


def user_cache_root() -> Path:
    """The command line's store when ``GRADBOOK_CACHE`` is unset: ``~/.cache/gradbook`` (XDG)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return cache_root(Path(base) / "gradbook")


def key(kind: str, **parts: Any) -> str:
    """The store key of a ``kind`` entry that depends on ``parts`` (JSON-serialisable values)."""
    h = hashlib.sha256(FORMAT + b" " + kind.encode() + b"\n")
    h.update(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read again only when its mtime or size changes."""
    stat = path.stat()
    return _file_digest(path, stat.st_mtime_ns, stat.st_size)


@cache
def _file_digest(path: Path, _mtime: int, _size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Store:
    """A folder of ``<kind>/<key[:2]>/<key>.<ext>`` entries: a header line, then the payload."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, kind: str, key: str, ext: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.{ext}"

    def get(self, kind: str, key: str, ext: str) -> bytes | None:
        try:
            blob = self.path(kind, key, ext).read_bytes()
        except FileNotFoundError:
            return None
        header, sep, payload = blob.partition(b"\n")
        parts = header.split(b" ")
        if not sep or len(parts) != 4 or parts[0] != FORMAT or parts[1] != kind.encode():
            return None
        if parts[3] != str(len(payload)).encode():
            return None
        if hashlib.sha256(payload).hexdigest().encode() != parts[2]:
            return None
        return payload

    def put(self, kind: str, key: str, ext: str, payload: bytes) -> None:
        path = self.path(kind, key, ext)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(payload).hexdigest().encode()
        header = b"%s %s %s %d\n" % (FORMAT, kind.encode(), digest, len(payload))
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:8]}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(header + payload)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)  # atomic: readers see the old entry or the whole new one
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def touch(self, kind: str, key: str, ext: str) -> None:
        """Mark an entry as used now (its mtime), so ``prune`` keeps it."""
        try:
            os.utime(self.path(kind, key, ext))
        except FileNotFoundError:
            pass

    def prune(self, kind: str, max_age_days: float) -> int:
        """Delete ``kind`` entries neither written nor touched for ``max_age_days``; how many went."""
        cutoff, gone = time.time() - max_age_days * 86400, 0
        for entry in (self.root / kind).glob("*/*"):
            try:
                if entry.is_file() and entry.stat().st_mtime < cutoff:
                    entry.unlink()
                    gone += 1
            except FileNotFoundError:  # another build pruned it first
                pass
        return gone
